/**
 * `aws.time-geo.new-region-for-principal`: a principal changing something in a region it has never
 * changed anything in before, after learning each principal's regions. People and pipelines work
 * in one or two regions; stolen credentials are often used where nobody looks (a miner in a region
 * the team never opened, a key pair imported far from home), even in regions the account itself
 * uses, which `aws.compute.new-region-for-account` cannot see.
 */
import { z } from 'zod';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import {
  basePriority,
  ctRecord,
  EXAMPLE_ACCOUNT,
  isAutomation,
  shift,
  USER_AGENTS,
} from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { stablePrincipal } from '../lib/behaviour.js';
import { runInstancesRequest } from '../lib/compute-fixtures.js';
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
  globalServices: knob(
    z.array(z.string().min(1)),
    [
      'iam.amazonaws.com',
      'sts.amazonaws.com',
      'organizations.amazonaws.com',
      'signin.amazonaws.com',
      'cloudfront.amazonaws.com',
      'route53.amazonaws.com',
    ],
    'Event sources of global services, whose calls CloudTrail logs in us-east-1 wherever the caller works; they neither teach nor fire.',
  ),
};

const START = '2026-02-01T09:10:00Z';
const ATTACKER_IP = '5.45.207.1';

interface WriteInput {
  eventTime: string;
  region: string;
  identity?: CtRecordInput['identity'];
  userAgent?: string;
  sourceIPAddress?: string;
}

function write(
  input: WriteInput,
  what: Omit<
    CtRecordInput,
    'eventTime' | 'awsRegion' | 'identity' | 'userAgent' | 'sourceIPAddress'
  >,
): JsonObject {
  return ctRecord({
    identity: input.identity ?? 'user',
    eventTime: input.eventTime,
    awsRegion: input.region,
    userAgent: input.userAgent ?? USER_AGENTS.cli,
    sourceIPAddress: input.sourceIPAddress ?? '73.162.10.20',
    ...what,
  });
}

const tagInstance = (input: WriteInput): JsonObject =>
  write(input, {
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CreateTags',
    requestParameters: {
      resourcesSet: { items: [{ resourceId: 'i-0dbc91f429e48eeed' }] },
      tagSet: { items: [{ key: 'owner', value: 'alice' }] },
    },
    responseElements: { requestId: '5e0f1c1e-8d1a-4b7a-9d52-0d6a3f3c2b11', _return: true },
  });

const putParameter = (input: WriteInput): JsonObject =>
  write(input, {
    eventSource: 'ssm.amazonaws.com',
    eventName: 'PutParameter',
    requestParameters: { name: '/orders/feature-flags', type: 'String', overwrite: true },
    responseElements: { version: 17, tier: 'Standard' },
  });

/** An IAM change: logged in us-east-1 whichever region the caller works in. */
const tagUser = (input: Omit<WriteInput, 'region'>): JsonObject =>
  write(
    { ...input, region: 'us-east-1' },
    {
      eventSource: 'iam.amazonaws.com',
      eventName: 'TagUser',
      host: 'iam.amazonaws.com',
      requestParameters: { userName: 'alice', tags: [{ key: 'team', value: 'orders' }] },
    },
  );

const importKeyPair = (input: WriteInput): JsonObject =>
  write(input, {
    eventSource: 'ec2.amazonaws.com',
    eventName: 'ImportKeyPair',
    requestParameters: { keyName: 'ops', publicKeyMaterial: '<sensitiveDataRemoved>' },
    responseElements: {
      requestId: '9b7e3c2a-1f0d-4e8b-a6c5-3d2e1f0a9b8c',
      keyName: 'ops',
      keyFingerprint: '1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca',
      keyPairId: 'key-0a1b2c3d4e5f60718',
    },
  });

/** Sixteen days of alice changing things in eu-west-1, and her IAM tags (logged in us-east-1). */
function aliceAtWork(days = 16): JsonObject[] {
  return Array.from({ length: days }, (_, d) => [
    tagInstance({ eventTime: isoAfter(START, d * DAY), region: 'eu-west-1' }),
    putParameter({ eventTime: isoAfter(START, d * DAY + HOUR), region: 'eu-west-1' }),
    ...(d % 4 === 0 ? [tagUser({ eventTime: isoAfter(START, d * DAY + 2 * HOUR) })] : []),
  ]).flat();
}

/** Sixteen days of the deployment role tagging instances in us-east-1 and eu-west-1. */
function pipeline(days = 16): JsonObject[] {
  const ci = {
    identity: 'ci' as const,
    userAgent: USER_AGENTS.terraform,
    sourceIPAddress: '3.80.12.4',
  };
  return Array.from({ length: days }, (_, d) => [
    tagInstance({ ...ci, eventTime: isoAfter(START, d * DAY + 3 * HOUR), region: 'us-east-1' }),
    tagInstance({ ...ci, eventTime: isoAfter(START, d * DAY + 4 * HOUR), region: 'eu-west-1' }),
  ]).flat();
}

export default defineFirstSeenRule({
  id: 'aws.time-geo.new-region-for-principal',
  title: 'First change in a region new for the principal',
  category: 'time-geo',
  row: 'GEO-1',
  priority: 'low',
  mitre: ['T1535', 'T1078.004'],
  description:
    'Keeps, per principal, the regions in which it made write calls (`readOnly: false`), and ' +
    'fires on a region not seen for that principal before, once `learningDays` have passed ' +
    'since the first write the rule saw. The principal is the stable identity: the user, the ' +
    'calling role (not its rotating sessions), or for IAM Identity Center the person’s session; ' +
    'callers CloudTrail names only by account are left out. Reads do not count (the console and ' +
    'inventory tools list every region). Calls to the `globalServices` (IAM, STS, ' +
    'Organizations, console sign-in, CloudFront, Route 53) are left out: CloudTrail logs them in ' +
    'us-east-1 wherever the caller works, so they would teach every principal that region and ' +
    'hide real first use of it. Writes by AWS services on a principal’s behalf and service ' +
    'events are left out too. Failed writes count (a write refused by an SCP in a closed region ' +
    'is still an attempt), and the summary says the call failed. Priority is low: one level ' +
    'higher when `organisation.approvedRegions` is configured and the region is not in it, one ' +
    'level lower for the configured automation (a pipeline deploying to a new region is usually ' +
    'planned) and for a principal first seen after learning. Read it next to ' +
    'aws.compute.new-region-for-account: when both fire, the region is new to the whole account. ' +
    'Triage: what was changed in the region, from which address, and whether the principal’s ' +
    'owner expected it. State: the regions of each principal with when each was last seen; with ' +
    '`--state` it carries across runs.',
  falsePositives: [
    'A team expanding to a new region or testing disaster recovery.',
    'A person helping another team that works in another region.',
    'Global services not in `globalServices` whose calls are logged in us-east-1 (add their event sources).',
  ],
  response: [
    'Look at what the principal changed in the region (the evidence) and from where; ask its owner.',
    'If nobody expected it: inventory the region (instances, key pairs, functions, users), remove what nobody owns and revoke the principal’s credentials.',
    'Consider an SCP denying the regions the organisation does not use (aws:RequestedRegion).',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events',
    'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html#example-scp-deny-region',
    'https://attack.mitre.org/techniques/T1535/',
  ],
  knobs,
  kind: 'firstSeen',
  // Writes exist in every service, so the rule sees every event and keeps the writes.
  on: { eventNames: '*' },
  filter: (ev, ctx) => {
    const e = asApi(ev);
    return (
      e !== undefined &&
      e.readOnly === false &&
      e.eventType !== 'AwsServiceEvent' &&
      !ctx.knobs.globalServices.includes(e.eventSource) &&
      !serviceCall(e)
    );
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : stablePrincipal(e);
  },
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
      basePriority(ctx, 'low'),
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
    const history =
      known === 0
        ? 'the first region seen for this principal'
        : `a region where this principal had made no change before (${known} ` +
          `${known === 1 ? 'region' : 'regions'} known, learning since ` +
          `${String(group.figures.learnedSince).slice(0, 10)})`;
    return (
      `${groupActor(group)} ${what} in ${group.values[0] ?? 'an unknown region'} of account ` +
      `${group.last.account ?? 'unknown'}, ${history}, from ${describePlace(group.last)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A user who works in eu-west-1 imports a key pair in ap-northeast-1',
        records: [
          ...aliceAtWork(),
          importKeyPair({
            eventTime: isoAfter(START, 17 * DAY),
            region: 'ap-northeast-1',
            sourceIPAddress: ATTACKER_IP,
          }),
        ],
      },
      {
        title:
          'After learning, her first change in us-east-1, where only her IAM calls were logged',
        records: [
          ...aliceAtWork(),
          tagInstance({ eventTime: isoAfter(START, 16 * DAY + 5 * HOUR), region: 'us-east-1' }),
        ],
      },
      {
        title:
          'After learning, the deployment role is refused a launch in sa-east-1, regions being approved',
        config: { organisation: { approvedRegions: ['us-east-1', 'eu-west-1'] } },
        records: [
          ...pipeline(),
          write(
            {
              eventTime: isoAfter(START, 17 * DAY),
              region: 'sa-east-1',
              identity: 'ci',
              userAgent: USER_AGENTS.boto3,
              sourceIPAddress: ATTACKER_IP,
            },
            {
              eventSource: 'ec2.amazonaws.com',
              eventName: 'RunInstances',
              errorCode: 'Client.UnauthorizedOperation',
              errorMessage: `You are not authorized to perform this operation. User: arn:aws:sts::${EXAMPLE_ACCOUNT}:assumed-role/deploy-terraform/terraform-apply is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:sa-east-1:${EXAMPLE_ACCOUNT}:instance/* with an explicit deny in a service control policy`,
              requestParameters: runInstancesRequest({
                instanceType: 'c5.24xlarge',
                region: 'sa-east-1',
              }),
            },
          ),
        ],
      },
    ],
    miss: [
      {
        title: 'A new region during the learning period',
        records: [
          ...aliceAtWork(3),
          importKeyPair({ eventTime: isoAfter(START, 3 * DAY), region: 'ap-northeast-1' }),
          ...aliceAtWork(16).slice(-6),
        ],
      },
      {
        title: 'After learning, IAM and Organizations changes, logged in us-east-1',
        records: [
          ...aliceAtWork(),
          tagUser({ eventTime: isoAfter(START, 17 * DAY) }),
          write(
            { eventTime: isoAfter(START, 17 * DAY + HOUR), region: 'us-east-1' },
            {
              eventSource: 'organizations.amazonaws.com',
              eventName: 'TagResource',
              host: 'organizations.us-east-1.amazonaws.com',
              requestParameters: {
                resourceId: '111122223333',
                tags: [{ key: 'cost-centre', value: 'orders' }],
              },
            },
          ),
        ],
      },
      {
        title: 'After learning, read-only calls in a new region',
        records: [
          ...aliceAtWork(),
          write(
            { eventTime: isoAfter(START, 17 * DAY), region: 'ap-northeast-1' },
            {
              eventSource: 'ec2.amazonaws.com',
              eventName: 'DescribeInstances',
              readOnly: true,
              requestParameters: { instancesSet: {}, filterSet: {} },
            },
          ),
        ],
      },
      {
        title: 'After learning, a change in a region the principal knows, from a new address',
        records: [
          ...aliceAtWork(),
          importKeyPair({
            eventTime: isoAfter(START, 17 * DAY),
            region: 'eu-west-1',
            sourceIPAddress: ATTACKER_IP,
          }),
        ],
      },
    ],
  },
});
