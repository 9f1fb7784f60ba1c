/**
 * CIDR blocks as network rules see them: parsing IPv4 and IPv6 blocks (a bare address is a /32 or
 * /128), containment, and the question network rules ask most, "does this block open a resource to
 * the world?". That is decided from the prefix length and the reserved ranges, never from the
 * literal text, so `0.0.0.0/1` plus `128.0.0.0/1`, `::/0` or `1.2.3.4/0` count as much as
 * `0.0.0.0/0`, while `10.0.0.0/8` does not. Addresses are parsed with ipaddr.js. Values come from
 * records, so nothing here throws.
 */
import ipaddr from 'ipaddr.js';

export interface Cidr {
  version: 4 | 6;
  /** The address part as written (host bits are ignored by `contains`). */
  address: ipaddr.IPv4 | ipaddr.IPv6;
  prefix: number;
  /** The block as written in the record. */
  text: string;
}

/**
 * IPv4 must be strict dotted decimal: `016` is octal 14 to some parsers and decimal 16 to others,
 * so a value written that way cannot be trusted to name one block (anonymised logs contain such
 * values). The embedded IPv4 of an IPv6 address is held to the same rule; zones are refused.
 */
function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!text.includes(':')) {
    return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : undefined;
  }
  if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
  const tail = text.slice(text.lastIndexOf(':') + 1);
  if (tail.includes('.') && !ipaddr.IPv4.isValidFourPartDecimal(tail)) return undefined;
  return ipaddr.IPv6.parse(text);
}

/** Parses `a.b.c.d/n`, an IPv6 block, or a bare address; undefined for anything else. */
export function parseCidr(value: string): Cidr | undefined {
  const text = value.trim();
  if (text.length === 0 || text.length > 64) return undefined;
  const slash = text.indexOf('/');
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  const version = address.kind() === 'ipv4' ? 4 : 6;
  const bits = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  return { version, address, prefix, text: value };
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  if (outer.version !== inner.version || outer.prefix > inner.prefix) return false;
  return inner.address.match(outer.address, outer.prefix);
}

/**
 * Blocks that are not reachable from the internet or not routed at all: RFC 1918 and 6598
 * private space, loopback, link-local, documentation, benchmarking, multicast and reserved
 * space, IPv6 unique-local, link-local, multicast and documentation prefixes.
 */
const RESERVED: readonly Cidr[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
  '2001:db8::/32',
].map((s) => parseCidr(s) as Cidr);

/** True when the whole block is private, reserved or inside one of `internal`. */
export function isInternal(block: Cidr, internal: readonly Cidr[] = []): boolean {
  for (const r of RESERVED) if (contains(r, block)) return true;
  for (const r of internal) if (contains(r, block)) return true;
  return false;
}

/** How short a prefix must be for a block of public space to count as "the world". */
export interface WorldLimits {
  /** IPv4 blocks with this prefix length or shorter (default 8: 16.7 million addresses). */
  maxPrefixV4: number;
  /** IPv6 blocks with this prefix length or shorter. */
  maxPrefixV6: number;
  /** The organisation's internal ranges; blocks inside them are never the world. */
  internal: readonly Cidr[];
}

export const DEFAULT_WORLD_LIMITS: WorldLimits = { maxPrefixV4: 8, maxPrefixV6: 16, internal: [] };

/**
 * True when `value` is a block that opens to the world: short enough (see `WorldLimits`) and not
 * wholly private, reserved or internal. Unparseable values are not the world (EC2 rejects them).
 *
 * @example isWorld('0.0.0.0/0') === true; isWorld('128.0.0.0/1') === true;
 *   isWorld('10.0.0.0/8') === false; isWorld('203.0.113.7/32') === false
 */
export function isWorld(value: string, limits: WorldLimits = DEFAULT_WORLD_LIMITS): boolean {
  const block = parseCidr(value);
  if (block === undefined) return false;
  const max = block.version === 4 ? limits.maxPrefixV4 : limits.maxPrefixV6;
  return block.prefix <= max && !isInternal(block, limits.internal);
}

/** Parses configured CIDRs, skipping any that do not parse. */
export function parseAll(values: readonly string[]): Cidr[] {
  const out: Cidr[] = [];
  for (const v of values) {
    const c = parseCidr(v);
    if (c !== undefined) out.push(c);
  }
  return out;
}
