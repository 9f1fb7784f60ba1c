/**
 * Reading the values CloudTrail and VPC Flow Logs put where an address belongs. A value is an IPv4
 * or IPv6 address, the name of an AWS service (`ec2.amazonaws.com`, `AWS Internal`: the call was
 * made by AWS on the caller's behalf), or something else: anonymised, truncated or malformed text
 * such as `211.9.016.253`. Nothing here throws; a value that is not an address is named as such.
 * This module also says which special-purpose range an address is in (private, loopback,
 * documentation, …), which decides the `private` class of enrichment.
 */
import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

/** An address as enrichment works with it: its family, its bits as a bigint, its canonical text. */
export interface ParsedAddress {
  family: Family;
  /** The address as an unsigned integer (32 bits for IPv4, 128 for IPv6). */
  value: bigint;
  /** Canonical text: dotted decimal, or RFC 5952 for IPv6 (IPv4-mapped IPv6 becomes IPv4). */
  text: string;
  ip: ipaddr.IPv4 | ipaddr.IPv6;
}

/** A CIDR block as a closed interval of one family. */
export interface ParsedCidr {
  family: Family;
  first: bigint;
  last: bigint;
  prefixLength: number;
}

/** How a value that is not an address reads: an AWS service, or unknown. */
export type NonAddress = { kind: 'service' } | { kind: 'unknown'; reason: string };

// Service principals as CloudTrail writes them in `sourceIPAddress` (`ec2.amazonaws.com`,
// `s3.cn-north-1.amazonaws.com.cn`, `signin.amazon.com`) and the literal `AWS Internal`.
const SERVICE_NAME =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:amazonaws\.com(?:\.cn)?|amazon\.com)$/i;

/** True when the value names an AWS service rather than a network address. */
export function isServiceName(value: string): boolean {
  const v = value.trim();
  // A DNS name is at most 253 characters; longer text is not one, and is not worth matching.
  return v.toLowerCase() === 'aws internal' || (v.length <= 253 && SERVICE_NAME.test(v));
}

/**
 * Parses an IPv4 (strict dotted decimal) or IPv6 address; undefined for anything else. IPv4
 * written with leading zeros (`211.9.016.253`), fewer than four parts or in hex is rejected: some
 * parsers read `016` as octal 14, so the value cannot be trusted to mean one address. IPv4-mapped
 * IPv6 (`::ffff:192.0.2.1`) is read as the IPv4 address it carries; a zone (`%eth0`) is dropped.
 *
 * @example
 * parseAddress('198.51.100.7')?.family; // 4
 * parseAddress('211.9.016.253'); // undefined
 */
export function parseAddress(value: string): ParsedAddress | undefined {
  const v = value.trim();
  if (v.length === 0 || v.length > 64) return undefined;
  if (!v.includes(':')) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(v)) return undefined;
    return fromIp(ipaddr.IPv4.parse(v));
  }
  if (!ipaddr.IPv6.isValid(v)) return undefined;
  // ipaddr.js accepts the embedded IPv4 of `::ffff:a.b.c.d` in octal and hex; require decimal.
  const tail = v.slice(v.lastIndexOf(':') + 1).replace(/%.*$/, '');
  if (tail.includes('.') && !ipaddr.IPv4.isValidFourPartDecimal(tail)) return undefined;
  const ip = ipaddr.IPv6.parse(v);
  if (ip.isIPv4MappedAddress()) return fromIp(ip.toIPv4Address());
  return fromIp(ip);
}

/** Explains why a value is not an address: an AWS service name, or unknown with a reason. */
export function describeNonAddress(value: string): NonAddress {
  if (isServiceName(value)) return { kind: 'service' };
  const v = value.trim();
  if (v.length === 0) return { kind: 'unknown', reason: 'empty' };
  if (/^\d+(?:\.\d+){3}$/.test(v)) {
    return {
      kind: 'unknown',
      reason: 'not a valid IPv4 address (leading zeros or parts over 255)',
    };
  }
  return { kind: 'unknown', reason: 'not an IP address' };
}

/**
 * Parses a CIDR block (`10.0.0.0/8`, `2600:1f00::/24`) or a single address (a /32 or /128).
 * Host bits set below the prefix are ignored: `10.1.2.3/8` is `10.0.0.0/8`.
 *
 * @example
 * parseCidr('10.0.0.0/8'); // { family: 4, first: 167772160n, last: 184549375n, prefixLength: 8 }
 */
export function parseCidr(value: string): ParsedCidr | undefined {
  const v = value.trim();
  const slash = v.indexOf('/');
  if (slash < 0) {
    const a = parseAddress(v);
    if (a === undefined) return undefined;
    return { family: a.family, first: a.value, last: a.value, prefixLength: bitsOf(a.family) };
  }
  const bitsText = v.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const a = parseAddress(v.slice(0, slash));
  if (a === undefined) return undefined;
  let prefixLength = Number(bitsText);
  const family = a.family;
  // `::ffff:10.0.0.0/104` names IPv4 space; parseAddress has already turned the address into IPv4.
  if (family === 4 && v.slice(0, slash).includes(':')) prefixLength -= 96;
  if (prefixLength < 0 || prefixLength > bitsOf(family)) return undefined;
  const hostBits = BigInt(bitsOf(family) - prefixLength);
  const first = (a.value >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  return { family, first, last, prefixLength };
}

/** True when the value is an IP address or a CIDR block that `parseCidr` accepts. */
export function isAddressOrCidr(value: string): boolean {
  return parseCidr(value) !== undefined;
}

/** Canonical text of an address given as an integer: dotted decimal, or RFC 5952 for IPv6. */
export function formatAddress(family: Family, value: bigint): string {
  const bytes: number[] = [];
  for (let shift = bitsOf(family) - 8; shift >= 0; shift -= 8) {
    bytes.push(Number((value >> BigInt(shift)) & 255n));
  }
  const ip = ipaddr.fromByteArray(bytes);
  return ip instanceof ipaddr.IPv6 ? ip.toRFC5952String() : ip.toString();
}

export function bitsOf(family: Family): number {
  return family === 4 ? 32 : 128;
}

/**
 * The special-purpose range an address is in, or `unicast` for ordinary global addresses.
 * Documentation ranges (RFC 5737, RFC 3849, RFC 9637) are reported as `documentation`: they stand
 * for public addresses in samples, AWS examples and anonymised logs.
 */
export function specialRange(a: ParsedAddress): string {
  if (isDocumentation(a)) return 'documentation';
  if (a.family === 6 && a.ip instanceof ipaddr.IPv6 && a.ip.range() === 'rfc6052') {
    // NAT64 (as on an AWS NAT gateway) carries the IPv4 peer in the low 32 bits of 64:ff9b::/96.
    const inner = nat64Inner(a);
    if (inner !== undefined) return specialRange(inner);
  }
  return a.ip.range();
}

// Ranges that never carry traffic to or from the internet: RFC 1918 / 4193 private space,
// loopback, link-local, CGNAT (RFC 6598), multicast, benchmarking and other IETF-reserved blocks.
const PRIVATE_RANGES = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal',
  'loopback',
  'carrierGradeNat',
  'private',
  'reserved',
  'uniqueLocal',
  'deprecatedSiteLocal',
  'discard',
  'benchmarking',
  'orchid2',
  'deprecatedOrchid',
  'droneRemoteIdProtocolEntityTags',
  'segmentRouting',
  'rfc6145',
  'rfc6052',
]);

/**
 * True when the address is private or reserved (the `private` class): see `PRIVATE_RANGES`.
 * Documentation addresses are not: in sample data and AWS examples they stand for public ones.
 */
export function isPrivateOrReserved(a: ParsedAddress): boolean {
  return PRIVATE_RANGES.has(specialRange(a));
}

/** The IPv4 address inside a well-known-prefix NAT64 address (`64:ff9b::198.51.100.7`). */
export function nat64Inner(a: ParsedAddress): ParsedAddress | undefined {
  if (a.family !== 6 || a.value >> 32n !== 0x0064ff9b0000000000000000n) return undefined;
  const v4 = Number(a.value & 0xffffffffn);
  return fromIp(ipaddr.fromByteArray([v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255]));
}

const DOCUMENTATION: readonly ParsedCidr[] = [
  '192.0.2.0/24',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '2001:db8::/32',
  '3fff::/20',
].map((c) => parseCidr(c) as ParsedCidr);

function isDocumentation(a: ParsedAddress): boolean {
  return DOCUMENTATION.some(
    (c) => c.family === a.family && a.value >= c.first && a.value <= c.last,
  );
}

function fromIp(ip: ipaddr.IPv4 | ipaddr.IPv6): ParsedAddress {
  let value = 0n;
  for (const byte of ip.toByteArray()) value = (value << 8n) | BigInt(byte);
  if (ip instanceof ipaddr.IPv4) return { family: 4, value, text: ip.toString(), ip };
  const plain = new ipaddr.IPv6(ip.parts);
  return { family: 6, value, text: plain.toRFC5952String(), ip: plain };
}
