/**
 * `aws.iam.password-policy-weakened`: the account password policy deleted, or set below the
 * configured floor (length, reuse prevention, optionally character classes). Weak passwords make
 * IAM users easy to spray; attackers lower the policy before setting a password they can remember.
 */
import { z } from 'zod';
import type { Priority } from '../../config/schema.js';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  bool,
  ctRecord,
  did,
  failed,
  IDENTITIES,
  isAutomation,
  names,
  num,
  shift,
  where,
} from '../lib.js';
import { automationAssumption } from '../lib/iam-principals.js';

interface Floor {
  minimumLength: number;
  minimumReusePrevention: number;
  requireCharacterClasses: boolean;
}

/**
 * UpdateAccountPasswordPolicy replaces the whole policy: a parameter left out takes AWS's
 * default (length 8, no reuse prevention, no character classes), so absent counts as weak.
 */
function weaknesses(e: ApiEvent, floor: Floor): string[] {
  if (e.eventName === 'DeleteAccountPasswordPolicy') return ['deleted it (AWS defaults apply)'];
  const out: string[] = [];
  const length = num(e.request, 'minimumPasswordLength') ?? 8;
  if (length < floor.minimumLength) out.push(`minimum length ${length}`);
  const reuse = num(e.request, 'passwordReusePrevention') ?? 0;
  if (reuse < floor.minimumReusePrevention) {
    out.push(reuse === 0 ? 'no reuse prevention' : `reuse prevention ${reuse}`);
  }
  if (floor.requireCharacterClasses) {
    const missing = [
      ['requireSymbols', 'symbols'],
      ['requireNumbers', 'numbers'],
      ['requireUppercaseCharacters', 'upper case'],
      ['requireLowercaseCharacters', 'lower case'],
    ]
      .filter(([k]) => bool(e.request, k as string) !== true)
      .map(([, label]) => label as string);
    if (missing.length > 0) out.push(`no ${names(missing, 4)} required`);
  }
  return out;
}

const knobs = {
  minimumLength: knob(
    z.number().int().min(6).max(128),
    14,
    'Shortest acceptable minimum password length (CIS AWS Foundations: 14).',
  ),
  minimumReusePrevention: knob(
    z.number().int().min(0).max(24),
    24,
    'Fewest previous passwords that must not be reused (CIS AWS Foundations: 24). 0 accepts no reuse prevention.',
  ),
  requireCharacterClasses: knob(
    z.boolean(),
    false,
    'When true, a policy that does not require symbols, numbers, upper and lower case counts as weak.',
  ),
};

export default defineApiRule({
  id: 'aws.iam.password-policy-weakened',
  title: 'Account password policy weakened or deleted',
  category: 'iam',
  row: null,
  priority: 'medium',
  mitre: ['T1556', 'T1098'],
  description:
    'DeleteAccountPasswordPolicy, or UpdateAccountPasswordPolicy setting a policy below the floor the ' +
    'knobs describe: minimum length under `minimumLength`, reuse prevention under ' +
    '`minimumReusePrevention`, and, when `requireCharacterClasses` is on, a character class not ' +
    "required. The update replaces the whole policy, so a parameter left out counts at AWS's default " +
    '(length 8, no reuse prevention). Calls by the configured automation and failed calls are lowered ' +
    'one level each.',
  falsePositives: [
    "Accounts where people sign in only through federation and the IAM password policy is set loosely on purpose (raise the knobs' tolerance or disable the rule there).",
  ],
  response: [
    'Restore the intended policy (UpdateAccountPasswordPolicy) and ask the caller why it changed.',
    'Look for CreateLoginProfile / UpdateLoginProfile just after the change: a weak password may have been set while the policy was down.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['iam.amazonaws.com'],
    eventNames: ['UpdateAccountPasswordPolicy', 'DeleteAccountPasswordPolicy'],
  },
  match: (e, ctx) => weaknesses(e, ctx.knobs).length > 0,
  priorityOf: (e, ctx): Priority =>
    shift(basePriority(ctx, 'medium'), -(isAutomation(e, ctx.org) ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e, ctx) => {
    const w = weaknesses(e, ctx.knobs);
    return e.eventName === 'DeleteAccountPasswordPolicy'
      ? `${actorName(e)} ${did(e, 'deleted', 'delete')} the account password policy ${where(e)}`
      : `${actorName(e)} ${did(e, 'set', 'set')} a weaker account password policy (${names(w, 4)}) ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'The password policy set to length 6 without reuse prevention',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateAccountPasswordPolicy',
          identity: IDENTITIES.role,
          requestParameters: {
            minimumPasswordLength: 6,
            requireSymbols: false,
            requireNumbers: false,
            requireUppercaseCharacters: false,
            requireLowercaseCharacters: false,
            allowUsersToChangePassword: true,
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'The password policy deleted',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'DeleteAccountPasswordPolicy',
          requestParameters: null,
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'Character classes dropped where the organisation requires them',
        config: {
          rules: {
            'aws.iam.password-policy-weakened': { knobs: { requireCharacterClasses: true } },
          },
        },
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateAccountPasswordPolicy',
          requestParameters: {
            minimumPasswordLength: 16,
            passwordReusePrevention: 24,
            requireSymbols: false,
            requireNumbers: true,
            requireUppercaseCharacters: true,
            requireLowercaseCharacters: true,
            allowUsersToChangePassword: true,
            maxPasswordAge: 90,
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'A policy at the CIS floor (length 14, 24 passwords remembered)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateAccountPasswordPolicy',
          identity: IDENTITIES.role,
          requestParameters: {
            minimumPasswordLength: 14,
            passwordReusePrevention: 24,
            requireSymbols: true,
            requireNumbers: true,
            requireUppercaseCharacters: true,
            requireLowercaseCharacters: true,
            allowUsersToChangePassword: true,
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
