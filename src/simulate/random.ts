/**
 * Deterministic randomness for the simulator: a seeded PRNG (sfc32, the same sequence on every
 * platform and Node version) with the draws the generators need. Nothing in `src/simulate` may use
 * `Math.random` or the clock; every choice comes from an `Rng` built from the user's seed, so a
 * seed names one organisation and one set of logs.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** sfc32 seeded through a string hash, so sub-generators can be derived by name. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const h = hash32(String(seed));
    this.a = 0x9e3779b9 ^ h;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162 ^ Math.imul(h, 0x85ebca6b);
    this.d = h >>> 0;
    for (let i = 0; i < 20; i++) this.next();
  }

  /** A generator of its own, derived from this one's seed and a name (order-independent). */
  static derive(seed: number | string, name: string): Rng {
    return new Rng(`${seed}/${name}`);
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
  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** A pick where each item comes with a weight. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of items) total += w;
    let x = this.next() * total;
    for (const [w, v] of items) {
      x -= w;
      if (x < 0) return v;
    }
    return (items[items.length - 1] as readonly [number, T])[1];
  }
  /** Number of events of a Poisson process with this mean (Knuth; means here are small). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 60) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > l);
    return k - 1;
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  chars(n: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
  hex(n: number): string {
    return this.chars(n, '0123456789abcdef');
  }
  /** Upper-case letters and digits, as in access key ids. */
  upper(n: number): string {
    return this.chars(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
  }
  alnum(n: number): string {
    return this.chars(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
  }
  digits(n: number): string {
    return this.chars(n, '0123456789');
  }
  /** A version-4 UUID. */
  uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[this.int(4)] as string;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/** FNV-1a: a stable 32-bit hash of a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `2026-01-02T03:04:05Z`, as CloudTrail writes event times (whole seconds). */
export function isoSeconds(t: number): string {
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `20260102T0304Z`, the delivery stamp in S3 object names. */
export function stamp(t: number): string {
  return isoSeconds(t).replace(/[-:]/g, '').slice(0, 13) + 'Z';
}

/** `2026/01/02`, the date folders of the S3 layout. */
export function dayPath(t: number): string {
  return isoSeconds(t).slice(0, 10).replace(/-/g, '/');
}
