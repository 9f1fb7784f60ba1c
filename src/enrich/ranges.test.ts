import { describe, expect, it } from 'vitest';
import { parseAddress, parseCidr, type Family, type ParsedCidr } from './address.js';
import { CidrSet, RangeMap, type Interval } from './ranges.js';

const at = (v: string) => {
  const a = parseAddress(v);
  if (a === undefined) throw new Error(v);
  return a;
};
const block = (c: string): ParsedCidr => {
  const p = parseCidr(c);
  if (p === undefined) throw new Error(c);
  return p;
};
const iv = <T>(c: string, value: T): Interval<T> => ({ ...block(c), value });

describe('RangeMap', () => {
  const map = RangeMap.build([
    iv('52.94.0.0/16', 'AMAZON'),
    iv('52.94.76.0/22', 'DYNAMODB'),
    iv('52.94.76.128/25', 'narrowest'),
    iv('3.5.140.0/22', 'S3'),
    iv('2600:1f18::/33', 'AMAZON6'),
    iv('2600:1f18:4000::/36', 'EC2'),
  ]);

  it('answers with the narrowest block holding the address', () => {
    expect(map.get(at('52.94.1.1'))).toBe('AMAZON');
    expect(map.get(at('52.94.76.1'))).toBe('DYNAMODB');
    expect(map.get(at('52.94.76.200'))).toBe('narrowest');
    expect(map.get(at('52.94.80.0'))).toBe('AMAZON');
    expect(map.get(at('2600:1f18:4000::1'))).toBe('EC2');
    expect(map.get(at('2600:1f18:5000::1'))).toBe('AMAZON6');
  });

  it('holds both ends of a block and nothing beside it', () => {
    expect(map.get(at('3.5.140.0'))).toBe('S3');
    expect(map.get(at('3.5.143.255'))).toBe('S3');
    expect(map.get(at('3.5.139.255'))).toBeUndefined();
    expect(map.get(at('3.5.144.0'))).toBeUndefined();
    expect(map.get(at('52.95.0.0'))).toBeUndefined();
    expect(map.get(at('2600:1f18:8000::'))).toBeUndefined();
    expect(map.get(at('0.0.0.0'))).toBeUndefined();
    expect(map.get(at('255.255.255.255'))).toBeUndefined();
  });

  it('keeps the families apart', () => {
    // ::3.5.140.1 has the same low 32 bits as 3.5.140.1 but is IPv6.
    expect(map.get(at('::305:8c01'))).toBeUndefined();
  });

  it('lets the later-starting range win where two overlap without nesting', () => {
    const m = RangeMap.build([
      { family: 4, first: 0n, last: 15n, value: 'a' },
      { family: 4, first: 10n, last: 25n, value: 'b' },
    ]);
    expect(m.get({ family: 4, value: 9n })).toBe('a');
    expect(m.get({ family: 4, value: 10n })).toBe('b');
    expect(m.get({ family: 4, value: 25n })).toBe('b');
    expect(m.get({ family: 4, value: 26n })).toBeUndefined();
  });

  it('merges neighbouring segments with the same value', () => {
    const m = RangeMap.build([iv('10.0.0.0/25', true), iv('10.0.0.128/25', true)]);
    expect(m.size).toEqual({ v4: 1, v6: 0 });
    expect(m.get(at('10.0.0.200'))).toBe(true);
  });

  it('agrees with a brute-force search on random nested blocks', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (const family of [4, 6] as Family[]) {
      const bits = family === 4 ? 32 : 128;
      // Blocks in a small corner of the space so that many of them nest.
      const base = family === 4 ? 0x0a000000n : 0x26001f18n << 96n;
      const blocks: Interval<number>[] = [];
      for (let i = 0; i < 300; i++) {
        const len = bits - 12 + rand(12);
        const host = BigInt(bits - len);
        const first = ((base + BigInt(rand(4096)) * 256n) >> host) << host;
        blocks.push({ family, first, last: first + (1n << host) - 1n, value: i });
      }
      const m = RangeMap.build(blocks);
      for (let k = 0; k < 2000; k++) {
        const value = base + BigInt(rand(4096 * 256));
        let best: Interval<number> | undefined;
        for (const b of blocks) {
          if (value < b.first || value > b.last) continue;
          const narrower = best === undefined || b.last - b.first <= best.last - best.first;
          if (narrower) best = b;
        }
        expect(m.get({ family, value })).toBe(best?.value);
      }
    }
  });

  it('wraps sorted segments without copying', () => {
    const m = RangeMap.fromSorted(
      { starts: Uint32Array.of(10, 20), ends: Uint32Array.of(15, 29), values: [1, 2] },
      { starts: [100n], ends: [200n], values: [3] },
    );
    expect(m.get({ family: 4, value: 12n })).toBe(1);
    expect(m.get({ family: 4, value: 17n })).toBeUndefined();
    expect(m.get({ family: 4, value: 29n })).toBe(2);
    expect(m.get({ family: 6, value: 150n })).toBe(3);
  });
});

describe('CidrSet', () => {
  it('answers membership for addresses and blocks of both families', () => {
    const set = new CidrSet(['10.0.0.0/8', '198.51.100.7', 'fd00::/8'].map(block));
    expect(set.has(at('10.255.0.1'))).toBe(true);
    expect(set.has(at('11.0.0.0'))).toBe(false);
    expect(set.has(at('198.51.100.7'))).toBe(true);
    expect(set.has(at('198.51.100.8'))).toBe(false);
    expect(set.has(at('fd12::1'))).toBe(true);
    expect(set.has(at('fe80::1'))).toBe(false);
  });

  it('is empty when built from nothing', () => {
    const set = new CidrSet([]);
    expect(set.has(at('10.0.0.1'))).toBe(false);
    expect(set.size).toEqual({ v4: 0, v6: 0 });
  });
});
