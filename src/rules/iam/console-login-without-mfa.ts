/**
 * `aws.iam.console-login-without-mfa`: an IAM user signed in to the console with a password alone.
 * A password is phishable and reusable; without MFA, whoever has it has the console. SAML and IAM
 * Identity Center sign-ins are left out: their MFA happens at the identity provider, and CloudTrail
 * reports `MFAUsed: No` for them regardless.
 */
import { defineApiRule } from '../../engine/rule.js';
import { actorName, where } from '../lib.js';
import { IAM_IDENTITIES } from '../lib/iam-principals.js';
import { federatedSignin, mfaUsed, signinOutcome, signinRecord } from '../lib/iam-signin.js';

export default defineApiRule({
  id: 'aws.iam.console-login-without-mfa',
  title: 'Console sign-in by an IAM user without MFA',
  category: 'iam',
  row: null,
  priority: 'medium',
  mitre: ['T1078.004'],
  description:
    'A successful ConsoleLogin (responseElements.ConsoleLogin Success) by an IAM user whose ' +
    'additionalEventData says MFAUsed No. Sign-ins federated through SAML (a SamlProviderArn in ' +
    'additionalEventData, or a SAMLUser identity) or IAM Identity Center and other assumed-role ' +
    'sessions are not matched, because their MFA is enforced, or not, by the identity provider and ' +
    'CloudTrail cannot see it. Root sign-ins are reported by aws.iam.root-console-login. Failed ' +
    'sign-ins do not match: they grant nothing (counting them is a brute-force question).',
  falsePositives: [
    'IAM users in accounts that have not rolled out MFA yet (the finding is the reason to).',
    'Break-glass users whose MFA device is kept elsewhere by design.',
  ],
  response: [
    'Confirm the sign-in with the user (address, time, browser).',
    'Require MFA for the user: assign a device and add a policy that denies everything without aws:MultiFactorAuthPresent.',
    "If the sign-in was not the user, reset the password, deactivate keys and review the session's actions.",
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['signin.amazonaws.com'], eventNames: ['ConsoleLogin'] },
  match: (e) =>
    e.actor.type === 'IAMUser' &&
    signinOutcome(e) === 'Success' &&
    mfaUsed(e) === false &&
    !federatedSignin(e),
  summary: (e) =>
    `${actorName(e)} signed in to the console without MFA from ${e.sourceIp ?? 'an unknown address'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A backdoor user signs in with its new password (Stratus Red Team, as recorded)',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: {
            type: 'IAMUser',
            principalId: 'AIDATFQR7NSCYG26CT6RI',
            arn: 'arn:aws:iam::123456789012:user/stratus-red-team-nmfalu-gfjyeaypjt',
            accountId: '123456789012',
            userName: 'stratus-red-team-nmfalu-gfjyeaypjt',
          },
          userAgent: 'stratus-red-team_01190e38-873e-4cc4-aede-7ceb7ffc2a4a',
          sourceIPAddress: '192.168.10.20',
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
        title: 'The same kind of sign-in with MFA (as recorded in the Invictus data)',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: IAM_IDENTITIES.userSignin,
          sourceIPAddress: '10.8.8.10',
          additionalEventData: {
            LoginTo:
              'https://us-east-1.console.aws.amazon.com/vpc/home?region=us-east-1&state=hashArgs%23vpcs%3A&isauthcode=true',
            MobileVersion: 'No',
            MFAIdentifier: 'arn:aws:iam::123456789012:mfa/Mobile',
            MFAUsed: 'Yes',
          },
        }),
      },
      {
        title: 'A SAML-federated sign-in through Okta (MFAUsed is always No there)',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: IAM_IDENTITIES.samlSignin,
          additionalEventData: {
            LoginTo: 'https://console.aws.amazon.com/console/home',
            MobileVersion: 'No',
            MFAUsed: 'No',
            SamlProviderArn: 'arn:aws:iam::123456789012:saml-provider/Okta',
          },
        }),
      },
      {
        title: 'A failed password attempt without MFA',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: {
            type: 'IAMUser',
            principalId: 'AIDA4XJ7LBQ5EXAMPLE01',
            accountId: '123456789012',
            accessKeyId: '',
            userName: 'alice',
          },
          outcome: 'Failure',
          errorMessage: 'Failed authentication',
          additionalEventData: {
            LoginTo:
              'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
            MobileVersion: 'No',
            MFAUsed: 'No',
          },
        }),
      },
    ],
  },
});
