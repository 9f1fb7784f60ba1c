/**
 * The stateful stage: the one owner of detection state in a run. It receives signals (see
 * signals.ts) in a fixed order, hands each to the evaluator of its rule's kind, and turns what the
 * evaluators emit into hits for the findings stage. State lives in a `StateStore`, so the same
 * stage serves one-shot hunts (memory) and runs that build on earlier ones (SQLite).
 */
import type { Hit } from '../findings/finding.js';
import type { StateStore } from '../state/store.js';
import type { CompiledRuleSet, CompiledStatefulRule } from './compile.js';
import { KINDS } from './kinds/index.js';
import type { KindContext, KindEvaluator } from './kinds/types.js';
import type { Group, Signal } from './rule.js';

export interface StatefulOptions {
  /** Keys tracked per rule at most (default 100,000). */
  maxEntities?: number;
  /** Out-of-order tolerance in event time (default 30 minutes: CloudTrail delivers within ~15). */
  latenessMs?: number;
  maxEvidence: number;
  /** Takes each hit as it is made; `finish` then returns none. By default hits are kept for it. */
  onHit?: (hit: Hit) => void;
}

export interface StatefulStats {
  /** Keys held in state at the end, over all rules. */
  tracked: number;
  evicted: number;
  late: number;
  /** Rule functions that threw while describing a group. */
  failures: { ruleId: string; message: string }[];
}

export interface StatefulStage {
  observe(signals: readonly Signal[]): void;
  /**
   * Ends the input: evaluators report what is pending; returns every hit of the run (none when
   * `onHit` took them).
   */
  finish(): Hit[];
  stats(): StatefulStats;
}

export const DEFAULT_MAX_ENTITIES = 100_000;
export const DEFAULT_LATENESS_MS = 30 * 60_000;

export function createStatefulStage(
  set: CompiledRuleSet,
  store: StateStore,
  opts: StatefulOptions,
): StatefulStage {
  const hits: Hit[] = [];
  const keep = opts.onHit ?? ((h: Hit) => hits.push(h));
  const stats = { evicted: 0, late: 0 };
  const failures: StatefulStats['failures'] = [];
  const evaluators = new Map<string, KindEvaluator>();

  const toHit = (c: CompiledStatefulRule, g: Group): void => {
    try {
      keep({
        ruleId: c.rule.id,
        key: g.key,
        priority: c.rule.priorityOf?.(g, c.ctx) ?? c.priority,
        summary: c.rule.summary(g, c.ctx),
        time: g.first.time,
        lastTime: g.last.time,
        count: g.count,
        eventIds: [...g.eventIds],
        origins: [...g.origins],
        account: g.last.account,
        region: g.last.region,
        actor: g.last.actor,
        figures: { ...g.figures },
      });
    } catch (err) {
      failures.push({
        ruleId: c.rule.id,
        message: err instanceof Error ? err.message : String(err),
      });
    }
  };

  for (const c of set.stateful) {
    const k: KindContext = {
      rule: c,
      store,
      ns: c.rule.id,
      maxEntities: opts.maxEntities ?? DEFAULT_MAX_ENTITIES,
      latenessMs: opts.latenessMs ?? DEFAULT_LATENESS_MS,
      maxEvidence: opts.maxEvidence,
      emit: (g) => toHit(c, g),
      stats,
    };
    evaluators.set(c.rule.id, (KINDS[c.rule.kind] as (k: KindContext) => KindEvaluator)(k));
  }

  return {
    observe(signals) {
      for (const s of signals) evaluators.get(s.ruleId)?.observe(s);
    },
    finish() {
      for (const e of evaluators.values()) e.finish();
      return hits;
    },
    stats() {
      let tracked = 0;
      for (const c of set.stateful) tracked += store.count(c.rule.id);
      return { tracked, evicted: stats.evicted, late: stats.late, failures };
    },
  };
}
