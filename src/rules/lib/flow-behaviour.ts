/**
 * Shared pieces of the stateful VPC Flow Log rules (NET-1, behaviour over time): which records open
 * a connection, how a host is named as a state key, the facts a flow summary needs, and a writer of
 * flow-log lines laid out exactly as AWS delivers them (the default v2 format, or every v2–v5 field
 * in AWS's documented order) so that rule examples can tell a story of hundreds of records in a loop.
 */
import type { Event, FlowEvent } from '../../model/event.js';
import { isReply, protocolName } from './flow.js';

/** SSH, RDP, SMB and WinRM (HTTP and HTTPS): the ports hands-on-keyboard lateral movement uses. */
export const ADMIN_PORTS: readonly number[] = [22, 3389, 445, 5985, 5986];

/** Names for the admin ports in summaries. */
const PORT_NAMES: Readonly<Record<number, string>> = {
  22: 'SSH',
  3389: 'RDP',
  445: 'SMB',
  5985: 'WinRM',
  5986: 'WinRM over HTTPS',
};

export function portName(port: number | undefined): string | undefined {
  return port === undefined ? undefined : PORT_NAMES[port];
}

export function asFlow(e: Event): FlowEvent | undefined {
  return e.kind === 'flow' ? e : undefined;
}

const SYN = 2;
const SYN_ACK = 18;

/** `tcp-flags` as a number (v3 and later), or undefined when the log does not carry them. */
export function tcpFlags(e: FlowEvent): number | undefined {
  const raw = e.raw['tcp-flags'];
  if (raw === undefined || raw === '-') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * True when the record is the opening side of a connection. With TCP flags (v3+) that is exact: the
 * record carries a SYN and is not the SYN-ACK answer; a record of a long-lived connection that
 * carries neither was opened in an earlier aggregation window and is not a new contact. Without
 * flags (v2, or UDP), anything that does not look like a reply (see `isReply`) counts.
 */
export function opensConnection(e: FlowEvent, servicePorts: readonly number[] = []): boolean {
  const flags = e.protocol === 6 ? tcpFlags(e) : undefined;
  if (flags !== undefined) return (flags & SYN) !== 0 && (flags & SYN_ACK) !== SYN_ACK;
  return !isReply(e, servicePorts);
}

/**
 * The state key of the host that sent a flow: its address within its account. Private addresses
 * repeat across VPCs and accounts, and the account is the one qualifier every log version has.
 */
export function hostKey(e: FlowEvent): string | undefined {
  if (e.srcAddr === undefined) return undefined;
  return `${e.account ?? 'unknown-account'}/${e.srcAddr}`;
}

/** `10.20.2.7:22`, `10.20.2.7:53/udp`, `10.20.2.7/icmp`: a destination as counted or learned. */
export function destination(e: FlowEvent): string | undefined {
  if (e.dstAddr === undefined) return undefined;
  if (e.protocol === 6 && e.dstPort !== undefined) return `${e.dstAddr}:${e.dstPort}`;
  if (e.protocol === 17 && e.dstPort !== undefined) return `${e.dstAddr}:${e.dstPort}/udp`;
  return `${e.dstAddr}/${protocolName(e.protocol)}`;
}

/**
 * What a flow summary needs from one record: its ends, ports, interface, instance and VPC, the
 * destination's country and network. Only the values the record has.
 */
export function flowFacts(e: Event): Record<string, string | number> {
  const f = asFlow(e);
  if (f === undefined) return {};
  // Keys are the fixed names below, never taken from the record.
  const facts: Record<string, string | number> = {};
  const put = (name: string, v: string | number | undefined): void => {
    if (v !== undefined && v !== '') facts[name] = v;
  };
  put('src', f.srcAddr);
  put('dst', f.dstAddr);
  put('srcPort', f.srcPort);
  put('dstPort', f.dstPort);
  put('protocol', protocolName(f.protocol));
  put('bytes', f.bytes);
  put('action', f.action);
  put('interface', f.interfaceId);
  put('instance', f.instanceId);
  put('vpc', f.vpcId);
  put('dstCountry', f.dst?.country);
  put('dstAsn', f.dst?.asn);
  put('dstAsOrg', f.dst?.asOrg);
  put('dstIntel', f.dst?.intel?.join(', '));
  return facts;
}

/** A fact as a string, or undefined. */
export function fact(
  facts: Readonly<Record<string, string | number>>,
  name: string,
): string | undefined {
  const v = Object.hasOwn(facts, name) ? facts[name] : undefined;
  return v === undefined ? undefined : String(v);
}

/** ` (NL; AS1234 Example; on tor)` for the `dst*` facts of a flow signal, or nothing. */
export function destinationInfo(facts: Readonly<Record<string, string | number>>): string {
  const parts: string[] = [];
  const country = fact(facts, 'dstCountry');
  const asn = fact(facts, 'dstAsn');
  const org = fact(facts, 'dstAsOrg');
  const intel = fact(facts, 'dstIntel');
  if (country !== undefined) parts.push(country);
  if (asn !== undefined) parts.push(`AS${asn}${org === undefined ? '' : ` ${org}`}`);
  if (intel !== undefined) parts.push(`on ${intel}`);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** `198.51.100.99:443 (NL; AS1234 Example)`: the destination of a flow signal and its port. */
export function describeDestination(facts: Readonly<Record<string, string | number>>): string {
  const dst = fact(facts, 'dst') ?? 'an unknown address';
  const port = fact(facts, 'dstPort');
  const protocol = fact(facts, 'protocol');
  const at =
    port === undefined || (protocol !== 'tcp' && protocol !== 'udp')
      ? ''
      : protocol === 'udp'
        ? `:${port}/udp`
        : `:${port}`;
  return `${dst}${at}${destinationInfo(facts)}`;
}

/** ` through eni-… (i-…)`, or nothing when the record named neither. */
export function through(facts: Readonly<Record<string, string | number>>): string {
  const eni = fact(facts, 'interface');
  const instance = fact(facts, 'instance');
  if (eni === undefined) return instance === undefined ? '' : ` on ${instance}`;
  return instance === undefined ? ` through ${eni}` : ` through ${eni} (${instance})`;
}

/** `2026-03-14 13:30 UTC` */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * When a group happened, to the minute: `at 2026-03-14 13:30 UTC`, `from 2026-03-14 13:30 to
 * 14:05 UTC`, or both dates in full when it spans midnight.
 */
export function span(first: number, last: number): string {
  const a = new Date(first).toISOString();
  const b = new Date(last).toISOString();
  if (a.slice(0, 16) === b.slice(0, 16)) return `at ${utcMinute(first)}`;
  if (a.slice(0, 10) === b.slice(0, 10))
    return `from ${a.slice(0, 16).replace('T', ' ')} to ${b.slice(11, 16)} UTC`;
  return `from ${utcMinute(first)} to ${utcMinute(last)}`;
}

// ---------------------------------------------------------------------------------------------
// Flow-log lines for examples
// ---------------------------------------------------------------------------------------------

/** The default format (version 2), which is also what a file without a header line holds. */
export const FLOW_V2_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** Every field of versions 2 to 5, in the order AWS documents them. */
export const FLOW_V5_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status ' +
  'vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id ' +
  'pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path';

export interface FlowSpec {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** Unix seconds of the first packet in the aggregation window. */
  start: number;
  /** Seconds from the first to the last packet (default 1). */
  duration?: number;
  packets: number;
  bytes: number;
  /** IANA number, default 6 (TCP). */
  protocol?: number;
  action?: 'ACCEPT' | 'REJECT';
  account?: string;
  /** Default: derived from the address of the host whose interface logged the record. */
  eni?: string;
  /** v5 only; default derived like `eni`. */
  instance?: string;
  vpc?: string;
  subnet?: string;
  region?: string;
  az?: string;
  tcpFlags?: number;
  /** v5: which way the record crossed the interface that logged it (default egress). */
  direction?: 'ingress' | 'egress';
  /** v5 egress only: 1 same VPC, 8 internet gateway (Nitro), … */
  trafficPath?: number;
  /** v5: `pkt-dst-aws-service` (`S3`, `AMAZON`, …) when the destination is an AWS range. */
  dstService?: string;
}

/** 17 hex digits derived from `text`, for resource ids that stay the same across a story. */
function hexId(text: string, salt: number): string {
  let h = 2_166_136_261 ^ salt;
  let out = '';
  for (let round = 0; out.length < 17; round++) {
    for (const ch of `${text}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16_777_619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return `0${out.slice(0, 16)}`;
}

/** The address whose interface logged the record: the sender's for egress, else the receiver's. */
const loggedBy = (f: FlowSpec): string => (f.direction === 'ingress' ? f.dst : f.src);

/** A stable interface id for the host at `address` (`eni-0…`, 17 hex digits as AWS gives). */
export function eniFor(address: string): string {
  return `eni-${hexId(address, 1)}`;
}

/** A stable instance id for the host at `address`. */
export function instanceFor(address: string): string {
  return `i-${hexId(address, 2)}`;
}

const fields = (f: FlowSpec): string[] => [
  f.account ?? '123456789012',
  f.eni ?? eniFor(loggedBy(f)),
  f.src,
  f.dst,
  String(f.srcPort),
  String(f.dstPort),
  String(f.protocol ?? 6),
  String(f.packets),
  String(f.bytes),
  String(f.start),
  String(f.start + (f.duration ?? 1)),
  f.action ?? 'ACCEPT',
  'OK',
];

/** One record in the default v2 format. */
export function v2Line(f: FlowSpec): string {
  return ['2', ...fields(f)].join(' ');
}

/** One record with every v5 field (`FLOW_V5_HEADER`); `-` where AWS has nothing to say. */
export function v5Line(f: FlowSpec): string {
  const direction = f.direction ?? 'egress';
  const tcp = (f.protocol ?? 6) === 6;
  return [
    '5',
    ...fields(f),
    f.vpc ?? 'vpc-0a1b2c3d4e5f60718',
    f.subnet ?? 'subnet-0b1c2d3e4f5a60718',
    f.instance ?? instanceFor(loggedBy(f)),
    tcp ? String(f.tcpFlags ?? 3) : '0',
    'IPv4',
    f.src,
    f.dst,
    f.region ?? 'eu-west-1',
    f.az ?? 'euw1-az1',
    '-',
    '-',
    '-',
    f.dstService ?? '-',
    direction,
    direction === 'egress' ? String(f.trafficPath ?? 8) : '-',
  ].join(' ');
}

/** Unix seconds of an ISO time, for readable story starts. */
export function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/**
 * A deterministic pseudo-random sequence in [0, 1) for example jitter, so stories are irregular
 * the same way on every run.
 */
export function wobble(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

// ---------------------------------------------------------------------------------------------
// Reading counted destinations back
// ---------------------------------------------------------------------------------------------

/** The host and port (when the protocol has ports) of a value made by `destination`. */
export function parseDestination(value: string): { host: string; port?: number } {
  const slash = value.lastIndexOf('/');
  const suffix = slash === -1 ? undefined : value.slice(slash + 1);
  if (suffix !== undefined && suffix !== 'udp') return { host: value.slice(0, slash) };
  const hostPort = slash === -1 ? value : value.slice(0, slash);
  const colon = hostPort.lastIndexOf(':');
  const port = Number(hostPort.slice(colon + 1));
  if (colon === -1 || !Number.isInteger(port)) return { host: hostPort };
  return { host: hostPort.slice(0, colon), port };
}

/** `22, 445 and 3389` (at most `max`, then `and 4 more`). */
export function listOf(items: readonly (string | number)[], max = 5): string {
  const shown = items.slice(0, max).map(String);
  const more = items.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1] as string}`;
}
