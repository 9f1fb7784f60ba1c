/**
 * The worker side of stateful detection: for each event, every stateful rule that selects it turns
 * it into a `Signal` (its key, the value it counts, the facts its summary needs, where it came
 * from). Signals are plain data; the stateful stage on the main thread consumes them in a fixed
 * order, so the outcome does not depend on how files were spread over workers.
 *
 * Most events give a signal that cannot change what fires: the hundredth call of a principal to a
 * service it already used in the same file tells a first-seen rule nothing new. A worker therefore
 * batches a file's signals in chunks of events (`createSignalBatcher`) and folds, within a chunk,
 * the ones whose only effect the signal it is folded into can carry (its count `n` and latest time
 * `until`). Facts, the costliest part, are computed only for the signals that remain. Chunks are
 * cut by record count within a file, so folding never depends on the number of workers.
 */
import type { Event } from '../model/event.js';
import type { CompiledRuleSet, CompiledStatefulRule } from './compile.js';
import { apiActor } from './evaluate.js';
import type { RuleFailure } from './evaluate.js';
import type { Signal } from './rule.js';

function signalOf(c: CompiledStatefulRule, e: Event): Signal | undefined {
  const s = bareSignal(c, e);
  if (s === undefined) return undefined;
  complete(c, e, s);
  return s;
}

/** The parts of a signal that decide whether it counts: key, value, steps, amount. */
function bareSignal(c: CompiledStatefulRule, e: Event): Signal | undefined {
  const { rule, ctx } = c;
  if (rule.filter !== undefined && !rule.filter(e, ctx)) return undefined;
  const key = rule.key(e, ctx);
  if (key === undefined) return undefined;
  const s: Signal = { ruleId: rule.id, key, time: e.time, facts: {}, origin: e.origin, actor: {} };
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
  return s;
}

/** Adds what only a summary needs: facts, actor, event id, account, region. */
function complete(c: CompiledStatefulRule, e: Event, s: Signal): void {
  s.facts = c.rule.facts?.(e, c.ctx) ?? {};
  s.actor = e.kind === 'api' ? apiActor(e) : e.srcAddr === undefined ? {} : { sourceIp: e.srcAddr };
  if (e.kind === 'api' && e.eventId !== undefined) s.eventId = e.eventId;
  if (e.account !== undefined) s.account = e.account;
  if (e.region !== undefined) s.region = e.region;
}

function failure(c: CompiledStatefulRule, e: Event, err: unknown): RuleFailure {
  return {
    ruleId: c.rule.id,
    event: e,
    message: err instanceof Error ? err.message : String(err),
  };
}

/** Appends the signals `e` gives to `out`, unfolded; a rule function that throws is a failure. */
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
      failures.push(failure(c, e, err));
    }
  }
}

/**
 * A signal of the chunk. Most are completed as they are placed, so their event can go at once;
 * only the latest signal of a fold run may still be folded away, and it keeps its event (`e`)
 * until it is either folded (`dropped`) or the chunk ends. Holding every event until the flush
 * kept a whole chunk of parsed records alive at once (4,096, each up to `input.maxRecordBytes`).
 */
interface Pending {
  c: CompiledStatefulRule;
  e: Event | undefined;
  s: Signal;
  dropped: boolean;
}

/**
 * How a kind's signals fold within a chunk, keyed per rule:
 * - `firstSeen` (key + value) and `dormancy` (key): the first signal stands for the later ones,
 *   which could only move the key's latest time forward (`until`). A dormancy signal that comes
 *   at least the dormant period after everything before it in the chunk is kept: it may fire.
 * - a `threshold` counting distinct values (key + value), and a `baseline` (key + bucket): a run
 *   keeps its first and its latest signal, so every window (or bucket) still sees the value at
 *   both ends; the ones in between are folded into the first (`n`, and for a baseline `amount`).
 *   A threshold run ends once it spans a window, so a window never lies wholly between two kept
 *   signals of one value.
 * Counting thresholds, sequences and beacons need every signal and do not fold.
 */
type Fold =
  | { kind: 'keep'; keep: Pending; max: number }
  | { kind: 'run'; first: Pending; last: Pending | undefined; start: number; latest: number };

interface FoldSpec {
  /** The second part of a bare signal's fold key (the first is its key). */
  sub: (s: Signal) => string | number;
  /** Dormancy: a signal this long after the chunk's latest time for its key is kept. */
  dormantMs?: number;
  /** Threshold: a run spans at most this much event time. */
  windowMs?: number;
  /** Baseline: the bucket length. */
  bucketMs?: number;
}

function positive(f: () => number): number | undefined {
  try {
    const v = f();
    return Number.isFinite(v) && v > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

function foldSpec(c: CompiledStatefulRule): FoldSpec | undefined {
  const { rule, ctx } = c;
  switch (rule.kind) {
    case 'firstSeen':
      return { sub: (s) => s.value ?? '' };
    case 'dormancy': {
      const dormantMs = positive(() => rule.dormantMs(ctx));
      return dormantMs === undefined ? undefined : { sub: () => '', dormantMs };
    }
    case 'threshold': {
      if (rule.value === undefined) return undefined;
      const windowMs = positive(() => rule.windowMs(ctx));
      return windowMs === undefined ? undefined : { sub: (s) => s.value ?? '', windowMs };
    }
    case 'baseline': {
      const bucketMs = positive(() => rule.bucketMs(ctx));
      return bucketMs === undefined
        ? undefined
        : { sub: (s) => Math.floor(s.time / bucketMs), bucketMs };
    }
    default:
      return undefined;
  }
}

/** Folds `from` (a signal being dropped) into `into`: its events and its latest time. */
function absorb(into: Signal, from: Signal): void {
  into.n = (into.n ?? 1) + (from.n ?? 1);
  const latest = Math.max(from.time, from.until ?? from.time);
  if (latest > Math.max(into.time, into.until ?? into.time)) into.until = latest;
}

export interface SignalBatcher {
  /** Turns `e` into signals (folding where it can). */
  add(e: Event): void;
  /** Events added since the last flush. */
  readonly events: number;
  /** The chunk's remaining signals, in the order their events came, completed with facts. */
  flush(): Signal[];
}

/**
 * Collects one file's signals chunk by chunk, folding within the chunk (see the module comment).
 * A rule function that throws becomes a failure in `failures`, as in `collectSignals`.
 *
 * @example
 * const b = createSignalBatcher(rules, failures);
 * for (const e of events) { b.add(e); if (b.events >= 4096) stage.observe(b.flush()); }
 * stage.observe(b.flush());
 */
export function createSignalBatcher(set: CompiledRuleSet, failures: RuleFailure[]): SignalBatcher {
  const specs = new Map<CompiledStatefulRule, FoldSpec | undefined>();
  // Per rule, by the signal's key, then by `FoldSpec.sub`: two lookups, no key built per signal.
  let folds = new Map<CompiledStatefulRule, Map<string, Map<string | number, Fold>>>();
  let pending: Pending[] = [];
  let events = 0;

  const specOf = (c: CompiledStatefulRule): FoldSpec | undefined => {
    if (!specs.has(c)) specs.set(c, foldSpec(c));
    return specs.get(c);
  };

  /** Completes `p` now (it stays in the chunk whatever comes later) and lets its event go. */
  const keep = (p: Pending): void => {
    const e = p.e as Event;
    p.e = undefined;
    try {
      complete(p.c, e, p.s);
      pending.push(p);
    } catch (err) {
      p.dropped = true;
      failures.push(failure(p.c, e, err));
    }
  };

  /** Adds `p` to the chunk unless it folds into a signal already there. */
  const place = (p: Pending): void => {
    const spec = specOf(p.c);
    if (spec === undefined) {
      keep(p);
      return;
    }
    const fk = spec.sub(p.s);
    let byRule = folds.get(p.c);
    if (byRule === undefined) folds.set(p.c, (byRule = new Map()));
    let byKey = byRule.get(p.s.key);
    if (byKey === undefined) byRule.set(p.s.key, (byKey = new Map()));
    const f = byKey.get(fk);
    const t = p.s.time;
    if (f === undefined) {
      keep(p);
      byKey.set(
        fk,
        spec.windowMs !== undefined || spec.bucketMs !== undefined
          ? { kind: 'run', first: p, last: undefined, start: t, latest: t }
          : { kind: 'keep', keep: p, max: t },
      );
      return;
    }
    if (f.kind === 'keep') {
      if (spec.dormantMs !== undefined && t - f.max >= spec.dormantMs) {
        keep(p);
        f.keep = p;
      } else {
        absorb(f.keep.s, p.s);
        p.e = undefined;
      }
      if (t > f.max) f.max = t;
      return;
    }
    const inRun =
      spec.bucketMs !== undefined || (t >= f.latest && t - f.start < (spec.windowMs as number));
    if (!inRun) {
      keep(p);
      byKey.set(fk, { kind: 'run', first: p, last: undefined, start: t, latest: t });
      return;
    }
    if (f.last !== undefined) {
      const gone = f.last;
      absorb(f.first.s, gone.s);
      if (gone.s.amount !== undefined) {
        f.first.s.amount = (f.first.s.amount ?? 0) + gone.s.amount;
      }
      gone.e = undefined;
      gone.dropped = true;
    }
    // The run's latest signal may still be folded away: its facts wait for the flush.
    pending.push(p);
    f.last = p;
    if (t > f.latest) f.latest = t;
  };

  return {
    add(e) {
      events++;
      const rules = e.kind === 'api' ? set.statefulApiFor(e) : set.statefulFlow;
      for (const c of rules) {
        try {
          const s = bareSignal(c, e);
          if (s !== undefined) place({ c, e, s, dropped: false });
        } catch (err) {
          failures.push(failure(c, e, err));
        }
      }
    },
    get events() {
      return events;
    },
    flush() {
      const out: Signal[] = [];
      for (const p of pending) {
        if (p.dropped) continue;
        if (p.e === undefined) {
          out.push(p.s);
          continue;
        }
        try {
          complete(p.c, p.e, p.s);
          out.push(p.s);
        } catch (err) {
          failures.push(failure(p.c, p.e, err));
        }
      }
      pending = [];
      folds = new Map();
      events = 0;
      return out;
    },
  };
}
