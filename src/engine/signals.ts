/**
 * The worker side of stateful detection: for each event, every stateful rule that selects it turns
 * it into a `Signal` (its key, the value it counts, the facts its summary needs, where it came
 * from). Signals are plain data; the stateful stage on the main thread consumes them in a fixed
 * order, so the outcome does not depend on how files were spread over workers.
 */
import type { Event } from '../model/event.js';
import type { CompiledRuleSet, CompiledStatefulRule } from './compile.js';
import { apiActor } from './evaluate.js';
import type { RuleFailure } from './evaluate.js';
import type { Signal } from './rule.js';

function signalOf(c: CompiledStatefulRule, e: Event): Signal | undefined {
  const { rule, ctx } = c;
  if (rule.filter !== undefined && !rule.filter(e, ctx)) return undefined;
  const key = rule.key(e, ctx);
  if (key === undefined) return undefined;
  const s: Signal = {
    ruleId: rule.id,
    key,
    time: e.time,
    facts: rule.facts?.(e, ctx) ?? {},
    origin: e.origin,
    actor: e.kind === 'api' ? apiActor(e) : e.srcAddr === undefined ? {} : { sourceIp: e.srcAddr },
  };
  switch (rule.kind) {
    case 'threshold': {
      if (rule.value !== undefined) {
        const v = rule.value(e, ctx);
        if (v === undefined) return undefined;
        s.value = v;
      }
      break;
    }
    case 'firstSeen': {
      const v = rule.value(e, ctx);
      if (v === undefined) return undefined;
      s.value = v;
      break;
    }
    case 'sequence': {
      const steps = rule.steps(e, ctx);
      if (steps.length === 0) return undefined;
      s.steps = [...steps];
      break;
    }
    case 'baseline': {
      const amount = rule.amount(e, ctx);
      if (!Number.isFinite(amount)) return undefined;
      s.amount = amount;
      break;
    }
    case 'dormancy':
    case 'beacon':
      break;
  }
  if (e.kind === 'api' && e.eventId !== undefined) s.eventId = e.eventId;
  if (e.account !== undefined) s.account = e.account;
  if (e.region !== undefined) s.region = e.region;
  return s;
}

/** Appends the signals `e` gives to `out`; a rule function that throws becomes a failure. */
export function collectSignals(
  set: CompiledRuleSet,
  e: Event,
  out: Signal[],
  failures: RuleFailure[],
): void {
  const rules = e.kind === 'api' ? set.statefulApiFor(e) : set.statefulFlow;
  for (const c of rules) {
    try {
      const s = signalOf(c, e);
      if (s !== undefined) out.push(s);
    } catch (err) {
      failures.push({
        ruleId: c.rule.id,
        event: e,
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
