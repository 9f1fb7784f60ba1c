/**
 * `aws.iam.backdoor-user-sequence`: one actor creating an IAM user, giving it credentials (an
 * access key or a console password) and making it an administrator, all within a short window.
 * Each step alone is routine user administration; together, in minutes, they are the classic
 * persistence of an attacker who holds IAM rights: a second, independent way back in.
 */
import { z } from 'zod';
import { defineSequenceRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import type { Signal } from '../../engine/rule.js';
import { basePriority, byAwsService, IDENTITIES, isAutomation, shift } from '../lib.js';
import {
  DEFAULT_ADMIN_GROUPS,
  DEFAULT_ADMIN_POLICIES,
  grantOf,
  type AdminLists,
} from '../lib/admin-grant.js';
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
  createLoginProfileRecord,
  createUserRecord,
  putPolicyRecord,
  type IamCall,
} from '../lib/iam-fixtures.js';
import { automationAssumption, IAM_IDENTITIES } from '../lib/iam-principals.js';

const knobs = {
  windowMinutes: knob(
    z.number().positive(),
    60,
    'Minutes within which all three steps (user, credentials, administrator rights) must fall.',
  ),
  adminPolicies: knob(
    z.array(z.string()),
    [...DEFAULT_ADMIN_POLICIES],
    'Names (globs) of AWS managed policies that amount to administrator access; attaching one to the new user is the third step.',
  ),
  adminGroups: knob(
    z.array(z.string()),
    [...DEFAULT_ADMIN_GROUPS],
    'IAM group names (globs, case-insensitive) that grant administrator rights; adding the new user to one is the third step.',
  ),
};

const STEPS = ['user', 'credentials', 'admin'] as const;

/** The user a step acts on: every step names it in `requestParameters.userName`. */
function targetUser(e: ApiEvent): string | undefined {
  const u = e.request?.userName;
  return typeof u === 'string' && u.length > 0 ? u : undefined;
}

/** The step an event is, with the words a summary uses for it. */
function stepOf(e: ApiEvent, lists: AdminLists): { step: string; detail: string } | undefined {
  switch (e.eventName) {
    case 'CreateUser':
      return { step: 'user', detail: 'created' };
    case 'CreateAccessKey':
      return { step: 'credentials', detail: 'an access key' };
    case 'CreateLoginProfile':
      return { step: 'credentials', detail: 'a console password' };
    default: {
      const g = grantOf(e, lists);
      if (g === undefined || !g.admin || !g.target.startsWith('user ')) return undefined;
      return { step: 'admin', detail: g.what };
    }
  }
}

/** What a group's first or last signal says about one step, if it is that step. */
function detailOf(signals: readonly Signal[], step: string): string | undefined {
  for (const s of signals) if (fact(s, 'step') === step) return fact(s, 'detail');
  return undefined;
}

const START = '2026-01-02T03:04:05Z';
const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** alice acting `seconds` after the start. */
function alice(seconds: number): IamCall {
  return {
    identity: IDENTITIES.user,
    eventTime: isoAfter(START, seconds * 1000),
    sourceIPAddress: '185.220.101.47',
  };
}

/** The SSO administrator bob acting `minutes` after the start. */
function bob(minutes: number): IamCall {
  return {
    identity: IDENTITIES.role,
    eventTime: isoAfter(START, minutes * MINUTE),
    sourceIPAddress: '45.133.1.20',
    userAgent: 'AWS Internal',
  };
}

export default defineSequenceRule({
  id: 'aws.iam.backdoor-user-sequence',
  title: 'Backdoor IAM user: created, given credentials and made administrator',
  category: 'iam',
  row: 'IAM-2',
  priority: 'high',
  mitre: ['T1136.003', 'T1098.001', 'T1098.003'],
  description:
    'One actor, within `windowMinutes` (60), created an IAM user (CreateUser), gave that same ' +
    'user credentials (CreateAccessKey or CreateLoginProfile) and made it an administrator ' +
    '(AttachUserPolicy with a policy in `adminPolicies`, PutUserPolicy with an inline document ' +
    'granting every action, or AddUserToGroup into a group matching `adminGroups`; the same ' +
    'judgement as aws.iam.admin-policy-attached and aws.iam.user-added-to-admin-group). State is ' +
    'keyed by the actor (its stable identity: the role for role sessions, or the person’s session ' +
    'for a shared IAM Identity Center role, so a refreshed session ' +
    'continues the story) together with the account and the target user name, and holds the few ' +
    'latest candidates of each step until they fall out of the window; a completed sequence ' +
    'fires once and is forgotten. With `--state FILE` a sequence that straddles two runs (user ' +
    'created at the end of one input, key and policy at the start of the next) still completes. ' +
    'The steps may come in any order after CreateUser: tools differ (Stratus Red Team attaches ' +
    'the policy before creating the key), and since only successful calls count and the other ' +
    'two steps fail on a user that does not exist yet, CreateUser comes first in any real ' +
    'sequence. Failed calls are no steps; the single-event rules report attempts. AWS services ' +
    'are ignored; the configured automation is reported one level lower. Triage: the new user, ' +
    'who created it, from where, and whether the new key or password has been used.',
  falsePositives: [
    'Break-glass or service users set up by hand by an administrator (confirm and record the change).',
    'Provisioning pipelines not listed in organisation.automationArns that create administrator users.',
  ],
  response: [
    'Deactivate the new user’s access keys and delete its login profile at once; detach its policies and remove it from groups.',
    'Look for use of the new credentials (CloudTrail by the new user’s ARN and access key id).',
    'Find how the actor got IAM rights: review its own credentials and recent activity, and revoke them if compromised.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html',
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html',
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html',
    'https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-create-admin-user/',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'sequence',
  ordered: false,
  stepNames: STEPS,
  windowMs: (ctx) => ctx.knobs.windowMinutes * MINUTE,
  on: {
    eventSource: ['iam.amazonaws.com'],
    eventNames: [
      'CreateUser',
      'CreateAccessKey',
      'CreateLoginProfile',
      'AttachUserPolicy',
      'PutUserPolicy',
      'AddUserToGroup',
    ],
  },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && e.errorCode === undefined && !byAwsService(e);
  },
  key: (ev) => {
    const e = asApi(ev);
    if (e === undefined) return undefined;
    const actor = stablePrincipal(e);
    const user = targetUser(e);
    if (actor === undefined || user === undefined) return undefined;
    return `${actor}|${e.account ?? 'unknown-account'}|${user}`;
  },
  steps: (ev, ctx) => {
    const e = asApi(ev);
    const s = e === undefined ? undefined : stepOf(e, ctx.knobs);
    return s === undefined ? [] : [s.step];
  },
  facts: (ev, ctx) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    const s = stepOf(e, ctx.knobs);
    return {
      ...callerFacts(e),
      user: targetUser(e) ?? '',
      step: s?.step ?? '',
      detail: s?.detail ?? '',
      automation: isAutomation(e, ctx.org) ? 1 : 0,
    };
  },
  priorityOf: (g, ctx) =>
    shift(basePriority(ctx, 'high'), fact(g.last, 'automation') === '1' ? -1 : 0),
  summary: (g) => {
    const ends = [g.first, g.last];
    const user = fact(g.last, 'user') ?? fact(g.first, 'user') ?? '(unnamed)';
    const credentials = detailOf(ends, 'credentials') ?? 'an access key or console password';
    const admin = detailOf(ends, 'admin') ?? 'administrator rights';
    const elapsed = span(g.last.time - g.first.time);
    return (
      `${actorOf(g.last)} created IAM user ${user}, gave it ${credentials} and ${admin} ` +
      `within ${elapsed} (steps in order: ${g.values.join(' → ')}), from ${placeOf(g.last)}` +
      `${g.last.account === undefined ? '' : ` in account ${g.last.account}`}`
    );
  },
  examples: {
    fire: [
      {
        title:
          'Stratus Red Team order: user, AdministratorAccess, then an access key (seconds apart)',
        records: [
          createUserRecord(alice(0), 'malicious-iam-user'),
          attachPolicyRecord(alice(0), { userName: 'malicious-iam-user' }, ADMIN_ARN),
          createAccessKeyRecord(alice(1), 'malicious-iam-user'),
        ],
      },
      {
        title: 'A console session creates a user, sets a password and adds it to Admins',
        records: [
          createUserRecord(bob(0), 'svc-backup'),
          createLoginProfileRecord(bob(4), 'svc-backup'),
          addUserToGroupRecord(bob(21), 'svc-backup', 'Admins'),
        ],
      },
      {
        title: 'An inline policy granting every action instead of a managed one',
        records: [
          createUserRecord(alice(0), 'monitoring'),
          createAccessKeyRecord(alice(30), 'monitoring'),
          putPolicyRecord(alice(90), { userName: 'monitoring' }, 'monitoring-access', {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
          }),
        ],
      },
    ],
    miss: [
      {
        title: 'A new user with a key and read-only rights',
        records: [
          createUserRecord(alice(0), 'reporting'),
          createAccessKeyRecord(alice(5), 'reporting'),
          attachPolicyRecord(
            alice(9),
            { userName: 'reporting' },
            'arn:aws:iam::aws:policy/ReadOnlyAccess',
          ),
        ],
      },
      {
        title:
          'Administrator rights attached two hours after the user and key (outside the window)',
        records: [
          createUserRecord(bob(0), 'svc-backup'),
          createLoginProfileRecord(bob(3), 'svc-backup'),
          addUserToGroupRecord(bob(125), 'svc-backup', 'Admins'),
        ],
      },
      {
        title:
          'Two actors share the steps: alice creates the user and key, dave attaches the policy',
        records: [
          createUserRecord(alice(0), 'etl-runner'),
          createAccessKeyRecord(alice(2), 'etl-runner'),
          attachPolicyRecord(
            { identity: IAM_IDENTITIES.admin, eventTime: isoAfter(START, 600_000) },
            { userName: 'etl-runner' },
            ADMIN_ARN,
          ),
        ],
      },
      {
        title: 'The administrator policy lands on a different user than the new one',
        records: [
          createUserRecord(alice(0), 'etl-runner'),
          createAccessKeyRecord(alice(2), 'etl-runner'),
          attachPolicyRecord(alice(5), { userName: 'etl-admin' }, ADMIN_ARN),
        ],
      },
      {
        title: 'The key creation was denied, so the user never got credentials',
        records: [
          createUserRecord(alice(0), 'malicious-iam-user'),
          attachPolicyRecord(alice(0), { userName: 'malicious-iam-user' }, ADMIN_ARN),
          createAccessKeyRecord(
            {
              ...alice(1),
              errorCode: 'LimitExceeded',
              errorMessage: 'Cannot exceed quota for AccessKeysPerUser: 2',
            },
            'malicious-iam-user',
          ),
        ],
      },
    ],
  },
});
