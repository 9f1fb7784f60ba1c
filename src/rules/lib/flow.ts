/**
 * Reading VPC Flow Log records for rules: which way a flow goes relative to the organisation, whether
 * a record is the reply half of a connection someone else opened, and how to name its ends in a
 * summary. A flow record describes one direction of one connection on one interface, so an inbound
 * SSH session appears twice: the client's packets (destination port 22) and the server's replies
 * (source port 22, destination an ephemeral port). Rules about who opened a connection must look at
 * the first half only.
 */
import type { FlowEvent, IpInfo } from '../../model/event.js';

const PROTOCOLS: Readonly<Record<number, string>> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  58: 'icmpv6',
};

/** Inside the organisation: configured internal ranges and private/reserved space. */
export function isInside(info: IpInfo | undefined): boolean {
  return info?.class === 'internal' || info?.class === 'private';
}

/** Outside the organisation and outside AWS's own ranges. */
export function isExternal(info: IpInfo | undefined): boolean {
  return info?.class === 'public';
}

/** From inside the organisation to an external address. */
export function isOutbound(e: FlowEvent): boolean {
  return isInside(e.src) && isExternal(e.dst);
}

/** From an external address to inside the organisation. */
export function isInbound(e: FlowEvent): boolean {
  return isExternal(e.src) && isInside(e.dst);
}

/** TCP SYN+ACK: the flow's sender answered a connection (flow logs v3+ carry `tcp-flags`). */
const SYN_ACK = 18;

/**
 * True when the record is most likely the reply half of a connection: TCP flags show a SYN-ACK, or,
 * without flags, the source port is a service port (below 1024 or in `servicePorts`) and the
 * destination port is an ephemeral one (1024 and up).
 */
export function isReply(e: FlowEvent, servicePorts: readonly number[] = []): boolean {
  const flags = Number(e.raw['tcp-flags']);
  if (Number.isInteger(flags) && (flags & SYN_ACK) === SYN_ACK) return true;
  if (e.srcPort === undefined || e.dstPort === undefined) return false;
  const serviceSide = e.srcPort < 1024 || servicePorts.includes(e.srcPort);
  return serviceSide && e.dstPort >= 1024 && !servicePorts.includes(e.dstPort);
}

export function protocolName(p: number | undefined): string {
  if (p === undefined) return 'unknown protocol';
  return PROTOCOLS[p] ?? `protocol ${p}`;
}

/** `185.220.101.47 (DE, AS60729 Example Org; on tor)` */
export function describeAddress(address: string | undefined, info: IpInfo | undefined): string {
  const parts: string[] = [];
  if (info?.country !== undefined) parts.push(info.country);
  if (info?.asn !== undefined) parts.push(`AS${info.asn}${info.asOrg ? ` ${info.asOrg}` : ''}`);
  if (info?.intel !== undefined && info.intel.length > 0) parts.push(`on ${info.intel.join(', ')}`);
  const name = address ?? 'an unknown address';
  return parts.length > 0 ? `${name} (${parts.join('; ')})` : name;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'an unknown number of bytes';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${bytes} bytes` : `${v.toFixed(1)} ${units[i]}`;
}

/** `on port 4444/tcp through eni-… in eu-west-1` */
export function flowPlace(e: FlowEvent): string {
  const port = e.dstPort === undefined ? '' : `on port ${e.dstPort}/${protocolName(e.protocol)} `;
  const through = e.interfaceId ? `through ${e.interfaceId} ` : '';
  const region = e.region ? `in ${e.region}` : e.account ? `in account ${e.account}` : '';
  return `${port}${through}${region}`.trim();
}
