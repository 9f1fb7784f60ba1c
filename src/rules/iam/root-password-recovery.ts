/**
 * `aws.iam.root-password-recovery`: the root user's "forgot password" flow started
 * (PasswordRecoveryRequested) or finished (PasswordRecoveryCompleted). Whoever completes it
 * controls the root user; it is also the path of account takeovers that start at the root email.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { actorName, basePriority, shift, where } from '../lib.js';
import { IAM_IDENTITIES } from '../lib/iam-principals.js';
import { signinOutcome, signinRecord } from '../lib/iam-signin.js';

const completed = (e: ApiEvent): boolean => e.eventName === 'PasswordRecoveryCompleted';

export default defineApiRule({
  id: 'aws.iam.root-password-recovery',
  title: 'Root password recovery requested or completed',
  category: 'iam',
  row: null,
  priority: 'high',
  mitre: ['T1098', 'T1078.004'],
  description:
    "signin.amazonaws.com logs PasswordRecoveryRequested when someone starts the root user's " +
    '"Forgot password?" flow and PasswordRecoveryCompleted when a new root password was set through ' +
    'the emailed link; IAM and federated users do not produce these events. A request is reported at ' +
    'the rule priority (someone knows the root email address and is acting on it); a completion one ' +
    'level higher (the root password has changed hands, and whoever did it controls the account ' +
    'unless MFA stops them). An outcome of Failure is reported one level lower.',
  falsePositives: ['The account owner recovering a forgotten root password.'],
  response: [
    'Ask the root credential custodian whether they started the recovery; check the root mailbox for the AWS email.',
    'If not, secure the mailbox first (password, MFA), then reset the root password and verify the root MFA device.',
    'After a completion, review all root activity and IAM changes that followed.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reset-root-password.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['signin.amazonaws.com'],
    eventNames: ['PasswordRecoveryRequested', 'PasswordRecoveryCompleted'],
  },
  match: () => true,
  priorityOf: (e, ctx): Priority =>
    shift(
      basePriority(ctx, 'high'),
      (completed(e) ? 1 : 0) - (signinOutcome(e) === 'Failure' ? 1 : 0),
    ),
  summary: (e) => {
    const from = e.sourceIp ?? 'an unknown address';
    const failedNote = signinOutcome(e) === 'Failure' ? ' (it failed)' : '';
    return completed(e)
      ? `${actorName(e)} completed a root password recovery from ${from}${failedNote} ${where(e)}`
      : `${actorName(e)} requested a root password recovery from ${from}${failedNote} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A root password recovery requested',
        record: signinRecord({
          eventName: 'PasswordRecoveryRequested',
          identity: IAM_IDENTITIES.rootSignin,
          sourceIPAddress: '185.220.101.47',
        }),
      },
      {
        title: 'A root password recovery completed',
        record: signinRecord({
          eventName: 'PasswordRecoveryCompleted',
          identity: IAM_IDENTITIES.rootSignin,
          sourceIPAddress: '185.220.101.47',
          eventTime: '2026-01-02T03:11:42Z',
        }),
      },
    ],
    miss: [
      {
        title: 'A root sign-in (reported by aws.iam.root-console-login)',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: IAM_IDENTITIES.rootSignin,
          additionalEventData: {
            LoginTo: 'https://console.aws.amazon.com/console/home',
            MobileVersion: 'No',
            MFAUsed: 'Yes',
          },
        }),
      },
    ],
  },
});
