/**
 * The behaviour every `StateStore` shares, as one test suite that each implementation runs
 * (memory.test.ts, sqlite.test.ts): values by namespace and key, exact counts, eviction of the
 * least recently set keys, entries, keys and values that are arbitrary data, and a long random
 * sequence checked against a reference model.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from './store.js';

/** Keys as records can carry them: prototype names, empty, NUL, non-Latin, a lone surrogate. */
export const AWKWARD_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  'arn:aws:iam::123456789012:role/Admin',
  'Ünïcödé 東京 🦊',
  'x\ud800y',
  'x\udc00y',
  'quote\' " ; DROP TABLE state; --',
  '%_*?',
];

function sortedEntries(store: StateStore, ns: string): [string, unknown][] {
  return [...store.entries<unknown>(ns)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function keysOf(store: StateStore, ns: string): string[] {
  return sortedEntries(store, ns).map(([k]) => k);
}

/** A small deterministic PRNG (mulberry32), so a failing sequence can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The reference: per namespace, an array of [key, value] from least to most recently set. */
class Model {
  private readonly spaces = new Map<string, [string, unknown][]>();
  private space(ns: string): [string, unknown][] {
    let s = this.spaces.get(ns);
    if (s === undefined) this.spaces.set(ns, (s = []));
    return s;
  }
  get(ns: string, key: string): unknown {
    return this.space(ns).find(([k]) => k === key)?.[1];
  }
  set(ns: string, key: string, value: unknown): void {
    this.delete(ns, key);
    this.space(ns).push([key, value]);
  }
  delete(ns: string, key: string): void {
    const s = this.space(ns);
    const i = s.findIndex(([k]) => k === key);
    if (i !== -1) s.splice(i, 1);
  }
  count(ns: string): number {
    return this.space(ns).length;
  }
  evict(ns: string, keep: number): number {
    const s = this.space(ns);
    const drop = Math.max(0, s.length - keep);
    s.splice(0, drop);
    return drop;
  }
  sorted(ns: string): [string, unknown][] {
    return [...this.space(ns)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/**
 * Registers the conformance suite for one implementation. `make` returns a fresh, empty store for
 * each test; the suite closes it afterwards.
 */
export function describeStateStore(name: string, make: () => StateStore): void {
  describe(`StateStore conformance: ${name}`, () => {
    let store: StateStore;
    beforeEach(() => {
      store = make();
    });
    afterEach(() => {
      store.close();
    });

    it('starts empty', () => {
      expect(store.get('ns', 'k')).toBeUndefined();
      expect(store.count('ns')).toBe(0);
      expect([...store.entries('ns')]).toEqual([]);
      expect(store.evict('ns', 0)).toBe(0);
    });

    it('returns what was set, separately per namespace', () => {
      store.set('a', 'k', { n: 1 });
      store.set('b', 'k', { n: 2 });
      store.set('a', 'j', [1, 2]);
      expect(store.get('a', 'k')).toEqual({ n: 1 });
      expect(store.get('b', 'k')).toEqual({ n: 2 });
      expect(store.get('a', 'j')).toEqual([1, 2]);
      expect(store.get('b', 'j')).toBeUndefined();
      expect(store.count('a')).toBe(2);
      expect(store.count('b')).toBe(1);
      expect(store.count('a#other')).toBe(0);
    });

    it('replaces a value on a second set without changing the count', () => {
      store.set('ns', 'k', { v: 'old' });
      store.set('ns', 'k', { v: 'new' });
      expect(store.get('ns', 'k')).toEqual({ v: 'new' });
      expect(store.count('ns')).toBe(1);
      expect(sortedEntries(store, 'ns')).toEqual([['k', { v: 'new' }]]);
    });

    it('deletes a key; deleting a missing key changes nothing', () => {
      store.set('ns', 'k1', 1);
      store.set('ns', 'k2', 2);
      store.delete('ns', 'k1');
      expect(store.get('ns', 'k1')).toBeUndefined();
      expect(store.count('ns')).toBe(1);
      store.delete('ns', 'k1');
      store.delete('ns', 'never');
      store.delete('elsewhere', 'k2');
      expect(store.count('ns')).toBe(1);
      expect(sortedEntries(store, 'ns')).toEqual([['k2', 2]]);
      store.set('ns', 'k1', 3);
      expect(store.get('ns', 'k1')).toBe(3);
      expect(store.count('ns')).toBe(2);
    });

    it('evicts the least recently set keys and says how many went', () => {
      for (let i = 0; i < 5; i++) store.set('ns', `k${i}`, i);
      store.set('other', 'k0', 'stays');
      expect(store.evict('ns', 5)).toBe(0);
      expect(store.evict('ns', 9)).toBe(0);
      expect(store.evict('ns', 2)).toBe(3);
      expect(store.count('ns')).toBe(2);
      expect(keysOf(store, 'ns')).toEqual(['k3', 'k4']);
      expect(store.get('ns', 'k0')).toBeUndefined();
      expect(store.get('other', 'k0')).toBe('stays');
      expect(store.evict('ns', 0)).toBe(2);
      expect(store.count('ns')).toBe(0);
      expect(store.count('other')).toBe(1);
    });

    it('moves a key to most recent when it is set again, not when it is read', () => {
      for (const k of ['a', 'b', 'c', 'd']) store.set('ns', k, k);
      expect(store.get('ns', 'a')).toBe('a');
      store.set('ns', 'b', 'b2');
      expect(store.evict('ns', 2)).toBe(2);
      expect(sortedEntries(store, 'ns')).toEqual([
        ['b', 'b2'],
        ['d', 'd'],
      ]);
    });

    it('treats a deleted and re-set key as new and most recent', () => {
      for (const k of ['a', 'b', 'c']) store.set('ns', k, k);
      store.delete('ns', 'a');
      store.set('ns', 'a', 'again');
      expect(store.count('ns')).toBe(3);
      expect(store.evict('ns', 1)).toBe(2);
      expect(sortedEntries(store, 'ns')).toEqual([['a', 'again']]);
    });

    it('lists every key and value once in entries', () => {
      const want: [string, unknown][] = [];
      for (let i = 0; i < 700; i++) {
        store.set('ns', `key-${String(i).padStart(4, '0')}`, { i });
        want.push([`key-${String(i).padStart(4, '0')}`, { i }]);
      }
      store.delete('ns', 'key-0005');
      want.splice(5, 1);
      store.set('other', 'x', 1);
      expect(sortedEntries(store, 'ns')).toEqual(want);
      expect(store.count('ns')).toBe(699);
    });

    it('lets the caller delete the key just listed while listing', () => {
      for (let i = 0; i < 600; i++) store.set('ns', `k${i}`, i);
      const seen: string[] = [];
      for (const [k, v] of store.entries<number>('ns')) {
        seen.push(k);
        if (v % 2 === 0) store.delete('ns', k);
      }
      expect(seen.length).toBe(600);
      expect(new Set(seen).size).toBe(600);
      expect(store.count('ns')).toBe(300);
      expect(sortedEntries(store, 'ns').every(([, v]) => (v as number) % 2 === 1)).toBe(true);
    });

    it('does not list a key the caller deleted while listing', () => {
      for (let i = 0; i < 600; i++) store.set('ns', `k${i}`, i);
      const seen: string[] = [];
      for (const [k] of store.entries('ns')) {
        seen.push(k);
        // Everything else goes before it is reached.
        if (seen.length === 1)
          for (let i = 0; i < 600; i++) if (`k${i}` !== k) store.delete('ns', `k${i}`);
      }
      expect(seen).toHaveLength(1);
      expect(keysOf(store, 'ns')).toEqual(seen);
      expect(store.count('ns')).toBe(1);
    });

    it('lists the value a key holds when reached, if the caller changed it while listing', () => {
      for (let i = 0; i < 600; i++) store.set('ns', `k${i}`, 'old');
      const seen = new Map<string, unknown>();
      for (const [k, v] of store.entries('ns')) {
        if (seen.size === 0)
          for (let i = 0; i < 600; i++) if (`k${i}` !== k) store.set('ns', `k${i}`, 'new');
        if (!seen.has(k)) seen.set(k, v);
      }
      expect(seen.size).toBe(600);
      expect([...seen.values()].filter((v) => v === 'old')).toHaveLength(1);
    });

    it('keeps keys as data, whatever their characters', () => {
      AWKWARD_KEYS.forEach((k, i) => store.set('ns', k, { i }));
      expect(store.count('ns')).toBe(AWKWARD_KEYS.length);
      AWKWARD_KEYS.forEach((k, i) => expect(store.get('ns', k)).toEqual({ i }));
      expect(keysOf(store, 'ns')).toEqual([...AWKWARD_KEYS].sort());
      // Eviction hands back exact keys too: the last three set stay, nothing else.
      expect(store.evict('ns', 3)).toBe(AWKWARD_KEYS.length - 3);
      expect(keysOf(store, 'ns')).toEqual(AWKWARD_KEYS.slice(-3).sort());
      expect(store.get('ns', 'x\ud800y')).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('i');
    });

    it('keeps JSON values, including objects with a __proto__ key', () => {
      const text =
        '{"__proto__":{"polluted":true},"list":[1,"x",null,true,{"deep":[]}],"n":-1.5e-7,"s":"é\\u0000\\ud800"}';
      store.set('ns', 'obj', JSON.parse(text));
      for (const [k, v] of [
        ['zero', 0],
        ['empty', ''],
        ['false', false],
        ['null', null],
        ['list', []],
        ['big', Number.MAX_SAFE_INTEGER],
      ] as const) {
        store.set('ns', k, v);
      }
      store.checkpoint();
      const got = store.get<Record<string, unknown>>('ns', 'obj');
      expect(JSON.stringify(got)).toBe(text);
      expect(Object.hasOwn(got as object, '__proto__')).toBe(true);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(store.get('ns', 'zero')).toBe(0);
      expect(store.get('ns', 'empty')).toBe('');
      expect(store.get('ns', 'false')).toBe(false);
      expect(store.get('ns', 'null')).toBeNull();
      expect(store.get('ns', 'list')).toEqual([]);
      expect(store.get('ns', 'big')).toBe(Number.MAX_SAFE_INTEGER);
      expect(store.count('ns')).toBe(7);
    });

    it('carries on after a checkpoint with values and recency intact', () => {
      store.set('ns', 'a', 1);
      store.set('ns', 'b', 2);
      store.set('ns', 'gone', 0);
      store.checkpoint();
      store.checkpoint();
      expect(store.get('ns', 'a')).toBe(1);
      store.delete('ns', 'gone');
      store.set('ns', 'c', 3);
      store.set('ns', 'a', 10);
      store.checkpoint();
      expect(sortedEntries(store, 'ns')).toEqual([
        ['a', 10],
        ['b', 2],
        ['c', 3],
      ]);
      // `b` was set before the first checkpoint and not since: the oldest. `a` is the newest.
      expect(store.evict('ns', 1)).toBe(2);
      expect(sortedEntries(store, 'ns')).toEqual([['a', 10]]);
    });

    it('agrees with a reference model over a long random sequence', () => {
      const model = new Model();
      const rnd = prng(20240611);
      const spaces = ['r1', 'r1#meta', 'r2'];
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
      for (let step = 0; step < 4000; step++) {
        const ns = pick(spaces);
        const key = `k${Math.floor(rnd() * 80)}`;
        const r = rnd();
        if (r < 0.45) {
          const value = { step, tags: [key, ns] };
          store.set(ns, key, value);
          model.set(ns, key, value);
        } else if (r < 0.6) {
          store.delete(ns, key);
          model.delete(ns, key);
        } else if (r < 0.85) {
          expect(store.get(ns, key), `step ${step}: get ${ns} ${key}`).toEqual(model.get(ns, key));
        } else if (r < 0.92) {
          const keep = 10 + Math.floor(rnd() * 40);
          expect(store.evict(ns, keep), `step ${step}: evict ${ns} ${keep}`).toBe(
            model.evict(ns, keep),
          );
        } else if (r < 0.96) {
          expect(store.count(ns), `step ${step}: count ${ns}`).toBe(model.count(ns));
        } else if (r < 0.98) {
          expect(sortedEntries(store, ns), `step ${step}: entries ${ns}`).toEqual(model.sorted(ns));
        } else {
          store.checkpoint();
        }
      }
      for (const ns of spaces) {
        expect(store.count(ns)).toBe(model.count(ns));
        expect(sortedEntries(store, ns)).toEqual(model.sorted(ns));
        // The order of recency agrees too: evicting to 1 leaves the same key in both.
        store.evict(ns, 1);
        model.evict(ns, 1);
        expect(sortedEntries(store, ns)).toEqual(model.sorted(ns));
      }
    });
  });
}
