/**
 * `aws.network.traffic-mirroring`: VPC traffic mirroring set up: a session that copies the packets
 * of a network interface to a target, the target that receives them, or a filter rule that
 * selects what is copied. Mirrored packets carry everything the instance sends and receives,
 * credentials in clear-text protocols included.
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
  USER_AGENTS,
  where,
} from '../lib.js';
import { ec2Param, ec2Scalar } from '../lib/ec2-shapes.js';
import { automationAssumption } from '../lib/ownership.js';

function what(e: ApiEvent): string {
  if (e.eventName === 'CreateTrafficMirrorSession') {
    const eni = ec2Param(e, 'NetworkInterfaceId', 'networkInterfaceId') ?? 'a network interface';
    const target = ec2Param(e, 'TrafficMirrorTargetId', 'trafficMirrorTargetId') ?? 'a target';
    const id = ec2Scalar(e.response, 'trafficMirrorSession', 'trafficMirrorSessionId');
    return `a traffic mirror session${id === undefined ? '' : ` ${id}`} copying the packets of ${eni} to ${target}`;
  }
  if (e.eventName === 'CreateTrafficMirrorTarget') {
    const dest =
      ec2Param(e, 'NetworkInterfaceId', 'networkInterfaceId') ??
      ec2Param(e, 'NetworkLoadBalancerArn', 'networkLoadBalancerArn') ??
      ec2Param(e, 'GatewayLoadBalancerEndpointId', 'gatewayLoadBalancerEndpointId') ??
      'an unnamed destination';
    return `a traffic mirror target delivering to ${dest}`;
  }
  const filter = ec2Param(e, 'TrafficMirrorFilterId', 'trafficMirrorFilterId') ?? 'a filter';
  const dir = ec2Param(e, 'TrafficDirection', 'trafficDirection');
  return `a rule in traffic mirror filter ${filter}${dir === undefined ? '' : ` (${dir} traffic)`}`;
}

function mirrorRecord(
  eventName: string,
  request: JsonObject,
  response: JsonObject | null,
  extra: Partial<Parameters<typeof ctRecord>[0]> = {},
) {
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
  id: 'aws.network.traffic-mirroring',
  title: 'VPC traffic mirroring set up',
  category: 'network',
  row: null,
  priority: 'high',
  mitre: ['T1040', 'T1020'],
  description:
    'A CreateTrafficMirrorSession call started copying every packet of a network interface to a ' +
    'mirror target; CreateTrafficMirrorTarget (the receiving interface or load balancer) and ' +
    'CreateTrafficMirrorFilterRule (what is copied) are the preparation and are one level lower. ' +
    'Traffic mirroring is a packet capture of the VPC: an attacker uses it to collect credentials ' +
    'and data in transit without touching the instances. Failed calls and the configured ' +
    'automation are one level lower.',
  falsePositives: [
    'Network security monitoring (IDS appliances, Gateway Load Balancer inspection) set up by the security team.',
    'Troubleshooting sessions opened by network engineers.',
  ],
  response: [
    'Find the mirrored interface and the target, and who owns the instance or load balancer receiving the copies.',
    'Delete sessions and targets that are not part of approved monitoring (DeleteTrafficMirrorSession, DeleteTrafficMirrorTarget).',
    'Treat credentials and data sent in clear text by the mirrored workloads as exposed.',
  ],
  references: [
    'https://docs.aws.amazon.com/vpc/latest/mirroring/what-is-traffic-mirroring.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTrafficMirrorSession.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTrafficMirrorTarget.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com'],
    eventNames: [
      'CreateTrafficMirrorSession',
      'CreateTrafficMirrorTarget',
      'CreateTrafficMirrorFilterRule',
    ],
  },
  match: () => true,
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'high'),
      (e.eventName === 'CreateTrafficMirrorSession' ? 0 : -1) -
        (failed(e) ? 1 : 0) -
        (isAutomation(e, ctx.org) ? 1 : 0),
    ),
  summary: (e) => `${actorName(e)} ${did(e, 'created', 'create')} ${what(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A mirror session on a database server interface',
        record: mirrorRecord(
          'CreateTrafficMirrorSession',
          {
            CreateTrafficMirrorSessionRequest: {
              NetworkInterfaceId: 'eni-0f1e2d3c4b5a69788',
              TrafficMirrorTargetId: 'tmt-0a1b2c3d4e5f60718',
              TrafficMirrorFilterId: 'tmf-0b2c3d4e5f6071829',
              SessionNumber: 1,
              ClientToken: '5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c',
            },
          },
          {
            CreateTrafficMirrorSessionResponse: {
              xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
              requestId: '7d8e9f0a-1b2c-4d3e-9f4a-5b6c7d8e9f0a',
              clientToken: '5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c',
              trafficMirrorSession: {
                trafficMirrorSessionId: 'tms-0c3d4e5f60718293a',
                trafficMirrorTargetId: 'tmt-0a1b2c3d4e5f60718',
                trafficMirrorFilterId: 'tmf-0b2c3d4e5f6071829',
                networkInterfaceId: 'eni-0f1e2d3c4b5a69788',
                ownerId: '123456789012',
                sessionNumber: 1,
                virtualNetworkId: 13314501,
                tagSet: {},
              },
            },
          },
          { userAgent: USER_AGENTS.boto3 },
        ),
      },
      {
        title: 'A mirror target on an attacker-controlled instance interface',
        record: mirrorRecord(
          'CreateTrafficMirrorTarget',
          {
            CreateTrafficMirrorTargetRequest: {
              NetworkInterfaceId: 'eni-0a9b8c7d6e5f40312',
              Description: 'capture',
              ClientToken: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
            },
          },
          null,
          { identity: 'role' },
        ),
      },
      {
        title: 'A filter rule that selects all inbound traffic',
        record: mirrorRecord(
          'CreateTrafficMirrorFilterRule',
          {
            CreateTrafficMirrorFilterRuleRequest: {
              TrafficMirrorFilterId: 'tmf-0b2c3d4e5f6071829',
              TrafficDirection: 'ingress',
              RuleNumber: 100,
              RuleAction: 'accept',
              DestinationCidrBlock: '0.0.0.0/0',
              SourceCidrBlock: '0.0.0.0/0',
              ClientToken: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
            },
          },
          null,
        ),
      },
    ],
    miss: [
      {
        title: 'A traffic mirror session deleted',
        record: mirrorRecord(
          'DeleteTrafficMirrorSession',
          {
            DeleteTrafficMirrorSessionRequest: { TrafficMirrorSessionId: 'tms-0c3d4e5f60718293a' },
          },
          null,
        ),
      },
    ],
  },
});
