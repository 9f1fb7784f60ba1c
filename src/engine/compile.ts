/**
 * Compiling the rule set. Happens once per run: every rule's configuration (enabled, priority,
 * knobs) is resolved and validated, all problems are collected and reported together, and rules are
 * indexed by event name so that each event only meets the rules that can match it.
 */
import type { Config, Priority, RuleSetting } from '../config/schema.js';
import { TrailhoundError } from '../errors.js';
import type { ApiEvent } from '../model/event.js';
import { globMatch } from '../util/glob.js';
import type { ApiMatchRule, FlowMatchRule, Knobs, Rule, RuleContext } from './rule.js';

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

export interface CompiledRuleSet {
  /** Every enabled rule, in registry order. */
  rules: readonly CompiledRule[];
  byId: ReadonlyMap<string, CompiledRule>;
  /** Match rules for an API event: indexed by name, plus the ones that listen to every event. */
  apiRulesFor(e: ApiEvent): readonly CompiledApiRule[];
  flowRules: readonly CompiledFlowRule[];
  /** Rules of the stateful kinds, evaluated by the stateful stage. */
  stateful: readonly CompiledRule[];
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
  const byName = new Map<string, CompiledApiRule[]>();
  const anyApi: CompiledApiRule[] = [];
  const flowRules: CompiledFlowRule[] = [];
  const stateful: CompiledRule[] = [];

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
      stateful.push(compiled);
      continue;
    }
    if (rule.on === 'flow') {
      flowRules.push(compiled as CompiledFlowRule);
    } else if (rule.on.eventNames === '*') {
      anyApi.push(compiled as CompiledApiRule);
    } else {
      for (const name of rule.on.eventNames) {
        let list = byName.get(name);
        if (list === undefined) byName.set(name, (list = []));
        list.push(compiled as CompiledApiRule);
      }
    }
  }
  for (const pattern of Object.keys(config.rules)) {
    if (!used.has(pattern)) problems.push(`rules.${pattern}: matches no rule id`);
  }
  if (problems.length > 0) {
    throw new TrailhoundError('config', `${problems.length} problem(s) in rule settings`, {
      details: problems,
    });
  }

  const empty: readonly CompiledApiRule[] = [];
  const cacheByName = new Map<string, readonly CompiledApiRule[]>();
  return {
    rules,
    byId,
    flowRules,
    stateful,
    apiRulesFor(e: ApiEvent): readonly CompiledApiRule[] {
      let list = cacheByName.get(e.eventName);
      if (list === undefined) {
        const named = byName.get(e.eventName) ?? empty;
        list = anyApi.length === 0 ? named : [...named, ...anyApi];
        cacheByName.set(e.eventName, list);
      }
      if (list.length === 0) return list;
      return list.filter((c) => {
        const sources = c.rule.on.eventSource;
        return sources === undefined || sources.includes(e.eventSource);
      });
    },
  };
}
