/**
 * `aws.compute.new-instance-type-for-account`: an EC2 instance type launched in an account that
 * has never launched it before, after learning the account's types. Accounts settle on a handful
 * of types; a type nobody used before (a GPU family, a huge size) is how mining and other misuse
 * of stolen credentials looks, whatever the configured list of unusual families says.
 */
import { z } from 'zod';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import { basePriority, ctRecord, isAutomation, shift, USER_AGENTS } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import {
  AUTOSCALING_IDENTITY,
  runInstancesRequest,
  runInstancesResponse,
  STRATUS_ROLE_IDENTITY,
} from '../lib/compute-fixtures.js';
import {
  asApi,
  DAY,
  describePlace,
  fact,
  groupActor,
  isoAfter,
  serviceCall,
  sourceFacts,
} from '../lib/principal-behaviour.js';
import { describeLaunch, launchTypes } from '../lib/run-instances.js';

const knobs = {
  learningDays: knob(
    z.number().min(0).max(365),
    14,
    'Days, from the first launch the rule sees, during which instance types are learned without reporting.',
  ),
};

const START = '2026-02-01T10:00:00Z';
const EVERYDAY = ['t3.micro', 't3.small', 'm5.large', 'm5.xlarge'];

interface LaunchStory {
  eventTime: string;
  instanceType?: string;
  identity?: CtRecordInput['identity'];
  userAgent?: string;
  launchTemplateId?: string;
  refused?: boolean;
  sourceIPAddress?: string;
}

function launch(input: LaunchStory): JsonObject {
  const spec = {
    ...(input.instanceType === undefined ? {} : { instanceType: input.instanceType }),
    ...(input.launchTemplateId === undefined ? {} : { launchTemplateId: input.launchTemplateId }),
    instanceId: `i-0${(Date.parse(input.eventTime) / 1000).toString(16)}c0ffee12`,
  };
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    identity: input.identity ?? 'ci',
    eventTime: input.eventTime,
    userAgent: input.userAgent ?? USER_AGENTS.terraform,
    sourceIPAddress: input.sourceIPAddress ?? '3.80.12.4',
    requestParameters: runInstancesRequest(spec),
    ...(input.refused === true
      ? {
          errorCode: 'Client.VcpuLimitExceeded',
          errorMessage:
            'You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.',
        }
      : { responseElements: runInstancesResponse(spec) }),
  });
}

/** Sixteen days of the pipeline launching the account's everyday types. */
function routine(days = 16): JsonObject[] {
  return Array.from({ length: days }, (_, d) =>
    launch({
      eventTime: isoAfter(START, d * DAY),
      instanceType: EVERYDAY[d % EVERYDAY.length] as string,
    }),
  );
}

export default defineFirstSeenRule({
  id: 'aws.compute.new-instance-type-for-account',
  title: 'Instance type launched for the first time in the account',
  category: 'compute',
  row: 'COMP-1',
  priority: 'medium',
  mitre: ['T1578.002', 'T1496'],
  description:
    'Keeps, per account, the instance types its RunInstances calls asked for (the request’s ' +
    '`instanceType`, or for launches from a launch template the type the response reports), ' +
    'and fires on a type not seen in that account before, once `learningDays` have passed ' +
    'since the first launch the rule saw. Every launch teaches, whoever made it: Auto Scaling ' +
    'and the configured automation show which types the account runs, and their findings (a ' +
    'changed launch template, a new pipeline) are one level lower. Refused launches count too ' +
    '(a miner asking for GPU types and hitting its quota is still news), and the summary says ' +
    'the launch failed. An account first seen after learning fires on its first type, one ' +
    'level lower. Unlike aws.compute.unusual-instance-type this needs no list of families: the ' +
    'account’s own history is the list. State: the types of each account with when each was ' +
    'last seen; with `--state` it carries across runs, so the learning happens once.',
  falsePositives: [
    'A new workload or a planned migration to a new instance generation.',
    'Launch templates changed by the platform team outside the configured automation.',
  ],
  response: [
    'Find the instances (the evidence) and who launched them; ask the owning team.',
    'If nobody owns them: terminate them, revoke the credentials used, and check every region for more.',
    'Consider an SCP that allows only the instance types the organisation uses (ec2:InstanceType).',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html',
    'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html#amazonec2-policy-keys',
  ],
  knobs,
  kind: 'firstSeen',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['RunInstances'] },
  key: (ev) => ev.account,
  value: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : launchTypes(e)[0];
  },
  facts: (ev, ctx) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    return {
      ...sourceFacts(e),
      launch: describeLaunch(e),
      outcome: e.errorCode ?? 'launched',
      routine: serviceCall(e) || isAutomation(e, ctx.org) ? 'yes' : 'no',
    };
  },
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  priorityOf: (group, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (fact(group.last, 'routine') === 'yes' ? -1 : 0) + (group.figures.knownValues === 0 ? -1 : 0),
    ),
  summary: (group) => {
    const known = Number(group.figures.knownValues);
    const outcome = fact(group.last, 'outcome');
    const verb = outcome === 'launched' ? 'launched' : `tried to launch (${outcome})`;
    return (
      `${groupActor(group)} ${verb} ${fact(group.last, 'launch') ?? 'instances'} in ` +
      `${group.last.region ?? 'an unknown region'} of account ${group.key}, a type new for the ` +
      `account (${known} ${known === 1 ? 'type' : 'types'} known, learning since ` +
      `${String(group.figures.learnedSince).slice(0, 10)}), from ${describePlace(group.last)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Sixteen days of t3 and m5 launches, then p3.16xlarge by a role session',
        records: [
          ...routine(),
          launch({
            eventTime: isoAfter(START, 17 * DAY),
            instanceType: 'p3.16xlarge',
            identity: STRATUS_ROLE_IDENTITY,
            userAgent: USER_AGENTS.boto3,
            sourceIPAddress: '5.45.207.1',
          }),
        ],
      },
      {
        title: 'After learning, a refused launch of a GPU type',
        records: [
          ...routine(),
          launch({
            eventTime: isoAfter(START, 17 * DAY),
            instanceType: 'g5.48xlarge',
            identity: 'user',
            userAgent: USER_AGENTS.cli,
            sourceIPAddress: '41.203.64.1',
            refused: true,
          }),
        ],
      },
      {
        title: 'After learning, Auto Scaling launches a type from a changed launch template',
        records: [
          ...routine(),
          launch({
            eventTime: isoAfter(START, 18 * DAY),
            launchTemplateId: 'lt-0a1b2c3d4e5f60718',
            instanceType: 'c7g.large',
            identity: AUTOSCALING_IDENTITY,
            userAgent: 'autoscaling.amazonaws.com',
            sourceIPAddress: 'autoscaling.amazonaws.com',
          }),
        ],
      },
    ],
    miss: [
      {
        title: 'A new type during the learning period',
        records: [
          ...routine(5),
          launch({ eventTime: isoAfter(START, 6 * DAY), instanceType: 'p3.16xlarge' }),
        ],
      },
      {
        title: 'After learning, a type the account already runs',
        records: [
          ...routine(),
          launch({
            eventTime: isoAfter(START, 17 * DAY),
            instanceType: 'm5.large',
            identity: 'user',
            userAgent: USER_AGENTS.cli,
          }),
        ],
      },
    ],
  },
});
