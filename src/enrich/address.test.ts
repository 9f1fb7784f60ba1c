import { describe, expect, it } from 'vitest';
import {
  describeNonAddress,
  formatAddress,
  isAddressOrCidr,
  isPrivateOrReserved,
  isServiceName,
  nat64Inner,
  parseAddress,
  parseCidr,
  specialRange,
  type ParsedAddress,
} from './address.js';

const parsed = (v: string): ParsedAddress => {
  const a = parseAddress(v);
  if (a === undefined) throw new Error(`${v} does not parse`);
  return a;
};

describe('parseAddress', () => {
  it('reads IPv4 as a 32-bit value and IPv6 as a 128-bit value, with canonical text', () => {
    expect(parsed('198.51.100.7')).toMatchObject({
      family: 4,
      value: 3325256711n,
      text: '198.51.100.7',
    });
    expect(parsed('2600:1F18:0000:0000:0000:0000:0000:0001')).toMatchObject({
      family: 6,
      value: 0x26001f18000000000000000000000001n,
      text: '2600:1f18::1',
    });
    expect(parsed(' 10.0.0.1 ').text).toBe('10.0.0.1');
  });

  it('reads IPv4-mapped IPv6 as the IPv4 address and drops a zone', () => {
    expect(parsed('::ffff:203.0.113.9')).toMatchObject({ family: 4, text: '203.0.113.9' });
    expect(parsed('fe80::1%eth0')).toMatchObject({ family: 6, text: 'fe80::1' });
  });

  it.each([
    ['211.9.016.253', 'a leading zero (octal in some parsers)'],
    ['256.1.1.1', 'a part over 255'],
    ['1.2.3', 'three parts'],
    ['0x7f.0.0.1', 'hex'],
    ['2130706433', 'a bare integer'],
    ['::ffff:010.0.0.1', 'an embedded IPv4 with a leading zero'],
    ['1:2:3:4:5:6:7:8:9', 'nine IPv6 groups'],
    ['2001:db8::g', 'a non-hex IPv6 group'],
    ['', 'empty'],
    ['AWS Internal', 'a service marker'],
    ['ec2.amazonaws.com', 'a service name'],
    ['10.0.0.1/8', 'a CIDR block'],
  ])('rejects %j (%s) without throwing', (value) => {
    expect(parseAddress(value)).toBeUndefined();
  });
});

describe('service names and unknown values', () => {
  it.each([
    'AWS Internal',
    'aws internal',
    'ec2.amazonaws.com',
    'elasticmapreduce.amazonaws.com',
    's3.cn-north-1.amazonaws.com.cn',
    'signin.amazon.com',
  ])('%s names an AWS service', (v) => {
    expect(isServiceName(v)).toBe(true);
    expect(describeNonAddress(v)).toEqual({ kind: 'service' });
  });

  it.each(['amazonaws.com', 'evil-amazonaws.com', 'ec2.amazonaws.com.evil.example', '203.0.113.9'])(
    '%s is not a service name',
    (v) => {
      expect(isServiceName(v)).toBe(false);
    },
  );

  it('explains why a value is unknown', () => {
    expect(describeNonAddress('211.9.016.253')).toMatchObject({ kind: 'unknown' });
    expect(describeNonAddress('211.9.016.253')).toHaveProperty(
      'reason',
      expect.stringMatching(/IPv4/),
    );
    expect(describeNonAddress('')).toEqual({ kind: 'unknown', reason: 'empty' });
    expect(describeNonAddress('HIDDEN_DUE_TO_SECURITY_REASONS')).toMatchObject({ kind: 'unknown' });
  });
});

describe('parseCidr', () => {
  it('turns a block into its first and last address, ignoring host bits', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({
      family: 4,
      first: 0x0a000000n,
      last: 0x0affffffn,
      prefixLength: 8,
    });
    expect(parseCidr('2600:1f18::/33')).toEqual({
      family: 6,
      first: 0x26001f18000000000000000000000000n,
      last: 0x26001f187fffffffffffffffffffffffn,
      prefixLength: 33,
    });
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ first: 0n, last: 0xffffffffn });
  });

  it('reads a single address as a /32 or /128, and mapped IPv4 space as IPv4', () => {
    expect(parseCidr('198.51.100.7')).toMatchObject({ prefixLength: 32, first: 3325256711n });
    expect(parseCidr('::1')).toMatchObject({ family: 6, prefixLength: 128, first: 1n, last: 1n });
    expect(parseCidr('::ffff:10.0.0.0/104')).toMatchObject({ family: 4, prefixLength: 8 });
  });

  it.each(['10.0.0.0/33', '2600::/129', '10.0.0.0/', '10.0.0.0/x', '10.0.0.0/8/8', '300.0.0.0/8'])(
    'rejects %s',
    (v) => {
      expect(parseCidr(v)).toBeUndefined();
      expect(isAddressOrCidr(v)).toBe(false);
    },
  );
});

describe('special ranges', () => {
  it.each([
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['127.0.0.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['100.128.0.1', false],
    ['0.0.0.0', true],
    ['224.0.0.251', true],
    ['255.255.255.255', true],
    ['198.18.0.1', true],
    ['240.0.0.1', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['fe80::1', true],
    ['::1', true],
    ['::', true],
    ['ff02::1', true],
    ['8.8.8.8', false],
    ['2600:1f18::1', false],
  ])('%s private or reserved: %s', (v, expected) => {
    expect(isPrivateOrReserved(parsed(v))).toBe(expected);
  });

  it('names documentation ranges, which are not private', () => {
    for (const v of ['192.0.2.1', '198.51.100.7', '203.0.113.255', '2001:db8::1', '3fff::1']) {
      expect(specialRange(parsed(v))).toBe('documentation');
      expect(isPrivateOrReserved(parsed(v))).toBe(false);
    }
  });

  it('sees the IPv4 peer inside a NAT64 address', () => {
    const inner = nat64Inner(parsed('64:ff9b::10.0.0.1'));
    expect(inner?.text).toBe('10.0.0.1');
    expect(isPrivateOrReserved(parsed('64:ff9b::10.0.0.1'))).toBe(true);
    expect(isPrivateOrReserved(parsed('64:ff9b::8.8.8.8'))).toBe(false);
    expect(nat64Inner(parsed('2600:1f18::1'))).toBeUndefined();
  });
});

describe('formatAddress', () => {
  it('round-trips values to canonical text', () => {
    expect(formatAddress(4, 3325256711n)).toBe('198.51.100.7');
    expect(formatAddress(6, 0x26001f18000000000000000000000001n)).toBe('2600:1f18::1');
    expect(formatAddress(6, 0n)).toBe('::');
  });
});
