/**
 * The `threshold` kind: per key, a count of signals (or of distinct `signal.value`s when the rule
 * has `value`) within a sliding event-time window, firing once when the count reaches the rule's
 * threshold. A window is the half-open span (end − window, end] ending at a signal's time.
 *
 * One burst gives one group: after a firing whose window ends at E, the key stays quiet until a
 * window can start after E (its end later than E + window), so a burst that goes on for longer
 * than the window fires again as a new group that shares no signal with the first. Signals
 * arriving out of order are placed by their event time, so a late signal can complete a window in
 * the past. State per key is the signals that can still fall in a window (newer than the newest
 * time seen − lateness − window), at most threshold + `SLACK` of them, so it stays O(threshold);
 * a signal older than that is counted late and cannot complete a window. A key whose held signals
 * have all passed that horizon (and whose quiet time is over) is removed from state: its next
 * signal would have pruned them anyway, so this changes nothing but memory, which then follows
 * the keys active within a window rather than every key ever seen. Counting distinct values,
 * the cap drops repeats of a value first, so a group's `count` (signals in its window) may be lower
 * than the true number of calls while `observed` (distinct values) is exact.
 */
import { TrailhoundError } from '../../errors.js';
import type { Group, Signal, ThresholdRule } from '../rule.js';
import { createExpiry } from './expiry.js';
import { hold, type HeldSignal, type KindFactory } from './types.js';

export interface ThresholdState {
  /** Signals that can still fall in a window, ascending by time (ties in arrival order). */
  held: HeldSignal[];
  /** A window must end after this to fire: the last group's end + window (null: never fired). */
  quietUntil: number | null;
}

/**
 * Signals held beyond the threshold, so an out-of-order signal can still find the neighbours it
 * forms a window with after the newest ones filled the quota.
 */
export const SLACK = 16;
/** Distinct values listed in a group at most. */
export const MAX_GROUP_VALUES = 50;

/** Index of the first held signal later than `time`: a new signal goes after its equals. */
function upperBound(held: readonly HeldSignal[], time: number): number {
  let lo = 0;
  let hi = held.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((held[mid] as HeldSignal).time <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Which held signal to drop when over the cap. Counting signals, the oldest. Counting distinct
 * values, the oldest one whose value occurs again later (the later one serves every window the
 * old one could still matter for); only when every value is unique, the oldest.
 */
export function dropIndex(held: readonly HeldSignal[], distinct: boolean): number {
  if (!distinct) return 0;
  // Mostly the oldest value occurs again (a key at the cap repeats its values), which a scan for
  // it settles without building a set.
  const first = (held[0] as HeldSignal).value;
  for (let i = 1; i < held.length; i++) if ((held[i] as HeldSignal).value === first) return 0;
  const later = new Set<string | undefined>();
  let found = -1;
  for (let i = held.length - 1; i >= 0; i--) {
    const v = (held[i] as HeldSignal).value;
    if (later.has(v)) found = i;
    else later.add(v);
  }
  return found === -1 ? 0 : found;
}

/** The distinct values of `held[from..to)`, in order of first appearance. */
function distinctValues(
  held: readonly HeldSignal[],
  from = 0,
  to: number = held.length,
): Set<string> {
  const seen = new Set<string>();
  for (let i = from; i < to; i++) {
    const v = (held[i] as HeldSignal).value;
    if (v !== undefined) seen.add(v);
  }
  return seen;
}

export const thresholdKind: KindFactory<ThresholdRule> = (k) => {
  const { rule, ctx } = k.rule;
  const windowMs = rule.windowMs(ctx);
  const threshold = rule.threshold(ctx);
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new TrailhoundError(
      'rule',
      `${rule.id}: windowMs must be a positive number of ms; found ${windowMs}`,
    );
  }
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new TrailhoundError(
      'rule',
      `${rule.id}: threshold must be an integer ≥ 1; found ${threshold}`,
    );
  }
  const distinct = rule.value !== undefined;
  const cap = threshold + SLACK;
  let newest = -Infinity;
  // Keys in the namespace as far as this evaluator knows: it is the namespace's only writer, so
  // counting its own inserts saves asking the store on every signal.
  let size = k.store.count(k.ns);
  // A key whose held signals have all passed the horizon, and whose quiet time is over, is dead.
  const expiry = createExpiry(windowMs + k.latenessMs, (key, horizon) => {
    const st = k.store.get<ThresholdState>(k.ns, key);
    if (st === undefined) return;
    const last = st.held[st.held.length - 1];
    if ((last === undefined || last.time <= horizon) && (st.quietUntil ?? -Infinity) <= horizon) {
      k.store.delete(k.ns, key);
      size--;
    }
  });

  /** What the threshold is compared with, for the window `held[from..to)`. */
  const observed = (held: readonly HeldSignal[], from: number, to: number): number =>
    distinct ? distinctValues(held, from, to).size : to - from;

  const full = (key: string, h: HeldSignal): Signal => ({ ...h, ruleId: rule.id, key });

  const groupOf = (key: string, window: readonly HeldSignal[]): Group => {
    const evidence = window.slice(0, k.maxEvidence);
    const eventIds: string[] = [];
    for (const h of evidence) if (h.eventId !== undefined) eventIds.push(h.eventId);
    return {
      key,
      first: full(key, window[0] as HeldSignal),
      last: full(key, window[window.length - 1] as HeldSignal),
      // A folded signal (signals.ts) stands for `n` calls with the same value.
      count: window.reduce((sum, h) => sum + (h.n ?? 1), 0),
      values: [...distinctValues(window)].slice(0, MAX_GROUP_VALUES),
      figures: {
        threshold,
        observed: observed(window, 0, window.length),
        windowMinutes: windowMs / 60_000,
      },
      eventIds,
      origins: evidence.map((h) => h.origin),
    };
  };

  /**
   * Looks for a window containing the signal at `at` that reaches the threshold, earliest end
   * first. When one does, it is cut out of the held signals (nothing at or before its end can
   * fire again during the quiet time) and returned.
   */
  const fire = (key: string, st: ThresholdState, at: number): Group | undefined => {
    const held = st.held;
    const time = (held[at] as HeldSignal).time;
    let start = 0;
    for (let end = at; end < held.length; end++) {
      const endTime = (held[end] as HeldSignal).time;
      if (endTime - windowMs >= time) break;
      // The window ends with the last of the signals sharing this time.
      if (end + 1 < held.length && (held[end + 1] as HeldSignal).time === endTime) continue;
      if (st.quietUntil !== null && endTime <= st.quietUntil) continue;
      while ((held[start] as HeldSignal).time <= endTime - windowMs) start++;
      // Fewer signals than the threshold cannot hold as many distinct values either.
      if (end + 1 - start < threshold || observed(held, start, end + 1) < threshold) continue;
      const window = held.slice(start, end + 1);
      held.splice(0, end + 1);
      st.quietUntil = endTime + windowMs;
      return groupOf(key, window);
    }
    return undefined;
  };

  return {
    observe(s) {
      if (s.time < newest - k.latenessMs) k.stats.late++;
      if (s.time > newest) newest = s.time;
      const stored = k.store.get<ThresholdState>(k.ns, s.key);
      const st: ThresholdState = stored ?? { held: [], quietUntil: null };
      const placed = hold(s);
      st.held.splice(upperBound(st.held, s.time), 0, placed);

      const horizon = newest - k.latenessMs - windowMs;
      let stale = 0;
      while (stale < st.held.length && (st.held[stale] as HeldSignal).time <= horizon) stale++;
      if (stale > 0) st.held.splice(0, stale);
      while (st.held.length > cap) st.held.splice(dropIndex(st.held, distinct), 1);

      // Too late to be placed (older than every window still open), or dropped by the cap.
      const at = st.held.indexOf(placed);
      const group = at === -1 ? undefined : fire(s.key, st, at);

      k.store.set(k.ns, s.key, st);
      expiry.touch(s.key, st.held[st.held.length - 1]?.time ?? s.time);
      expiry.advance(horizon);
      if (stored === undefined && ++size > k.maxEntities) {
        const gone = k.store.evict(k.ns, k.maxEntities);
        k.stats.evicted += gone;
        size -= gone;
      }
      if (group !== undefined) k.emit(group);
    },
    finish() {
      // Every group is emitted the moment its window reaches the threshold; nothing is pending.
    },
  };
};
