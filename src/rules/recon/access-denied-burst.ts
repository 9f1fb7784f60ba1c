/**
 * `aws.recon.access-denied-burst`: one principal refused many calls within a few minutes. Stolen
 * credentials are explored by trying what they allow, and most tries fail; a workload calls what
 * its role permits and a person meets a denial now and then, not ten in a row.
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import { basePriority, ctRecord, isAutomation, shift, USER_AGENTS } from '../lib.js';
import { refused } from '../lib/denied.js';
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
  sourceFacts,
  timeline,
} from '../lib/principal-behaviour.js';

const knobs = {
  windowMinutes: knob(
    z.number().int().min(1).max(1440),
    10,
    'Length of the sliding window, in minutes.',
  ),
  denials: knob(
    z.number().int().min(2),
    10,
    'Refused calls of one principal within the window that fire the rule.',
  ),
  ignoreConsole: knob(
    z.boolean(),
    true,
    'Leave out calls the AWS Management Console makes for a signed-in user: console pages load panels the user may not be allowed to see.',
  ),
};

const STOLEN_SESSION: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE22:i-0a1b2c3d4e5f60718',
  arn: 'arn:aws:sts::123456789012:assumed-role/web-frontend/i-0a1b2c3d4e5f60718',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPL22',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE22',
      arn: 'arn:aws:iam::123456789012:role/web-frontend',
      accountId: '123456789012',
      userName: 'web-frontend',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-03-11T02:00:31Z', mfaAuthenticated: 'false' },
    ec2RoleDelivery: '2.0',
  },
};

/** The session Stratus Red Team used to try GetPasswordData in the Invictus run. */
const GET_PASSWORD_SESSION: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE23:aws-go-sdk-1688990082523310002',
  arn: 'arn:aws:sts::123456789012:assumed-role/stratus-red-team-ec2-get-password-data-role/aws-go-sdk-1688990082523310002',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPL23',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE23',
      arn: 'arn:aws:iam::123456789012:role/stratus-red-team-ec2-get-password-data-role',
      accountId: '123456789012',
      userName: 'stratus-red-team-ec2-get-password-data-role',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-03-11T11:54:47Z', mfaAuthenticated: 'false' },
  },
};

/** Calls a permission-probing tool tries, each with the error its service writes. */
const PROBES: readonly [string, string, string, string, JsonObject | null][] = [
  [
    'iam.amazonaws.com',
    'ListUsers',
    'AccessDenied',
    'User: arn:aws:sts::123456789012:assumed-role/web-frontend/i-0a1b2c3d4e5f60718 is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::123456789012:user/ because no identity-based policy allows the iam:ListUsers action',
    null,
  ],
  [
    'iam.amazonaws.com',
    'ListRoles',
    'AccessDenied',
    'User: arn:aws:sts::123456789012:assumed-role/web-frontend/i-0a1b2c3d4e5f60718 is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/ because no identity-based policy allows the iam:ListRoles action',
    null,
  ],
  [
    'ec2.amazonaws.com',
    'DescribeInstances',
    'Client.UnauthorizedOperation',
    'You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/web-frontend/i-0a1b2c3d4e5f60718 is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action',
    { instancesSet: {}, filterSet: {} },
  ],
  [
    'secretsmanager.amazonaws.com',
    'ListSecrets',
    'AccessDeniedException',
    'User: arn:aws:sts::123456789012:assumed-role/web-frontend/i-0a1b2c3d4e5f60718 is not authorized to perform: secretsmanager:ListSecrets because no identity-based policy allows the secretsmanager:ListSecrets action',
    null,
  ],
  [
    's3.amazonaws.com',
    'ListBuckets',
    'AccessDenied',
    'Access Denied',
    { Host: 's3.amazonaws.com' },
  ],
  [
    'lambda.amazonaws.com',
    'ListFunctions20150331',
    'AccessDenied',
    'User: arn:aws:sts::123456789012:assumed-role/web-frontend/i-0a1b2c3d4e5f60718 is not authorized to perform: lambda:ListFunctions on resource: * because no identity-based policy allows the lambda:ListFunctions action',
    null,
  ],
  [
    'ssm.amazonaws.com',
    'DescribeParameters',
    'AccessDeniedException',
    'User: arn:aws:sts::123456789012:assumed-role/web-frontend/i-0a1b2c3d4e5f60718 is not authorized to perform: ssm:DescribeParameters on resource: arn:aws:ssm:us-east-1:123456789012:* because no identity-based policy allows the ssm:DescribeParameters action',
    null,
  ],
  [
    'iam.amazonaws.com',
    'CreateUser',
    'AccessDenied',
    'User: arn:aws:sts::123456789012:assumed-role/web-frontend/i-0a1b2c3d4e5f60718 is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/backup-svc because no identity-based policy allows the iam:CreateUser action',
    { userName: 'backup-svc' },
  ],
  [
    'ec2.amazonaws.com',
    'DescribeSnapshots',
    'Client.UnauthorizedOperation',
    'You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/web-frontend/i-0a1b2c3d4e5f60718 is not authorized to perform: ec2:DescribeSnapshots because no identity-based policy allows the ec2:DescribeSnapshots action',
    {
      snapshotSet: {},
      ownersSet: { items: [{ owner: 'self' }] },
      sharedUsersSet: {},
      filterSet: {},
    },
  ],
  [
    'kms.amazonaws.com',
    'ListKeys',
    'AccessDeniedException',
    'User: arn:aws:sts::123456789012:assumed-role/web-frontend/i-0a1b2c3d4e5f60718 is not authorized to perform: kms:ListKeys on resource: * because no identity-based policy allows the kms:ListKeys action',
    null,
  ],
  [
    'sns.amazonaws.com',
    'ListTopics',
    'AuthorizationError',
    'User: arn:aws:sts::123456789012:assumed-role/web-frontend/i-0a1b2c3d4e5f60718 is not authorized to perform: SNS:ListTopics on resource: arn:aws:sns:us-east-1:123456789012:* because no identity-based policy allows the SNS:ListTopics action',
    null,
  ],
  [
    'rds.amazonaws.com',
    'DescribeDBInstances',
    'AccessDenied',
    'User: arn:aws:sts::123456789012:assumed-role/web-frontend/i-0a1b2c3d4e5f60718 is not authorized to perform: rds:DescribeDBInstances on resource: arn:aws:rds:us-east-1:123456789012:db:* because no identity-based policy allows the rds:DescribeDBInstances action',
    null,
  ],
];

function probes(times: readonly string[], errorCode?: string): JsonObject[] {
  return times.map((eventTime, i) => {
    const [eventSource, eventName, code, message, requestParameters] = PROBES[
      i % PROBES.length
    ] as (typeof PROBES)[number];
    return ctRecord({
      eventSource,
      eventName,
      identity: STOLEN_SESSION,
      eventTime,
      readOnly: !eventName.startsWith('Create'),
      userAgent: USER_AGENTS.boto3,
      sourceIPAddress: '85.214.132.117',
      errorCode: errorCode ?? code,
      errorMessage: errorCode === undefined ? message : 'Rate exceeded',
      requestParameters,
    });
  });
}

export default defineThresholdRule({
  id: 'aws.recon.access-denied-burst',
  title: 'Burst of access-denied errors for one principal',
  category: 'recon',
  row: 'REC-1',
  priority: 'medium',
  mitre: ['T1580', 'T1526', 'T1087.004'],
  description:
    'Counts, per principal, the calls refused for lack of permission (errorCode AccessDenied, ' +
    'AccessDeniedException, UnauthorizedOperation / Client.UnauthorizedOperation, ' +
    'AuthorizationError) in a sliding window of `windowMinutes`, and fires at `denials`. Only ' +
    'failed calls count here, and only failures that mean "not allowed": throttling, validation ' +
    'and not-found errors do not. Every API counts, reads and writes: a tool that brute-forces ' +
    'its permissions (enumerate-iam, Pacu iam__bruteforce_permissions) tries both. The ' +
    'principal is the stable identity (the role of an assumed-role session, the user ' +
    'otherwise). Temporary credentials are one level higher. Left out: AWS services, the ' +
    'configured automation and, while `ignoreConsole` is on, calls the console makes for a ' +
    'signed-in user, browser and `aws-internal/…` back ends alike (console pages load panels the ' +
    'user may not see). The state per principal ' +
    'is the denials within the window; with `--state` it carries across runs. Triage: look at ' +
    'which services were tried (the finding’s first and last call) and where the calls came ' +
    'from; a workload role refused from an address outside AWS is stolen.',
  falsePositives: [
    'A deployment that removed permissions an application still uses (the same few calls repeated).',
    'Tools retrying AssumeRole into a role they just created while IAM changes propagate (Stratus Red Team does this in the Invictus recording).',
    'Tools that probe optional permissions (Terraform providers, CSPM scanners) outside the configured automation.',
  ],
  response: [
    'Look at the calls refused and the source address: several services tried from one address is probing, one call retried is a broken application.',
    'If probing: revoke the role’s sessions or deactivate the user’s keys, then find how the credentials left their workload or owner.',
    'Check the calls of the same principal that succeeded in the same window.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html',
    'https://hackingthe.cloud/aws/enumeration/brute_force_iam_permissions/',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'threshold',
  // Any API can be refused; the rule sees every event and keeps the denials, which are few.
  on: { eventNames: '*' },
  filter: (ev, ctx) => {
    const e = asApi(ev);
    return (
      e !== undefined &&
      refused(e) &&
      !serviceCall(e) &&
      !isAutomation(e, ctx.org) &&
      !(ctx.knobs.ignoreConsole && consoleCall(e))
    );
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : principalKey(e);
  },
  facts: (ev) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    const call = `${e.eventSource.replace(/\.amazonaws\.com$/, '')}:${e.eventName}`;
    return { ...sourceFacts(e), ...callerFacts(e), call, error: e.errorCode ?? '' };
  },
  windowMs: (ctx) => ctx.knobs.windowMinutes * 60_000,
  threshold: (ctx) => ctx.knobs.denials,
  priorityOf: (group, ctx) =>
    shift(basePriority(ctx, 'medium'), anyFact(group, 'credentials', 'temporary') ? 1 : 0),
  summary: (group) => {
    const creds =
      fact(group.last, 'credentials') === 'temporary' ? ' with temporary credentials' : '';
    const call = (g: typeof group.first): string =>
      `${fact(g, 'call') ?? 'an unknown call'} (${fact(g, 'error') ?? 'denied'})`;
    const first = call(group.first);
    const last = call(group.last);
    const calls = first === last ? `first and last ${first}` : `first ${first}, last ${last}`;
    return (
      `${groupActor(group)} was refused ${group.count} calls ${groupSpan(group)}${creds} ` +
      `(${calls}) from ${describePlace(group.last)}; threshold ${group.figures.threshold} in ` +
      `${group.figures.windowMinutes} min`
    );
  },
  examples: {
    fire: [
      {
        title: 'Instance-role credentials used from outside AWS, refused 12 times in 6 minutes',
        records: probes(timeline('2026-03-11T02:14:00Z', 12, 30_000)),
      },
      {
        title:
          'GetPasswordData refused for 15 instances in seconds (Invictus, Stratus ec2-get-password-data)',
        records: timeline('2026-03-11T11:54:47Z', 15, 400).map((eventTime, i) =>
          ctRecord({
            eventSource: 'ec2.amazonaws.com',
            eventName: 'GetPasswordData',
            identity: GET_PASSWORD_SESSION,
            eventTime,
            readOnly: true,
            sourceIPAddress: '192.168.10.20',
            userAgent: 'stratus-red-team_39f95f43-cd2f-4beb-b69e-be60b6fe1f57',
            errorCode: 'Client.UnauthorizedOperation',
            errorMessage: 'You are not authorized to perform this operation.',
            requestParameters: { instanceId: `i-${(0x1a2b3c4d + i * 7919).toString(16)}a0c5e6f7d` },
          }),
        ),
      },
    ],
    miss: [
      {
        title: 'Nine refusals: one short of the threshold',
        records: probes(timeline('2026-03-11T02:14:00Z', 9, 30_000)),
      },
      {
        title: 'Twelve refusals spread over 44 minutes (at most 3 in any window)',
        records: probes(timeline('2026-03-11T02:14:00Z', 12, 4 * 60_000)),
      },
      {
        title: 'Twelve throttled calls (ThrottlingException is not a denial)',
        records: probes(timeline('2026-03-11T02:14:00Z', 12, 30_000), 'ThrottlingException'),
      },
    ],
  },
});
