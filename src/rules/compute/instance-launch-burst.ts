/**
 * `aws.compute.instance-launch-burst`: one principal launching instances or creating Lambda
 * functions many times within minutes. Cryptomining with stolen credentials is launched in
 * bursts, region after region and type after type as quotas and capacity run out; people and
 * pipelines launch a few at a time.
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { basePriority, ctRecord, isAutomation, reqString, USER_AGENTS } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import {
  AUTOSCALING_IDENTITY,
  runInstancesRequest,
  runInstancesResponse,
  STRATUS_ROLE_IDENTITY,
} from '../lib/compute-fixtures.js';
import { automationAssumption } from '../lib/ownership.js';
import {
  asApi,
  describePlace,
  fact,
  groupActor,
  groupSpan,
  MINUTE,
  principalKey,
  serviceCall,
  sourceFacts,
  timeline,
} from '../lib/principal-behaviour.js';
import { launchCount, launchTypes } from '../lib/run-instances.js';

const knobs = {
  windowMinutes: knob(
    z.number().int().min(1).max(1440),
    10,
    'Length of the sliding window, in minutes.',
  ),
  launches: knob(
    z.number().int().min(2),
    10,
    'RunInstances and CreateFunction calls of one principal within the window that fire the rule.',
  ),
};

/** `RunInstances of 4 × p3.16xlarge in eu-west-1 (failed: Client.VcpuLimitExceeded)`. */
function launchText(e: ApiEvent): string {
  const outcome = e.errorCode === undefined ? '' : ` (failed: ${e.errorCode})`;
  const region = e.region ?? 'an unknown region';
  if (e.eventName === 'CreateFunction') {
    const fn = reqString(e, 'functionName') ?? '(unnamed)';
    const runtime = reqString(e, 'runtime');
    return `CreateFunction ${fn}${runtime === undefined ? '' : ` (${runtime})`} in ${region}${outcome}`;
  }
  const types = launchTypes(e);
  const type = types.length === 0 ? 'an unnamed type' : types.join('/');
  return `RunInstances of ${launchCount(e)} × ${type} in ${region}${outcome}`;
}

const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-south-1',
];
const GPU_TYPES = ['p3.16xlarge', 'g4dn.12xlarge', 'p3.8xlarge', 'g5.12xlarge'];

/** Launch attempts as a miner makes them: region after region, some refused for quota. */
function minerLaunches(
  times: readonly string[],
  identity: CtRecordInput['identity'] = STRATUS_ROLE_IDENTITY,
  userAgent = 'aws-sdk-go-v2/1.17.0 os/linux lang/go/1.19.4 md/GOOS/linux md/GOARCH/amd64 api/ec2/1.77.0',
): JsonObject[] {
  return times.map((eventTime, i) => {
    const region = REGIONS[i % REGIONS.length] as string;
    const instanceType = GPU_TYPES[i % GPU_TYPES.length] as string;
    const refused = i % 3 === 2;
    const launch = {
      instanceType,
      region,
      instanceId: `i-0${(0x3a1f00c2 + i).toString(16)}d4e5f6a8`,
    };
    return ctRecord({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      identity,
      eventTime,
      awsRegion: region,
      sourceIPAddress: '5.45.207.1',
      userAgent,
      requestParameters: runInstancesRequest(launch),
      ...(refused
        ? {
            errorCode: 'Client.VcpuLimitExceeded',
            errorMessage:
              'You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.',
          }
        : { responseElements: runInstancesResponse(launch) }),
    });
  });
}

/** Lambda functions created one after another, as a function-based miner or backdoor does. */
function functions(times: readonly string[]): JsonObject[] {
  return times.map((eventTime, i) => {
    const name = `data-sync-${String(i).padStart(2, '0')}`;
    return ctRecord({
      eventSource: 'lambda.amazonaws.com',
      eventName: 'CreateFunction20150331',
      identity: 'user',
      eventTime,
      sourceIPAddress: '41.203.64.1',
      userAgent: USER_AGENTS.boto3,
      requestParameters: {
        functionName: name,
        runtime: 'python3.12',
        role: 'arn:aws:iam::123456789012:role/lambda-admin',
        handler: 'main.handler',
        code: {},
        description: '',
        timeout: 900,
        memorySize: 10240,
        publish: false,
        packageType: 'Zip',
      },
      responseElements: {
        functionName: name,
        functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
        runtime: 'python3.12',
        role: 'arn:aws:iam::123456789012:role/lambda-admin',
        handler: 'main.handler',
        codeSize: 4812,
        description: '',
        timeout: 900,
        memorySize: 10240,
        lastModified: eventTime.replace('Z', '.000+0000'),
        codeSha256: 'qJ3u8mZb7sWc1yT0pXvN4kL9hG2fD5aR6eQ8iO3uY1w=',
        version: '$LATEST',
        state: 'Pending',
        stateReason: 'The function is being created.',
        stateReasonCode: 'Creating',
        packageType: 'Zip',
        architectures: ['x86_64'],
        ephemeralStorage: { size: 512 },
      },
    });
  });
}

export default defineThresholdRule({
  id: 'aws.compute.instance-launch-burst',
  title: 'Burst of instance launches or Lambda functions by one principal',
  category: 'compute',
  row: 'COMP-1',
  priority: 'high',
  mitre: ['T1578.002', 'T1496'],
  description:
    'Counts, per principal, its RunInstances and CreateFunction calls in a sliding window of ' +
    '`windowMinutes`, and fires at `launches`. Calls are counted, not instances: one call can ' +
    'ask for many instances but one event adds one to a count, and the instances of a failed ' +
    'call were never created, so "calls" is the measure that means the same for every outcome. ' +
    'A single call for many instances is judged by aws.compute.unusual-instance-type and ' +
    'aws.compute.instances-launched-outside-ci. Failed calls count too: miners hit vCPU quotas ' +
    'and capacity errors and retry region after region, and those refusals are part of the ' +
    'burst (the summary shows whether the first and last calls succeeded). The principal is ' +
    'the stable identity (the role of an assumed-role session). Left out: AWS services ' +
    '(Auto Scaling, Spot Fleet, EMR, Batch launching for their groups) and the configured ' +
    'automation. State per principal is the launches within the window; with `--state` it ' +
    'carries across runs. Triage: look at the instance types and regions; GPU types in regions ' +
    'the organisation does not use are mining.',
  falsePositives: [
    'A person scaling out by hand, or a deployment script run outside the configured CI/CD.',
    'Load tests and game days that create many functions or instances at once.',
  ],
  response: [
    'List the instances and functions created (the evidence) with their regions; stop or delete the ones nobody owns.',
    'Revoke the principal’s sessions or keys if the launches are not explained, and look for how it got them.',
    'Check every enabled region, not only the usual ones, for running instances; consider an SCP limiting regions and instance types.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html',
    'https://stratus-red-team.cloud/attack-techniques/AWS/aws.impact.ec2-launch-unusual-instances/',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'threshold',
  on: {
    eventSource: ['ec2.amazonaws.com', 'lambda.amazonaws.com'],
    eventNames: ['RunInstances', 'CreateFunction'],
  },
  filter: (ev, ctx) => {
    const e = asApi(ev);
    return e !== undefined && !serviceCall(e) && !isAutomation(e, ctx.org);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : principalKey(e);
  },
  facts: (ev) => {
    const e = asApi(ev);
    return e === undefined ? {} : { ...sourceFacts(e), launch: launchText(e) };
  },
  windowMs: (ctx) => ctx.knobs.windowMinutes * MINUTE,
  threshold: (ctx) => ctx.knobs.launches,
  priorityOf: (_group, ctx) => basePriority(ctx, 'high'),
  summary: (group) =>
    `${groupActor(group)} made ${group.count} RunInstances/CreateFunction calls ` +
    `${groupSpan(group)}, first ${fact(group.first, 'launch') ?? 'a launch'}, last ` +
    `${fact(group.last, 'launch') ?? 'a launch'}, from ${describePlace(group.last)}; threshold ` +
    `${group.figures.threshold} in ${group.figures.windowMinutes} min`,
  examples: {
    fire: [
      {
        title: 'GPU launches across six regions in eight minutes, a third refused for quota',
        records: minerLaunches(timeline('2026-03-15T04:20:00Z', 12, 40_000)),
      },
      {
        title: 'Ten Lambda functions with 10 GB of memory created in five minutes',
        records: functions(timeline('2026-03-15T04:20:00Z', 10, 30_000)),
      },
    ],
    miss: [
      {
        title: 'Nine launches: one short of the threshold',
        records: minerLaunches(timeline('2026-03-15T04:20:00Z', 9, 40_000)),
      },
      {
        title: 'Twelve launches over two hours (at most one in any window)',
        records: minerLaunches(timeline('2026-03-15T04:20:00Z', 12, 11 * MINUTE)),
      },
      {
        title: 'Auto Scaling launching fifteen instances for its group',
        records: minerLaunches(
          timeline('2026-03-15T04:20:00Z', 15, 10_000),
          AUTOSCALING_IDENTITY,
          'autoscaling.amazonaws.com',
        ),
      },
      {
        title: 'The configured deployment pipeline rolling out twelve instances',
        config: { organisation: { automationUserAgents: ['*Terraform/*'] } },
        records: minerLaunches(
          timeline('2026-03-15T04:20:00Z', 12, 10_000),
          'ci',
          USER_AGENTS.terraform,
        ),
      },
    ],
  },
});
