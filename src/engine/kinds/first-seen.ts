/**
 * The `firstSeen` kind: per key, the values seen so far (a principal's countries, a caller's
 * roles), firing when a value new for its key appears after the learning period. The learning
 * period starts at the time of the first signal the rule ever saw and is kept in state (namespace
 * `<ns>#meta`), so with a persistent store a second run goes on from what the first one learned
 * instead of learning again. A signal is judged by its own event time: one that arrives out of
 * order with a time inside the learning period is recorded silently, whenever it arrives.
 *
 * A key that was never seen counts as having no values, so its first value after learning fires.
 * Each key keeps at most `MAX_VALUES_PER_KEY` values, dropping the one least recently seen (by
 * event time); a dropped value, like every value of an evicted key, is news again when it returns.
 */
import { TrailhoundError } from '../../errors.js';
import type { FirstSeenRule, Group, Signal } from '../rule.js';
import type { KindFactory } from './types.js';

/** Values kept per key at most. */
export const MAX_VALUES_PER_KEY = 1_000;

/** The known values of one key, with the latest event time each was seen (parallel arrays). */
export interface KnownValues {
  values: string[];
  lastSeen: number[];
}

/** Kept under `<ns>#meta`, key `LEARNING_KEY`. */
export interface LearningState {
  /** Event time of the first signal the rule ever saw; learning ends `learningMs` later. */
  since: number;
}
export const LEARNING_KEY = 'learning';

export const firstSeenKind: KindFactory<FirstSeenRule> = (k) => {
  const { rule, ctx } = k.rule;
  const learningMs = rule.learningMs(ctx);
  if (!Number.isFinite(learningMs) || learningMs < 0) {
    throw new TrailhoundError(
      'rule',
      `${rule.id}: learningMs must be a number of ms ≥ 0; found ${learningMs}`,
    );
  }
  const metaNs = `${k.ns}#meta`;
  let since = k.store.get<LearningState>(metaNs, LEARNING_KEY)?.since;
  let newest = -Infinity;
  let size = k.store.count(k.ns);
  // Value → position, derived from a key's arrays. An in-memory store hands back the object it was
  // given, so the index survives between signals; a serialising store hands back a fresh object
  // and the index is rebuilt from it. Either way the arrays in the store are the truth.
  const indexes = new WeakMap<KnownValues, Map<string, number>>();
  const indexOf = (known: KnownValues): Map<string, number> => {
    let index = indexes.get(known);
    if (index === undefined) {
      index = new Map(known.values.map((v, i) => [v, i]));
      indexes.set(known, index);
    }
    return index;
  };

  const groupOf = (s: Signal, value: string, knownBefore: number, learnedSince: number): Group => ({
    key: s.key,
    first: s,
    last: s,
    count: 1,
    values: [value],
    figures: { learnedSince: new Date(learnedSince).toISOString(), knownValues: knownBefore },
    eventIds: s.eventId === undefined ? [] : [s.eventId].slice(0, k.maxEvidence),
    origins: [s.origin].slice(0, k.maxEvidence),
  });

  return {
    observe(s) {
      // Lateness is judged on signal times alone: a folded signal's `until` is an event later in
      // its chunk, and the chunk's next signals, whose first events came before that one, are
      // not out of order.
      if (s.time < newest - k.latenessMs) k.stats.late++;
      if (s.time > newest) newest = s.time;
      // A folded signal (signals.ts) stands for later uses of the same value up to `until`.
      const latest = s.until !== undefined && s.until > s.time ? s.until : s.time;
      const value = s.value;
      // signals.ts gives every firstSeen signal a value; one without has nothing to learn.
      if (value === undefined) return;
      if (since === undefined) {
        since = s.time;
        k.store.set(metaNs, LEARNING_KEY, { since } satisfies LearningState);
      }

      const stored = k.store.get<KnownValues>(k.ns, s.key);
      const known: KnownValues = stored ?? { values: [], lastSeen: [] };
      const index = indexOf(known);
      const at = index.get(value);
      if (at !== undefined) {
        if (latest > (known.lastSeen[at] as number)) known.lastSeen[at] = latest;
        k.store.set(k.ns, s.key, known);
        return;
      }

      const knownBefore = known.values.length;
      index.set(value, known.values.length);
      known.values.push(value);
      known.lastSeen.push(latest);
      if (known.values.length > MAX_VALUES_PER_KEY) {
        let drop = 0;
        for (let i = 1; i < known.lastSeen.length; i++) {
          if ((known.lastSeen[i] as number) < (known.lastSeen[drop] as number)) drop = i;
        }
        known.values.splice(drop, 1);
        known.lastSeen.splice(drop, 1);
        indexes.delete(known);
      }
      k.store.set(k.ns, s.key, known);
      if (stored === undefined && ++size > k.maxEntities) {
        const gone = k.store.evict(k.ns, k.maxEntities);
        k.stats.evicted += gone;
        size -= gone;
      }
      if (s.time >= since + learningMs) {
        k.emit(groupOf(s, value, knownBefore, since));
      }
    },
    finish() {
      // A new value is reported the moment it is seen; nothing is pending.
    },
  };
};
