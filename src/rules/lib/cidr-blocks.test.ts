import { describe, expect, it } from 'vitest';
import { contains, isWorld, parseAll, parseCidr } from './cidr-blocks.js';

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 blocks, a bare address being a single host', () => {
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ version: 4, prefix: 8 });
    expect(parseCidr('203.0.113.7')).toMatchObject({ version: 4, prefix: 32 });
    expect(parseCidr('::/0')).toMatchObject({ version: 6, prefix: 0 });
    expect(parseCidr('2001:db8::1/32')).toMatchObject({ version: 6, prefix: 32 });
    expect(parseCidr('::ffff:192.0.2.1')).toMatchObject({ version: 6, prefix: 128 });
  });

  it('refuses what is not a block', () => {
    for (const bad of [
      '',
      '0.0.0.0/33',
      '256.0.0.0/8',
      '10.0.0/8',
      '211.9.016.253',
      '0x7f.0.0.1/8',
      '::ffff:192.0.02.1',
      'fe80::1%eth0',
      '1::2::3',
      'fe80::/129',
      'sg-0123',
      '0.0.0.0/x',
    ]) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
  });
});

describe('contains', () => {
  it('compares prefixes of the same family only, ignoring host bits', () => {
    const ten = parseCidr('10.0.0.0/8')!;
    expect(contains(ten, parseCidr('10.1.2.3/8')!)).toBe(true);
    expect(contains(parseCidr('10.9.9.9/8')!, parseCidr('10.200.0.0/16')!)).toBe(true);
    expect(contains(ten, parseCidr('10.20.0.0/16')!)).toBe(true);
    expect(contains(ten, parseCidr('11.0.0.0/16')!)).toBe(false);
    expect(contains(parseCidr('10.20.0.0/16')!, ten)).toBe(false);
    expect(contains(parseCidr('::/0')!, ten)).toBe(false);
  });
});

describe('isWorld', () => {
  it('decides from the prefix length, not the literal string', () => {
    for (const w of [
      '0.0.0.0/0',
      '1.2.3.4/0',
      '0.0.0.0/1',
      '128.0.0.0/1',
      '::/0',
      '2000::/3',
      '3.0.0.0/8',
    ]) {
      expect(isWorld(w), w).toBe(true);
    }
    for (const n of ['203.0.113.0/24', '52.0.0.0/9', '2600:1f18::/32', '198.51.100.10/32']) {
      expect(isWorld(n), n).toBe(false);
    }
  });

  it('never counts private, reserved or internal space', () => {
    for (const p of ['10.0.0.0/8', '127.0.0.0/8', '224.0.0.0/4', 'fc00::/7', 'ff00::/8']) {
      expect(isWorld(p), p).toBe(false);
    }
    const limits = { maxPrefixV4: 8, maxPrefixV6: 16, internal: parseAll(['44.0.0.0/8']) };
    expect(isWorld('44.0.0.0/8', limits)).toBe(false);
    expect(isWorld('45.0.0.0/8', limits)).toBe(true);
  });

  it('follows the configured limits', () => {
    const narrow = { maxPrefixV4: 0, maxPrefixV6: 0, internal: [] };
    expect(isWorld('0.0.0.0/1', narrow)).toBe(false);
    expect(isWorld('0.0.0.0/0', narrow)).toBe(true);
  });
});
