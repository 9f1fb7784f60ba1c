/**
 * `aws.recon.user-data-enumeration`: one principal reading the user data of many different EC2
 * instances within minutes. Reading one instance's user data is routine debugging; walking the
 * fleet for bootstrap scripts is harvesting the passwords and tokens people leave in them.
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import { basePriority, ctRecord, isAutomation, reqString, shift, USER_AGENTS } from '../lib.js';
import { automationConfigured } from '../lib/caller.js';
import {
  anyFact,
  asApi,
  callerFacts,
  describePlace,
  groupActor,
  groupSpan,
  principalKey,
  serviceCall,
  someValues,
  sourceFacts,
  timeline,
} from '../lib/principal-behaviour.js';

const knobs = {
  windowMinutes: knob(
    z.number().int().min(1).max(1440),
    15,
    'Length of the sliding window, in minutes.',
  ),
  instances: knob(
    z.number().int().min(2),
    5,
    'Distinct instances whose user data one principal must read within the window.',
  ),
};

const STRATUS_SESSION: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE12:aws-go-sdk-1688990565286187801',
  arn: 'arn:aws:sts::123456789012:assumed-role/get-usr-data-role/aws-go-sdk-1688990565286187801',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPL12',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE12',
      arn: 'arn:aws:iam::123456789012:role/get-usr-data-role',
      accountId: '123456789012',
      userName: 'get-usr-data-role',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-03-12T12:02:54Z', mfaAuthenticated: 'false' },
  },
};

/** Instance ids as the Invictus run's Stratus technique asked for them (short, made-up ids). */
const STRATUS_INSTANCES = [
  'i-8107c9c0',
  'i-ee5be736',
  'i-8d582f7b',
  'i-4dc512df',
  'i-77cae250',
  'i-0963a2e8',
  'i-f2a41e93',
];

const FLEET = [
  'i-0dbc91f429e48eeed',
  'i-05c30218156bcc246',
  'i-0a1b2c3d4e5f60718',
  'i-0f9e8d7c6b5a40312',
  'i-03c4d5e6f7a8b9c0d',
  'i-07a6b5c4d3e2f1a09',
];

function reads(
  times: readonly string[],
  instances: readonly string[],
  opts: { identity?: JsonObject | 'user'; userAgent?: string; denied?: boolean } = {},
): JsonObject[] {
  return times.map((eventTime, i) =>
    ctRecord({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstanceAttribute',
      identity: opts.identity ?? 'user',
      eventTime,
      readOnly: true,
      sourceIPAddress: '85.214.132.117',
      userAgent: opts.userAgent ?? USER_AGENTS.cli,
      ...(opts.denied === true
        ? {
            errorCode: 'Client.UnauthorizedOperation',
            errorMessage: 'You are not authorized to perform this operation.',
          }
        : {}),
      requestParameters: {
        instanceId: instances[i % instances.length] as string,
        attribute: 'userData',
      },
    }),
  );
}

export default defineThresholdRule({
  id: 'aws.recon.user-data-enumeration',
  title: 'User data of many instances read by one principal',
  category: 'recon',
  row: 'REC-1',
  priority: 'medium',
  mitre: ['T1552.005', 'T1580'],
  description:
    'Counts, per principal, the distinct instances whose user data it read ' +
    '(DescribeInstanceAttribute with `attribute: userData`) in a sliding window of ' +
    '`windowMinutes`, and fires at `instances`. User data holds bootstrap scripts, and with them ' +
    'the database passwords, registration tokens and keys that should never have been put there; ' +
    'walking many instances for it is what Stratus Red Team ec2-get-user-data and Pacu ' +
    'ec2__download_userdata do. Refused reads count too: trying every instance id is the same ' +
    'intent, and the Invictus run’s reads were all refused. Reading the same instance again ' +
    'does not add to the count. The principal is the stable identity (the role of an ' +
    'assumed-role session). Temporary credentials are one level higher. Left out: AWS services ' +
    'and the configured automation (Terraform reads user data of every instance it manages on ' +
    'each plan; with no automation configured its reads count too). The single-read rule ' +
    'aws.recon.instance-user-data-read reports each read; this one says it was a sweep. State ' +
    'per principal is the reads within the window; with `--state` it carries across runs.',
  falsePositives: [
    'Infrastructure-as-code tools and CSPM scanners that are not configured as automation.',
    'An engineer auditing user data for secrets across the fleet.',
  ],
  response: [
    'Assume the user data of every instance listed was read: look for secrets in it and rotate them.',
    'Ask the owner of the principal about the reads; revoke its sessions or keys if not explained.',
    'Move secrets out of user data (Secrets Manager, Parameter Store) and restrict ec2:DescribeInstanceAttribute.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceAttribute.html',
    'https://stratus-red-team.cloud/attack-techniques/AWS/aws.discovery.ec2-download-user-data/',
  ],
  knobs,
  assumptions: (ctx) =>
    automationConfigured(ctx.org)
      ? []
      : [
          'No CI/CD identities or user agents are configured (organisation.automationArns, ' +
            'automationUserAgents): user-data reads by infrastructure-as-code tools count too.',
        ],
  kind: 'threshold',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['DescribeInstanceAttribute'] },
  filter: (ev, ctx) => {
    const e = asApi(ev);
    return (
      e !== undefined &&
      reqString(e, 'attribute') === 'userData' &&
      !serviceCall(e) &&
      !isAutomation(e, ctx.org)
    );
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : principalKey(e);
  },
  value: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : reqString(e, 'instanceId');
  },
  facts: (ev) => {
    const e = asApi(ev);
    return e === undefined
      ? {}
      : { ...sourceFacts(e), ...callerFacts(e), outcome: e.errorCode ?? 'read' };
  },
  windowMs: (ctx) => ctx.knobs.windowMinutes * 60_000,
  threshold: (ctx) => ctx.knobs.instances,
  priorityOf: (group, ctx) =>
    shift(basePriority(ctx, 'medium'), anyFact(group, 'credentials', 'temporary') ? 1 : 0),
  summary: (group) => {
    const refused = anyFact(group, 'outcome', 'read') ? '' : ' (refused: the calls failed)';
    return (
      `${groupActor(group)} read the user data of ${group.figures.observed} distinct instances ` +
      `(${someValues(group)}) ${groupSpan(group)}${refused} from ` +
      `${describePlace(group.last)} in ${group.last.region ?? 'an unknown region'}; threshold ` +
      `${group.figures.threshold} in ${group.figures.windowMinutes} min`
    );
  },
  examples: {
    fire: [
      {
        title: 'Refused user-data reads of 7 instances in 2 seconds (Invictus, Stratus)',
        records: reads(timeline('2026-03-12T12:02:55Z', 7, 300), STRATUS_INSTANCES, {
          identity: STRATUS_SESSION,
          userAgent: 'stratus-red-team_9cbca289-7886-421c-b241-fcd2b1f14019',
          denied: true,
        }),
      },
      {
        title: 'An IAM user reads the user data of 6 production instances from the CLI',
        records: reads(timeline('2026-03-12T20:31:10Z', 6, 45_000), FLEET),
      },
    ],
    miss: [
      {
        title: 'Four instances: one short of the threshold',
        records: reads(timeline('2026-03-12T20:31:10Z', 4, 45_000), FLEET),
      },
      {
        title: 'One instance’s user data read nine times while debugging its boot',
        records: reads(timeline('2026-03-12T20:31:10Z', 9, 60_000), FLEET.slice(0, 1)),
      },
      {
        title: 'Six instances read 5 minutes apart (at most 3 in any 15-minute window)',
        records: reads(timeline('2026-03-12T20:31:10Z', 6, 5 * 60_000 + 1_000), FLEET),
      },
      {
        title: 'Terraform, configured as CI/CD, refreshing six instances',
        config: { organisation: { automationUserAgents: ['*Terraform/*'] } },
        records: reads(timeline('2026-03-12T20:31:10Z', 6, 1_000), FLEET, {
          userAgent: USER_AGENTS.terraform,
        }),
      },
    ],
  },
});
