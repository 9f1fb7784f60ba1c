/**
 * Address-range tables: sorted, disjoint intervals per address family, looked up by binary search
 * (O(log n)). Built once from CIDR blocks or address ranges that may nest (AWS publishes a /16 for
 * `AMAZON` and a /24 inside it for `EC2`): the most specific range wins, so a lookup answers with
 * the narrowest block that holds the address. Used for AWS's ranges, the ASN table, internal
 * CIDRs and threat-intelligence lists.
 */
import type { Family, ParsedAddress, ParsedCidr } from './address.js';

/** A closed interval of one family with the value it maps to. */
export interface Interval<T> {
  family: Family;
  first: bigint;
  last: bigint;
  value: T;
}

/** The disjoint segments of one family, sorted by start. IPv4 bounds fit 32 bits. */
interface Segments<T> {
  starts: Uint32Array | bigint[];
  ends: Uint32Array | bigint[];
  values: ArrayLike<T>;
}

export class RangeMap<T> {
  private readonly v4: Segments<T>;
  private readonly v6: Segments<T>;

  private constructor(v4: Segments<T>, v6: Segments<T>) {
    this.v4 = v4;
    this.v6 = v6;
  }

  /**
   * Builds a table from intervals that nest or are disjoint. Where intervals overlap, the one
   * starting later wins, and of two starting together the narrower: for CIDR blocks, the most
   * specific. Adjacent segments with the same value (by `same`) are merged.
   *
   * @example
   * const m = RangeMap.build([{ family: 4, first: 0n, last: 255n, value: 'a' }]);
   */
  static build<T>(
    intervals: Iterable<Interval<T>>,
    same: (a: T, b: T) => boolean = Object.is,
  ): RangeMap<T> {
    const byFamily: Record<Family, Interval<T>[]> = { 4: [], 6: [] };
    for (const iv of intervals) if (iv.first <= iv.last) byFamily[iv.family].push(iv);
    return new RangeMap(pack(flatten(byFamily[4], same), 4), pack(flatten(byFamily[6], same), 6));
  }

  /**
   * Wraps segments that are already sorted and disjoint (a data file checked by its loader), so a
   * large table is not copied through `build`.
   */
  static fromSorted<T>(
    v4: { starts: Uint32Array; ends: Uint32Array; values: ArrayLike<T> },
    v6: { starts: bigint[]; ends: bigint[]; values: ArrayLike<T> },
  ): RangeMap<T> {
    return new RangeMap<T>(v4, v6);
  }

  /** The value of the narrowest range holding the address, or undefined. */
  get(a: Pick<ParsedAddress, 'family' | 'value'>): T | undefined {
    const seg = a.family === 4 ? this.v4 : this.v6;
    const key = a.family === 4 ? Number(a.value) : a.value;
    const { starts, ends } = seg;
    // The last segment starting at or before the key is the only one that can hold it.
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] as number | bigint) <= key) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0 || (ends[found] as number | bigint) < key) return undefined;
    return seg.values[found];
  }

  /** Number of disjoint segments per family. */
  get size(): { v4: number; v6: number } {
    return { v4: this.v4.starts.length, v6: this.v6.starts.length };
  }
}

/** A set of CIDR blocks and addresses: `has` answers membership in O(log n). */
export class CidrSet {
  private readonly map: RangeMap<true>;

  constructor(blocks: Iterable<ParsedCidr>) {
    const intervals: Interval<true>[] = [];
    for (const b of blocks) intervals.push({ ...b, value: true });
    this.map = RangeMap.build(intervals);
  }

  has(a: Pick<ParsedAddress, 'family' | 'value'>): boolean {
    return this.map.get(a) === true;
  }

  get size(): { v4: number; v6: number } {
    return this.map.size;
  }
}

function flatten<T>(
  input: Interval<T>[],
  same: (a: T, b: T) => boolean,
): { first: bigint; last: bigint; value: T }[] {
  // Stable sort: start ascending, then wider first, so a nested block follows its container.
  const sorted = input
    .map((iv, order) => ({ iv, order }))
    .sort((x, y) =>
      x.iv.first !== y.iv.first
        ? x.iv.first < y.iv.first
          ? -1
          : 1
        : x.iv.last !== y.iv.last
          ? x.iv.last > y.iv.last
            ? -1
            : 1
          : x.order - y.order,
    )
    .map((x) => x.iv);
  const out: { first: bigint; last: bigint; value: T }[] = [];
  const emit = (first: bigint, last: bigint, value: T) => {
    if (first > last) return;
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.last + 1n === first && same(prev.value, value)) prev.last = last;
    else out.push({ first, last, value });
  };
  const open: Interval<T>[] = [];
  let cursor = 0n;
  for (const iv of sorted) {
    // Close every open interval that ends before this one starts, innermost first.
    for (let top = open[open.length - 1]; top !== undefined && top.last < iv.first;) {
      emit(cursor, top.last, top.value);
      if (top.last + 1n > cursor) cursor = top.last + 1n;
      open.pop();
      top = open[open.length - 1];
    }
    const top = open[open.length - 1];
    if (top !== undefined) emit(cursor, iv.first - 1n, top.value);
    if (iv.first > cursor || open.length === 0) cursor = iv.first;
    open.push(iv);
  }
  while (open.length > 0) {
    const top = open.pop() as Interval<T>;
    emit(cursor, top.last, top.value);
    if (top.last + 1n > cursor) cursor = top.last + 1n;
  }
  return out;
}

function pack<T>(segs: { first: bigint; last: bigint; value: T }[], family: Family): Segments<T> {
  const values = segs.map((s) => s.value);
  if (family === 4) {
    return {
      starts: Uint32Array.from(segs, (s) => Number(s.first)),
      ends: Uint32Array.from(segs, (s) => Number(s.last)),
      values,
    };
  }
  return { starts: segs.map((s) => s.first), ends: segs.map((s) => s.last), values };
}
