/**
 * The contract between the stateful stage and one detection kind. The stage creates one evaluator
 * per enabled stateful rule and feeds it that rule's signals in a fixed order (input files ordered
 * by the time in their names, then records in file order). An evaluator keeps its state only in
 * `store`, under namespace `ns`, keyed by `signal.key`, and reports a firing through `emit`.
 */
import type { StateStore } from '../../state/store.js';
import type { CompiledStatefulRule } from '../compile.js';
import type { Group, Signal, StatefulRule } from '../rule.js';

/** A signal as held in state; the rule id and key are implied by the namespace and state key. */
export type HeldSignal = Omit<Signal, 'ruleId' | 'key'>;

/**
 * `s` without the rule id and key, which the namespace and state key already say. Built by rest
 * destructuring, not by deleting from a copy: deleting properties turns an object into a hash
 * table, several hundred bytes larger and slower to read, and state holds one per tracked key.
 */
export function hold(s: Signal): HeldSignal {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { ruleId, key, ...held } = s;
  return held;
}

export interface KindContext<R extends StatefulRule = StatefulRule> {
  rule: CompiledStatefulRule & { rule: R };
  store: StateStore;
  /** The rule's namespace in the store. */
  ns: string;
  /** Keys tracked per rule at most; the least recently used beyond it are evicted and counted. */
  maxEntities: number;
  /**
   * How far behind the newest event time seen a signal may arrive and still be placed correctly in
   * windows; older signals are counted as late (and still processed as well as the state allows).
   */
  latenessMs: number;
  /** At most this many event ids and origins are kept as a group's evidence. */
  maxEvidence: number;
  emit(group: Group): void;
  /** Counters the run summary reports. */
  stats: { evicted: number; late: number };
}

export interface KindEvaluator {
  observe(signal: Signal): void;
  /** End of input: report anything still pending. */
  finish(): void;
}

export type KindFactory<R extends StatefulRule = StatefulRule> = (
  k: KindContext<R>,
) => KindEvaluator;
