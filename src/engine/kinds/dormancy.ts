/**
 * The `dormancy` kind: per key, the latest event time it was seen, firing when a signal comes at
 * least `dormantMs` after the key's previous latest time (a long-term access key used again after
 * months). A key with no history does not fire: within one run that means its first appearance
 * never fires, while with a persistent store the history of earlier runs counts, so a key last
 * used in a previous run's input fires when it returns after the dormant period.
 *
 * The latest time only moves forward, so a signal arriving out of order (earlier than the latest
 * time already recorded) neither fires nor rewinds the history. An evicted key loses its history
 * and so cannot fire on its return: eviction costs a possible miss, never a false alarm.
 */
import { TrailhoundError } from '../../errors.js';
import type { DormancyRule, Group, Signal } from '../rule.js';
import type { KindFactory } from './types.js';

export interface LastSeenState {
  /** The latest event time the key was seen, epoch ms. */
  last: number;
}

const DAY_MS = 24 * 60 * 60_000;

export const dormancyKind: KindFactory<DormancyRule> = (k) => {
  const { rule, ctx } = k.rule;
  const dormantMs = rule.dormantMs(ctx);
  if (!Number.isFinite(dormantMs) || dormantMs <= 0) {
    throw new TrailhoundError(
      'rule',
      `${rule.id}: dormantMs must be a positive number of ms; found ${dormantMs}`,
    );
  }
  let newest = -Infinity;
  let size = k.store.count(k.ns);

  const groupOf = (s: Signal, lastSeen: number): Group => ({
    key: s.key,
    first: s,
    last: s,
    count: 1,
    values: [],
    figures: {
      // Tenths of a day, rounded down, so a gap just short of N days never reads as N.
      dormantDays: Math.floor(((s.time - lastSeen) / DAY_MS) * 10) / 10,
      lastSeen: new Date(lastSeen).toISOString(),
    },
    eventIds: s.eventId === undefined ? [] : [s.eventId].slice(0, k.maxEvidence),
    origins: [s.origin].slice(0, k.maxEvidence),
  });

  return {
    observe(s) {
      // Lateness is judged on signal times alone (see first-seen.ts).
      if (s.time < newest - k.latenessMs) k.stats.late++;
      if (s.time > newest) newest = s.time;
      // A folded signal (signals.ts) stands for later uses of the key up to `until`, none of
      // which came a dormant period after the one before it.
      const latest = s.until !== undefined && s.until > s.time ? s.until : s.time;
      const stored = k.store.get<LastSeenState>(k.ns, s.key);
      if (stored === undefined) {
        k.store.set(k.ns, s.key, { last: latest } satisfies LastSeenState);
        if (++size > k.maxEntities) {
          const gone = k.store.evict(k.ns, k.maxEntities);
          k.stats.evicted += gone;
          size -= gone;
        }
        return;
      }
      const previous = stored.last;
      if (latest > previous) stored.last = latest;
      // Set even when unchanged: the key was just used, which keeps it from eviction.
      k.store.set(k.ns, s.key, stored);
      if (s.time - previous >= dormantMs) k.emit(groupOf(s, previous));
    },
    finish() {
      // A return from dormancy is reported the moment it is seen; nothing is pending.
    },
  };
};
