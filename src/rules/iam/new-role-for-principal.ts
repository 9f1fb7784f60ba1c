/**
 * `aws.iam.new-role-for-principal`: a principal assuming a role it has never assumed before, once
 * the rule has learned what each principal normally assumes. The first-seen half of IAM-1's role
 * chaining: an attacker with a foothold walks the roles its credentials are trusted by, while
 * people and programs keep assuming the same few.
 */
import { z } from 'zod';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import {
  basePriority,
  byAwsService,
  IDENTITIES,
  isAutomation,
  shift,
  USER_AGENTS,
} from '../lib.js';
import {
  actorOf,
  asApi,
  assumedRoleArn,
  callerFacts,
  DAY,
  fact,
  figure,
  placeOf,
  stablePrincipal,
  isoAfter,
} from '../lib/behaviour.js';
import { automationAssumption } from '../lib/iam-principals.js';
import { assumeRoleRecord, roleSessionIdentity } from '../lib/sts-fixtures.js';

const knobs = {
  learningDays: knob(
    z.number().positive(),
    7,
    'Days, from the first AssumeRole the rule sees, during which principal → role pairs are learned without being reported.',
  ),
};

const START = '2026-01-02T03:04:05Z';
const DATA_READER = 'arn:aws:iam::123456789012:role/data-reader';
const ORG_ADMIN = 'arn:aws:iam::123456789012:role/OrganizationAdmin';
const WEBAPP = 'arn:aws:iam::123456789012:role/webapp-ecs-task';

/** An AssumeRole by a session of the web application's task role, `days` after the start. */
function webappAssumes(days: number, roleArn: string, session: string, ip = '10.0.12.7') {
  return assumeRoleRecord({
    identity: roleSessionIdentity(WEBAPP, session, `ASIA4XJ7LBQ5EXAMP${session.slice(-3)}`),
    roleArn,
    roleSessionName: `webapp-${session}`,
    eventTime: isoAfter(START, days * DAY),
    sourceIPAddress: ip,
    userAgent: USER_AGENTS.boto3,
  });
}

/** An AssumeRole by the IAM user alice, `days` after the start. */
function aliceAssumes(days: number, roleArn: string, ip = '81.2.69.160') {
  return assumeRoleRecord({
    identity: IDENTITIES.user,
    roleArn,
    roleSessionName: 'alice',
    eventTime: isoAfter(START, days * DAY),
    sourceIPAddress: ip,
  });
}

export default defineFirstSeenRule({
  id: 'aws.iam.new-role-for-principal',
  title: 'Principal assumed a role it never assumed before',
  category: 'iam',
  row: 'IAM-1',
  priority: 'medium',
  mitre: ['T1078.004', 'T1550.001'],
  description:
    'A successful AssumeRole whose caller → role pair is new. The caller is its stable identity, ' +
    'not the rotating session: the role (session issuer) ARN for assumed roles (for a shared IAM ' +
    'Identity Center role, the person’s own session ARN), the user ARN for ' +
    'IAM users, the root or federated-user ARN; the value is the role ARN assumed. State: per ' +
    'principal, the roles it has assumed (at most 1,000, the least recently used dropped), plus ' +
    'the time learning began. For `learningDays` (7) from the first AssumeRole the rule ever saw, ' +
    'pairs are recorded silently; after that each new pair is reported once. With `--state FILE` ' +
    'the learned pairs and the learning clock carry across runs, so a second hunt reports only ' +
    'what is new since the first; without it, learning starts again at the start of each run’s ' +
    'input. Failed calls (AccessDenied) are not recorded and not reported here: a role the ' +
    'principal could not assume is no habit (aws.cross-account.unexpected-role-assumption reports ' +
    'denied foreign assumptions). AWS services assuming roles on their own behalf are ignored, and ' +
    'the configured automation is reported one level lower. Triage: which principal, which role ' +
    '(and its permissions), from where, and what the new session did.',
  falsePositives: [
    'A principal given access to a new role (a new project, a new account) after the learning period.',
    'Learning periods shorter than the cycle of a rare job (a monthly job that assumes its own role).',
  ],
  response: [
    'Ask the owner of the principal whether the new role is expected; check the role’s trust policy for who else it trusts.',
    'Review the new session’s activity (CloudTrail by the access key in the AssumeRole response).',
    'If unexpected: revoke the role’s sessions (AWSRevokeOlderSessions) and the caller’s credentials, and narrow the trust policy.',
  ],
  references: [
    'https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#stscloudtrailexample',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'firstSeen',
  on: { eventSource: ['sts.amazonaws.com'], eventNames: ['AssumeRole'] },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && e.errorCode === undefined && !byAwsService(e);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : stablePrincipal(e);
  },
  value: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : assumedRoleArn(e);
  },
  facts: (ev, ctx) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    return { ...callerFacts(e), automation: isAutomation(e, ctx.org) ? 1 : 0 };
  },
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  priorityOf: (g, ctx) =>
    shift(basePriority(ctx, 'medium'), fact(g.last, 'automation') === '1' ? -1 : 0),
  summary: (g) => {
    const role = g.values[0] ?? '(unknown role)';
    const known = figure(g, 'knownValues') ?? 0;
    const before =
      known === 0
        ? `${g.key} had assumed no role before`
        : `${g.key} had assumed ${known} other ${known === 1 ? 'role' : 'roles'} before`;
    const since = g.figures.learnedSince;
    return (
      `${actorOf(g.last)} assumed role ${role} for the first time (${before}, ` +
      `watched since ${String(since).slice(0, 10)}), from ${placeOf(g.last)} in ${g.last.region ?? 'an unknown region'}`
    );
  },
  examples: {
    fire: [
      {
        title: 'After a week of data-reader only, the web app’s role assumes OrganizationAdmin',
        records: [
          webappAssumes(0, DATA_READER, 'a01'),
          webappAssumes(3, DATA_READER, 'b02'),
          webappAssumes(8, ORG_ADMIN, 'c03', '45.133.1.20'),
        ],
      },
      {
        title: 'An IAM user assumes a second role after the learning period',
        records: [aliceAssumes(0, DATA_READER), aliceAssumes(7.5, ORG_ADMIN, '185.220.101.47')],
      },
    ],
    miss: [
      {
        title: 'A new role during the learning period',
        records: [aliceAssumes(0, DATA_READER), aliceAssumes(3, ORG_ADMIN)],
      },
      {
        title: 'The same role again after learning, from a new session of the same role',
        records: [
          webappAssumes(0, DATA_READER, 'a01'),
          webappAssumes(9, DATA_READER, 'd04', '45.133.1.20'),
        ],
      },
      {
        title: 'A denied attempt on a new role after learning',
        records: [
          aliceAssumes(0, DATA_READER),
          assumeRoleRecord({
            identity: IDENTITIES.user,
            roleArn: ORG_ADMIN,
            roleSessionName: 'alice',
            eventTime: isoAfter(START, 9 * DAY),
            denied: true,
          }),
        ],
      },
    ],
  },
});
