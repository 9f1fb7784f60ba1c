/**
 * Where a call came from, for rules that speak of places: whether CloudTrail names an AWS service
 * instead of an address, and the words a summary uses for the address with what enrichment knows
 * of it (class, country, network). Rules read `ApiEvent.source` (added by the enrich stage); when
 * it is absent they treat the place as unknown and say nothing about it.
 */
import type { ApiEvent } from '../../model/event.js';

/**
 * True when the call was made by an AWS service rather than from a network address: enrichment
 * classed the source as `service`, or CloudTrail wrote a service name (`ec2.amazonaws.com`,
 * `AWS Internal`) where the address would be.
 */
export function fromAwsService(e: ApiEvent): boolean {
  if (e.source?.class === 'service') return true;
  const ip = e.sourceIp;
  if (ip === undefined) return false;
  return ip === 'AWS Internal' || ip.endsWith('.amazonaws.com') || ip.endsWith('.amazon.com');
}

/** `203.0.113.24 (DE, AS3320 Deutsche Telekom AG)`, or the bare address when nothing is known. */
export function describeSource(e: ApiEvent): string {
  const ip = e.sourceIp ?? 'an unknown address';
  const s = e.source;
  if (s === undefined) return ip;
  const parts: string[] = [];
  if (s.country !== undefined) parts.push(s.country);
  if (s.asn !== undefined)
    parts.push(s.asOrg === undefined ? `AS${s.asn}` : `AS${s.asn} ${s.asOrg}`);
  if (parts.length === 0) parts.push(`${s.class} address`);
  return `${ip} (${parts.join(', ')})`;
}

/** True when the record shows the call came through a VPC endpoint. */
export function viaVpcEndpoint(e: ApiEvent): boolean {
  const v = Object.hasOwn(e.raw, 'vpcEndpointId') ? e.raw.vpcEndpointId : undefined;
  return typeof v === 'string' && v.length > 0;
}
