/**
 * `aws.network.network-acl-allow-all`: an inbound network-ACL entry that allows all traffic (every
 * protocol, or every port) from the world. Network ACLs are the subnet-wide backstop behind
 * security groups; an allow-all entry with a low rule number overrides the deny entries after it.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  at,
  basePriority,
  ctRecord,
  did,
  failed,
  isAutomation,
  num,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import {
  ec2Flag,
  ec2Param,
  normProtocol,
  portsLabel,
  worldCidrs,
  worldKnobs,
  worldLimits,
} from '../lib/ec2-shapes.js';
import type { PortRange } from '../lib/ec2-shapes.js';
import { automationAssumption, internalCidrsAssumption } from '../lib/ownership.js';

const knobs = {
  minPortSpan: knob(
    z.number().int().min(1).max(65536),
    65535,
    'A tcp or udp entry counts as "all traffic" when its port range spans at least this many ports (the default needs 1-65535 or 0-65535; lower it to also catch wide ranges).',
  ),
  ...worldKnobs(),
};

type Ctx = RuleContext<typeof knobs>;

function portRange(e: ApiEvent): PortRange {
  const pr = at(e.request, 'portRange');
  return {
    protocol: normProtocol(ec2Param(e, 'aclProtocol', 'protocol', 'Protocol')),
    fromPort: num(pr, 'from'),
    toPort: num(pr, 'to'),
  };
}

function wide(p: PortRange, minSpan: number): boolean {
  if (p.protocol === '-1') return true;
  if (p.protocol !== 'tcp' && p.protocol !== 'udp') return false;
  const from = p.fromPort ?? 0;
  const to = p.toPort ?? 65535;
  return to - from + 1 >= minSpan;
}

function worldBlocks(e: ApiEvent, ctx: Ctx): string[] {
  const blocks = [
    ec2Param(e, 'cidrBlock', 'CidrBlock'),
    ec2Param(e, 'ipv6CidrBlock', 'Ipv6CidrBlock'),
  ];
  return worldCidrs(
    blocks.filter((b): b is string => b !== undefined),
    worldLimits(ctx.knobs, ctx.org),
  );
}

function matches(e: ApiEvent, ctx: Ctx): boolean {
  const action = ec2Param(e, 'ruleAction', 'RuleAction');
  if (action === undefined || action.toLowerCase() !== 'allow') return false;
  if (ec2Flag(e, 'egress', 'Egress') !== false) return false;
  return wide(portRange(e), ctx.knobs.minPortSpan) && worldBlocks(e, ctx).length > 0;
}

function aclRecord(
  eventName: string,
  request: JsonObject,
  extra: Partial<Parameters<typeof ctRecord>[0]> = {},
) {
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName,
    eventVersion: '1.08',
    requestParameters: request,
    responseElements: { requestId: 'a1b2c3d4-e5f6-4789-8abc-def012345678', _return: true },
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.network.network-acl-allow-all',
  title: 'Network ACL entry allows all inbound traffic from the world',
  category: 'network',
  row: 'NET-3',
  priority: 'medium',
  mitre: ['T1562.007'],
  description:
    'A CreateNetworkAclEntry or ReplaceNetworkAclEntry call added an inbound (egress false) allow ' +
    'entry for all protocols (`-1`) or for a tcp/udp range spanning at least `minPortSpan` ports, ' +
    'from a block that covers the internet (decided from the prefix length, as for security ' +
    'groups). Entries are evaluated by rule number, so an allow-all entry placed before the deny ' +
    'entries switches the subnet-level filter off. Deny entries, outbound entries and narrow ' +
    'port ranges (such as the usual ephemeral return-traffic range) do not match. Failed calls ' +
    'and changes by the configured automation are one level lower.',
  falsePositives: [
    'Public subnets that deliberately rely on security groups alone and keep the default allow-all entry.',
    'Infrastructure-as-code restating the default network ACL.',
  ],
  response: [
    'Find the network ACL (networkAclId) and the subnets associated with it.',
    'Restore the intended entries (ReplaceNetworkAclEntry or DeleteNetworkAclEntry for the rule number).',
    'Review VPC flow logs of the subnets for inbound connections accepted since the change.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceNetworkAclEntry.html',
    'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html',
  ],
  knobs,
  assumptions: (ctx) => [...automationAssumption(ctx.org), ...internalCidrsAssumption(ctx.org)],
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com'],
    eventNames: ['CreateNetworkAclEntry', 'ReplaceNetworkAclEntry'],
  },
  match: matches,
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'medium'), -(failed(e) ? 1 : 0) - (isAutomation(e, ctx.org) ? 1 : 0)),
  summary: (e, ctx) => {
    const acl = ec2Param(e, 'networkAclId', 'NetworkAclId') ?? '(unnamed ACL)';
    const rule = ec2Param(e, 'ruleNumber', 'RuleNumber');
    const verb = e.eventName === 'ReplaceNetworkAclEntry' ? 'replaced' : 'added';
    return (
      `${actorName(e)} ${did(e, verb, verb === 'added' ? 'add' : 'replace')} ` +
      `${rule === undefined ? 'an entry' : `entry ${rule}`} of network ACL ${acl} to allow inbound ` +
      `${portsLabel(portRange(e))} from ${worldBlocks(e, ctx).join(', ')} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'All protocols from anywhere with rule number 1',
        record: aclRecord('CreateNetworkAclEntry', {
          networkAclId: 'acl-0a1b2c3d4e5f60718',
          ruleNumber: 1,
          egress: false,
          ruleAction: 'allow',
          icmpTypeCode: {},
          portRange: {},
          aclProtocol: '-1',
          cidrBlock: '0.0.0.0/0',
        }),
      },
      {
        title: 'An existing entry replaced by tcp 0-65535 from ::/0',
        record: aclRecord(
          'ReplaceNetworkAclEntry',
          {
            networkAclId: 'acl-0a1b2c3d4e5f60718',
            ruleNumber: 90,
            egress: false,
            ruleAction: 'allow',
            icmpTypeCode: {},
            portRange: { from: 0, to: 65535 },
            aclProtocol: '6',
            ipv6CidrBlock: '::/0',
          },
          { identity: 'role', userAgent: USER_AGENTS.console },
        ),
      },
    ],
    miss: [
      {
        title: 'Ephemeral return traffic (tcp 1024-65535) from anywhere',
        record: aclRecord('CreateNetworkAclEntry', {
          networkAclId: 'acl-0a1b2c3d4e5f60718',
          ruleNumber: 120,
          egress: false,
          ruleAction: 'allow',
          icmpTypeCode: {},
          portRange: { from: 1024, to: 65535 },
          aclProtocol: '6',
          cidrBlock: '0.0.0.0/0',
        }),
      },
      {
        title: 'An outbound allow-all entry',
        record: aclRecord('CreateNetworkAclEntry', {
          networkAclId: 'acl-0a1b2c3d4e5f60718',
          ruleNumber: 100,
          egress: true,
          ruleAction: 'allow',
          icmpTypeCode: {},
          portRange: {},
          aclProtocol: '-1',
          cidrBlock: '0.0.0.0/0',
        }),
      },
      {
        title: 'A deny-all entry',
        record: aclRecord('CreateNetworkAclEntry', {
          networkAclId: 'acl-0a1b2c3d4e5f60718',
          ruleNumber: 50,
          egress: false,
          ruleAction: 'deny',
          icmpTypeCode: {},
          portRange: {},
          aclProtocol: '-1',
          cidrBlock: '0.0.0.0/0',
        }),
      },
    ],
  },
});
