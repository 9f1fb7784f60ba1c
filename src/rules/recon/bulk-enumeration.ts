/**
 * `aws.recon.bulk-enumeration`: one principal calling many different List, Describe and Get APIs
 * within a short window. Mapping an account (who exists, what runs, where the data is) is the
 * first thing done with fresh credentials, by hand or with Pacu, ScoutSuite, cloudfox and the like,
 * and it shows as breadth: dozens of distinct read APIs across services in minutes, where a
 * workload calls the same few over and over.
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import { basePriority, ctRecord, isAutomation, shift, USER_AGENTS } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { automationAssumption } from '../lib/ownership.js';
import {
  anyFact,
  asApi,
  callerFacts,
  consoleCall,
  describePlace,
  fact,
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
  distinctCalls: knob(
    z.number().int().min(2),
    30,
    'Distinct enumeration APIs (service and event name) one principal must call within the window.',
  ),
  ignoreConsole: knob(
    z.boolean(),
    true,
    'Leave out calls the AWS Management Console makes for a signed-in user: each console page fires many Describe and List calls in the background.',
  ),
};

const ENUMERATION = /^(?:List|Describe|Get)[A-Z]/;

/** The session an attacker runs enumeration tools with: a role session with an `ASIA…` key. */
const ROLE_SESSION: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE21:botocore-session-1773104700',
  arn: 'arn:aws:sts::123456789012:assumed-role/data-pipeline/botocore-session-1773104700',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPL21',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE21',
      arn: 'arn:aws:iam::123456789012:role/data-pipeline',
      accountId: '123456789012',
      userName: 'data-pipeline',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-03-10T01:05:12Z', mfaAuthenticated: 'false' },
  },
};

/** Read APIs in the order an account-mapping tool calls them, with the parameters they log. */
const CALLS: readonly [string, string, JsonObject | null][] = [
  ['sts.amazonaws.com', 'GetCallerIdentity', null],
  ['iam.amazonaws.com', 'GetAccountSummary', null],
  ['iam.amazonaws.com', 'GetAccountAuthorizationDetails', null],
  ['iam.amazonaws.com', 'ListUsers', null],
  ['iam.amazonaws.com', 'ListRoles', null],
  ['iam.amazonaws.com', 'ListGroups', null],
  ['iam.amazonaws.com', 'ListPolicies', { scope: 'Local', onlyAttached: false }],
  ['iam.amazonaws.com', 'ListAccessKeys', { userName: 'alice' }],
  ['iam.amazonaws.com', 'ListAttachedUserPolicies', { userName: 'alice' }],
  ['iam.amazonaws.com', 'ListMFADevices', { userName: 'alice' }],
  ['iam.amazonaws.com', 'GetAccountPasswordPolicy', null],
  ['organizations.amazonaws.com', 'DescribeOrganization', null],
  ['s3.amazonaws.com', 'ListBuckets', { Host: 's3.amazonaws.com' }],
  [
    's3.amazonaws.com',
    'GetBucketPolicy',
    { bucketName: 'acme-data-lake', Host: 'acme-data-lake.s3.amazonaws.com', policy: '' },
  ],
  [
    's3.amazonaws.com',
    'GetBucketAcl',
    { bucketName: 'acme-data-lake', Host: 'acme-data-lake.s3.amazonaws.com', acl: '' },
  ],
  ['ec2.amazonaws.com', 'DescribeRegions', { regionSet: {} }],
  ['ec2.amazonaws.com', 'DescribeInstances', { instancesSet: {}, filterSet: {} }],
  [
    'ec2.amazonaws.com',
    'DescribeSecurityGroups',
    { securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} },
  ],
  ['ec2.amazonaws.com', 'DescribeVpcs', { vpcSet: {}, filterSet: {} }],
  ['ec2.amazonaws.com', 'DescribeSubnets', { subnetSet: {}, filterSet: {} }],
  ['ec2.amazonaws.com', 'DescribeKeyPairs', { keySet: {}, filterSet: {} }],
  ['ec2.amazonaws.com', 'DescribeVolumes', { volumeSet: {}, filterSet: {} }],
  [
    'ec2.amazonaws.com',
    'DescribeSnapshots',
    {
      snapshotSet: {},
      ownersSet: { items: [{ owner: 'self' }] },
      sharedUsersSet: {},
      filterSet: {},
    },
  ],
  ['lambda.amazonaws.com', 'ListFunctions20150331', null],
  ['rds.amazonaws.com', 'DescribeDBInstances', null],
  ['secretsmanager.amazonaws.com', 'ListSecrets', null],
  ['ssm.amazonaws.com', 'DescribeParameters', null],
  ['kms.amazonaws.com', 'ListKeys', null],
  ['cloudtrail.amazonaws.com', 'DescribeTrails', { includeShadowTrails: true }],
  ['guardduty.amazonaws.com', 'ListDetectors', null],
  ['dynamodb.amazonaws.com', 'ListTables', null],
  ['logs.amazonaws.com', 'DescribeLogGroups', null],
];

/** One enumeration call per time, taking the calls in order. */
function sweep(
  times: readonly string[],
  opts: { identity?: CtRecordInput['identity']; userAgent?: string; sourceIPAddress?: string } = {},
): JsonObject[] {
  return times.map((eventTime, i) => {
    const [eventSource, eventName, requestParameters] = CALLS[i % CALLS.length] as [
      string,
      string,
      JsonObject | null,
    ];
    return ctRecord({
      eventSource,
      eventName,
      identity: opts.identity ?? ROLE_SESSION,
      eventTime,
      readOnly: true,
      userAgent: opts.userAgent ?? USER_AGENTS.boto3,
      sourceIPAddress: opts.sourceIPAddress ?? '5.45.207.1',
      requestParameters,
    });
  });
}

export default defineThresholdRule({
  id: 'aws.recon.bulk-enumeration',
  title: 'Bulk enumeration of many read APIs by one principal',
  category: 'recon',
  row: 'REC-1',
  priority: 'medium',
  mitre: ['T1580', 'T1526', 'T1087.004', 'T1069.003'],
  description:
    'Counts, per principal, the distinct List*, Describe* and Get* APIs it calls (service and ' +
    'event name: `iam:ListUsers` and `ec2:DescribeInstances` are two) in a sliding window of ' +
    '`windowMinutes`, and fires when they reach `distinctCalls`. Breadth is what sets account ' +
    'mapping apart: a workload repeats the same few reads, an attacker with new credentials (or ' +
    'Pacu, ScoutSuite, cloudfox, Prowler run by someone) walks IAM, S3, EC2, Lambda, secrets and ' +
    'logging in minutes. Calls that failed count too (probing for what the credentials allow is ' +
    'part of enumeration). The principal is the stable identity: the role for assumed-role ' +
    'sessions, the user otherwise, so a tool that rotates sessions is still one principal. ' +
    'Temporary credentials (an `ASIA…` key or an assumed-role session) are one level higher: ' +
    'stolen session tokens are the usual way in. Left out: AWS services acting for a caller, the ' +
    'configured automation (infrastructure-as-code reads everything it manages on every plan) ' +
    'and, while `ignoreConsole` is on, calls the console makes for a signed-in user (browser ' +
    'sessions, and the console back ends whose user agents carry `aws-internal/…`), because ' +
    'each console page fires dozens of Describe and List calls; an attacker browsing with a stolen ' +
    'console session is then missed, so turn it off where console use is rare. State per ' +
    'principal is the recent calls within the window; with `--state` it carries across runs, so ' +
    'a sweep split between two input batches still counts as one. Triage: read the list of APIs ' +
    'in the finding, then what the principal did right after (reads of secrets, new keys, role ' +
    'assumptions).',
  falsePositives: [
    'Security scanners and inventory tools (Prowler, ScoutSuite, CSPM agents, AWS Config aggregators run as a role); list their roles as automation.',
    'Infrastructure-as-code runs from a laptop rather than the configured pipeline.',
    'An engineer exploring an account with the CLI.',
  ],
  response: [
    'Confirm with the owner of the principal whether a tool or a person ran the sweep, and from where (the source address in the finding).',
    'If not explained: revoke the role’s active sessions or deactivate the user’s keys, and find how the credentials were obtained.',
    'Review what the principal did after the enumeration: secret reads, key creation, role assumptions, data access.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html',
    'https://github.com/RhinoSecurityLabs/pacu/wiki/Module-Details',
    'https://attack.mitre.org/techniques/T1580/',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'threshold',
  // Enumeration APIs exist in every service, so the rule sees every event and keeps the reads.
  on: { eventNames: '*' },
  filter: (ev, ctx) => {
    const e = asApi(ev);
    return (
      e !== undefined &&
      ENUMERATION.test(e.eventName) &&
      !serviceCall(e) &&
      !isAutomation(e, ctx.org) &&
      !(ctx.knobs.ignoreConsole && consoleCall(e))
    );
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : principalKey(e);
  },
  value: (ev) => {
    const e = asApi(ev);
    return e === undefined
      ? undefined
      : `${e.eventSource.replace(/\.amazonaws\.com$/, '')}:${e.eventName}`;
  },
  facts: (ev) => {
    const e = asApi(ev);
    return e === undefined ? {} : { ...sourceFacts(e), ...callerFacts(e) };
  },
  windowMs: (ctx) => ctx.knobs.windowMinutes * 60_000,
  threshold: (ctx) => ctx.knobs.distinctCalls,
  priorityOf: (group, ctx) =>
    shift(basePriority(ctx, 'medium'), anyFact(group, 'credentials', 'temporary') ? 1 : 0),
  summary: (group) => {
    const services = new Set(group.values.map((v) => v.slice(0, v.indexOf(':'))));
    const key = group.last.actor.accessKeyId;
    const creds =
      fact(group.last, 'credentials') === 'temporary'
        ? ` with temporary credentials${key === undefined ? '' : ` ${key}`}`
        : key === undefined
          ? ''
          : ` with key ${key}`;
    return (
      `${groupActor(group)} called ${group.figures.observed} distinct List/Describe/Get APIs ` +
      `across ${services.size} services (${someValues(group)}) ${groupSpan(group)} from ` +
      `${describePlace(group.last)}${creds}, at or above the threshold of ` +
      `${group.figures.threshold} in ${group.figures.windowMinutes} min`
    );
  },
  examples: {
    fire: [
      {
        title: 'A role session sweeps 32 read APIs across 14 services in under 4 minutes',
        records: sweep(timeline('2026-03-10T01:12:00Z', CALLS.length, 7_000)),
      },
      {
        title: 'An IAM user with a long-term key maps the account over 12 minutes',
        records: sweep(timeline('2026-03-10T22:40:00Z', 30, 24_000), {
          identity: {
            type: 'IAMUser',
            principalId: 'AIDA4XJ7LBQ5EXAMPLE01',
            arn: 'arn:aws:iam::123456789012:user/alice',
            accountId: '123456789012',
            accessKeyId: 'AKIA4XJ7LBQ5EXAMPLE1',
            userName: 'alice',
          },
          userAgent: USER_AGENTS.cli,
          sourceIPAddress: '41.203.64.1',
        }),
      },
    ],
    miss: [
      {
        title: 'One API short: 29 distinct reads in the window',
        records: sweep(timeline('2026-03-10T01:12:00Z', 29, 7_000)),
      },
      {
        title: 'The same 32 reads spread over 32 minutes (at most 15 in any window)',
        records: sweep(timeline('2026-03-10T01:12:00Z', CALLS.length, 60_000)),
      },
      {
        title: 'A console user browsing: the console’s background Describe and List calls',
        records: sweep(timeline('2026-03-10T09:12:00Z', CALLS.length, 7_000), {
          identity: 'role',
          userAgent:
            'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
          sourceIPAddress: '73.162.10.20',
        }),
      },
      {
        title: 'The configured Terraform pipeline refreshing its state',
        config: { organisation: { automationUserAgents: ['*Terraform/*'] } },
        records: sweep(timeline('2026-03-10T01:12:00Z', CALLS.length, 2_000), {
          userAgent: USER_AGENTS.terraform,
          sourceIPAddress: '3.80.12.4',
        }),
      },
    ],
  },
});
