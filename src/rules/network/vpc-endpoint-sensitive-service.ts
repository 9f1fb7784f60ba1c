/**
 * `aws.network.vpc-endpoint-sensitive-service`: a VPC endpoint created to a service that hands out
 * credentials, secrets, keys or remote control (SSM and its message channels, Secrets Manager, KMS,
 * STS), or to S3 with a policy that lets anything through, and endpoint policies opened to
 * everyone. Such "shadow" endpoints give a foothold VPC a private path to these services that
 * bypasses egress filtering and proxies.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
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
import { ec2Flag, ec2Param, ec2Scalar } from '../lib/ec2-shapes.js';
import { automationAssumption } from '../lib/ownership.js';
import {
  coversAllResources,
  grantsAllActions,
  hasNarrowingCondition,
  isAllow,
  parsePolicy,
  principalsOf,
  statements,
} from '../lib/resource-policy.js';

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/**
 * The service part of an endpoint service name: `com.amazonaws.us-east-1.ssm` → `ssm`,
 * `com.amazonaws.us-east-1.ecr.api` → `ecr.api`, `com.amazonaws.s3-global.accesspoint` →
 * `s3-global.accesspoint`.
 */
export function endpointService(serviceName: string): string {
  const parts = serviceName.split('.');
  let i = 0;
  if (parts[0] === 'com' && parts[1] === 'amazonaws') i = 2;
  else if (parts[0] === 'aws' && parts[1] === 'api') i = 2;
  if (parts[i] !== undefined && REGION.test(parts[i] as string)) i += 1;
  return parts.slice(i).join('.');
}

function inList(service: string, list: readonly string[]): boolean {
  return list.some((s) => service === s || service.startsWith(`${s}.`));
}

/**
 * True when the endpoint policy lets every principal do everything on every resource with no
 * narrowing condition. No policy at all means AWS's default policy, which is exactly that.
 */
function permissivePolicy(policyText: string | undefined): boolean {
  if (policyText === undefined) return true;
  const doc = parsePolicy(policyText);
  if (doc === undefined) return false;
  return statements(doc).some(
    (s) =>
      isAllow(s) &&
      principalsOf(s).everyone &&
      grantsAllActions(s) &&
      coversAllResources(s) &&
      !hasNarrowingCondition(s),
  );
}

interface Finding {
  service: string | undefined;
  serviceName: string | undefined;
  why: string;
  /** Steps relative to the rule's priority. */
  weight: number;
}

const knobs = {
  sensitiveServices: knob(
    z.array(z.string()),
    ['ssm', 'ssmmessages', 'ec2messages', 'secretsmanager', 'kms', 'sts'],
    'Endpoint services (the part after the region, e.g. `ssm`, `ecr.api`) whose endpoints are reported whatever their policy.',
  ),
  policyServices: knob(
    z.array(z.string()),
    ['s3'],
    'Endpoint services reported only when the endpoint policy lets any principal perform any action on any resource (including the full-access default policy AWS attaches when none is given).',
  ),
};

type K = { sensitiveServices: string[]; policyServices: string[] };

function assess(e: ApiEvent, k: K): Finding | undefined {
  const policy = ec2Param(e, 'PolicyDocument', 'policyDocument');
  if (e.eventName === 'ModifyVpcEndpoint') {
    // The modify call names only the endpoint id, never its service.
    if (ec2Flag(e, 'ResetPolicy', 'resetPolicy') === true) {
      return {
        service: undefined,
        serviceName: undefined,
        why: 'reset its policy to the full-access default',
        weight: -1,
      };
    }
    if (policy !== undefined && permissivePolicy(policy)) {
      return {
        service: undefined,
        serviceName: undefined,
        why: 'replaced its policy with one that allows any principal any action',
        weight: -1,
      };
    }
    return undefined;
  }
  const serviceName =
    ec2Param(e, 'ServiceName', 'serviceName') ??
    ec2Scalar(e.response, 'vpcEndpoint', 'serviceName');
  if (serviceName === undefined) return undefined;
  const service = endpointService(serviceName);
  if (inList(service, k.sensitiveServices)) {
    return { service, serviceName, why: '', weight: 0 };
  }
  if (inList(service, k.policyServices) && permissivePolicy(policy)) {
    return {
      service,
      serviceName,
      why:
        policy === undefined
          ? ' with the default full-access policy'
          : ' with a policy that allows any principal any action',
      weight: 0,
    };
  }
  return undefined;
}

function endpointId(e: ApiEvent): string | undefined {
  return (
    ec2Param(e, 'VpcEndpointId', 'vpcEndpointId') ??
    ec2Scalar(e.response, 'vpcEndpoint', 'vpcEndpointId')
  );
}

function createRecord(
  request: JsonObject,
  response: JsonObject | null = null,
  extra: Partial<Parameters<typeof ctRecord>[0]> = {},
): JsonObject {
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CreateVpcEndpoint',
    eventVersion: '1.08',
    requestParameters: request,
    responseElements: response,
    ...extra,
  });
}

const SSM_RESPONSE: JsonObject = {
  CreateVpcEndpointResponse: {
    xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
    requestId: '5c2a1f7e-3b9d-4e0a-8f61-2d7c9b4a0e13',
    vpcEndpoint: {
      vpcEndpointId: 'vpce-0a7f3c9e1b2d4f608',
      vpcEndpointType: 'Interface',
      vpcId: 'vpc-0e1d2c3b4a5968778',
      serviceName: 'com.amazonaws.us-east-1.ssm',
      state: 'pending',
      policyDocument:
        '{\n  "Statement": [\n    {\n      "Action": "*", \n      "Effect": "Allow", \n      "Principal": "*", \n      "Resource": "*"\n    }\n  ]\n}',
      privateDnsEnabled: true,
      requesterManaged: false,
      ownerId: '123456789012',
      creationTimestamp: '2026-01-02T03:04:05.000Z',
    },
  },
};

export default defineApiRule({
  id: 'aws.network.vpc-endpoint-sensitive-service',
  title: 'VPC endpoint to a sensitive service',
  category: 'network',
  row: 'NET-2',
  priority: 'medium',
  mitre: ['T1599', 'T1048'],
  description:
    'A CreateVpcEndpoint call added an endpoint to a service in the `sensitiveServices` knob (SSM ' +
    'and its ssmmessages / ec2messages channels, Secrets Manager, KMS, STS), or to a service in ' +
    'the `policyServices` knob (S3) with a policy that lets any principal do anything, which is ' +
    'what AWS attaches when the request names no policy. A ModifyVpcEndpoint that resets the ' +
    'policy or replaces it with an allow-everything policy is reported one level lower (the call ' +
    "does not name the endpoint's service). Such endpoints give instances in a VPC without " +
    'internet access a private path to session, secret and key services, and an attacker who ' +
    'controls the VPC a route that egress proxies never see. Both request shapes are read: the ' +
    'newer `CreateVpcEndpointRequest` (PascalCase, values possibly wrapped in `{content}`) and the ' +
    "older camelCase one. Failed calls are one level lower as attempts; the organisation's " +
    'automation is one level lower too.',
  falsePositives: [
    'Network teams adding SSM, KMS or Secrets Manager endpoints to private subnets on purpose (add the pipeline to automationArns).',
    'S3 gateway endpoints created with the default policy by infrastructure templates.',
  ],
  response: [
    'Find the endpoint (DescribeVpcEndpoints) and the VPC, subnets and security groups it serves; confirm the VPC belongs to a known workload.',
    'Replace an allow-everything endpoint policy with one limited to the organisation (aws:PrincipalOrgID) and the buckets, secrets or keys the workload needs.',
    'Review calls made through the endpoint (the vpcEndpointId field of CloudTrail records) since its creation.',
    'If the endpoint is not expected, delete it and review who else the acting identity has touched.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html',
    'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com'],
    eventNames: ['CreateVpcEndpoint', 'ModifyVpcEndpoint'],
  },
  match: (e, ctx) => assess(e, ctx.knobs) !== undefined,
  priorityOf: (e, ctx) => {
    const f = assess(e, ctx.knobs);
    let steps = f?.weight ?? 0;
    if (failed(e)) steps -= 1;
    if (isAutomation(e, ctx.org)) steps -= 1;
    return shift(basePriority(ctx, 'medium'), steps);
  },
  summary: (e, ctx) => {
    const f = assess(e, ctx.knobs);
    const id = endpointId(e);
    if (e.eventName === 'ModifyVpcEndpoint') {
      return `${actorName(e)} ${did(e, 'modified', 'modify')} VPC endpoint ${id ?? '(unnamed)'} and ${f?.why ?? 'changed its policy'} ${where(e)}`;
    }
    const vpc = ec2Param(e, 'VpcId', 'vpcId');
    return (
      `${actorName(e)} ${did(e, 'created', 'create')} a VPC endpoint${id === undefined ? '' : ` ${id}`} ` +
      `to ${f?.service ?? 'a service'} (${f?.serviceName ?? 'unknown'})${f?.why ?? ''}` +
      `${vpc === undefined ? '' : ` for VPC ${vpc}`} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'An SSM interface endpoint, as the newer EC2 API logs it',
        record: createRecord(
          {
            CreateVpcEndpointRequest: {
              VpcId: 'vpc-0e1d2c3b4a5968778',
              VpcEndpointType: 'Interface',
              ServiceName: 'com.amazonaws.us-east-1.ssm',
              SubnetId: { tag: 1, content: 'subnet-0b3f7a1c9d2e4f560' },
              SecurityGroupId: { tag: 1, content: 'sg-0c4d5e6f7a8b9c0d1' },
              PrivateDnsEnabled: true,
              IpAddressType: 'ipv4',
              DnsOptions: { DnsRecordIpType: 'ipv4' },
            },
          },
          SSM_RESPONSE,
        ),
      },
      {
        title: 'A Secrets Manager endpoint with the service name wrapped in {content}',
        record: createRecord(
          {
            CreateVpcEndpointRequest: {
              VpcId: { tag: 1, content: 'vpc-0e1d2c3b4a5968778' },
              VpcEndpointType: 'Interface',
              ServiceName: { tag: 1, content: 'com.amazonaws.us-east-1.secretsmanager' },
              SubnetId: [
                { tag: 1, content: 'subnet-0b3f7a1c9d2e4f560' },
                { tag: 2, content: 'subnet-0d5e6f7a8b9c0d1e2' },
              ],
              PrivateDnsEnabled: true,
            },
          },
          null,
          { identity: 'role', userAgent: USER_AGENTS.boto3 },
        ),
      },
      {
        title: 'An S3 gateway endpoint with no policy, in the older camelCase shape',
        record: createRecord(
          {
            vpcId: 'vpc-0e1d2c3b4a5968778',
            serviceName: 'com.amazonaws.us-east-1.s3',
            vpcEndpointType: 'Gateway',
            routeTableIdSet: { items: [{ routeTableId: 'rtb-0f1e2d3c4b5a69788' }] },
          },
          null,
          { eventVersion: '1.05' },
        ),
      },
      {
        title: 'An endpoint policy reset to full access',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyVpcEndpoint',
          eventVersion: '1.08',
          requestParameters: {
            ModifyVpcEndpointRequest: {
              VpcEndpointId: 'vpce-0a7f3c9e1b2d4f608',
              ResetPolicy: true,
            },
          },
          responseElements: {
            ModifyVpcEndpointResponse: {
              xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
              requestId: '8a9b0c1d-2e3f-4a5b-9c6d-7e8f9a0b1c2d',
              return: true,
            },
          },
        }),
      },
    ],
    miss: [
      {
        title: 'An S3 gateway endpoint whose policy only lets the organisation in',
        record: createRecord({
          CreateVpcEndpointRequest: {
            VpcId: 'vpc-0e1d2c3b4a5968778',
            VpcEndpointType: 'Gateway',
            ServiceName: 'com.amazonaws.us-east-1.s3',
            RouteTableId: { tag: 1, content: 'rtb-0f1e2d3c4b5a69788' },
            PolicyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: '*',
                  Action: 's3:*',
                  Resource: '*',
                  Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
                },
              ],
            }),
          },
        }),
      },
      {
        title: 'An ECR endpoint (not in the sensitive list)',
        record: createRecord({
          CreateVpcEndpointRequest: {
            VpcId: 'vpc-0e1d2c3b4a5968778',
            VpcEndpointType: 'Interface',
            ServiceName: 'com.amazonaws.us-east-1.ecr.api',
            SubnetId: { tag: 1, content: 'subnet-0b3f7a1c9d2e4f560' },
            PrivateDnsEnabled: true,
          },
        }),
      },
      {
        title: 'A ModifyVpcEndpoint that only adds a subnet',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyVpcEndpoint',
          eventVersion: '1.08',
          requestParameters: {
            ModifyVpcEndpointRequest: {
              VpcEndpointId: 'vpce-0a7f3c9e1b2d4f608',
              AddSubnetId: { tag: 1, content: 'subnet-0d5e6f7a8b9c0d1e2' },
            },
          },
        }),
      },
    ],
  },
});
