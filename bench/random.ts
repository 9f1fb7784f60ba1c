/**
 * Deterministic randomness and time for the benchmark's generators: a seeded PRNG that gives the
 * same sequence on every platform, weighted choices, and the 30 days the data set covers, with
 * event times laid out along an hourly activity curve.
 */

export const SEED = 20261001;
export const START = Date.UTC(2026, 9, 1); // Thursday 1 October 2026, 00:00 UTC
export const DAYS = 30;
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** sfc32: small, fast, and the same sequence on every platform. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chars(n: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
  hex(n: number): string {
    return this.chars(n, '0123456789abcdef');
  }
  upper(n: number): string {
    return this.chars(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
  }
  alnum(n: number): string {
    return this.chars(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
  }
  uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[this.int(4)] as string;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
  }
}

/** Weighted choice, prepared once. */
export class Table<T> {
  private readonly items: T[] = [];
  private readonly cumulative: number[] = [];
  private total = 0;

  constructor(entries: readonly (readonly [number, T])[]) {
    for (const [w, item] of entries) {
      this.total += w;
      this.items.push(item);
      this.cumulative.push(this.total);
    }
  }
  pick(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}

/**
 * Event time by position: the `i`th of `n` events falls where the cumulative activity curve
 * reaches (i + ½) / n, so the count is exact and the density follows the hourly weights.
 */
export class Timeline {
  private readonly cumulative: Float64Array;

  constructor(hourWeights: readonly number[]) {
    this.cumulative = new Float64Array(hourWeights.length + 1);
    for (let h = 0; h < hourWeights.length; h++)
      this.cumulative[h + 1] = (this.cumulative[h] as number) + (hourWeights[h] as number);
  }
  at(i: number, n: number): number {
    const c = this.cumulative;
    const target = ((i + 0.5) / n) * (c[c.length - 1] as number);
    let lo = 0;
    let hi = c.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((c[mid] as number) <= target) lo = mid;
      else hi = mid - 1;
    }
    const from = c[lo] as number;
    const width = (c[lo + 1] as number) - from;
    return START + (lo + (width > 0 ? (target - from) / width : 0)) * HOUR;
  }
}

export const iso = (t: number) => new Date(t).toISOString().slice(0, 19) + 'Z';
export const stamp = (t: number) => iso(t).replace(/[-:]/g, '').slice(0, 13) + 'Z';

/** A public unicast IPv4 address (no private, shared, loopback, link-local or multicast space). */
export function publicIp(rng: Rng): string {
  for (;;) {
    const a = rng.range(1, 223);
    const b = rng.int(256);
    if (a === 10 || a === 127 || (a === 100 && b >= 64 && b < 128)) continue;
    if ((a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 169 && b === 254))
      continue;
    return `${a}.${b}.${rng.int(256)}.${rng.range(1, 254)}`;
  }
}

export function dayPath(t: number): string {
  const d = new Date(t);
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${d.getUTCFullYear()}/${mm}/${dd}`;
}
