/**
 * `aws.compute.unapproved-region`: compute provisioned in a region the organisation does not use.
 * Attackers launch where nobody looks: miners and footholds tend to appear in regions outside the
 * organisation's usual few, where no alarms, dashboards or budgets are set up.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  isAutomation,
  names,
  reqString,
  shift,
  str,
  where,
} from '../lib.js';
import { runInstancesRequest, runInstancesResponse } from '../lib/compute-fixtures.js';
import { describeLaunch } from '../lib/run-instances.js';

const APPROVED = { organisation: { approvedRegions: ['us-east-1', 'eu-west-1'] } };

function whatWasProvisioned(e: ApiEvent): string {
  if (e.eventName === 'RunInstances') return describeLaunch(e);
  if (e.eventName === 'CreateFunction') {
    return `Lambda function ${reqString(e, 'functionName') ?? str(e.response, 'functionName') ?? '(unnamed)'}`;
  }
  if (e.eventName === 'RequestSpotInstances') return 'Spot Instances';
  return 'an EC2 Fleet';
}

export default defineApiRule({
  id: 'aws.compute.unapproved-region',
  title: 'Compute provisioned in an unapproved region',
  category: 'compute',
  row: 'COMP-1',
  priority: 'high',
  mitre: ['T1535', 'T1578.002'],
  description:
    'RunInstances, RequestSpotInstances, CreateFleet or Lambda CreateFunction in a region that is ' +
    'not in `organisation.approvedRegions`. Regions the organisation does not use have no ' +
    'monitoring, budgets or guardrails of their own, which is why attackers provision miners and ' +
    'footholds there (ATT&CK T1535, unused cloud regions). Triage: is the region new for this ' +
    'account at all, and does the acting identity normally provision compute? The rule reports ' +
    'nothing while approvedRegions is empty (every region counts as approved then). Failed calls ' +
    'are reported one level lower as attempts, and so are calls by the configured CI/CD; calls ' +
    'made by AWS services on their own behalf are ignored.',
  falsePositives: [
    'A team expanding into a new region before the approved list is updated.',
    'Disaster-recovery tests that launch in a standby region.',
  ],
  response: [
    'Ask the owner of the acting identity whether the region is in use; update approvedRegions if it is.',
    'If not: stop the instances or delete the function, and review everything else created in that region.',
    'Consider a service control policy that denies actions outside the approved regions (aws:RequestedRegion).',
  ],
  references: [
    'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html',
    'https://attack.mitre.org/techniques/T1535/',
  ],
  knobs: {},
  assumptions: (ctx) =>
    ctx.org.approvedRegions.length > 0
      ? []
      : [
          'organisation.approvedRegions is empty: every region counts as approved, so this rule ' +
            'reports nothing.',
        ],
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com', 'lambda.amazonaws.com'],
    eventNames: ['RunInstances', 'RequestSpotInstances', 'CreateFleet', 'CreateFunction'],
  },
  match: (e, ctx) =>
    ctx.org.approvedRegions.length > 0 &&
    e.region !== undefined &&
    !ctx.org.approvedRegions.includes(e.region) &&
    !byAwsService(e),
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), (failed(e) ? -1 : 0) + (isAutomation(e, ctx.org) ? -1 : 0)),
  summary: (e, ctx) =>
    `${actorName(e)} ${failed(e) ? 'tried to provision' : 'provisioned'} ${whatWasProvisioned(e)} ` +
    `${where(e)}, a region outside the approved ${names(ctx.org.approvedRegions)}`,
  examples: {
    fire: [
      {
        title:
          'An instance launched in ap-southeast-1 while only us-east-1 and eu-west-1 are approved',
        config: APPROVED,
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          awsRegion: 'ap-southeast-1',
          requestParameters: runInstancesRequest({ instanceType: 'c5.4xlarge' }),
          responseElements: runInstancesResponse({
            instanceType: 'c5.4xlarge',
            region: 'ap-southeast-1',
          }),
        }),
      },
      {
        title: 'A Lambda function created in sa-east-1 (CreateFunction20150331)',
        config: APPROVED,
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'CreateFunction20150331',
          identity: 'role',
          awsRegion: 'sa-east-1',
          requestParameters: {
            functionName: 'sync-worker',
            runtime: 'python3.12',
            role: 'arn:aws:iam::123456789012:role/sync-worker',
            handler: 'main.handler',
            code: { s3Bucket: 'tmp-build-artifacts-9f2c', s3Key: 'worker.zip' },
            timeout: 900,
            memorySize: 10240,
            publish: false,
            packageType: 'Zip',
          },
          responseElements: {
            functionName: 'sync-worker',
            functionArn: 'arn:aws:lambda:sa-east-1:123456789012:function:sync-worker',
            runtime: 'python3.12',
            role: 'arn:aws:iam::123456789012:role/sync-worker',
            handler: 'main.handler',
            codeSize: 5821,
            timeout: 900,
            memorySize: 10240,
            version: '$LATEST',
            state: 'Pending',
            packageType: 'Zip',
            architectures: ['x86_64'],
          },
        }),
      },
    ],
    miss: [
      {
        title: 'The same launch in an approved region',
        config: APPROVED,
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          awsRegion: 'eu-west-1',
          requestParameters: runInstancesRequest({ instanceType: 'c5.4xlarge' }),
          responseElements: runInstancesResponse({
            instanceType: 'c5.4xlarge',
            region: 'eu-west-1',
          }),
        }),
      },
      {
        title: 'A launch in ap-southeast-1 with no approved regions configured',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          awsRegion: 'ap-southeast-1',
          requestParameters: runInstancesRequest(),
          responseElements: runInstancesResponse({ region: 'ap-southeast-1' }),
        }),
      },
    ],
  },
});
