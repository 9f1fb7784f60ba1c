/**
 * Signals packed for the trip from a worker thread to the stateful stage. Sent as they are, every
 * signal is a small graph of objects (the signal, its origin, actor and facts) that the structured
 * clone walks property by property on both threads, repeating the same long strings (a role ARN,
 * a user agent, the file name) once per signal. A packet instead holds each distinct string once
 * and everything else as numbers in two typed arrays, whose buffers are transferred, not copied.
 * `unpackSignals(packSignals(s))` gives signals equal to `s`, with the same properties present.
 */
import type { FindingActor } from '../findings/finding.js';
import type { Origin } from '../model/event.js';
import type { Signal } from '../engine/rule.js';

export interface SignalPacket {
  count: number;
  /** Every distinct string of the chunk, referred to by index. */
  strings: string[];
  /** Per signal: which optional parts are present, then string references and small counts. */
  refs: Int32Array;
  /** Per signal: times and other numbers. */
  nums: Float64Array;
}

// Which optional parts a signal has (one bit each, in the order they are written).
const VALUE = 1 << 0;
const AMOUNT = 1 << 1;
const STEPS = 1 << 2;
const N = 1 << 3;
const UNTIL = 1 << 4;
const EVENT_ID = 1 << 5;
const ACCOUNT = 1 << 6;
const REGION = 1 << 7;
const LINE = 1 << 8;
const INDEX = 1 << 9;
const ACTOR_FIELDS = ['arn', 'type', 'accessKeyId', 'sourceIp', 'userAgent'] as const;
const ACTOR_SHIFT = 10;

/** Places (see `ref` in `packSignals`): 0-7 the signal's own strings, then the actor, then facts. */
const ACTOR_PLACE = 8;
const FACT_PLACE = ACTOR_PLACE + ACTOR_FIELDS.length;

const FACT_STRING = 0;
const FACT_NUMBER = 1;

/** Packs a chunk of signals; the packet's typed arrays can be transferred (see `transferList`). */
export function packSignals(signals: readonly Signal[]): SignalPacket {
  const strings: string[] = [];
  const index = new Map<string, number>();
  // Consecutive signals mostly repeat the string of the one before in the same place (the rule,
  // the file, the actor, a fact), so each place remembers its last string before the map is asked.
  const lastString: (string | undefined)[] = [];
  const lastRef: number[] = [];
  const ref = (s: string, place: number): number => {
    if (lastString[place] === s) return lastRef[place] as number;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    lastString[place] = s;
    lastRef[place] = i;
    return i;
  };
  // Most signals take 10-40 references and 1-5 numbers; the writers grow if that is low.
  const refs = writer((n) => new Int32Array(n), signals.length * 40);
  const nums = writer((n) => new Float64Array(n), signals.length * 3);
  for (const s of signals) {
    let flags = 0;
    if (s.value !== undefined) flags |= VALUE;
    if (s.amount !== undefined) flags |= AMOUNT;
    if (s.steps !== undefined) flags |= STEPS;
    if (s.n !== undefined) flags |= N;
    if (s.until !== undefined) flags |= UNTIL;
    if (s.eventId !== undefined) flags |= EVENT_ID;
    if (s.account !== undefined) flags |= ACCOUNT;
    if (s.region !== undefined) flags |= REGION;
    if (s.origin.line !== undefined) flags |= LINE;
    if (s.origin.index !== undefined) flags |= INDEX;
    for (let f = 0; f < ACTOR_FIELDS.length; f++)
      if (s.actor[ACTOR_FIELDS[f] as keyof FindingActor] !== undefined)
        flags |= 1 << (ACTOR_SHIFT + f);
    refs.push(flags);
    refs.push(ref(s.ruleId, 0));
    refs.push(ref(s.key, 1));
    refs.push(ref(s.origin.file, 2));
    nums.push(s.time);
    // The origin's numbers come next, so that unpacking builds the origin whole (see there).
    if (s.origin.line !== undefined) nums.push(s.origin.line);
    if (s.origin.index !== undefined) nums.push(s.origin.index);
    if (s.value !== undefined) refs.push(ref(s.value, 3));
    if (s.amount !== undefined) nums.push(s.amount);
    if (s.steps !== undefined) {
      refs.push(s.steps.length);
      for (const step of s.steps) refs.push(ref(step, 4));
    }
    if (s.n !== undefined) nums.push(s.n);
    if (s.until !== undefined) nums.push(s.until);
    if (s.eventId !== undefined) refs.push(ref(s.eventId, 5));
    if (s.account !== undefined) refs.push(ref(s.account, 6));
    if (s.region !== undefined) refs.push(ref(s.region, 7));
    for (let f = 0; f < ACTOR_FIELDS.length; f++) {
      const v = s.actor[ACTOR_FIELDS[f] as keyof FindingActor];
      if (v !== undefined) refs.push(ref(v, ACTOR_PLACE + f));
    }
    const keys = Object.keys(s.facts);
    refs.push(keys.length);
    for (let f = 0; f < keys.length; f++) {
      const k = keys[f] as string;
      const v = s.facts[k] as string | number;
      const place = FACT_PLACE + 2 * f;
      if (typeof v === 'number') {
        refs.push(ref(k, place));
        refs.push(FACT_NUMBER);
        nums.push(v);
      } else {
        refs.push(ref(k, place));
        refs.push(FACT_STRING);
        refs.push(ref(v, place + 1));
      }
    }
  }
  return { count: signals.length, strings, refs: refs.done(), nums: nums.done() };
}

/** A typed array written front to back, doubling when full; `done` gives what was written. */
function writer<A extends Int32Array | Float64Array>(make: (length: number) => A, initial: number) {
  let a = make(Math.max(16, initial));
  let n = 0;
  return {
    push(v: number): void {
      if (n === a.length) {
        const bigger = make(a.length * 2);
        bigger.set(a);
        a = bigger;
      }
      a[n++] = v;
    },
    done: (): A => a.slice(0, n) as A,
  };
}

/** The buffers of a packet, to pass as `postMessage`'s transfer list. */
export function transferList(p: SignalPacket): ArrayBuffer[] {
  return [p.refs.buffer as ArrayBuffer, p.nums.buffer as ArrayBuffer];
}

/**
 * `x` as a small integer when it is one. A number read from a Float64Array is a double, and V8
 * keeps a double in an object's field boxed (16 bytes more); a small integer is stored in the field
 * itself. Held state keeps many origins (lines) and facts (ports, byte counts). -0 stays -0.
 */
function small(x: number): number {
  const i = x | 0;
  return i === x && (i !== 0 || Object.is(x, 0)) ? i : x;
}

/** The signals a packet holds, in order. */
export function unpackSignals(p: SignalPacket): Signal[] {
  const { strings, refs, nums } = p;
  const out: Signal[] = new Array<Signal>(p.count);
  let r = 0;
  let n = 0;
  const str = () => strings[refs[r++] as number] as string;
  for (let i = 0; i < p.count; i++) {
    const flags = refs[r++] as number;
    const ruleId = str();
    const key = str();
    const file = str();
    const time = nums[n++] as number;
    // Built whole rather than by adding `line` to `{ file }`: an added property lives outside the
    // object, with its number boxed, about 60 bytes more per origin, and stateful rules hold
    // origins (a beacon pair up to 64 of them).
    let origin: Origin;
    if (flags & LINE) {
      const line = small(nums[n++] as number);
      origin = flags & INDEX ? { file, line, index: small(nums[n++] as number) } : { file, line };
    } else origin = flags & INDEX ? { file, index: small(nums[n++] as number) } : { file };
    const s: Signal = { ruleId, key, time, facts: {}, origin, actor: {} };
    if (flags & VALUE) s.value = str();
    if (flags & AMOUNT) s.amount = nums[n++] as number;
    if (flags & STEPS) {
      const steps: string[] = new Array<string>(refs[r++] as number);
      for (let k = 0; k < steps.length; k++) steps[k] = str();
      s.steps = steps;
    }
    if (flags & N) s.n = nums[n++] as number;
    if (flags & UNTIL) s.until = nums[n++] as number;
    if (flags & EVENT_ID) s.eventId = str();
    if (flags & ACCOUNT) s.account = str();
    if (flags & REGION) s.region = str();
    for (let f = 0; f < ACTOR_FIELDS.length; f++)
      if (flags & (1 << (ACTOR_SHIFT + f))) s.actor[ACTOR_FIELDS[f] as keyof FindingActor] = str();
    const facts: Record<string, string | number> = {};
    const count = refs[r++] as number;
    for (let k = 0; k < count; k++) {
      const name = str();
      facts[name] = refs[r++] === FACT_NUMBER ? small(nums[n++] as number) : str();
    }
    s.facts = facts;
    out[i] = s;
  }
  return out;
}
