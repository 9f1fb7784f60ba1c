/**
 * Compiling the rule set. Happens once per run: every rule's configuration (enabled, priority,
 * knobs) is resolved and validated, all problems are collected and reported together, and rules are
 * indexed by event name so that each event only meets the rules that can match it.
 */
import type { Config, Priority, RuleSetting } from '../config/schema.js';
import { TrailhoundError } from '../errors.js';
import type { ApiEvent } from '../model/event.js';
import { globMatch } from '../util/glob.js';
import type {
  ApiMatchRule,
  ApiSelector,
  FlowMatchRule,
  Knobs,
  Rule,
  RuleContext,
  StatefulRule,
} from './rule.js';

export interface CompiledRule {
  rule: Rule;
  ctx: RuleContext;
  priority: Priority;
  /** The rule's assumptions under this configuration (see `RuleMeta.assumptions`). */
  assumptions: readonly string[];
}

export interface CompiledApiRule extends CompiledRule {
  rule: ApiMatchRule;
}
export interface CompiledFlowRule extends CompiledRule {
  rule: FlowMatchRule;
}
export interface CompiledStatefulRule extends CompiledRule {
  rule: StatefulRule;
}

export interface CompiledRuleSet {
  /** Every enabled rule, in registry order. */
  rules: readonly CompiledRule[];
  byId: ReadonlyMap<string, CompiledRule>;
  /** Match rules for an API event: indexed by name, plus the ones that listen to every event. */
  apiRulesFor(e: ApiEvent): readonly CompiledApiRule[];
  flowRules: readonly CompiledFlowRule[];
  /** Rules of the stateful kinds, evaluated by the stateful stage. */
  stateful: readonly CompiledStatefulRule[];
  /** Stateful rules that select an API event (by name and source, like match rules). */
  statefulApiFor(e: ApiEvent): readonly CompiledStatefulRule[];
  statefulFlow: readonly CompiledStatefulRule[];
}

/** Event name and source pairs an index remembers at most (real trails have a few thousand). */
const CACHE_LIMIT = 50_000;

/**
 * Rules indexed by event name, plus the ones that listen to every API event, filtered by event
 * source; the answer is cached per name and source, so an event costs two map lookups.
 */
class ApiIndex<C extends CompiledRule & { rule: { on: ApiSelector | 'flow' } }> {
  private readonly byName = new Map<string, C[]>();
  private readonly any: C[] = [];
  /**
   * By event name, then event source: the rules that see such an event. Names and sources come
   * from the input, so it is emptied when it holds `CACHE_LIMIT` pairs.
   */
  private readonly cache = new Map<string, Map<string, readonly C[]>>();
  private cached = 0;

  add(c: C, on: ApiSelector): void {
    if (on.eventNames === '*') {
      this.any.push(c);
      return;
    }
    for (const name of on.eventNames) {
      let list = this.byName.get(name);
      if (list === undefined) this.byName.set(name, (list = []));
      list.push(c);
    }
  }

  for(e: ApiEvent): readonly C[] {
    let bySource = this.cache.get(e.eventName);
    if (bySource === undefined) this.cache.set(e.eventName, (bySource = new Map()));
    let list = bySource.get(e.eventSource);
    if (list === undefined) {
      const named = this.byName.get(e.eventName) ?? [];
      list = [...named, ...this.any].filter((c) => {
        const on = c.rule.on;
        const sources = on === 'flow' ? undefined : on.eventSource;
        return sources === undefined || sources.includes(e.eventSource);
      });
      if (++this.cached > CACHE_LIMIT) {
        this.cache.clear();
        this.cached = 1;
        this.cache.set(e.eventName, (bySource = new Map()));
      }
      bySource.set(e.eventSource, list);
    }
    return list;
  }
}

/** Settings for one rule: the exact id wins over globs; among globs the longer pattern wins. */
function settingFor(
  id: string,
  settings: Record<string, RuleSetting>,
  used: Set<string>,
): RuleSetting {
  const matching = Object.keys(settings)
    .filter((p) => p === id || (p.includes('*') || p.includes('?') ? globMatch(p, id) : false))
    .sort((a, b) => (a === id ? 1 : b === id ? -1 : a.length - b.length));
  const merged: RuleSetting = {};
  for (const p of matching) {
    used.add(p);
    const s = settings[p];
    if (s === undefined) continue;
    if (s.enabled !== undefined) merged.enabled = s.enabled;
    if (s.priority !== undefined) merged.priority = s.priority;
    if (s.knobs !== undefined) merged.knobs = { ...merged.knobs, ...s.knobs };
  }
  return merged;
}

function resolveKnobs(
  rule: Rule,
  overrides: Record<string, unknown> | undefined,
  problems: string[],
): Record<string, unknown> {
  const knobs: Knobs = rule.knobs;
  const values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, spec] of Object.entries(knobs)) values[name] = spec.default;
  for (const [name, value] of Object.entries(overrides ?? {})) {
    const spec = Object.hasOwn(knobs, name) ? knobs[name] : undefined;
    if (spec === undefined) {
      const known = Object.keys(knobs);
      problems.push(
        `rules.${rule.id}.knobs.${name}: unknown knob; expected one of ${known.length ? known.join(', ') : '(this rule has no knobs)'}`,
      );
      continue;
    }
    const parsed = spec.schema.safeParse(value);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      problems.push(`rules.${rule.id}.knobs.${name}: ${why}; found ${JSON.stringify(value)}`);
      continue;
    }
    values[name] = parsed.data;
  }
  return values;
}

/**
 * Compiles `registry` under `config`. Throws one `TrailhoundError` listing every problem (unknown
 * knob, bad knob value, a settings pattern that names no rule) so they can all be fixed at once.
 */
export function compileRules(registry: readonly Rule[], config: Config): CompiledRuleSet {
  const problems: string[] = [];
  const used = new Set<string>();
  const rules: CompiledRule[] = [];
  const byId = new Map<string, CompiledRule>();
  const apiIndex = new ApiIndex<CompiledApiRule>();
  const flowRules: CompiledFlowRule[] = [];
  const stateful: CompiledStatefulRule[] = [];
  const statefulIndex = new ApiIndex<CompiledStatefulRule>();
  const statefulFlow: CompiledStatefulRule[] = [];

  for (const rule of registry) {
    if (byId.has(rule.id)) problems.push(`${rule.id}: duplicate rule id`);
    const setting = settingFor(rule.id, config.rules, used);
    const knobs = resolveKnobs(rule, setting.knobs, problems);
    if (setting.enabled === false) continue;
    const priority = setting.priority ?? rule.priority;
    const ctx: RuleContext = {
      knobs,
      org: config.organisation,
      priority,
      intelLists: config.intel.lists.map((l) => l.name),
    };
    const compiled: CompiledRule = {
      rule,
      ctx,
      priority,
      assumptions: rule.assumptions?.(ctx) ?? [],
    };
    rules.push(compiled);
    byId.set(rule.id, compiled);
    if (rule.kind !== 'match') {
      const c = compiled as CompiledStatefulRule;
      stateful.push(c);
      if (rule.on === 'flow') statefulFlow.push(c);
      else statefulIndex.add(c, rule.on);
      continue;
    }
    if (rule.on === 'flow') flowRules.push(compiled as CompiledFlowRule);
    else apiIndex.add(compiled as CompiledApiRule, rule.on);
  }
  for (const pattern of Object.keys(config.rules)) {
    if (!used.has(pattern)) problems.push(`rules.${pattern}: matches no rule id`);
  }
  if (problems.length > 0) {
    throw new TrailhoundError('config', `${problems.length} problem(s) in rule settings`, {
      details: problems,
    });
  }

  return {
    rules,
    byId,
    flowRules,
    stateful,
    statefulFlow,
    apiRulesFor: (e) => apiIndex.for(e),
    statefulApiFor: (e) => statefulIndex.for(e),
  };
}
