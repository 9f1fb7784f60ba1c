/**
 * `aws.compute.new-region-for-account`: a change made in a region the account has never made a
 * change in before, after learning the account's regions. Attackers launch miners and hide
 * resources in regions nobody watches; the first write in such a region stands out against the
 * account's own habits even when no list of approved regions is configured.
 */
import { z } from 'zod';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import { basePriority, ctRecord, isAutomation, shift, USER_AGENTS } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { runInstancesRequest, runInstancesResponse } from '../lib/compute-fixtures.js';
import {
  asApi,
  DAY,
  describePlace,
  fact,
  groupActor,
  HOUR,
  isoAfter,
  serviceCall,
  sourceFacts,
} from '../lib/principal-behaviour.js';

const knobs = {
  learningDays: knob(
    z.number().min(0).max(365),
    14,
    'Days, from the first write the rule sees, during which regions are learned without reporting.',
  ),
};

const START = '2026-02-01T09:30:00Z';

interface WriteInput {
  eventTime: string;
  region: string;
  identity?: CtRecordInput['identity'];
  userAgent?: string;
  sourceIPAddress?: string;
}

/** Everyday writes: tags on instances, a parameter update. */
function tagWrite(input: WriteInput): JsonObject {
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CreateTags',
    identity: input.identity ?? 'ci',
    eventTime: input.eventTime,
    awsRegion: input.region,
    userAgent: input.userAgent ?? USER_AGENTS.terraform,
    sourceIPAddress: input.sourceIPAddress ?? '3.80.12.4',
    requestParameters: {
      resourcesSet: { items: [{ resourceId: 'i-0dbc91f429e48eeed' }] },
      tagSet: { items: [{ key: 'cost-centre', value: 'platform' }] },
    },
    responseElements: { requestId: '5e0f1c1e-8d1a-4b7a-9d52-0d6a3f3c2b11', _return: true },
  });
}

function parameterWrite(input: WriteInput): JsonObject {
  return ctRecord({
    eventSource: 'ssm.amazonaws.com',
    eventName: 'PutParameter',
    identity: input.identity ?? 'ci',
    eventTime: input.eventTime,
    awsRegion: input.region,
    userAgent: input.userAgent ?? USER_AGENTS.terraform,
    sourceIPAddress: input.sourceIPAddress ?? '3.80.12.4',
    requestParameters: {
      name: '/platform/release',
      type: 'String',
      overwrite: true,
      tier: 'Standard',
    },
    responseElements: { version: 42, tier: 'Standard' },
  });
}

/** Sixteen days of writes in us-east-1 and eu-west-1. */
function routine(days = 16): JsonObject[] {
  return Array.from({ length: days }, (_, d) => [
    tagWrite({ eventTime: isoAfter(START, d * DAY), region: 'us-east-1' }),
    parameterWrite({ eventTime: isoAfter(START, d * DAY + 2 * HOUR), region: 'eu-west-1' }),
  ]).flat();
}

function keyPairImport(input: WriteInput): JsonObject {
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'ImportKeyPair',
    identity: input.identity ?? 'user',
    eventTime: input.eventTime,
    awsRegion: input.region,
    userAgent: input.userAgent ?? USER_AGENTS.cli,
    sourceIPAddress: input.sourceIPAddress ?? '5.45.207.1',
    requestParameters: { keyName: 'ops', publicKeyMaterial: '<sensitiveDataRemoved>' },
    responseElements: {
      requestId: '9b7e3c2a-1f0d-4e8b-a6c5-3d2e1f0a9b8c',
      keyName: 'ops',
      keyFingerprint: '1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca',
      keyPairId: 'key-0a1b2c3d4e5f60718',
    },
  });
}

export default defineFirstSeenRule({
  id: 'aws.compute.new-region-for-account',
  title: 'First change in a region new for the account',
  category: 'compute',
  row: 'COMP-1',
  priority: 'medium',
  mitre: ['T1535', 'T1578'],
  description:
    'Keeps, per account, the regions in which write calls (`readOnly: false`) were made, and ' +
    'fires on a region not seen in that account before, once `learningDays` have passed since ' +
    'the first write the rule saw. Reads do not count: listing every region is what the console ' +
    'and inventory tools do, changing something in one is not. Writes by AWS services (and ' +
    'service events) are left out, since services act in every enabled region; console ' +
    'sign-ins are left out since their region is the sign-in endpoint’s. The configured ' +
    'automation is learned from and reported one level lower (a pipeline deploying to a new ' +
    'region is an expansion someone planned). Failed writes count too (a write refused by an SCP ' +
    'in a region the organisation has closed is still an attempt), and the summary says the ' +
    'call failed. One level higher when `organisation.approvedRegions` is configured and the ' +
    'region is not in it (aws.compute.unapproved-region reports each such call). An account ' +
    'first seen after learning fires on its first region, one level lower. State: the regions ' +
    'of each account with when each was last seen; with `--state` it carries across runs.',
  falsePositives: [
    'A planned expansion to a new region, or a disaster-recovery test.',
    'Global services whose calls are logged in a region not used otherwise (rare for writes).',
  ],
  response: [
    'Look at what was changed in the region (the evidence) and by whom; ask the owning team.',
    'If nobody planned it: inventory the region (instances, functions, keys, users), remove what nobody owns and revoke the credentials used.',
    'Consider an SCP denying the regions the organisation does not use (aws:RequestedRegion).',
  ],
  references: [
    'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html#example-scp-deny-region',
    'https://attack.mitre.org/techniques/T1535/',
  ],
  knobs,
  kind: 'firstSeen',
  // Writes exist in every service, so the rule sees every event and keeps the writes.
  on: { eventNames: '*' },
  filter: (ev) => {
    const e = asApi(ev);
    return (
      e !== undefined &&
      e.readOnly === false &&
      e.eventType !== 'AwsServiceEvent' &&
      e.eventSource !== 'signin.amazonaws.com' &&
      !serviceCall(e)
    );
  },
  key: (ev) => ev.account,
  value: (ev) => ev.region,
  facts: (ev, ctx) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    return {
      ...sourceFacts(e),
      call: `${e.eventSource.replace(/\.amazonaws\.com$/, '')}:${e.eventName}`,
      outcome: e.errorCode ?? 'ok',
      routine: isAutomation(e, ctx.org) ? 'yes' : 'no',
    };
  },
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  priorityOf: (group, ctx) => {
    const approved = ctx.org.approvedRegions;
    const region = group.values[0];
    const unapproved = approved.length > 0 && region !== undefined && !approved.includes(region);
    return shift(
      basePriority(ctx, 'medium'),
      (unapproved ? 1 : 0) +
        (fact(group.last, 'routine') === 'yes' ? -1 : 0) +
        (group.figures.knownValues === 0 ? -1 : 0),
    );
  },
  summary: (group) => {
    const known = Number(group.figures.knownValues);
    const outcome = fact(group.last, 'outcome');
    const call = fact(group.last, 'call') ?? 'a write';
    const what = outcome === 'ok' ? `called ${call}` : `tried ${call} (failed: ${outcome})`;
    return (
      `${groupActor(group)} ${what} in ${group.values[0] ?? 'an unknown region'}, a region ` +
      `where account ${group.key} had made no change before (${known} ` +
      `${known === 1 ? 'region' : 'regions'} known, learning since ` +
      `${String(group.figures.learnedSince).slice(0, 10)}), from ${describePlace(group.last)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Sixteen days of changes in two regions, then a key pair imported in ap-southeast-3',
        records: [
          ...routine(),
          keyPairImport({ eventTime: isoAfter(START, 17 * DAY), region: 'ap-southeast-3' }),
        ],
      },
      {
        title: 'After learning, a launch in sa-east-1 refused by an SCP, regions being approved',
        config: { organisation: { approvedRegions: ['us-east-1', 'eu-west-1'] } },
        records: [
          ...routine(),
          ctRecord({
            eventSource: 'ec2.amazonaws.com',
            eventName: 'RunInstances',
            identity: 'user',
            eventTime: isoAfter(START, 17 * DAY),
            awsRegion: 'sa-east-1',
            userAgent: USER_AGENTS.cli,
            sourceIPAddress: '41.203.64.1',
            errorCode: 'Client.UnauthorizedOperation',
            errorMessage:
              'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:sa-east-1:123456789012:instance/* with an explicit deny in a service control policy',
            requestParameters: runInstancesRequest({
              instanceType: 'c5.24xlarge',
              region: 'sa-east-1',
            }),
          }),
        ],
      },
    ],
    miss: [
      {
        title: 'A new region during the learning period',
        records: [
          ...routine(3),
          keyPairImport({ eventTime: isoAfter(START, 4 * DAY), region: 'ap-southeast-3' }),
          ...routine(16).slice(10),
        ],
      },
      {
        title: 'After learning, read-only calls in a new region',
        records: [
          ...routine(),
          ctRecord({
            eventSource: 'ec2.amazonaws.com',
            eventName: 'DescribeInstances',
            identity: 'user',
            eventTime: isoAfter(START, 17 * DAY),
            awsRegion: 'ap-southeast-3',
            readOnly: true,
            requestParameters: { instancesSet: {}, filterSet: {} },
          }),
        ],
      },
      {
        title: 'After learning, a launch in a known region',
        records: [
          ...routine(),
          ctRecord({
            eventSource: 'ec2.amazonaws.com',
            eventName: 'RunInstances',
            identity: 'user',
            eventTime: isoAfter(START, 17 * DAY),
            awsRegion: 'eu-west-1',
            requestParameters: runInstancesRequest({
              instanceType: 't3.micro',
              region: 'eu-west-1',
            }),
            responseElements: runInstancesResponse({
              instanceType: 't3.micro',
              region: 'eu-west-1',
            }),
          }),
        ],
      },
    ],
  },
});
