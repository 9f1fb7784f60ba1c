/**
 * `aws.network.security-group-opened-to-world`: a security-group rule that lets the whole internet
 * in (or out). "The whole internet" is decided from the prefix length of the block and the
 * reserved ranges (see lib/cidr-blocks), so `0.0.0.0/1`, `::/0` and friends count, and admin
 * ports or all traffic raise the priority.
 */
import { z } from 'zod';
import type { Priority } from '../../config/schema.js';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  isAutomation,
  names,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import {
  allPorts,
  portsHit,
  portsLabel,
  securityGroupOf,
  securityGroupPermissions,
  worldCidrs,
  worldKnobs,
  worldLimits,
} from '../lib/ec2-shapes.js';
import type { Direction } from '../lib/ec2-shapes.js';
import { automationAssumption, internalCidrsAssumption } from '../lib/ownership.js';

const knobs = {
  adminPorts: knob(
    z.array(z.number().int().min(0).max(65535)),
    [22, 3389, 5985, 5986, 445],
    "Ports whose exposure to the world is reported at the rule's full priority (SSH, RDP, WinRM, SMB); other ports one level lower.",
  ),
  ...worldKnobs(),
};

type Ctx = RuleContext<typeof knobs>;

interface Opening {
  direction: Direction;
  label: string;
  cidrs: string[];
  admin: number[];
  all: boolean;
}

function openings(e: ApiEvent, ctx: Ctx): Opening[] {
  const limits = worldLimits(ctx.knobs, ctx.org);
  const out: Opening[] = [];
  for (const p of securityGroupPermissions(e)) {
    const cidrs = worldCidrs(p.cidrs, limits);
    if (cidrs.length === 0) continue;
    const label = portsLabel(p);
    // The response repeats what the request asked for; one line per direction and port range.
    const prior = out.find((o) => o.direction === p.direction && o.label === label);
    if (prior !== undefined) {
      for (const c of cidrs) if (!prior.cidrs.includes(c)) prior.cidrs.push(c);
      continue;
    }
    out.push({
      direction: p.direction,
      label,
      cidrs: [...cidrs],
      admin: portsHit(p, ctx.knobs.adminPorts),
      all: allPorts(p),
    });
  }
  // A response that knows the direction of a ModifySecurityGroupRules entry supersedes the
  // request's "unknown" for the same ports.
  return out.filter(
    (o) =>
      o.direction !== 'unknown' ||
      !out.some((x) => x.direction !== 'unknown' && x.label === o.label),
  );
}

/** Steps below the rule's priority for one opening. */
function weight(o: Opening): number {
  if (o.direction === 'egress') return -2;
  return o.admin.length > 0 || o.all ? 0 : -1;
}

function priorityOf(e: ApiEvent, ctx: Ctx): Priority {
  const list = openings(e, ctx);
  let steps = Math.max(...list.map(weight));
  if (failed(e)) steps -= 1;
  if (isAutomation(e, ctx.org)) steps -= 1;
  return shift(basePriority(ctx, 'high'), steps);
}

function describe(o: Opening): string {
  const admin =
    !o.all && o.admin.length > 0
      ? ` (admin port${o.admin.length > 1 ? 's' : ''} ${o.admin.join(', ')})`
      : '';
  const cidrs = o.cidrs.join(', ');
  if (o.direction === 'egress') return `outbound ${o.label}${admin} to ${cidrs}`;
  if (o.direction === 'ingress') return `inbound ${o.label}${admin} from ${cidrs}`;
  return `${o.label}${admin} for ${cidrs} (direction not logged)`;
}

function sgRecord(
  eventName: string,
  request: JsonObject,
  response: JsonObject | null,
  extra: Partial<Parameters<typeof ctRecord>[0]> = {},
): JsonObject {
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName,
    eventVersion: '1.08',
    requestParameters: request,
    responseElements: response,
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.network.security-group-opened-to-world',
  title: 'Security group opened to the world',
  category: 'network',
  row: 'NET-3',
  priority: 'high',
  mitre: ['T1562.007'],
  description:
    'An AuthorizeSecurityGroupIngress, AuthorizeSecurityGroupEgress or ModifySecurityGroupRules ' +
    'call added a rule whose address block covers the internet: a block of public space with a ' +
    'prefix at or below the worldPrefixV4 / worldPrefixV6 knobs (0.0.0.0/0, ::/0, but also ' +
    '0.0.0.0/1 and 128.0.0.0/1 together), not the literal string. Blocks inside private, ' +
    'reserved or configured internal ranges never count. Inbound rules on an admin port (the ' +
    "adminPorts knob: SSH, RDP, WinRM, SMB) or on all traffic are reported at the rule's " +
    'priority, other inbound ports one level lower; ModifySecurityGroupRules does not say ' +
    'whether a rule is inbound or outbound and is treated as inbound. Outbound rules are two ' +
    'levels lower (the default egress rule already allows everything; an attacker re-adding it ' +
    'after a lockdown is still worth seeing). All three request shapes are read: nested ' +
    '`ipPermissions.items`, the flat legacy `cidrIp` / `fromPort` / `toPort` form and ' +
    "ModifySecurityGroupRules' `SecurityGroupRule` entries, together with the normalised " +
    '`securityGroupRuleSet` of the response. Failed calls are one level lower as attempts, and ' +
    'so are changes made by the configured automation.',
  falsePositives: [
    'Public load balancers and web servers opened on 80 or 443 (reported one level lower).',
    'Security groups created by infrastructure-as-code with the usual allow-all egress rule.',
  ],
  response: [
    'Look up the group (DescribeSecurityGroups) and the instances, load balancers and databases that use it.',
    'Revoke the rule (RevokeSecurityGroupIngress with the securityGroupRuleId) unless the owner confirms it, and replace it with the narrow ranges that are needed.',
    'For admin ports, review logins on the affected instances and VPC flow logs since the change.',
    'Consider AWS Config rules (restricted-ssh, restricted-common-ports) or a firewall manager policy to keep this from recurring.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySecurityGroupRules.html',
    'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  ],
  knobs,
  assumptions: (ctx) => [...automationAssumption(ctx.org), ...internalCidrsAssumption(ctx.org)],
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com'],
    eventNames: [
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'ModifySecurityGroupRules',
    ],
  },
  match: (e, ctx) => openings(e, ctx).length > 0,
  priorityOf,
  key: (e) => `${e.actor.arn ?? e.actor.principalId ?? 'unknown'}|${securityGroupOf(e) ?? ''}`,
  summary: (e, ctx) => {
    const list = openings(e, ctx).map(describe);
    return (
      `${actorName(e)} ${did(e, 'opened', 'open')} security group ${securityGroupOf(e) ?? '(unnamed)'} ` +
      `to the world: ${names(list, 2)} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'SSH from anywhere in the flat legacy shape (as the Invictus dataset records it)',
        record: sgRecord(
          'AuthorizeSecurityGroupIngress',
          {
            groupId: 'sg-04cfb7a4712d75b00',
            ipPermissions: {},
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            cidrIp: '0.0.0.0/0',
          },
          {
            requestId: '30f339b8-9c7f-4033-931e-55afb53986a6',
            _return: true,
            securityGroupRuleSet: {
              items: [
                {
                  groupOwnerId: '123456789012',
                  groupId: 'sg-04cfb7a4712d75b00',
                  securityGroupRuleId: 'sgr-0a11552a7d225f5c7',
                  isEgress: false,
                  ipProtocol: 'tcp',
                  fromPort: 22,
                  toPort: 22,
                  cidrIpv4: '0.0.0.0/0',
                },
              ],
            },
          },
          { userAgent: 'stratus-red-team_2142a106-933f-4595-ad51-0ff5dfff60b7' },
        ),
      },
      {
        title: 'RDP from two half-internet blocks in the nested shape',
        record: sgRecord(
          'AuthorizeSecurityGroupIngress',
          {
            groupId: 'sg-0b1c2d3e4f5a6b7c8',
            ipPermissions: {
              items: [
                {
                  ipProtocol: 'tcp',
                  fromPort: 3389,
                  toPort: 3389,
                  groups: {},
                  ipRanges: { items: [{ cidrIp: '0.0.0.0/1' }, { cidrIp: '128.0.0.0/1' }] },
                  ipv6Ranges: {},
                  prefixListIds: {},
                },
              ],
            },
          },
          {
            requestId: '0c897921-eded-4cdf-ac2a-c0e5ed5f397d',
            _return: true,
            securityGroupRuleSet: {
              items: [
                {
                  groupOwnerId: '123456789012',
                  groupId: 'sg-0b1c2d3e4f5a6b7c8',
                  securityGroupRuleId: 'sgr-0bb31cddb2c27f401',
                  isEgress: false,
                  ipProtocol: 'tcp',
                  fromPort: 3389,
                  toPort: 3389,
                  cidrIpv4: '0.0.0.0/1',
                },
                {
                  groupOwnerId: '123456789012',
                  groupId: 'sg-0b1c2d3e4f5a6b7c8',
                  securityGroupRuleId: 'sgr-0cc42deec3d38a512',
                  isEgress: false,
                  ipProtocol: 'tcp',
                  fromPort: 3389,
                  toPort: 3389,
                  cidrIpv4: '128.0.0.0/1',
                },
              ],
            },
          },
          { identity: 'role', userAgent: USER_AGENTS.console },
        ),
      },
      {
        title: 'HTTPS from anywhere, nested shape (one level lower)',
        record: sgRecord(
          'AuthorizeSecurityGroupIngress',
          {
            groupId: 'sg-04cfb7a4712d75b00',
            ipPermissions: {
              items: [
                {
                  ipProtocol: 'tcp',
                  fromPort: 443,
                  toPort: 443,
                  groups: {},
                  ipRanges: { items: [{ cidrIp: '0.0.0.0/0', description: 'TLS from Internet' }] },
                  ipv6Ranges: {},
                  prefixListIds: {},
                },
              ],
            },
          },
          null,
        ),
      },
      {
        title: 'A rule modified to all traffic from anywhere (ModifySecurityGroupRules)',
        record: sgRecord(
          'ModifySecurityGroupRules',
          {
            ModifySecurityGroupRulesRequest: {
              GroupId: { tag: 1, content: 'sg-0123456789abcdef0' },
              SecurityGroupRule: {
                tag: 1,
                SecurityGroupRuleId: { tag: 1, content: 'sgr-0d28445c956a5d8ac' },
                SecurityGroupRule: { IpProtocol: '-1', CidrIpv4: '0.0.0.0/0', Description: 'temp' },
              },
            },
          },
          {
            ModifySecurityGroupRulesResponse: {
              xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
              requestId: '3e5a9c1b-7d2f-4e8a-b6c0-1f3d5e7a9b2c',
              return: true,
            },
          },
          { identity: 'role', userAgent: USER_AGENTS.boto3 },
        ),
      },
      {
        title: 'Egress of all traffic to anywhere (as the Invictus dataset records it)',
        record: sgRecord(
          'AuthorizeSecurityGroupEgress',
          {
            groupId: 'sg-04cfb7a4712d75b00',
            ipPermissions: {
              items: [
                {
                  ipProtocol: '-1',
                  groups: {},
                  ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
                  ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] },
                  prefixListIds: {},
                },
              ],
            },
          },
          {
            requestId: 'b8dd3137-1553-4109-b927-8c974c244627',
            _return: true,
            securityGroupRuleSet: {
              items: [
                {
                  groupOwnerId: '123456789012',
                  groupId: 'sg-04cfb7a4712d75b00',
                  securityGroupRuleId: 'sgr-035a6016fe8ef01c5',
                  isEgress: true,
                  ipProtocol: '-1',
                  fromPort: -1,
                  toPort: -1,
                  cidrIpv4: '0.0.0.0/0',
                },
                {
                  groupOwnerId: '123456789012',
                  groupId: 'sg-04cfb7a4712d75b00',
                  securityGroupRuleId: 'sgr-08d9fb7a2d678c6e8',
                  isEgress: true,
                  ipProtocol: '-1',
                  fromPort: -1,
                  toPort: -1,
                  cidrIpv6: '::/0',
                },
              ],
            },
          },
          { userAgent: USER_AGENTS.terraform },
        ),
      },
    ],
    miss: [
      {
        title: 'SSH from the office range',
        record: sgRecord(
          'AuthorizeSecurityGroupIngress',
          {
            groupId: 'sg-04cfb7a4712d75b00',
            ipPermissions: {
              items: [
                {
                  ipProtocol: 'tcp',
                  fromPort: 22,
                  toPort: 22,
                  groups: {},
                  ipRanges: { items: [{ cidrIp: '198.51.100.0/24', description: 'office' }] },
                  ipv6Ranges: {},
                  prefixListIds: {},
                },
              ],
            },
          },
          null,
        ),
      },
      {
        title: 'All traffic from the whole 10.0.0.0/8 private range',
        record: sgRecord(
          'AuthorizeSecurityGroupIngress',
          {
            groupId: 'sg-04cfb7a4712d75b00',
            ipProtocol: '-1',
            cidrIp: '10.0.0.0/8',
          },
          null,
        ),
      },
      {
        title: 'A world-open SSH rule revoked',
        record: sgRecord(
          'RevokeSecurityGroupIngress',
          {
            groupId: 'sg-04cfb7a4712d75b00',
            ipPermissions: {
              items: [
                {
                  ipProtocol: 'tcp',
                  fromPort: 22,
                  toPort: 22,
                  groups: {},
                  ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
                  ipv6Ranges: {},
                  prefixListIds: {},
                },
              ],
            },
          },
          { requestId: '5fbf4781-20ed-475e-94b4-0159c242c255', _return: true },
        ),
      },
    ],
  },
});
