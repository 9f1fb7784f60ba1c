/**
 * The `baseline` kind: per key, the sum of `signal.amount` in fixed event-time buckets of
 * `bucketMs` (aligned to the epoch), each closed bucket compared with the key's own history of
 * bucket totals by robust statistics. A bucket fires when it holds at least `minHistory` buckets
 * of history, its total is at least `minAmount`, and the total exceeds
 * median + deviations × 1.4826 × MAD, where MAD (the median absolute deviation) is floored at
 * max(MAD, 1, 0.1 × median) so a perfectly steady history does not turn the smallest change into
 * a spike. Then the bucket joins the history (spike or not: the median and MAD shrug off a few).
 *
 * History is the last `HISTORY` bucket totals of the key (more when the rule's `minHistory` asks
 * for more, up to `MAX_HISTORY`), counting the quiet buckets between two active ones as zeros; the
 * time before a key's first activity is not history. A bucket stays open until the newest event
 * time seen passes its end by the lateness bound (or until `finish()`), so signals arriving out of
 * order within that bound land in their own bucket. A signal for a bucket already evaluated is
 * counted late and added to that bucket's place in the history, never re-evaluated. Closing waits
 * for the key's next signal or the end of input; since a key's history only changes when its own
 * buckets close, in order, when that happens does not change what fires.
 */
import { TrailhoundError } from '../../errors.js';
import type { Origin } from '../../model/event.js';
import type { BaselineRule, Group, Signal } from '../rule.js';
import { hold, type HeldSignal, type KindFactory } from './types.js';

export interface OpenBucket {
  /** Bucket start, epoch ms, a multiple of the bucket length. */
  start: number;
  total: number;
  /** Signals in the bucket. */
  count: number;
  first: HeldSignal;
  last: HeldSignal;
  /** Evidence, in arrival order, capped at `maxEvidence`. */
  eventIds: string[];
  origins: Origin[];
}

export interface BaselineState {
  /** Buckets still accepting signals, ascending by start. */
  open: OpenBucket[];
  /** Totals of closed buckets, oldest first, the last one being the bucket starting at `closed`. */
  history: number[];
  /** Start of the latest closed bucket; null before the first closes. */
  closed: number | null;
}

/** Bucket totals of history kept per key, unless the rule's `minHistory` needs more. */
export const HISTORY = 60;
export const MAX_HISTORY = 1_000;
/** Open buckets per key at most; more only happens with buckets much shorter than the lateness. */
export const MAX_OPEN = 64;
/** Scales a MAD to estimate a standard deviation for normally distributed data. */
export const MAD_SCALE = 1.4826;

const round2 = (x: number): number => Math.round(x * 100) / 100;

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const mid = n >>> 1;
  return n % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median and floored MAD of a history, and the total a bucket must exceed to fire. */
export function spikeThreshold(
  history: readonly number[],
  deviations: number,
): { median: number; mad: number; threshold: number } {
  const m = median([...history].sort((a, b) => a - b));
  const raw = median(history.map((x) => Math.abs(x - m)).sort((a, b) => a - b));
  const mad = Math.max(raw, 1, 0.1 * Math.abs(m));
  return { median: m, mad, threshold: m + deviations * MAD_SCALE * mad };
}

const compareKeys = (a: [string, unknown], b: [string, unknown]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

export const baselineKind: KindFactory<BaselineRule> = (k) => {
  const { rule, ctx } = k.rule;
  const bucketMs = rule.bucketMs(ctx);
  const minHistory = rule.minHistory(ctx);
  const deviations = rule.deviations(ctx);
  const minAmount = rule.minAmount(ctx);
  if (!Number.isFinite(bucketMs) || bucketMs <= 0) {
    throw new TrailhoundError(
      'rule',
      `${rule.id}: bucketMs must be a positive number of ms; found ${bucketMs}`,
    );
  }
  if (!Number.isInteger(minHistory) || minHistory < 1) {
    throw new TrailhoundError(
      'rule',
      `${rule.id}: minHistory must be an integer ≥ 1; found ${minHistory}`,
    );
  }
  if (!Number.isFinite(deviations) || deviations < 0 || !Number.isFinite(minAmount)) {
    throw new TrailhoundError(
      'rule',
      `${rule.id}: deviations must be a number ≥ 0 and minAmount a number; found ${deviations} and ${minAmount}`,
    );
  }
  const keep = Math.min(Math.max(HISTORY, minHistory), MAX_HISTORY);
  let newest = -Infinity;
  // This evaluator is the namespace's only writer, so counting its own inserts saves asking the
  // store on every signal.
  let size = k.store.count(k.ns);

  const full = (key: string, h: HeldSignal): Signal => ({ ...h, ruleId: rule.id, key });

  /** Closes `b` (the oldest open bucket): compares it with history, then adds it. */
  const close = (key: string, st: BaselineState, b: OpenBucket, out: Group[]): void => {
    if (st.closed !== null) {
      const quiet = Math.min(Math.round((b.start - st.closed) / bucketMs) - 1, keep);
      for (let i = 0; i < quiet; i++) st.history.push(0);
      if (st.history.length > keep) st.history.splice(0, st.history.length - keep);
    }
    if (st.history.length >= minHistory && b.total >= minAmount) {
      const { median: m, mad, threshold } = spikeThreshold(st.history, deviations);
      if (b.total > threshold) {
        out.push({
          key,
          first: full(key, b.first),
          last: full(key, b.last),
          count: b.count,
          values: [],
          figures: {
            observed: b.total,
            median: round2(m),
            mad: round2(mad),
            deviations,
            threshold: round2(threshold),
            bucketMinutes: round2(bucketMs / 60_000),
            history: st.history.length,
          },
          eventIds: [...b.eventIds],
          origins: [...b.origins],
        });
      }
    }
    st.history.push(b.total);
    if (st.history.length > keep) st.history.splice(0, st.history.length - keep);
    st.closed = b.start;
  };

  /** Closes the open buckets the lateness bound has passed (all of them when `all`). */
  const closeDue = (key: string, st: BaselineState, all: boolean, out: Group[]): void => {
    while (st.open.length > 0) {
      const b = st.open[0] as OpenBucket;
      const due = all || b.start + bucketMs + k.latenessMs <= newest || st.open.length > MAX_OPEN;
      if (!due) break;
      st.open.shift();
      close(key, st, b, out);
    }
  };

  const add = (st: BaselineState, start: number, h: HeldSignal, amount: number): void => {
    let i = 0;
    while (i < st.open.length && (st.open[i] as OpenBucket).start < start) i++;
    let b = st.open[i];
    if (b === undefined || b.start !== start) {
      b = { start, total: 0, count: 0, first: h, last: h, eventIds: [], origins: [] };
      st.open.splice(i, 0, b);
    }
    b.total += amount;
    // A folded signal (signals.ts) stands for `n` events; its amount is already their sum.
    b.count += h.n ?? 1;
    if (h.time < b.first.time) b.first = h;
    if (h.time >= b.last.time) b.last = h;
    if (h.eventId !== undefined && b.eventIds.length < k.maxEvidence) b.eventIds.push(h.eventId);
    if (b.origins.length < k.maxEvidence) b.origins.push(h.origin);
  };

  return {
    observe(s) {
      const amount = s.amount;
      if (amount === undefined || !Number.isFinite(amount)) return;
      let late = s.time < newest - k.latenessMs;
      if (s.time > newest) newest = s.time;
      const start = Math.floor(s.time / bucketMs) * bucketMs;
      const stored = k.store.get<BaselineState>(k.ns, s.key);
      const st: BaselineState = stored ?? { open: [], history: [], closed: null };
      const out: Group[] = [];

      if (st.closed !== null && start <= st.closed) {
        // Already evaluated: the amount still belongs to that bucket's place in the history.
        late = true;
        const at = st.history.length - 1 - Math.round((st.closed - start) / bucketMs);
        if (at >= 0) st.history[at] = (st.history[at] as number) + amount;
      } else {
        const held = hold(s);
        add(st, start, held, amount);
      }
      if (late) k.stats.late++;
      closeDue(s.key, st, false, out);

      k.store.set(k.ns, s.key, st);
      if (stored === undefined && ++size > k.maxEntities) {
        const gone = k.store.evict(k.ns, k.maxEntities);
        k.stats.evicted += gone;
        size -= gone;
      }
      for (const g of out) k.emit(g);
    },
    finish() {
      // Sorted by key so the groups come out in the same order whatever the store's order.
      const pending = [...k.store.entries<BaselineState>(k.ns)]
        .filter(([, st]) => st.open.length > 0)
        .sort(compareKeys);
      for (const [key, st] of pending) {
        const out: Group[] = [];
        closeDue(key, st, true, out);
        k.store.set(k.ns, key, st);
        for (const g of out) k.emit(g);
      }
    },
  };
};
