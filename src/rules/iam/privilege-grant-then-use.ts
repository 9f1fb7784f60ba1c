/**
 * `aws.iam.privilege-grant-then-use`: a principal granting permissions to itself (a policy on its
 * own user or role, its own user into a group) and then, within the hour, making write calls to
 * IAM, STS or Organizations. Self-escalation is rarely the goal; what comes next (new users, new
 * keys, roles assumed, accounts touched) is, and the pair in order is the story a responder needs.
 */
import { z } from 'zod';
import { defineSequenceRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { basePriority, byAwsService, ctRecord, IDENTITIES, isAutomation, shift } from '../lib.js';
import { DEFAULT_ADMIN_GROUPS, DEFAULT_ADMIN_POLICIES, grantOf } from '../lib/admin-grant.js';
import {
  actorOf,
  asApi,
  callerFacts,
  fact,
  MINUTE,
  placeOf,
  span,
  stablePrincipal,
  isoAfter,
} from '../lib/behaviour.js';
import {
  addUserToGroupRecord,
  attachPolicyRecord,
  createAccessKeyRecord,
  createUserRecord,
  iamRecord,
  putPolicyRecord,
  type IamCall,
} from '../lib/iam-fixtures.js';
import { automationAssumption, IAM_IDENTITIES } from '../lib/iam-principals.js';
import { assumeRoleRecord } from '../lib/sts-fixtures.js';

const knobs = {
  windowMinutes: knob(
    z.number().positive(),
    60,
    'Minutes after the self-grant within which a write call by the same principal completes the sequence.',
  ),
  adminPolicies: knob(
    z.array(z.string()),
    [...DEFAULT_ADMIN_POLICIES],
    'Names (globs) of AWS managed policies that amount to administrator access; a self-grant of one keeps the rule priority, any other self-grant is one level lower.',
  ),
  adminGroups: knob(
    z.array(z.string()),
    [...DEFAULT_ADMIN_GROUPS],
    'IAM group names (globs, case-insensitive) that grant administrator rights, judged like adminPolicies.',
  ),
};

/** STS calls that hand out credentials: logged as read-only, yet they use a permission. */
const STS_CREDENTIAL_CALLS = ['AssumeRole', 'GetFederationToken'];

/**
 * A write to the control planes the rule watches: `readOnly` false (or, where a producer left it
 * out, a name that is not a read), or an STS call that hands out credentials.
 */
function isWrite(e: ApiEvent): boolean {
  if (e.eventSource === 'sts.amazonaws.com') return STS_CREDENTIAL_CALLS.includes(e.eventName);
  if (e.readOnly !== undefined) return !e.readOnly;
  return !/^(Get|List|Describe|Simulate|Generate)/.test(e.eventName);
}

/** `iam:CreateUser` from the event source and name. */
function callName(e: ApiEvent): string {
  return `${e.eventSource.replace(/\.amazonaws\.com$/, '')}:${e.eventName}`;
}

const START = '2026-01-02T03:04:05Z';
const ESCALATE_ALL_IAM = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['iam:*', 'sts:AssumeRole'], Resource: '*' }],
};

function alice(minutes: number): IamCall {
  return {
    identity: IDENTITIES.user,
    eventTime: isoAfter(START, minutes * MINUTE),
    sourceIPAddress: '185.220.101.47',
  };
}

function instanceRole(minutes: number): IamCall {
  return {
    identity: IAM_IDENTITIES.instanceRole,
    eventTime: isoAfter(START, minutes * MINUTE),
    sourceIPAddress: '45.133.1.20',
  };
}

export default defineSequenceRule({
  id: 'aws.iam.privilege-grant-then-use',
  title: 'Principal granted itself permissions, then made IAM, STS or Organizations writes',
  category: 'iam',
  row: 'IAM-1',
  priority: 'high',
  mitre: ['T1098.003', 'T1078.004'],
  description:
    'Two steps by one principal, in order, within `windowMinutes` (60): a grant to itself ' +
    '(AttachUserPolicy, PutUserPolicy or AddUserToGroup naming its own user; AttachRolePolicy or ' +
    'PutRolePolicy naming the role it is a session of), then any successful write call to IAM, ' +
    'STS or Organizations (`readOnly` false, plus AssumeRole and GetFederationToken, which ' +
    'CloudTrail marks read-only although they hand out credentials). The rule does not know ' +
    'whether that call needed the new permission; it reports that a self-grant was followed by ' +
    'control-plane writes, which is what escalation looks like and rarely what routine work ' +
    'looks like. A second self-grant counts as such a write. The principal is its stable identity ' +
    '(the role for role sessions: a policy on the role serves every session of it; for a shared ' +
    'IAM Identity Center role, the person’s session). State: per ' +
    'principal, the latest few candidates of each step until they leave the window; a completed ' +
    'sequence fires once and is forgotten; with `--state FILE` a grant at the end of one run and ' +
    'its use at the start of the next still pair up. Grants of administrator access (by policy ' +
    'name, inline content or group name, as the single-event IAM rules judge them) keep the rule ' +
    'priority, other self-grants are one level lower, the configured automation one level lower ' +
    'again. Failed calls are neither grants nor uses; AWS services are ignored. Grants to a group ' +
    'the principal belongs to, and policy versions, are not recognised as self-grants (CloudTrail ' +
    'does not say who is in the group or which principals a policy is attached to).',
  falsePositives: [
    'Administrators who manage their own permissions and then continue IAM work.',
    'Bootstrapping pipelines that extend their own role before provisioning (configure them as automation).',
  ],
  response: [
    'Revert the grant (detach the policy, delete the inline policy, remove the group membership).',
    'Review every write made after the grant (users, keys, roles assumed, policy changes) and undo the ones nobody requested.',
    'Find out how the principal came to hold iam:Attach*/Put* on itself, revoke its credentials if compromised, and remove that permission.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html',
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html',
    'https://hackingthe.cloud/aws/exploitation/iam_privilege_escalation/',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'sequence',
  ordered: true,
  stepNames: ['grant', 'use'],
  windowMs: (ctx) => ctx.knobs.windowMinutes * MINUTE,
  on: {
    eventSource: ['iam.amazonaws.com', 'sts.amazonaws.com', 'organizations.amazonaws.com'],
    eventNames: '*',
  },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && e.errorCode === undefined && !byAwsService(e);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : stablePrincipal(e);
  },
  steps: (ev, ctx) => {
    const e = asApi(ev);
    if (e === undefined) return [];
    const out: string[] = [];
    if (grantOf(e, ctx.knobs)?.self === true) out.push('grant');
    if (isWrite(e)) out.push('use');
    return out;
  },
  facts: (ev, ctx) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    const g = grantOf(e, ctx.knobs);
    return {
      ...callerFacts(e),
      call: callName(e),
      ...(g?.self === true ? { granted: g.what, target: g.target, admin: g.admin ? 1 : 0 } : {}),
      automation: isAutomation(e, ctx.org) ? 1 : 0,
    };
  },
  priorityOf: (g, ctx) =>
    shift(
      basePriority(ctx, 'high'),
      (fact(g.first, 'admin') === '1' ? 0 : -1) + (fact(g.last, 'automation') === '1' ? -1 : 0),
    ),
  summary: (g) => {
    const granted = fact(g.first, 'granted') ?? 'permissions';
    const target = fact(g.first, 'target') ?? 'itself';
    const admin = fact(g.first, 'admin') === '1' ? ' (administrator access)' : '';
    return (
      `${actorOf(g.first)} granted its own ${target} the ${granted}${admin} with ` +
      `${fact(g.first, 'call') ?? 'a grant'}, and ${span(g.last.time - g.first.time)} later ` +
      `${actorOf(g.last) === actorOf(g.first) ? 'it' : actorOf(g.last)} called ` +
      `${fact(g.last, 'call') ?? 'a write'} from ${placeOf(g.last)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'An IAM user attaches AdministratorAccess to itself, then creates a user',
        records: [
          iamRecord(alice(0), 'GetUser', null, null, true),
          attachPolicyRecord(
            alice(1),
            { userName: 'alice' },
            'arn:aws:iam::aws:policy/AdministratorAccess',
          ),
          createUserRecord(alice(5), 'backup-admin'),
        ],
      },
      {
        title: 'Stolen instance credentials widen their own role, then assume an admin role',
        records: [
          putPolicyRecord(instanceRole(0), { roleName: 'webapp-ec2' }, 'ops', ESCALATE_ALL_IAM),
          assumeRoleRecord({
            identity: IAM_IDENTITIES.instanceRole,
            roleArn: 'arn:aws:iam::123456789012:role/OrganizationAdmin',
            roleSessionName: 'ops',
            eventTime: isoAfter(START, 12 * MINUTE),
            sourceIPAddress: '45.133.1.20',
          }),
        ],
      },
      {
        title: 'An IAM user joins Admins, then starts an Organizations account invitation',
        records: [
          addUserToGroupRecord(alice(0), 'alice', 'Admins'),
          ctRecord({
            eventSource: 'organizations.amazonaws.com',
            eventName: 'InviteAccountToOrganization',
            identity: IDENTITIES.user,
            eventTime: isoAfter(START, 30 * MINUTE),
            sourceIPAddress: '185.220.101.47',
            requestParameters: { target: { type: 'ACCOUNT', id: '444455556666' } },
            responseElements: {
              handshake: {
                id: 'h-2f0c9a7d81b34e56',
                arn: 'arn:aws:organizations::123456789012:handshake/o-a1b2c3d4e5/invite/h-2f0c9a7d81b34e56',
                state: 'OPEN',
                action: 'INVITE',
              },
            },
            host: 'organizations.us-east-1.amazonaws.com',
          }),
        ],
      },
    ],
    miss: [
      {
        title: 'A self-grant followed only by reads',
        records: [
          attachPolicyRecord(
            alice(0),
            { userName: 'alice' },
            'arn:aws:iam::aws:policy/AdministratorAccess',
          ),
          iamRecord(alice(2), 'ListUsers', null, null, true),
          iamRecord(alice(3), 'GetUser', { userName: 'bob' }, null, true),
        ],
      },
      {
        title: 'The write comes 75 minutes after the self-grant (outside the window)',
        records: [
          attachPolicyRecord(
            alice(0),
            { userName: 'alice' },
            'arn:aws:iam::aws:policy/AdministratorAccess',
          ),
          createAccessKeyRecord(alice(75), 'bob'),
        ],
      },
      {
        title: 'Writes before the self-grant, none after',
        records: [
          createUserRecord(alice(0), 'carol'),
          attachPolicyRecord(
            alice(4),
            { userName: 'alice' },
            'arn:aws:iam::aws:policy/AdministratorAccess',
          ),
        ],
      },
      {
        title: 'A grant to another user, then a write',
        records: [
          attachPolicyRecord(
            alice(0),
            { userName: 'carol' },
            'arn:aws:iam::aws:policy/AdministratorAccess',
          ),
          createAccessKeyRecord(alice(3), 'carol'),
        ],
      },
    ],
  },
});
