/**
 * `aws.cross-account.first-cross-account-assumption`: a principal assuming a role in another
 * account for the first time, once the rule has learned the cross-account pairs in use. Approved
 * patterns are steady (the same pipelines and auditors into the same roles); an attacker moving
 * laterally through trust relationships creates new pairs.
 */
import { z } from 'zod';
import type { Organisation } from '../../config/schema.js';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { basePriority, byAwsService, isAutomation, names, shift } from '../lib.js';
import {
  actorOf,
  asApi,
  assumedRoleArn,
  callerFacts,
  DAY,
  fact,
  placeOf,
  isoAfter,
} from '../lib/behaviour.js';
import { accountOfArn, lastSegment } from '../lib/caller.js';
import { FOREIGN_ACCOUNT } from '../lib/iam-principals.js';
import { accountsAssumption } from '../lib/ownership.js';
import { assumeRoleRecord, roleSessionIdentity } from '../lib/sts-fixtures.js';

const knobs = {
  learningDays: knob(
    z.number().positive(),
    7,
    'Days, from the first cross-account AssumeRole the rule sees, during which caller → role pairs are learned without being reported.',
  ),
};

/**
 * The caller as both records of a cross-account call name it: its account and unique id (the
 * `AIDA…` of a user, the `AROA…` of a role without the session name, the account for root).
 * The caller's account logs the full identity, the role's account only an `AWSAccount` identity
 * with the same principal id, so keying on the id lets the two records share one history.
 */
function callerKey(e: ApiEvent): string | undefined {
  const account = e.actor.accountId;
  const id = e.actor.principalId;
  if (account === undefined || id === undefined) return undefined;
  const unique = id.split(':')[0] ?? id;
  return `${account}/${e.actor.type === 'Root' ? 'root' : unique}`;
}

/** Caller and role accounts of a cross-account assumption; undefined for same-account ones. */
function accountsOf(e: ApiEvent): { caller: string; role: string } | undefined {
  const caller = e.actor.accountId;
  const role = accountOfArn(assumedRoleArn(e));
  if (caller === undefined || role === undefined || caller === role) return undefined;
  return { caller, role };
}

interface Standing {
  kind: 'approved' | 'known' | 'unknown' | 'unconfigured';
  /** For `unknown` without configured pairs: the accounts neither own nor trusted. */
  unknown: string[];
}

/**
 * How the configuration sees the pair: an approved pair (when `crossAccountPairs` is set it is
 * the whole list), both accounts known (own or trusted; the account that recorded the event is
 * own), an unknown account, or nothing configured to tell.
 */
function standing(
  caller: string,
  role: string,
  recorded: string | undefined,
  org: Organisation,
): Standing {
  if (org.crossAccountPairs.length > 0) {
    const approved = org.crossAccountPairs.some((p) => p.from === caller && p.to === role);
    return { kind: approved ? 'approved' : 'unknown', unknown: [] };
  }
  if (org.accounts.length === 0 && org.trustedAccounts.length === 0) {
    return { kind: 'unconfigured', unknown: [] };
  }
  const known = new Set([...org.accounts, ...org.trustedAccounts]);
  if (recorded !== undefined) known.add(recorded);
  const unknown = [caller, role].filter((a) => !known.has(a));
  return { kind: unknown.length === 0 ? 'known' : 'unknown', unknown };
}

const START = '2026-01-02T03:04:05Z';
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

function johnAssumes(days: number, roleName: string, ip = '81.2.69.160'): JsonObject {
  return assumeRoleRecord({
    identity: JOHN,
    roleArn: `arn:aws:iam::${ROLE_ACCOUNT}:role/${roleName}`,
    roleSessionName: `JohnDoe-${roleName}`,
    eventTime: isoAfter(START, days * DAY),
    sourceIPAddress: ip,
  });
}

/** The same call as the role's account logs it: the caller only as an `AWSAccount` identity. */
function roleSide(
  caller: JsonObject,
  days: number,
  roleName: string,
  ip = '81.2.69.160',
): JsonObject {
  const account = typeof caller.accountId === 'string' ? caller.accountId : CALLER_ACCOUNT;
  const principalId = typeof caller.principalId === 'string' ? caller.principalId : 'unknown';
  const record = assumeRoleRecord({
    identity: { type: 'AWSAccount', principalId, accountId: account },
    roleArn: `arn:aws:iam::${ROLE_ACCOUNT}:role/${roleName}`,
    roleSessionName: `session-${roleName}`,
    eventTime: isoAfter(START, days * DAY),
    sourceIPAddress: ip,
  });
  return { ...record, recipientAccountId: ROLE_ACCOUNT };
}

const KNOWN_ACCOUNTS = { organisation: { accounts: [ROLE_ACCOUNT] } };
const VENDOR_SESSION = roleSessionIdentity(
  `arn:aws:iam::${FOREIGN_ACCOUNT}:role/vendor-audit`,
  'scan',
  'ASIAVENDOREXAMPLE001',
);

export default defineFirstSeenRule({
  id: 'aws.cross-account.first-cross-account-assumption',
  title: 'First assumption of a role in another account by a principal',
  category: 'cross-account',
  row: 'XACCT-1',
  priority: 'medium',
  mitre: ['T1550.001', 'T1078.004', 'T1199'],
  description:
    'A successful AssumeRole whose role is in another account than the caller’s, for a caller → ' +
    'role pair never seen before. The caller is keyed by its account and unique principal id ' +
    '(`AIDA…` for users, the role’s `AROA…` for role sessions, without the rotating session ' +
    'name), because the role’s account logs the call with only an `AWSAccount` identity: both ' +
    'records of one call share one history, whichever trails are hunted. State: per caller, the ' +
    'roles in other accounts it has assumed, plus the time learning began. For `learningDays` ' +
    '(7) from the first cross-account assumption the rule ever saw, pairs are recorded silently; ' +
    'with `--state FILE` they carry across runs. The priority weighs the accounts: one level ' +
    'higher when the pair is not among `organisation.crossAccountPairs` (when that list is set) ' +
    'or an account is neither own nor trusted (`organisation.accounts`, `trustedAccounts`; the ' +
    'account that recorded the event counts as own), one level lower when the pair is approved ' +
    'or both accounts are known, unchanged when nothing is configured (and the finding says ' +
    'so). The configured automation is one level lower. Failed calls are not learned here ' +
    '(aws.cross-account.unexpected-role-assumption reports denied cross-account attempts); AWS ' +
    'services are ignored. Triage: who the caller is, which account it belongs to, and what the ' +
    'new session did in the role’s account.',
  falsePositives: [
    'A new account joining the organisation, or a new vendor integration, after the learning period.',
    'Engineers given access to a new account’s roles.',
  ],
  response: [
    'Identify the caller and its account; check the role’s trust policy for why it was allowed.',
    'Review the session’s activity in the role’s account (CloudTrail by the access key in the AssumeRole response).',
    'If unexpected: remove the caller from the trust policy, revoke the role’s sessions, and investigate the caller’s own account.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_cross-account-with-roles.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#stscloudtrailexample-assumerole',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids',
  ],
  knobs,
  assumptions: (ctx) => (ctx.org.crossAccountPairs.length > 0 ? [] : accountsAssumption(ctx.org)),
  kind: 'firstSeen',
  on: { eventSource: ['sts.amazonaws.com'], eventNames: ['AssumeRole'] },
  filter: (ev) => {
    const e = asApi(ev);
    return (
      e !== undefined &&
      e.errorCode === undefined &&
      !byAwsService(e) &&
      accountsOf(e) !== undefined
    );
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : callerKey(e);
  },
  value: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : assumedRoleArn(e);
  },
  facts: (ev, ctx) => {
    const e = asApi(ev);
    const accounts = e === undefined ? undefined : accountsOf(e);
    if (e === undefined || accounts === undefined) return {};
    return {
      ...callerFacts(e),
      callerAccount: accounts.caller,
      roleAccount: accounts.role,
      ...(e.account === undefined ? {} : { recorded: e.account }),
      automation: isAutomation(e, ctx.org) ? 1 : 0,
    };
  },
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  priorityOf: (g, ctx) => {
    const s = g.last;
    const st = standing(
      fact(s, 'callerAccount') ?? '',
      fact(s, 'roleAccount') ?? '',
      fact(s, 'recorded'),
      ctx.org,
    );
    const steps =
      (st.kind === 'unknown' ? 1 : st.kind === 'unconfigured' ? 0 : -1) +
      (fact(s, 'automation') === '1' ? -1 : 0);
    return shift(basePriority(ctx, 'medium'), steps);
  },
  summary: (g, ctx) => {
    const s = g.last;
    const caller = fact(s, 'callerAccount') ?? '(unknown)';
    const roleAccount = fact(s, 'roleAccount') ?? '(unknown)';
    const role = g.values[0];
    const st = standing(caller, roleAccount, fact(s, 'recorded'), ctx.org);
    const why =
      st.kind === 'approved'
        ? 'an approved account pair'
        : st.kind === 'known'
          ? 'both accounts are known'
          : st.kind === 'unknown'
            ? st.unknown.length === 0
              ? `${caller} → ${roleAccount} is not an approved pair`
              : `${names(st.unknown)} ${st.unknown.length === 1 ? 'is' : 'are'} neither own nor trusted`
            : 'no accounts are configured to tell known from unknown';
    return (
      `${actorOf(s)} of account ${caller} assumed role ` +
      `${role === undefined ? '(unknown)' : lastSegment(role)} in account ${roleAccount} for the ` +
      `first time (${why}), from ${placeOf(s)}, after watching since ` +
      `${String(g.figures.learnedSince ?? '').slice(0, 10)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'One of our users assumes a role in an unknown account after learning',
        config: { organisation: { accounts: [ROLE_ACCOUNT, CALLER_ACCOUNT] } },
        records: [
          johnAssumes(0, 'EC2-dev'),
          johnAssumes(2, 'EC2-dev'),
          assumeRoleRecord({
            identity: JOHN,
            roleArn: `arn:aws:iam::${FOREIGN_ACCOUNT}:role/transfer`,
            roleSessionName: 'JohnDoe',
            eventTime: isoAfter(START, 8 * DAY),
            sourceIPAddress: '45.133.1.20',
          }),
        ],
      },
      {
        title:
          'Seen from the role’s account only: a principal of an unknown account reaches a role',
        config: KNOWN_ACCOUNTS,
        records: [
          roleSide(JOHN, 0, 'EC2-dev'),
          roleSide(VENDOR_SESSION, 9, 'OrganizationAccountAccessRole', '185.220.101.47'),
        ],
      },
      {
        title: 'A trusted vendor’s role session assumes a new role (both accounts known: lower)',
        config: { organisation: { accounts: [ROLE_ACCOUNT], trustedAccounts: [FOREIGN_ACCOUNT] } },
        records: [
          roleSide(JOHN, 0, 'EC2-dev'),
          roleSide(VENDOR_SESSION, 9, 'SecurityAudit', '8.8.8.8'),
        ],
      },
    ],
    miss: [
      {
        title: 'The role account’s record of a pair first learned from the caller’s record',
        records: [johnAssumes(0, 'EC2-dev'), roleSide(JOHN, 9, 'EC2-dev')],
      },
      {
        title: 'A new cross-account pair during the learning period',
        records: [johnAssumes(0, 'EC2-dev'), johnAssumes(3, 'OrganizationAccountAccessRole')],
      },
      {
        title: 'A new same-account role after learning is not cross-account',
        records: [
          johnAssumes(0, 'EC2-dev'),
          assumeRoleRecord({
            identity: JOHN,
            roleArn: `arn:aws:iam::${CALLER_ACCOUNT}:role/local-admin`,
            roleSessionName: 'JohnDoe',
            eventTime: isoAfter(START, 9 * DAY),
          }),
        ],
      },
    ],
  },
});
