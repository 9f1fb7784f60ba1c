/**
 * The `beacon` kind: periodic contact from one source to one destination (the signal's key). Per
 * key it keeps the times of the last `MAX_CONTACTS` contacts in event-time order (an out-of-order
 * contact is inserted where it belongs; signals less than `SAME_CONTACT_MS` apart are one contact,
 * as when one connection is logged by two interfaces). After each contact, once at least
 * `minContacts` are held (never fewer than 3, which give two intervals), it looks for the longest
 * run of latest contacts whose intervals are regular: coefficient of variation (population
 * standard deviation / mean) at most `maxJitter`, and mean interval at least `MIN_INTERVAL_MS`
 * (faster than that is a chatty connection, and flow-log aggregation cannot resolve it anyway).
 * Looking at the latest run rather than every held contact lets a beacon that starts after an
 * earlier, unrelated contact fire without waiting for that contact to age out.
 *
 * A key that fired stays quiet until it has twice as many contacts as when it fired, or until its
 * latest contact is a day (of event time) past the firing, so a beacon running for days gives a
 * handful of findings, not one per contact.
 *
 * A pair with no contact for `IDLE_MS` (a day of event time, beyond the lateness bound) is let go:
 * its next contact would come more than a day after the last, an interval no run of regular
 * contacts it belongs to could share with the minute-to-hour periods beacons use, so state follows
 * the pairs active in the last day rather than every pair ever seen. Beacons slower than one
 * contact a day are out of scope.
 *
 * State is kept small, because a dense network has tens of thousands of pairs active in a day, each
 * holding a few contacts: per contact only its time, its file, its place in the file and its event
 * id, in parallel arrays of exactly the contacts' length (times and places unboxed) rather than an
 * object per contact or per origin, and no copy of any contact's signal. A finding is described by
 * the signal that completes the run, with the time, origin and event id of the run's latest contact
 * as its `last` and of the run's first as its `first`. One key is one source → destination pair, so
 * the actor, account and region are the pair's; the facts (byte and packet counts, the interface)
 * are those of the completing contact, which is the latest unless contacts came out of order.
 */
import { TrailhoundError } from '../../errors.js';
import type { Origin } from '../../model/event.js';
import type { BeaconRule, Group, Signal } from '../rule.js';
import { createExpiry } from './expiry.js';
import type { KindFactory } from './types.js';

export interface BeaconState {
  /** Event times of the latest contacts, ascending. */
  times: number[];
  /** The file each of those contacts came from, in the same order. */
  files: string[];
  /** Where in its file each came from, in the same order: see `placeOf`. */
  places: number[];
  /**
   * Their event ids in the same order, null for a contact without one; absent until a contact of
   * the key has one (flow records never do).
   */
  ids?: (string | null)[];
  /** Contacts ever counted for the key (not capped), for the refire rule. */
  total: number;
  /** Time of the latest contact when the key last fired; null: never fired. */
  firedAt: number | null;
  /** `total` when the key last fired. */
  firedTotal: number;
}

/**
 * An origin's place in its file as one small integer: its line (1-based) when it has one, else
 * -(index + 1) for a record inside a document, else 0.
 */
export function placeOf(o: Origin): number {
  if (o.line !== undefined) return o.line;
  if (o.index !== undefined) return -(o.index + 1);
  return 0;
}

/** The origin `placeOf` described. */
export function originAt(file: string, place: number): Origin {
  if (place > 0) return { file, line: place };
  if (place < 0) return { file, index: -place - 1 };
  return { file };
}

/**
 * State as earlier versions stored it: each contact's origin as an object (`origins`), with the
 * latest contact's signal (`last`), and before that with the contacts as a list of objects.
 */
interface EarlierState {
  contacts?: { t: number; o: Origin; id?: string }[];
  times?: number[];
  origins?: Origin[];
  ids?: (string | null)[];
  total: number;
  last?: unknown;
  firedAt: number | null;
  firedTotal: number;
}

/** A stored state in the current layout, converting one an earlier version wrote. */
function current(stored: BeaconState | EarlierState): BeaconState {
  if ('places' in stored) return stored;
  const { contacts, total, firedAt, firedTotal } = stored;
  const origins = contacts?.map((c) => c.o) ?? stored.origins ?? [];
  const st: BeaconState = {
    times: contacts?.map((c) => c.t) ?? stored.times ?? [],
    files: origins.map((o) => o.file),
    places: origins.map(placeOf),
    total,
    firedAt,
    firedTotal,
  };
  if (contacts !== undefined) {
    if (contacts.some((c) => c.id !== undefined)) st.ids = contacts.map((c) => c.id ?? null);
  } else if (stored.ids !== undefined) st.ids = stored.ids;
  return st;
}

/**
 * `list` with `value` inserted at `at` and its first `drop` items left out, in a new array of
 * exactly that length: growing an array in place reserves room for half as many again plus 16,
 * which most pairs, holding a handful of contacts, would never use.
 */
function inserted<T>(list: readonly T[], at: number, value: T, drop: number): T[] {
  const out = new Array<T>(list.length + 1 - drop);
  let j = 0;
  for (let i = drop; i < at; i++) out[j++] = list[i] as T;
  out[j++] = value;
  for (let i = at; i < list.length; i++) out[j++] = list[i] as T;
  return out;
}

/**
 * `inserted` for the times. V8 learns per place in the code what kind of elements the arrays made
 * there hold; arrays made here only ever hold numbers, so they keep them unboxed (8 bytes each),
 * where the arrays `inserted` makes also hold strings and would box each time (24 bytes). One
 * function handed a separate array maker for the times boxed them too (heap snapshot), hence two.
 */
function insertedTime(times: readonly number[], at: number, t: number, drop: number): number[] {
  const out = new Array<number>(times.length + 1 - drop);
  let j = 0;
  for (let i = drop; i < at; i++) out[j++] = times[i] as number;
  out[j++] = t;
  for (let i = at; i < times.length; i++) out[j++] = times[i] as number;
  return out;
}

export const MAX_CONTACTS = 64;
/** Time of a key's latest contact (contacts are only ever dropped from the oldest end). */
const latestOf = (st: BeaconState): number => st.times[st.times.length - 1] ?? -Infinity;
export const SAME_CONTACT_MS = 1_000;
export const MIN_INTERVAL_MS = 10_000;
export const REFIRE_MS = 24 * 60 * 60_000;
export const IDLE_MS = 24 * 60 * 60_000;

const round = (x: number, places: number): number => {
  const f = 10 ** places;
  return Math.round(x * f) / f;
};

/** Index of the first time later than `t`. */
function upperBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The longest run of latest contacts (at least `minContacts`; `times` ascending) whose intervals are
 * periodic: its start index, mean interval (ms) and coefficient of variation; undefined when none
 * is.
 */
export function periodicRun(
  times: readonly number[],
  minContacts: number,
  maxJitter: number,
): { from: number; mean: number; jitter: number } | undefined {
  let found: { from: number; mean: number; jitter: number } | undefined;
  let sum = 0;
  let sumSq = 0;
  for (let from = times.length - 2; from >= 0; from--) {
    const d = (times[from + 1] as number) - (times[from] as number);
    sum += d;
    sumSq += d * d;
    const n = times.length - from;
    if (n < minContacts) continue;
    const intervals = n - 1;
    const mean = sum / intervals;
    const sd = Math.sqrt(Math.max(0, sumSq / intervals - mean * mean));
    const jitter = sd / mean;
    if (mean >= MIN_INTERVAL_MS && jitter <= maxJitter) found = { from, mean, jitter };
  }
  return found;
}

export const beaconKind: KindFactory<BeaconRule> = (k) => {
  const { rule, ctx } = k.rule;
  const minContacts = Math.max(3, rule.minContacts(ctx));
  const maxJitter = rule.maxJitter(ctx);
  if (!Number.isInteger(minContacts) || minContacts > MAX_CONTACTS) {
    throw new TrailhoundError(
      'rule',
      `${rule.id}: minContacts must be an integer ≤ ${MAX_CONTACTS}; found ${minContacts}`,
    );
  }
  if (!Number.isFinite(maxJitter) || maxJitter < 0) {
    throw new TrailhoundError(
      'rule',
      `${rule.id}: maxJitter must be a number ≥ 0; found ${maxJitter}`,
    );
  }
  let newest = -Infinity;
  // This evaluator is the namespace's only writer, so counting its own inserts saves asking the
  // store on every signal.
  let size = k.store.count(k.ns);
  const expiry = createExpiry(IDLE_MS, (key, horizon) => {
    const st = k.store.get<BeaconState | EarlierState>(k.ns, key);
    if (st !== undefined && latestOf(current(st)) <= horizon) {
      k.store.delete(k.ns, key);
      size--;
    }
  });

  /** Contact `i` of `st`, described by signal `s` of the same key. */
  const contactOf = (s: Signal, st: BeaconState, i: number): Signal => {
    const origin = originAt(st.files[i] as string, st.places[i] as number);
    const c: Signal = { ...s, time: st.times[i] as number, origin };
    const id = st.ids?.[i] ?? undefined;
    if (id === undefined) delete c.eventId;
    else c.eventId = id;
    return c;
  };

  const groupOf = (s: Signal, st: BeaconState, from: number, mean: number, jitter: number) => {
    const count = st.times.length - from;
    const to = Math.min(st.times.length, from + k.maxEvidence);
    const origins: Origin[] = [];
    for (let i = from; i < to; i++) {
      origins.push(originAt(st.files[i] as string, st.places[i] as number));
    }
    const eventIds: string[] = [];
    if (st.ids !== undefined) {
      for (let i = from; i < to; i++) {
        const id = st.ids[i];
        if (id !== null && id !== undefined) eventIds.push(id);
      }
    }
    const group: Group = {
      key: s.key,
      first: contactOf(s, st, from),
      last: contactOf(s, st, st.times.length - 1),
      count,
      values: [],
      figures: {
        contacts: count,
        meanIntervalSeconds: round(mean / 1000, 1),
        jitter: round(jitter, 3),
        maxJitter,
      },
      eventIds,
      origins,
    };
    return group;
  };

  return {
    observe(s) {
      if (s.time < newest - k.latenessMs) k.stats.late++;
      if (s.time > newest) newest = s.time;
      const stored = k.store.get<BeaconState | EarlierState>(k.ns, s.key);
      const st: BeaconState =
        stored === undefined
          ? { times: [], files: [], places: [], total: 0, firedAt: null, firedTotal: 0 }
          : current(stored);

      const { times } = st;
      const at = upperBound(times, s.time);
      const before = times[at - 1];
      const after = times[at];
      const same =
        (before !== undefined && s.time - before < SAME_CONTACT_MS) ||
        (after !== undefined && after - s.time < SAME_CONTACT_MS);
      // Older than every held contact of a full list: it would be dropped at once.
      const stale = at === 0 && times.length >= MAX_CONTACTS;
      let group: Group | undefined;
      if (!same && !stale) {
        const id = s.eventId ?? null;
        if (id !== null && st.ids === undefined) st.ids = times.map(() => null);
        // The oldest contacts beyond MAX_CONTACTS go (never the new one: see `stale`).
        const drop = Math.max(0, times.length + 1 - MAX_CONTACTS);
        st.times = insertedTime(times, at, s.time, drop);
        st.files = inserted(st.files, at, s.origin.file, drop);
        st.places = inserted(st.places, at, placeOf(s.origin), drop);
        if (st.ids !== undefined) st.ids = inserted(st.ids, at, id, drop);
        st.total++;

        const latest = latestOf(st);
        const quiet =
          st.firedAt !== null && st.total < 2 * st.firedTotal && latest < st.firedAt + REFIRE_MS;
        if (!quiet && st.times.length >= minContacts) {
          const run = periodicRun(st.times, minContacts, maxJitter);
          if (run !== undefined) {
            group = groupOf(s, st, run.from, run.mean, run.jitter);
            st.firedAt = latest;
            st.firedTotal = st.total;
          }
        }
      }

      k.store.set(k.ns, s.key, st);
      expiry.touch(s.key, latestOf(st));
      expiry.advance(newest - k.latenessMs - IDLE_MS);
      if (stored === undefined && ++size > k.maxEntities) {
        const gone = k.store.evict(k.ns, k.maxEntities);
        k.stats.evicted += gone;
        size -= gone;
      }
      if (group !== undefined) k.emit(group);
    },
    finish() {
      // Each contact is judged as it comes; nothing is pending.
    },
  };
};
