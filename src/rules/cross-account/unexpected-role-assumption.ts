/**
 * `aws.cross-account.unexpected-role-assumption`: a role assumed across accounts outside the
 * organisation's approved patterns: from or into an account it does not know, or along a
 * caller → target pair it has not approved. Cross-account roles are how attackers move from one
 * compromised account into its siblings, and how they keep a door into a victim from their own.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { Organisation } from '../../config/schema.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  names,
  reqString,
  shift,
  str,
} from '../lib.js';
import { accountOfArn, lastSegment } from '../lib/caller.js';

interface Verdict {
  caller: string;
  target: string;
  why: 'pair' | 'unknown' | 'unconfigured';
  /** For `unknown`: the accounts the configuration does not name. */
  unknown: string[];
}

/**
 * The role's ARN: from the request, else from `resources`, else from the error message. A denied
 * AssumeRole is logged with `requestParameters: null` and no resources; only its message
 * ("… is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::…:role/x") names it.
 */
function roleArnOf(e: ApiEvent): string | undefined {
  const fromRequest = reqString(e, 'roleArn');
  if (fromRequest !== undefined) return fromRequest;
  for (const r of e.resources) {
    if (str(r, 'type') === 'AWS::IAM::Role') return str(r, 'ARN');
  }
  const m = /on resource: (arn:aws[\w-]*:iam::\d{12}:role\/\S+)/.exec(e.errorMessage ?? '');
  return m?.[1];
}

function judge(e: ApiEvent, org: Organisation): Verdict | undefined {
  const caller = e.actor.accountId;
  const target = accountOfArn(roleArnOf(e));
  if (caller === undefined || target === undefined || caller === target) return undefined;
  if (org.crossAccountPairs.length > 0) {
    const approved = org.crossAccountPairs.some((p) => p.from === caller && p.to === target);
    return approved ? undefined : { caller, target, why: 'pair', unknown: [] };
  }
  const known = new Set([...org.accounts, ...org.trustedAccounts]);
  if (known.size === 0) return { caller, target, why: 'unconfigured', unknown: [] };
  const unknown = [caller, target].filter((a) => !known.has(a));
  return unknown.length === 0 ? undefined : { caller, target, why: 'unknown', unknown };
}

const ROLE_ACCOUNT = '111122223333';
const CALLER_ACCOUNT = '777788889999';

const JOHN: JsonObject = {
  type: 'IAMUser',
  principalId: 'AIDAQRSTUVWXYZEXAMPLE',
  arn: `arn:aws:iam::${CALLER_ACCOUNT}:user/JohnDoe`,
  accountId: CALLER_ACCOUNT,
  accessKeyId: 'AKIAQRSTUVWXYZEXAMPLE',
  userName: 'JohnDoe',
};

function assumeRequest(roleAccount: string): JsonObject {
  return {
    roleArn: `arn:aws:iam::${roleAccount}:role/EC2-dev`,
    roleSessionName: 'JohnDoe-EC2-dev',
    durationSeconds: 3600,
  };
}

function assumeResponse(roleAccount: string): JsonObject {
  return {
    credentials: {
      accessKeyId: 'ASIAQRSTUVWXYZEXAMPL1',
      sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
      expiration: 'Jan 2, 2026, 4:04:05 AM',
    },
    assumedRoleUser: {
      assumedRoleId: 'AROAQRSTUVWXYZEXAMPL2:JohnDoe-EC2-dev',
      arn: `arn:aws:sts::${roleAccount}:assumed-role/EC2-dev/JohnDoe-EC2-dev`,
    },
  };
}

function roleResource(roleAccount: string): JsonObject[] {
  return [
    {
      accountId: roleAccount,
      type: 'AWS::IAM::Role',
      ARN: `arn:aws:iam::${roleAccount}:role/EC2-dev`,
    },
  ];
}

/** The record in the caller's account: the caller's full identity. */
const CALLER_SIDE = ctRecord({
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRole',
  identity: JOHN,
  readOnly: true,
  sourceIPAddress: '192.0.2.101',
  requestParameters: assumeRequest(ROLE_ACCOUNT),
  responseElements: assumeResponse(ROLE_ACCOUNT),
  resources: roleResource(ROLE_ACCOUNT),
  host: 'sts.amazonaws.com',
});

/**
 * The record in the role's account: CloudTrail shows the caller only as an `AWSAccount` identity
 * (its account and principal id) and files the event under the role's account.
 */
const ROLE_SIDE: JsonObject = {
  ...ctRecord({
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    identity: {
      type: 'AWSAccount',
      principalId: 'AIDAQRSTUVWXYZEXAMPLE',
      accountId: CALLER_ACCOUNT,
    },
    readOnly: true,
    sourceIPAddress: '192.0.2.101',
    requestParameters: assumeRequest(ROLE_ACCOUNT),
    responseElements: assumeResponse(ROLE_ACCOUNT),
    resources: roleResource(ROLE_ACCOUNT),
    host: 'sts.amazonaws.com',
  }),
  recipientAccountId: ROLE_ACCOUNT,
};

export default defineApiRule({
  id: 'aws.cross-account.unexpected-role-assumption',
  title: 'Role assumed across accounts outside approved patterns',
  category: 'cross-account',
  row: 'XACCT-1',
  priority: 'high',
  mitre: ['T1550.001', 'T1078.004'],
  description:
    'AssumeRole where the role’s account (from `requestParameters.roleArn`, else the role in ' +
    '`resources`, else the error message of a denied call) differs from the caller’s (`userIdentity.accountId`), and the pair is not ' +
    'approved: when `organisation.crossAccountPairs` is set it is the complete list of approved ' +
    'caller → target pairs; otherwise both accounts must be among `organisation.accounts` and ' +
    '`trustedAccounts`. With neither configured every cross-account assumption is reported one ' +
    'level lower and the finding says so. CloudTrail logs a cross-account AssumeRole in the ' +
    'role’s account (the caller appears there only as an `AWSAccount` identity) and in the ' +
    'caller’s account with its full identity; both records match. Denied assumptions ' +
    '(AccessDenied) are reported one level lower as attempts, and they matter: an unknown account ' +
    'probing your roles is reconnaissance of your trust policies. AWS services assuming roles on ' +
    'their own behalf are ignored.',
  falsePositives: [
    'New accounts in the organisation, or vendors, not yet added to accounts, trustedAccounts or crossAccountPairs.',
    'Security tooling that assumes an audit role in every account from a central account.',
  ],
  response: [
    'Identify the foreign account: is it part of the organisation (Organizations ListAccounts), a known vendor, or unknown?',
    'Unknown caller: review the role’s trust policy, remove the foreign principal, and revoke the role’s sessions.',
    'Unknown target: a principal of yours assumed a role in an outside account, which can be a way to move data out; review what the session did there if you can, and the principal’s other activity.',
  ],
  references: [
    'https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#stscloudtrailexample',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
  ],
  knobs: {},
  assumptions: (ctx) => {
    const org = ctx.org;
    if (org.crossAccountPairs.length > 0) return [];
    if (org.accounts.length > 0 || org.trustedAccounts.length > 0) return [];
    return [
      'No accounts, trusted accounts or cross-account pairs are configured (organisation.accounts, ' +
        'trustedAccounts, crossAccountPairs): every cross-account role assumption is reported, ' +
        'one level lower.',
    ];
  },
  kind: 'match',
  on: { eventSource: ['sts.amazonaws.com'], eventNames: ['AssumeRole'] },
  match: (e, ctx) => !byAwsService(e) && judge(e, ctx.org) !== undefined,
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'high'),
      (judge(e, ctx.org)?.why === 'unconfigured' ? -1 : 0) + (failed(e) ? -1 : 0),
    ),
  summary: (e, ctx) => {
    const v = judge(e, ctx.org);
    const role = roleArnOf(e);
    const roleText = role === undefined ? 'a role' : `role ${lastSegment(role)}`;
    const verb = failed(e) ? 'tried to assume' : 'assumed';
    const why =
      v === undefined
        ? ''
        : v.why === 'pair'
          ? `; ${v.caller} → ${v.target} is not an approved cross-account pair`
          : v.why === 'unknown'
            ? `; ${names(v.unknown)} ${v.unknown.length === 1 ? 'is not a known account' : 'are not known accounts'}`
            : '; no accounts are configured to tell known from unknown';
    const outcome = failed(e) ? ` (failed: ${e.errorCode ?? 'error'})` : '';
    return (
      `${actorName(e)} of account ${v?.caller ?? e.actor.accountId ?? '(unknown)'} ${verb} ${roleText} ` +
      `in account ${v?.target ?? '(unknown)'}${why}, in ${e.region ?? 'an unknown region'}${outcome}`
    );
  },
  examples: {
    fire: [
      {
        title: 'The caller’s record: an IAM user of an unknown account assumes a role in ours',
        config: { organisation: { accounts: [ROLE_ACCOUNT] } },
        record: CALLER_SIDE,
      },
      {
        title: 'The role account’s record of the same call (AWSAccount identity)',
        config: { organisation: { accounts: [ROLE_ACCOUNT] } },
        record: ROLE_SIDE,
      },
      {
        title: 'Between two own accounts, but not an approved pair',
        config: {
          organisation: {
            accounts: [ROLE_ACCOUNT, CALLER_ACCOUNT],
            crossAccountPairs: [{ from: ROLE_ACCOUNT, to: CALLER_ACCOUNT }],
          },
        },
        record: CALLER_SIDE,
      },
      {
        title: 'A denied cross-account assumption with no accounts configured',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'AssumeRole',
          identity: JOHN,
          readOnly: true,
          sourceIPAddress: '192.0.2.101',
          errorCode: 'AccessDenied',
          errorMessage: `User: arn:aws:iam::${CALLER_ACCOUNT}:user/JohnDoe is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ROLE_ACCOUNT}:role/OrganizationAccountAccessRole`,
          requestParameters: null,
          host: 'sts.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'An approved pair',
        config: {
          organisation: { crossAccountPairs: [{ from: CALLER_ACCOUNT, to: ROLE_ACCOUNT }] },
        },
        record: CALLER_SIDE,
      },
      {
        title: 'Both accounts known (one own, one trusted vendor)',
        config: { organisation: { accounts: [ROLE_ACCOUNT], trustedAccounts: [CALLER_ACCOUNT] } },
        record: ROLE_SIDE,
      },
      {
        title: 'A same-account role assumption (Invictus shape)',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'AssumeRole',
          readOnly: true,
          userAgent: 'stratus-red-team_39f95f43-cd2f-4beb-b69e-be60b6fe1f57',
          requestParameters: {
            roleArn: 'arn:aws:iam::123456789012:role/ec2-get-password-data-role',
            roleSessionName: 'aws-go-sdk-1688990082523310002',
            durationSeconds: 900,
          },
          responseElements: {
            credentials: {
              accessKeyId: 'ASIA4XJ7LBQ5EXAMPL19',
              sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
              expiration: 'Jan 2, 2026, 3:19:05 AM',
            },
            assumedRoleUser: {
              assumedRoleId: 'AROA4XJ7LBQ5EXAMPLE19:aws-go-sdk-1688990082523310002',
              arn: 'arn:aws:sts::123456789012:assumed-role/ec2-get-password-data-role/aws-go-sdk-1688990082523310002',
            },
          },
          resources: [
            {
              accountId: '123456789012',
              type: 'AWS::IAM::Role',
              ARN: 'arn:aws:iam::123456789012:role/ec2-get-password-data-role',
            },
          ],
          host: 'sts.us-east-1.amazonaws.com',
        }),
      },
    ],
  },
});
