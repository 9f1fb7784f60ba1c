/**
 * `aws.iam.role-chaining`: a role session using its temporary credentials to assume another role
 * (role chaining, chain depth ≥ 2). Chaining is how stolen instance or pipeline credentials reach
 * roles their own role was never meant to grant, and how a session refreshes itself (a role
 * assuming itself again) to outlive its expiry.
 */
import { z } from 'zod';
import type { Priority } from '../../config/schema.js';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
import {
  actorName,
  basePriority,
  byAwsService,
  failed,
  IDENTITIES,
  isAutomation,
  shift,
  USER_AGENTS,
} from '../lib.js';
import { assumedRoleArn } from '../lib/behaviour.js';
import { instanceCredential, isTemporaryKey, lastSegment } from '../lib/caller.js';
import { describeSource } from '../lib/caller-source.js';
import { automationAssumption, IAM_IDENTITIES } from '../lib/iam-principals.js';
import { assumeRoleRecord, roleSessionIdentity } from '../lib/sts-fixtures.js';

const knobs = {
  hubRoles: knob(
    z.array(z.string()),
    [],
    'ARN globs of roles whose sessions are expected to assume other roles (an Identity Center permission-set role or a hub role that hops into member accounts); matched against the session issuer, their chaining is not reported.',
  ),
};

/** A role session (temporary `ASIA…` key) calling AssumeRole: the second link of a chain. */
function chained(e: ApiEvent): boolean {
  return e.actor.type === 'AssumedRole' && isTemporaryKey(e);
}

/** The session assumes the very role it is a session of: a refresh, not a step to more rights. */
function juggling(e: ApiEvent): boolean {
  const target = assumedRoleArn(e);
  return target !== undefined && target === e.actor.sessionIssuerArn;
}

const ADMIN_ROLE = 'arn:aws:iam::123456789012:role/OrganizationAdmin';

export default defineApiRule({
  id: 'aws.iam.role-chaining',
  title: 'Role session assumed another role (role chaining)',
  category: 'iam',
  row: 'IAM-1',
  priority: 'medium',
  mitre: ['T1078.004', 'T1550.001', 'T1098.003'],
  description:
    'An AssumeRole call made with the temporary credentials of a role session ' +
    '(`userIdentity.type` AssumedRole, an `ASIA…` access key): the caller is already at chain ' +
    'depth 1, so the new session is at depth 2 or more. Legitimate chains exist (a hub role ' +
    'hopping into member accounts, an application role assuming a data role), but chaining is ' +
    'also how stolen instance-profile or pipeline credentials reach roles their own role was ' +
    'never meant to grant. Triage: which role the session belongs to, which role it assumed and in ' +
    'which account, where the call came from, and what the new session did. Sessions of ' +
    'instance-profile roles (EC2 credentials) are one level higher, as is a session assuming its ' +
    'own role again (role juggling: each hop yields fresh credentials, so the session never ' +
    'expires with the original one). The configured automation is one level lower, failed ' +
    'calls (AccessDenied) one level lower as attempts. Sessions of roles in the `hubRoles` knob ' +
    'and AWS services chaining on their own behalf (service-linked roles, `invokedBy`) are not ' +
    'reported. Whether a principal assumed a role for the first time is judged by ' +
    'aws.iam.new-role-for-principal.',
  falsePositives: [
    'Hub roles that fan out into member accounts (list them in the hubRoles knob).',
    'Applications whose role assumes a narrower data or cross-account role by design.',
    'Engineers switching roles in the console from an already assumed role.',
  ],
  response: [
    'Identify the first link: which principal assumed the calling role, from where (CloudTrail by the caller’s access key id in AssumeRole responses).',
    'Check that the calling role’s trust in the target was intended; if the caller was an instance role, confirm the call came from that instance (source address in the VPC, not the internet).',
    'If not intended: revoke the target role’s sessions (AWSRevokeOlderSessions) and the caller’s, and narrow the target’s trust policy.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html#iam-term-role-chaining',
    'https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html',
  ],
  knobs,
  assumptions: (ctx) => [
    ...automationAssumption(ctx.org),
    ...(ctx.knobs.hubRoles.length === 0
      ? [
          'No hub roles are configured (the hubRoles knob): every role session that assumes another role is reported.',
        ]
      : []),
  ],
  kind: 'match',
  on: { eventSource: ['sts.amazonaws.com'], eventNames: ['AssumeRole'] },
  match: (e, ctx) =>
    chained(e) && !byAwsService(e) && !matchesAny(ctx.knobs.hubRoles, e.actor.sessionIssuerArn),
  priorityOf: (e, ctx): Priority => {
    let steps = 0;
    if (instanceCredential(e) !== undefined || juggling(e)) steps += 1;
    if (isAutomation(e, ctx.org)) steps -= 1;
    if (failed(e)) steps -= 1;
    return shift(basePriority(ctx, 'medium'), steps);
  },
  summary: (e) => {
    const target = assumedRoleArn(e);
    const role = e.actor.sessionIssuerName ?? lastSegment(e.actor.sessionIssuerArn ?? '(unknown)');
    const instance = instanceCredential(e);
    const whose =
      instance === undefined
        ? `a session of role ${role}`
        : `${instance}'s credentials of role ${role}`;
    const what =
      target === undefined
        ? 'another role'
        : juggling(e)
          ? `its own role ${lastSegment(target)} again (role juggling)`
          : `role ${target}`;
    const verb = failed(e) ? 'tried to assume' : 'assumed';
    const outcome = failed(e) ? ` (failed: ${e.errorCode ?? 'error'})` : '';
    return (
      `${actorName(e)} (${whose}) ${verb} ${what}, a role chain of depth 2 or more, from ` +
      `${describeSource(e)} in ${e.region ?? 'an unknown region'}${outcome}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Stolen instance-profile credentials, used from the internet, assume an admin role',
        record: assumeRoleRecord({
          identity: IAM_IDENTITIES.instanceRole,
          roleArn: ADMIN_ROLE,
          roleSessionName: 'botocore-session-1767323045',
          eventTime: '2026-01-02T03:04:05Z',
          sourceIPAddress: '185.220.101.47',
          userAgent: USER_AGENTS.boto3,
        }),
      },
      {
        title: 'An Identity Center session hops into a role of another account',
        record: assumeRoleRecord({
          identity: IDENTITIES.role,
          roleArn: 'arn:aws:iam::111122223333:role/prod-readonly',
          roleSessionName: 'bob@example.com',
          eventTime: '2026-01-02T03:10:00Z',
        }),
      },
      {
        title: 'Role juggling: a session assumes its own role again',
        record: assumeRoleRecord({
          identity: roleSessionIdentity(
            'arn:aws:iam::123456789012:role/data-pipeline',
            'juggle-1',
            'ASIA4XJ7LBQ5EXAMPL31',
          ),
          roleArn: 'arn:aws:iam::123456789012:role/data-pipeline',
          roleSessionName: 'juggle-2',
          eventTime: '2026-01-02T03:55:00Z',
          sourceIPAddress: '45.133.1.20',
        }),
      },
      {
        title: 'A denied chained assumption (logged without request parameters)',
        record: assumeRoleRecord({
          identity: IAM_IDENTITIES.instanceRole,
          roleArn: ADMIN_ROLE,
          roleSessionName: 'unused',
          eventTime: '2026-01-02T03:04:09Z',
          sourceIPAddress: '185.220.101.47',
          userAgent: USER_AGENTS.boto3,
          denied: true,
        }),
      },
    ],
    miss: [
      {
        title: 'An IAM user with a long-term key assumes a role (chain depth 1)',
        record: assumeRoleRecord({
          identity: IDENTITIES.user,
          roleArn: ADMIN_ROLE,
          roleSessionName: 'alice',
          eventTime: '2026-01-02T03:04:05Z',
        }),
      },
      {
        title: 'The configured hub role hops into a member account',
        config: {
          rules: {
            'aws.iam.role-chaining': {
              knobs: {
                hubRoles: [
                  'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_*',
                ],
              },
            },
          },
        },
        record: assumeRoleRecord({
          identity: IDENTITIES.role,
          roleArn: 'arn:aws:iam::111122223333:role/prod-readonly',
          roleSessionName: 'bob@example.com',
          eventTime: '2026-01-02T03:10:00Z',
        }),
      },
      {
        title: 'A StackSets service-linked role assumes its execution role in a member account',
        record: assumeRoleRecord({
          identity: roleSessionIdentity(
            'arn:aws:iam::123456789012:role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin',
            'CloudFormation',
            'ASIA4XJ7LBQ5EXAMPL32',
          ),
          roleArn: 'arn:aws:iam::111122223333:role/stacksets-exec-4f1a9c2b7d3e5f60718293a4b5c6d7e8',
          roleSessionName: 'CloudFormation',
          eventTime: '2026-01-02T03:20:00Z',
          sourceIPAddress: 'cloudformation.amazonaws.com',
          userAgent: 'cloudformation.amazonaws.com',
        }),
      },
    ],
  },
});
