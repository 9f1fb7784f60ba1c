/**
 * `aws.iam.root-console-login`: a console sign-in as the root user, successful or not. Root is
 * for a handful of account-level tasks; every sign-in deserves an owner, a reason, and MFA.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import { actorName, basePriority, shift, where } from '../lib.js';
import { IAM_IDENTITIES } from '../lib/iam-principals.js';
import { mfaUsed, signinOutcome, signinRecord } from '../lib/iam-signin.js';

export default defineApiRule({
  id: 'aws.iam.root-console-login',
  title: 'Root user console sign-in',
  category: 'iam',
  row: null,
  priority: 'high',
  mitre: ['T1078.004'],
  description:
    'ConsoleLogin by the root user (userIdentity.type Root). A successful sign-in is reported at the ' +
    'rule priority, one level higher when additionalEventData says MFAUsed No (root with a password ' +
    'alone). A failed sign-in (responseElements.ConsoleLogin Failure; CloudTrail sets errorMessage ' +
    '"Failed authentication" but no errorCode) is reported one level lower: someone has the root ' +
    'email address and is trying passwords.',
  falsePositives: [
    'The few tasks only root can do (closing the account, changing the support plan, some billing settings), done by the account owner.',
  ],
  response: [
    'Confirm the sign-in with the root credential custodian (address, time, purpose).',
    'If unexpected, reset the root password through the account email, check the MFA device, and review everything the root session did.',
    'Enforce MFA on root and, for member accounts, consider centralised root access to remove root credentials entirely.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['signin.amazonaws.com'], eventNames: ['ConsoleLogin'] },
  match: (e) => e.actor.type === 'Root',
  priorityOf: (e, ctx): Priority => {
    if (signinOutcome(e) === 'Failure') return shift(basePriority(ctx, 'high'), -1);
    return shift(basePriority(ctx, 'high'), mfaUsed(e) === false ? 1 : 0);
  },
  summary: (e) => {
    const from = e.sourceIp ?? 'an unknown address';
    if (signinOutcome(e) === 'Failure') {
      return `${actorName(e)} failed to sign in to the console as root from ${from} ${where(e)}`;
    }
    const mfa = mfaUsed(e) === false ? ' without MFA' : mfaUsed(e) === true ? ' with MFA' : '';
    return `${actorName(e)} signed in to the console as root${mfa} from ${from} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'Root signs in without MFA',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: IAM_IDENTITIES.rootSignin,
          sourceIPAddress: '185.220.101.47',
          additionalEventData: {
            LoginTo:
              'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
            MobileVersion: 'No',
            MFAUsed: 'No',
          },
        }),
      },
      {
        title: 'Root signs in with MFA',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: IAM_IDENTITIES.rootSignin,
          additionalEventData: {
            LoginTo: 'https://console.aws.amazon.com/billing/home',
            MobileVersion: 'No',
            MFAUsed: 'Yes',
          },
        }),
      },
      {
        title: 'A failed root password attempt',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: IAM_IDENTITIES.rootSignin,
          outcome: 'Failure',
          errorMessage: 'Failed authentication',
          sourceIPAddress: '185.220.101.47',
          additionalEventData: {
            LoginTo:
              'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
            MobileVersion: 'No',
            MFAUsed: 'No',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'An IAM user signs in',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: IAM_IDENTITIES.userSignin,
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
