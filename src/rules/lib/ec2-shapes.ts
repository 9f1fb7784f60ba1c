/**
 * EC2 request shapes, normalised for network and data rules. EC2 logs the same thing several ways:
 * older APIs in camelCase with `{"items": […]}` list wrappers, newer ones (after the normaliser
 * has removed the `XxxRequest` wrapper) in PascalCase with `{"tag": 1, "content": …}` values, and
 * legacy flat parameters. This module reads security-group permissions (nested `ipPermissions`,
 * the flat legacy form, `ModifySecurityGroupRules`, and the `securityGroupRuleSet` of the
 * response), share permissions of snapshots and images, and the "open to the world" knobs.
 */
import { z } from 'zod';
import type { Organisation } from '../../config/schema.js';
import { knob } from '../../engine/rule.js';
import type { ApiEvent, JsonObject, JsonValue } from '../../model/event.js';
import { at, bool, ec2Values, num, str } from '../lib.js';
import { isWorld, parseAll } from './cidr-blocks.js';
import type { WorldLimits } from './cidr-blocks.js';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The objects of an EC2 list: `{"items": […]}`, `{"item": …}`, an array, or one bare object. An
 * empty `{}` (how EC2 logs an empty list such as `"groups": {}`) is no objects.
 */
export function ec2Items(v: JsonValue | undefined, ...path: (string | number)[]): JsonObject[] {
  const x = path.length === 0 ? v : at(v, ...path);
  if (Array.isArray(x)) return x.flatMap((y) => ec2Items(y));
  if (!isObject(x)) return [];
  if (Object.hasOwn(x, 'items')) return ec2Items(x.items);
  if (Object.hasOwn(x, 'item')) return ec2Items(x.item);
  return Object.keys(x).length === 0 ? [] : [x];
}

/** The first value of an EC2 parameter in any of its shapes (see `ec2Values`). */
export function ec2Scalar(
  v: JsonValue | undefined,
  ...path: (string | number)[]
): string | undefined {
  return ec2Values(v, ...path)[0];
}

/** The first of several request parameter names that has a value. */
export function ec2Param(e: ApiEvent, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = ec2Scalar(e.request, n);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** A boolean request parameter (a JSON boolean, `"true"`, or `{content: "true"}`). */
export function ec2Flag(e: ApiEvent, ...names: string[]): boolean | undefined {
  for (const n of names) {
    const b = bool(e.request, n);
    if (b !== undefined) return b;
    const s = ec2Scalar(e.request, n);
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return undefined;
}

function numOf(v: JsonValue | undefined, name: string): number | undefined {
  const n = num(v, name);
  if (n !== undefined) return n;
  const s = ec2Scalar(v, name);
  return s !== undefined && /^-?\d+$/.test(s) ? Number(s) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Security-group permissions
// ---------------------------------------------------------------------------------------------

export type Direction = 'ingress' | 'egress' | 'unknown';

/** A protocol and port range, as security-group and network-ACL rules have them. */
export interface PortRange {
  /** `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all) or a protocol number, lower case. */
  protocol: string;
  fromPort?: number | undefined;
  toPort?: number | undefined;
}

/** One security-group permission, whichever shape it was logged in. */
export interface SgPermission extends PortRange {
  direction: Direction;
  cidrs: string[];
  ruleId: string | undefined;
}

const PROTOCOL_NAMES: Record<string, string> = {
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
};

/** `6` → `tcp`, `all` → `-1`, names lower-cased; a missing protocol means all. */
export function normProtocol(p: string | undefined): string {
  if (p === undefined) return '-1';
  const s = p.trim().toLowerCase();
  if (s === 'all' || s === '-1') return '-1';
  return Object.hasOwn(PROTOCOL_NAMES, s) ? (PROTOCOL_NAMES[s] as string) : s;
}

function directionOf(e: ApiEvent): Direction {
  if (e.eventName.endsWith('Ingress')) return 'ingress';
  if (e.eventName.endsWith('Egress')) return 'egress';
  return 'unknown';
}

function fromNested(p: JsonObject, direction: Direction): SgPermission {
  const cidrs = [
    ...ec2Items(p, 'ipRanges').flatMap((r) => ec2Values(r, 'cidrIp')),
    ...ec2Items(p, 'ipv6Ranges').flatMap((r) => ec2Values(r, 'cidrIpv6')),
  ];
  return {
    direction,
    protocol: normProtocol(ec2Scalar(p, 'ipProtocol')),
    fromPort: numOf(p, 'fromPort'),
    toPort: numOf(p, 'toPort'),
    cidrs,
    ruleId: undefined,
  };
}

function fromRuleSpec(r: JsonObject, direction: Direction, ruleId?: string): SgPermission {
  return {
    direction,
    protocol: normProtocol(ec2Scalar(r, 'IpProtocol')),
    fromPort: numOf(r, 'FromPort'),
    toPort: numOf(r, 'ToPort'),
    cidrs: [...ec2Values(r, 'CidrIpv4'), ...ec2Values(r, 'CidrIpv6')],
    ruleId: ruleId ?? ec2Scalar(r, 'SecurityGroupRuleId'),
  };
}

/**
 * Every permission an Authorize* or ModifySecurityGroupRules event names: from the request in its
 * nested, flat legacy or ModifySecurityGroupRules shape, and from the response's
 * `securityGroupRuleSet` (which EC2 writes in one normalised shape for all of them, but only for
 * calls that succeeded).
 */
export function securityGroupPermissions(e: ApiEvent): SgPermission[] {
  const direction = directionOf(e);
  const out: SgPermission[] = [];
  const req = e.request;
  for (const p of ec2Items(req, 'ipPermissions')) out.push(fromNested(p, direction));
  const flatCidr = [...ec2Values(req, 'cidrIp'), ...ec2Values(req, 'cidrIpv6')];
  if (flatCidr.length > 0) {
    out.push({
      direction,
      protocol: normProtocol(ec2Scalar(req, 'ipProtocol')),
      fromPort: numOf(req, 'fromPort'),
      toPort: numOf(req, 'toPort'),
      cidrs: flatCidr,
      ruleId: undefined,
    });
  }
  // ModifySecurityGroupRules: each entry pairs a rule id with its new specification, and neither
  // says whether the rule is inbound or outbound.
  for (const entry of ec2Items(req, 'SecurityGroupRule')) {
    const spec = at(entry, 'SecurityGroupRule');
    if (isObject(spec)) {
      out.push(fromRuleSpec(spec, direction, ec2Scalar(entry, 'SecurityGroupRuleId')));
    }
  }
  for (const r of ec2Items(e.response, 'securityGroupRuleSet')) {
    const egress = at(r, 'isEgress');
    const d: Direction =
      egress === true || egress === 'true'
        ? 'egress'
        : egress === false || egress === 'false'
          ? 'ingress'
          : direction;
    out.push(fromRuleSpec(r, d, str(r, 'securityGroupRuleId')));
  }
  return out;
}

/** The security group an event changes. */
export function securityGroupOf(e: ApiEvent): string | undefined {
  return (
    ec2Param(e, 'groupId', 'GroupId', 'groupName') ??
    ec2Items(e.response, 'securityGroupRuleSet')
      .map((r) => str(r, 'groupId'))
      .find((g) => g !== undefined)
  );
}

/** True when the range covers every port: all protocols, or tcp/udp 0 or 1 to 65535 (or -1). */
export function allPorts(p: PortRange): boolean {
  if (p.protocol === '-1') return true;
  if (p.protocol !== 'tcp' && p.protocol !== 'udp') return false;
  const from = p.fromPort ?? 0;
  const to = p.toPort ?? 65535;
  // EC2 logs "all ports" of tcp/udp as -1 / -1 in some responses.
  if (from < 0 && to < 0) return true;
  return from <= 1 && to >= 65535;
}

/** The ports among `ports` that the range opens. */
export function portsHit(p: PortRange, ports: readonly number[]): number[] {
  if (allPorts(p))
    return p.protocol === '-1' || p.protocol === 'tcp' || p.protocol === 'udp' ? [...ports] : [];
  if (p.protocol !== 'tcp' && p.protocol !== 'udp') return [];
  const from = p.fromPort ?? 0;
  const to = p.toPort ?? from;
  return ports.filter((port) => port >= from && port <= to);
}

/** `tcp 22`, `tcp 1024-65535`, `all traffic`, `icmp`. */
export function portsLabel(p: PortRange): string {
  if (p.protocol === '-1') return 'all traffic';
  if (p.protocol !== 'tcp' && p.protocol !== 'udp') return p.protocol;
  if (allPorts(p)) return `${p.protocol} all ports`;
  const from = p.fromPort ?? 0;
  const to = p.toPort ?? from;
  return from === to ? `${p.protocol} ${from}` : `${p.protocol} ${from}-${to}`;
}

// ---------------------------------------------------------------------------------------------
// "Open to the world" knobs
// ---------------------------------------------------------------------------------------------

/** The knobs every rule that decides "open to the world" shares, with the same defaults. */
export function worldKnobs() {
  return {
    worldPrefixV4: knob(
      z.number().int().min(0).max(32),
      8,
      'An IPv4 block of public addresses with this prefix length or shorter counts as the whole internet (0.0.0.0/1 is as open as 0.0.0.0/0). Private, reserved and internalCidrs ranges never count.',
    ),
    worldPrefixV6: knob(
      z.number().int().min(0).max(128),
      16,
      'The same limit for IPv6 blocks (::/0, 2000::/3 and any /16 or shorter of public space).',
    ),
  };
}

export function worldLimits(
  knobs: { worldPrefixV4: number; worldPrefixV6: number },
  org: Organisation,
): WorldLimits {
  return {
    maxPrefixV4: knobs.worldPrefixV4,
    maxPrefixV6: knobs.worldPrefixV6,
    internal: parseAll(org.internalCidrs),
  };
}

/** The blocks among `cidrs` that open to the world. */
export function worldCidrs(cidrs: readonly string[], limits: WorldLimits): string[] {
  return cidrs.filter((c) => isWorld(c, limits));
}

// ---------------------------------------------------------------------------------------------
// Share permissions (snapshots and images)
// ---------------------------------------------------------------------------------------------

/** Who a createVolumePermission / launchPermission change adds. */
export interface ShareChange {
  /** `group: all`: the resource becomes public. */
  everyone: boolean;
  accounts: string[];
  /** Organization and OU ARNs (image sharing). */
  organisations: string[];
}

function addEntries(into: ShareChange, entries: JsonObject[]): void {
  for (const item of entries) {
    const group = ec2Scalar(item, 'group');
    if (group !== undefined && group.toLowerCase() === 'all') into.everyone = true;
    const user = ec2Scalar(item, 'userId');
    if (user !== undefined && !into.accounts.includes(user)) into.accounts.push(user);
    for (const k of ['organizationArn', 'organizationalUnitArn']) {
      const o = ec2Scalar(item, k);
      if (o !== undefined && !into.organisations.includes(o)) into.organisations.push(o);
    }
  }
}

/**
 * The `add` side of a share-permission change. Two shapes: the structured one
 * (`createVolumePermission: {add: {items: [{userId}|{group: "all"}]}}`, in either case) and the
 * legacy flat one (`attribute`, `operationType: add`, `userId` / `userGroup` lists).
 */
export function sharesAdded(e: ApiEvent, attribute: string): ShareChange {
  const out: ShareChange = { everyone: false, accounts: [], organisations: [] };
  addEntries(out, ec2Items(e.request, attribute, 'add'));
  const op = ec2Param(e, 'operationType');
  const attr = ec2Param(e, 'attribute');
  if (
    op !== undefined &&
    op.toLowerCase() === 'add' &&
    attr?.toLowerCase() === attribute.toLowerCase()
  ) {
    for (const u of ec2Values(e.request, 'userId')) {
      if (!out.accounts.includes(u)) out.accounts.push(u);
    }
    if (ec2Values(e.request, 'userGroup').some((g) => g.toLowerCase() === 'all')) {
      out.everyone = true;
    }
  }
  return out;
}
