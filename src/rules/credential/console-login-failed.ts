/**
 * `aws.credential.console-login-failed`: a failed console sign-in. One failure is a typo; many are
 * password guessing or credential stuffing. This rule reports each failure at low priority and
 * groups them per user and source; counting them over time belongs to the stateful rules.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { actorName, basePriority, shift, where } from '../lib.js';
import { describeSource } from '../lib/caller-source.js';
import { signinOutcome, signinRecord } from '../lib/iam-signin.js';

const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/** The user name as typed, or undefined when AWS hid it (an unknown user name). */
function who(e: ApiEvent): string {
  if (e.actor.arn !== undefined || e.actor.principalId !== undefined) return actorName(e);
  const user = e.actor.userName;
  const account = e.actor.accountId ?? e.account ?? 'an unknown account';
  return user === undefined || user === HIDDEN
    ? `an unknown user name (hidden by AWS) in account ${account}`
    : `user ${user} of account ${account}`;
}

const JANE: JsonObject = {
  type: 'IAMUser',
  principalId: 'AIDA4XJ7LBQ5EXAMPLE18',
  arn: 'arn:aws:iam::123456789012:user/jane',
  accountId: '123456789012',
  userName: 'jane',
};

export default defineApiRule({
  id: 'aws.credential.console-login-failed',
  title: 'Console sign-in failed',
  category: 'credential',
  row: null,
  priority: 'low',
  mitre: ['T1110.001', 'T1110.004'],
  description:
    'A ConsoleLogin whose outcome (`responseElements.ConsoleLogin`) is `Failure`; CloudTrail puts ' +
    'no errorCode on it, only an errorMessage such as `Failed authentication` (wrong password) or ' +
    '`No username found in supplied account` (the user name is then hidden as ' +
    'HIDDEN_DUE_TO_SECURITY_REASONS). Each failure is reported at low priority, the root user one ' +
    'level higher, and findings group per user and source address so a burst reads as one ' +
    'finding with a count. A failure followed by a success from the same address, or failures ' +
    'across many users from one address, is what to look for; thresholds over time are the ' +
    'stateful rules’ job. Failed MFA (CheckMfa) is not part of this rule.',
  falsePositives: ['People mistyping their password or signing in to the wrong account.'],
  response: [
    'Look for a successful ConsoleLogin of the same user, or from the same address, after the failures.',
    'Many failures for one user: check it has MFA and a strong password; many users from one address: block the address and review the accounts.',
    'For the root user: confirm the account’s root MFA and who holds the root credentials.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#cloudtrail-integration_signin-users',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['signin.amazonaws.com'], eventNames: ['ConsoleLogin'] },
  match: (e) => signinOutcome(e) === 'Failure',
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'low'), e.actor.type === 'Root' ? 1 : 0),
  key: (e) =>
    `${e.actor.arn ?? `${e.actor.accountId ?? ''}:${e.actor.userName ?? HIDDEN}`}|${e.sourceIp ?? ''}`,
  summary: (e) =>
    `${who(e)} failed to sign in to the console from ${describeSource(e)} ` +
    `(${e.errorMessage ?? 'no reason given'}) ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A wrong password for an IAM user',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: JANE,
          outcome: 'Failure',
          errorMessage: 'Failed authentication',
          sourceIPAddress: '198.51.100.14',
          additionalEventData: {
            LoginTo: 'https://console.aws.amazon.com/sns',
            MobileVersion: 'No',
            MFAUsed: 'No',
          },
        }),
      },
      {
        title: 'A wrong password for the root user',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: {
            type: 'Root',
            principalId: '123456789012',
            arn: 'arn:aws:iam::123456789012:root',
            accountId: '123456789012',
          },
          outcome: 'Failure',
          errorMessage: 'Failed authentication',
          sourceIPAddress: '198.51.100.14',
          additionalEventData: {
            LoginTo: 'https://console.aws.amazon.com/console/home',
            MobileVersion: 'No',
            MFAUsed: 'No',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'A successful sign-in with MFA (Invictus)',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: JANE,
          sourceIPAddress: '10.8.8.10',
          additionalEventData: {
            LoginTo: 'https://us-east-1.console.aws.amazon.com/vpc/home?region=us-east-1',
            MobileVersion: 'No',
            MFAIdentifier: 'arn:aws:iam::123456789012:mfa/Mobile',
            MFAUsed: 'Yes',
          },
        }),
      },
    ],
  },
});
