/**
 * `aws.iam.login-profile-changed`: a console password created (CreateLoginProfile) or reset
 * (UpdateLoginProfile) by an identity outside the configured automation, higher when it is
 * another user's password: the caller then knows a password to someone else's console.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
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
  shift,
  where,
} from '../lib.js';
import {
  actsOnAnotherUser,
  automationAssumption,
  IAM_IDENTITIES,
  targetUserName,
} from '../lib/iam-principals.js';

const isCreate = (e: ApiEvent): boolean => e.eventName === 'CreateLoginProfile';

export default defineApiRule({
  id: 'aws.iam.login-profile-changed',
  title: 'Console password created or reset outside automation',
  category: 'iam',
  row: 'IAM-2',
  priority: 'high',
  mitre: ['T1098', 'T1136.003'],
  description:
    'CreateLoginProfile gave a user a console password, or UpdateLoginProfile set a new one, and the ' +
    'caller is not the configured automation. For another user (an IAM user naming a different user, ' +
    'or any role or federated session) the caller chose a password it now knows, which is reported ' +
    'at the rule priority, and the summary says when passwordResetRequired was false, so the password ' +
    "stays the caller's. A user setting its own password is reported one level lower. Failed calls " +
    'are reported one level lower. Users changing their own password through the console use ' +
    'ChangePassword, which this rule does not match.',
  falsePositives: [
    'Help-desk password resets (these normally set passwordResetRequired true).',
    'Onboarding of IAM users by hand in accounts that still use them.',
  ],
  response: [
    'Confirm with the target user and the caller; check for ConsoleLogin of the target user from unusual addresses after the change.',
    'If unexpected, delete the login profile (DeleteLoginProfile) and investigate the caller.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html',
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateLoginProfile.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['iam.amazonaws.com'],
    eventNames: ['CreateLoginProfile', 'UpdateLoginProfile'],
  },
  match: (e, ctx) => !isAutomation(e, ctx.org),
  priorityOf: (e, ctx): Priority =>
    shift(basePriority(ctx, 'high'), (actsOnAnotherUser(e) ? 0 : -1) - (failed(e) ? 1 : 0)),
  summary: (e) => {
    const target = actsOnAnotherUser(e) ? `user ${targetUserName(e) ?? '(unnamed)'}` : 'itself';
    const noReset = bool(e.request, 'passwordResetRequired') === false && actsOnAnotherUser(e);
    return isCreate(e)
      ? `${actorName(e)} ${did(e, 'created', 'create')} a console password for ${target}${noReset ? ' without requiring a reset' : ''} ${where(e)}`
      : `${actorName(e)} ${did(e, 'reset', 'reset')} ${target === 'itself' ? 'its own console password' : `the console password of ${target}`}${noReset ? ' without requiring a reset' : ''} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title:
          'A console password for another user, no reset required (Stratus Red Team, as recorded)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateLoginProfile',
          userAgent: 'stratus-red-team_9f92f988-5ef6-4f8a-800d-c7229febb5fb',
          requestParameters: {
            passwordResetRequired: false,
            userName: 'stratus-red-team-login-profile-user',
          },
          responseElements: {
            loginProfile: {
              passwordResetRequired: false,
              userName: 'stratus-red-team-login-profile-user',
              createDate: 'Jan 2, 2026, 3:04:05 AM',
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: "A role session resets an administrator's password",
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateLoginProfile',
          identity: IAM_IDENTITIES.instanceRole,
          requestParameters: { userName: 'dave', passwordResetRequired: false },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A user sets its own console password through the API',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateLoginProfile',
          identity: IAM_IDENTITIES.admin,
          requestParameters: { userName: 'dave' },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'The configured onboarding pipeline creates a password that must be reset',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateLoginProfile',
          identity: IDENTITIES.ci,
          requestParameters: { userName: 'new-hire', passwordResetRequired: true },
          responseElements: {
            loginProfile: {
              passwordResetRequired: true,
              userName: 'new-hire',
              createDate: 'Jan 2, 2026, 3:04:05 AM',
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A login profile deleted',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'DeleteLoginProfile',
          identity: IDENTITIES.role,
          requestParameters: { userName: 'stratus-red-team-login-profile-user' },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
