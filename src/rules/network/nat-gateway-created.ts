/**
 * `aws.network.nat-gateway-created`: a public NAT gateway created by an identity outside the
 * organisation's automation. It gives every subnet routed to it outbound internet access, the
 * egress an attacker in a private subnet needs; private NAT gateways do not reach the internet.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
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

function isPublic(e: ApiEvent): boolean {
  // ConnectivityType defaults to public when the request leaves it out.
  const type =
    ec2Param(e, 'ConnectivityType', 'connectivityType') ??
    str(e.response, 'natGateway', 'connectivityType');
  return type === undefined || type.toLowerCase() === 'public';
}

function natRecord(request: JsonObject, extra: Partial<Parameters<typeof ctRecord>[0]> = {}) {
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CreateNatGateway',
    eventVersion: '1.08',
    requestParameters: request,
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.network.nat-gateway-created',
  title: 'Public NAT gateway created outside automation',
  category: 'network',
  row: 'NET-3',
  priority: 'medium',
  mitre: ['T1599'],
  description:
    'An identity outside the configured automation created a public NAT gateway ' +
    '(CreateNatGateway with ConnectivityType public, the default). Routing a private subnet ' +
    'through it gives workloads that were cut off from the internet a way out, which is how ' +
    'data leaves a VPC that was designed without egress. Private NAT gateways (ConnectivityType ' +
    'private) do not match. Both request shapes are read: `CreateNatGatewayRequest` in ' +
    'PascalCase and the older camelCase one. Failed calls are reported one level lower.',
  falsePositives: [
    'Network changes made by hand by the platform team.',
    'Infrastructure-as-code run outside the configured pipeline identities.',
  ],
  response: [
    'Find the subnet and VPC of the gateway (subnetId, response natGateway.vpcId) and the route tables that now point at it.',
    'Confirm the change with the owner of the VPC; delete the gateway and its routes if it is not expected.',
    'Review VPC flow logs of the private subnets for new outbound traffic since the gateway came up.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html',
    'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['CreateNatGateway'] },
  match: (e, ctx) => isPublic(e) && !isAutomation(e, ctx.org),
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'medium'), failed(e) ? -1 : 0),
  summary: (e) => {
    const nat = str(e.response, 'natGateway', 'natGatewayId');
    const subnet = ec2Param(e, 'SubnetId', 'subnetId') ?? '(unnamed subnet)';
    const vpc = str(e.response, 'natGateway', 'vpcId');
    return (
      `${actorName(e)} ${did(e, 'created', 'create')} public NAT gateway${nat === undefined ? '' : ` ${nat}`} ` +
      `in ${subnet}${vpc === undefined ? '' : ` of ${vpc}`} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A public NAT gateway (as the Invictus dataset records it)',
        record: natRecord(
          {
            CreateNatGatewayRequest: {
              ConnectivityType: 'public',
              AllocationId: 'eipalloc-08a083beb7e83dbc0',
              SubnetId: 'subnet-01ed430875cff578d',
              ClientToken: '86C58940-D407-4E02-A617-E40168CFDBE2',
              TagSpecification: {
                ResourceType: 'natgateway',
                tag: 1,
                Tag: [{ Value: 'egress-a', tag: 1, Key: 'Name' }],
              },
            },
          },
          {
            userAgent: TERRAFORM_STRATUS,
            responseElements: {
              CreateNatGatewayResponse: {
                xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
                natGateway: {
                  connectivityType: 'public',
                  subnetId: 'subnet-01ed430875cff578d',
                  tagSet: { item: [{ value: 'egress-a', key: 'Name' }] },
                  natGatewayAddressSet: {
                    item: {
                      isPrimary: true,
                      allocationId: 'eipalloc-08a083beb7e83dbc0',
                      status: 'associating',
                    },
                  },
                  createTime: '2026-01-02T03:04:05.000Z',
                  vpcId: 'vpc-06fe1a64761a0f720',
                  natGatewayId: 'nat-03575abbac42080d9',
                  state: 'pending',
                },
                requestId: '98cac787-9654-4d84-9fbc-d42f1023e2ef',
                clientToken: '86C58940-D407-4E02-A617-E40168CFDBE2',
              },
            },
          },
        ),
      },
      {
        title: 'The older camelCase shape, connectivity type left to its default',
        record: natRecord(
          {
            subnetId: 'subnet-0afaf7ba0564cac3a',
            allocationId: 'eipalloc-04cbfdaf4b48e92d5',
            clientToken: 'D9759983-1D94-463A-B3DC-867C6793D8B0',
          },
          { eventVersion: '1.05', identity: 'role', userAgent: USER_AGENTS.cli },
        ),
      },
    ],
    miss: [
      {
        title: 'A private NAT gateway (no internet path)',
        record: natRecord({
          CreateNatGatewayRequest: {
            ConnectivityType: 'private',
            SubnetId: 'subnet-01ed430875cff578d',
            ClientToken: '1F2E3D4C-5B6A-4798-8A9B-0C1D2E3F4A5B',
          },
        }),
      },
      {
        title: 'A public NAT gateway from the configured Terraform pipeline',
        config: { organisation: { automationUserAgents: ['*Terraform/*'] } },
        record: natRecord(
          {
            CreateNatGatewayRequest: {
              ConnectivityType: 'public',
              AllocationId: 'eipalloc-08a083beb7e83dbc0',
              SubnetId: 'subnet-01ed430875cff578d',
            },
          },
          { identity: 'ci', userAgent: USER_AGENTS.terraform },
        ),
      },
    ],
  },
});
