/**
 * `aws.network.internet-gateway-attached`: an internet gateway created or attached to a VPC by an
 * identity outside the organisation's automation. Attaching one is what turns a private VPC into
 * one that can reach, and be reached from, the internet.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  isAutomation,
  shift,
  str,
  USER_AGENTS,
  where,
} from '../lib.js';
import { ec2Param } from '../lib/ec2-shapes.js';
import { automationAssumption } from '../lib/ownership.js';

const TERRAFORM_STRATUS =
  'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.157 (go1.19.3; linux; amd64) HashiCorp-terraform-exec/0.17.3';

function gatewayId(e: ApiEvent): string | undefined {
  return (
    ec2Param(e, 'internetGatewayId', 'InternetGatewayId') ??
    str(e.response, 'internetGateway', 'internetGatewayId')
  );
}

export default defineApiRule({
  id: 'aws.network.internet-gateway-attached',
  title: 'Internet gateway created or attached outside automation',
  category: 'network',
  row: 'NET-3',
  priority: 'medium',
  mitre: ['T1599'],
  description:
    'An identity outside the configured automation (automationArns, automationUserAgents) ' +
    'called AttachInternetGateway, connecting a VPC to the internet, or CreateInternetGateway, ' +
    'the step before it (one level lower). An attacker who controls a workload in a private VPC ' +
    'attaches a gateway (and adds a default route to it) to open a direct exfiltration path that ' +
    'bypasses NAT, proxies and egress inspection. With no automation configured every identity ' +
    "is reported, as the finding's assumptions say. Failed calls are reported one level lower.",
  falsePositives: [
    'Engineers building a new public VPC by hand or with tools not listed as automation.',
    'Infrastructure-as-code run from a laptop rather than from the pipeline.',
  ],
  response: [
    'Identify the VPC the gateway was attached to (vpcId) and what runs in it.',
    'Check the route tables of that VPC for a new 0.0.0.0/0 route to the gateway (see aws.network.route-to-internet-gateway).',
    "If the change is not planned, detach and delete the gateway, and review the identity's other recent changes.",
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachInternetGateway.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateInternetGateway.html',
    'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com'],
    eventNames: ['CreateInternetGateway', 'AttachInternetGateway'],
  },
  match: (e, ctx) => !isAutomation(e, ctx.org),
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (e.eventName === 'CreateInternetGateway' ? -1 : 0) - (failed(e) ? 1 : 0),
    ),
  summary: (e) => {
    const igw = gatewayId(e) ?? 'an internet gateway';
    if (e.eventName === 'AttachInternetGateway') {
      const vpc = ec2Param(e, 'vpcId', 'VpcId') ?? '(unnamed VPC)';
      return `${actorName(e)} ${did(e, 'attached', 'attach')} internet gateway ${igw} to ${vpc} ${where(e)}`;
    }
    return `${actorName(e)} ${did(e, 'created', 'create')} internet gateway ${igw} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A gateway attached to a VPC (as the Invictus dataset records it)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'AttachInternetGateway',
          eventVersion: '1.08',
          userAgent: TERRAFORM_STRATUS,
          requestParameters: {
            internetGatewayId: 'igw-02a84e4222d62e16b',
            vpcId: 'vpc-06fe1a64761a0f720',
          },
          responseElements: { requestId: 'b095e717-86e3-4b4b-9f2b-42d319ba95c9', _return: true },
        }),
      },
      {
        title: 'A gateway created with tags from the console',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'CreateInternetGateway',
          eventVersion: '1.08',
          identity: 'role',
          userAgent: USER_AGENTS.console,
          requestParameters: {
            tagSpecificationSet: {
              items: [
                {
                  resourceType: 'internet-gateway',
                  tags: [{ key: 'Name', value: 'temp-egress' }],
                },
              ],
            },
          },
          responseElements: {
            requestId: '69600e65-bc90-45eb-ab88-c11fa0e0a0c0',
            internetGateway: {
              internetGatewayId: 'igw-0085514f9c3e68f60',
              ownerId: '123456789012',
              attachmentSet: {},
              tagSet: { items: [{ key: 'Name', value: 'temp-egress' }] },
              association: {},
            },
          },
        }),
      },
    ],
    miss: [
      {
        title: 'The same attachment by the configured deployment pipeline',
        config: {
          organisation: { automationArns: ['arn:aws:iam::123456789012:role/deploy-*'] },
        },
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'AttachInternetGateway',
          eventVersion: '1.08',
          identity: 'ci',
          userAgent: USER_AGENTS.terraform,
          requestParameters: {
            internetGatewayId: 'igw-02a84e4222d62e16b',
            vpcId: 'vpc-06fe1a64761a0f720',
          },
          responseElements: { requestId: 'c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b', _return: true },
        }),
      },
      {
        title: 'A gateway detached',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DetachInternetGateway',
          eventVersion: '1.08',
          requestParameters: {
            internetGatewayId: 'igw-02a84e4222d62e16b',
            vpcId: 'vpc-06fe1a64761a0f720',
          },
          responseElements: { requestId: 'd4e5f607-1829-43a4-b5c6-d7e8f90a1b2c', _return: true },
        }),
      },
    ],
  },
});
