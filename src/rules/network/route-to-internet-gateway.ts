/**
 * `aws.network.route-to-internet-gateway`: a route that sends traffic for the world to an internet
 * gateway (CreateRoute / ReplaceRoute with `gatewayId: igw-…`). Together with an attached gateway
 * this is what gives a subnet direct internet access; replacing a default route that pointed at a
 * NAT gateway or a firewall bypasses both.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  isAutomation,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import { ec2Param, worldCidrs, worldKnobs, worldLimits } from '../lib/ec2-shapes.js';
import { automationAssumption, internalCidrsAssumption } from '../lib/ownership.js';

const knobs = worldKnobs();
type Ctx = RuleContext<typeof knobs>;

const TERRAFORM_STRATUS =
  'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.157 (go1.19.3; linux; amd64) HashiCorp-terraform-exec/0.17.3';

function gateway(e: ApiEvent): string | undefined {
  const g = ec2Param(e, 'gatewayId', 'GatewayId');
  return g !== undefined && g.startsWith('igw-') ? g : undefined;
}

function destinations(e: ApiEvent, ctx: Ctx): string[] {
  const d = [
    ec2Param(e, 'destinationCidrBlock', 'DestinationCidrBlock'),
    ec2Param(e, 'destinationIpv6CidrBlock', 'DestinationIpv6CidrBlock'),
  ].filter((x): x is string => x !== undefined);
  return worldCidrs(d, worldLimits(ctx.knobs, ctx.org));
}

function routeRecord(
  eventName: string,
  request: Record<string, string>,
  extra: Partial<Parameters<typeof ctRecord>[0]> = {},
) {
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName,
    eventVersion: '1.08',
    requestParameters: request,
    responseElements: { requestId: 'c78b8c19-af06-44ea-b707-60bb0c3124f9', _return: true },
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.network.route-to-internet-gateway',
  title: 'Default route to an internet gateway',
  category: 'network',
  row: 'NET-3',
  priority: 'medium',
  mitre: ['T1599'],
  description:
    'A CreateRoute or ReplaceRoute call pointed a destination that covers the internet ' +
    '(0.0.0.0/0, ::/0, or any block of public space at or below the worldPrefix knobs, such as ' +
    'the 0.0.0.0/1 + 128.0.0.0/1 pair VPN tools use to override a default route) at an internet ' +
    'gateway (`gatewayId` igw-…). Every subnet associated with the route table then reaches the ' +
    'internet directly, bypassing NAT gateways, firewalls and proxies. Routes to NAT gateways, ' +
    'transit gateways and peering connections do not match. Failed calls and changes by the ' +
    'configured automation are one level lower.',
  falsePositives: [
    'Building a new public subnet (every public subnet has this route).',
    'Infrastructure-as-code creating VPCs outside the configured pipeline identities.',
  ],
  response: [
    'Find which subnets use the route table (DescribeRouteTables with route-table-id) and whether they were meant to be private.',
    'If not, restore the previous target of the route (a NAT gateway or firewall endpoint) or delete the route.',
    'Review VPC flow logs of the affected subnets for direct internet traffic since the change.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceRoute.html',
    'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html',
  ],
  knobs,
  assumptions: (ctx) => [...automationAssumption(ctx.org), ...internalCidrsAssumption(ctx.org)],
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['CreateRoute', 'ReplaceRoute'] },
  match: (e, ctx) => gateway(e) !== undefined && destinations(e, ctx).length > 0,
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'medium'), -(failed(e) ? 1 : 0) - (isAutomation(e, ctx.org) ? 1 : 0)),
  summary: (e, ctx) => {
    const table = ec2Param(e, 'routeTableId', 'RouteTableId') ?? '(unnamed route table)';
    const verb = e.eventName === 'ReplaceRoute' ? 'replaced' : 'added';
    return (
      `${actorName(e)} ${did(e, verb === 'added' ? 'routed' : 'rerouted', verb === 'added' ? 'route' : 'reroute')} ` +
      `${destinations(e, ctx).join(', ')} in route table ${table} to internet gateway ${gateway(e) ?? ''} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A default route to an internet gateway (as the Invictus dataset records it)',
        record: routeRecord(
          'CreateRoute',
          {
            routeTableId: 'rtb-0c7c2f4aff3677054',
            destinationCidrBlock: '0.0.0.0/0',
            gatewayId: 'igw-02a84e4222d62e16b',
          },
          { userAgent: TERRAFORM_STRATUS },
        ),
      },
      {
        title: 'A private subnet default route switched from NAT to an internet gateway (IPv6)',
        record: routeRecord(
          'ReplaceRoute',
          {
            routeTableId: 'rtb-0d4916f528a90fa4e',
            destinationIpv6CidrBlock: '::/0',
            gatewayId: 'igw-0085514f9c3e68f60',
          },
          { identity: 'role', userAgent: USER_AGENTS.console },
        ),
      },
    ],
    miss: [
      {
        title: 'A default route to a NAT gateway (as the Invictus dataset records it)',
        record: routeRecord('CreateRoute', {
          routeTableId: 'rtb-0d4916f528a90fa4e',
          destinationCidrBlock: '0.0.0.0/0',
          natGatewayId: 'nat-03575abbac42080d9',
        }),
      },
      {
        title: 'A route for one partner network to an internet gateway',
        record: routeRecord('CreateRoute', {
          routeTableId: 'rtb-0c7c2f4aff3677054',
          destinationCidrBlock: '198.51.100.0/24',
          gatewayId: 'igw-02a84e4222d62e16b',
        }),
      },
    ],
  },
});
