/**
 * The `sequence` kind: several named steps by one key within an event-time window, in any order,
 * or in step order when the rule says `ordered` (step 1 ≤ step 2 ≤ … in event time; equal times
 * count as in order). Per key it keeps, for each step, the latest few signals that satisfied it and
 * are still young enough to join a chain. Once every step has a signal and a chain of distinct
 * signals fits in the window, it emits one group (the tightest chain found) and forgets the key's
 * progress, so the same chain never fires twice; a later, complete chain fires again.
 *
 * Signals arriving out of order are placed by their event time, so a step-1 signal that arrives
 * after step 2 but happened before it still completes an ordered chain. Candidates older than the
 * key's newest time − window − lateness can no longer join a chain with anything still to come,
 * and are dropped. One signal never fills two steps of the same chain (a grant and its use must be
 * two events), though it may wait as a candidate for several.
 */
import { TrailhoundError } from '../../errors.js';
import type { Origin } from '../../model/event.js';
import type { Group, SequenceRule, Signal } from '../rule.js';
import { hold, type HeldSignal, type KindFactory } from './types.js';

export interface SequenceState {
  /** Per step, by its index in `stepNames`: candidates ascending by time (ties in arrival order). */
  steps: HeldSignal[][];
}

/** Candidates kept per step and key; the latest in event time stay. */
export const PER_STEP = 4;

/** The record a signal came from: a record gives one signal per rule, so this identifies it. */
function identity(h: HeldSignal): string {
  const o: Origin = h.origin;
  return `${o.file}\n${o.line ?? ''}\n${o.index ?? ''}\n${h.eventId ?? ''}`;
}

/** Index of the first candidate later than `time`: a new one goes after its equals. */
function upperBound(list: readonly HeldSignal[], time: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as HeldSignal).time <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Fills steps `i…` with distinct candidates whose times lie in [lo, hi] (and, when ordered, not
 * before the previous step's), earliest first; backtracks only when a signal waits for two steps.
 */
function fill(
  steps: readonly (readonly HeldSignal[])[],
  i: number,
  lo: number,
  hi: number,
  ordered: boolean,
  picks: HeldSignal[],
  used: Set<string>,
): boolean {
  if (i === steps.length) return true;
  const prev = picks[i - 1];
  const floor = ordered && prev !== undefined ? Math.max(lo, prev.time) : lo;
  for (const c of steps[i] as readonly HeldSignal[]) {
    if (c.time < floor) continue;
    if (c.time > hi) break;
    const id = identity(c);
    if (used.has(id)) continue;
    used.add(id);
    picks[i] = c;
    if (fill(steps, i + 1, lo, hi, ordered, picks, used)) return true;
    used.delete(id);
  }
  picks.length = i;
  return false;
}

/**
 * The chain with the smallest span that fits in the window, one signal per step (by step index),
 * or undefined. Ordered chains start at a step-1 candidate; unordered ones at any candidate's time.
 */
export function findChain(
  steps: readonly (readonly HeldSignal[])[],
  ordered: boolean,
  windowMs: number,
): HeldSignal[] | undefined {
  if (steps.some((l) => l.length === 0)) return undefined;
  let best: HeldSignal[] | undefined;
  let bestSpan = Infinity;
  const consider = (picks: HeldSignal[]): void => {
    let min = Infinity;
    let max = -Infinity;
    for (const p of picks) {
      if (p.time < min) min = p.time;
      if (p.time > max) max = p.time;
    }
    if (max - min < bestSpan) {
      bestSpan = max - min;
      best = [...picks];
    }
  };
  if (ordered) {
    for (const start of steps[0] as readonly HeldSignal[]) {
      const picks = [start];
      const used = new Set([identity(start)]);
      if (fill(steps, 1, start.time, start.time + windowMs, true, picks, used)) consider(picks);
    }
  } else {
    const anchors = [...new Set(steps.flatMap((l) => l.map((c) => c.time)))].sort((a, b) => a - b);
    for (const a of anchors) {
      const picks: HeldSignal[] = [];
      if (fill(steps, 0, a, a + windowMs, false, picks, new Set())) consider(picks);
    }
  }
  return best;
}

export const sequenceKind: KindFactory<SequenceRule> = (k) => {
  const { rule, ctx } = k.rule;
  const windowMs = rule.windowMs(ctx);
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new TrailhoundError(
      'rule',
      `${rule.id}: windowMs must be a positive number of ms; found ${windowMs}`,
    );
  }
  const names = rule.stepNames;
  if (names.length === 0 || new Set(names).size !== names.length) {
    throw new TrailhoundError(
      'rule',
      `${rule.id}: stepNames must be distinct and not empty; found ${JSON.stringify(names)}`,
    );
  }
  const indexOf = new Map(names.map((n, i) => [n, i]));
  let newest = -Infinity;
  // This evaluator is the namespace's only writer, so counting its own inserts and deletes saves
  // asking the store on every signal.
  let size = k.store.count(k.ns);

  const full = (key: string, h: HeldSignal): Signal => ({ ...h, ruleId: rule.id, key });

  const groupOf = (key: string, chain: readonly HeldSignal[]): Group => {
    const order = chain
      .map((h, step) => ({ h, step }))
      .sort((a, b) => a.h.time - b.h.time || a.step - b.step);
    const first = (order[0] as (typeof order)[number]).h;
    const last = (order[order.length - 1] as (typeof order)[number]).h;
    const evidence = order.slice(0, k.maxEvidence);
    const eventIds: string[] = [];
    for (const o of evidence) if (o.h.eventId !== undefined) eventIds.push(o.h.eventId);
    return {
      key,
      first: full(key, first),
      last: full(key, last),
      count: chain.length,
      values: order.map((o) => names[o.step] as string),
      figures: {
        steps: chain.length,
        windowMinutes: round2(windowMs / 60_000),
        spanMinutes: round2((last.time - first.time) / 60_000),
      },
      eventIds,
      origins: evidence.map((o) => o.h.origin),
    };
  };

  return {
    observe(s) {
      if (s.time < newest - k.latenessMs) k.stats.late++;
      if (s.time > newest) newest = s.time;
      const satisfied = new Set<number>();
      for (const name of s.steps ?? []) {
        const i = indexOf.get(name);
        if (i !== undefined) satisfied.add(i);
      }
      if (satisfied.size === 0) return;

      const stored = k.store.get<SequenceState>(k.ns, s.key);
      // A state written under other step names (the rule changed between runs) cannot be read.
      const st: SequenceState =
        stored !== undefined && stored.steps.length === names.length
          ? stored
          : { steps: names.map(() => []) };
      const held = hold(s);
      const id = identity(held);
      for (const i of satisfied) {
        const list = st.steps[i] as HeldSignal[];
        // The same record seen again (a second hunt over the same files) is one candidate.
        if (list.some((c) => identity(c) === id)) continue;
        list.splice(upperBound(list, held.time), 0, held);
      }

      let keyNewest = -Infinity;
      for (const list of st.steps) {
        const t = list[list.length - 1]?.time;
        if (t !== undefined && t > keyNewest) keyNewest = t;
      }
      const horizon = keyNewest - windowMs - k.latenessMs;
      for (const list of st.steps) {
        let stale = 0;
        while (stale < list.length && (list[stale] as HeldSignal).time < horizon) stale++;
        const drop = Math.max(stale, list.length - PER_STEP);
        if (drop > 0) list.splice(0, drop);
      }

      const chain = findChain(st.steps, rule.ordered, windowMs);
      if (chain !== undefined) {
        if (stored !== undefined) {
          k.store.delete(k.ns, s.key);
          size--;
        }
        k.emit(groupOf(s.key, chain));
        return;
      }
      k.store.set(k.ns, s.key, st);
      if (stored === undefined && ++size > k.maxEntities) {
        const gone = k.store.evict(k.ns, k.maxEntities);
        k.stats.evicted += gone;
        size -= gone;
      }
    },
    finish() {
      // An incomplete chain is no finding; nothing is pending.
    },
  };
};
