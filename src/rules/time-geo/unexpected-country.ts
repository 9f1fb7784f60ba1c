/**
 * `aws.time-geo.unexpected-country`: a console sign-in or a credential request (role assumption,
 * session token) from a country outside the organisation's expected countries. Where staff and
 * systems work from a known set of countries, a session started elsewhere is the classic sign of
 * credentials used by someone else.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  IDENTITIES,
  names,
  shift,
  where,
} from '../lib.js';
import { describeSource, fromAwsService } from '../lib/caller-source.js';
import { signinRecord } from '../lib/iam-signin.js';
import {
  SESSION_START_EVENTS,
  sessionStartFailed,
  sessionStartIsAutomation,
  sessionStarter,
  sessionStartVerb,
} from '../lib/session-start.js';

const EXPECTED = { organisation: { expectedCountries: ['US', 'GB'] } };

function unexpectedCountry(e: ApiEvent, expected: readonly string[]): string | undefined {
  const country = e.source?.country;
  if (expected.length === 0 || country === undefined) return undefined;
  return expected.includes(country) ? undefined : country;
}

export default defineApiRule({
  id: 'aws.time-geo.unexpected-country',
  title: 'Sign-in or credential request from an unexpected country',
  category: 'time-geo',
  row: 'GEO-1',
  priority: 'medium',
  mitre: ['T1078.004'],
  description:
    'ConsoleLogin, AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity or GetSessionToken ' +
    'from an address whose country (from the enrichment databases shipped with trailhound) is ' +
    'not in `organisation.expectedCountries`. These events start every console and API session, ' +
    'so judging them, not every later call, catches a stolen password or key the first time it ' +
    'is used from abroad. Addresses without a known country (private, reserved, anonymised) and ' +
    'calls made by AWS services never match; neither do the configured CI/CD (the caller or the ' +
    'role it assumes), since hosted runners live wherever their provider puts them. Root ' +
    'sign-ins are one level higher. Failed sign-ins and denied role assumptions are reported one ' +
    'level lower as attempts. Nothing is reported while expectedCountries is empty. New countries ' +
    'per principal, and impossible travel, need history and belong to the stateful rules.',
  falsePositives: [
    'Staff travelling or working from another country.',
    'VPNs and corporate proxies whose exit addresses are registered in another country.',
    'Vendors with access from their own country (add it, or suppress by principal).',
  ],
  response: [
    'Ask the person whether they signed in from there (travel, VPN).',
    'If not: end the sessions (revoke role sessions, delete the user’s console password or deactivate the key), then review what the session did.',
    'Require MFA for console access and consider an SCP or IAM condition on aws:SourceIp for sensitive roles.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html',
  ],
  knobs: {},
  assumptions: (ctx) =>
    ctx.org.expectedCountries.length > 0
      ? []
      : [
          'organisation.expectedCountries is empty: every country is expected, so this rule ' +
            'reports nothing.',
        ],
  kind: 'match',
  on: SESSION_START_EVENTS,
  match: (e, ctx) =>
    unexpectedCountry(e, ctx.org.expectedCountries) !== undefined &&
    !fromAwsService(e) &&
    !byAwsService(e) &&
    !sessionStartIsAutomation(e, ctx.org),
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (e.actor.type === 'Root' ? 1 : 0) + (sessionStartFailed(e) ? -1 : 0),
    ),
  summary: (e, ctx) =>
    `${sessionStarter(e, actorName(e))} ${sessionStartVerb(e)} from ${describeSource(e)}, outside ` +
    `the expected countries ${names(ctx.org.expectedCountries, 5)}, ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A console sign-in from Russia while only US and GB are expected',
        config: EXPECTED,
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: {
            type: 'IAMUser',
            principalId: 'AIDA4XJ7LBQ5EXAMPLE01',
            arn: 'arn:aws:iam::123456789012:user/alice',
            accountId: '123456789012',
            userName: 'alice',
          },
          sourceIPAddress: '5.45.207.1',
          additionalEventData: {
            LoginTo: 'https://console.aws.amazon.com/console/home',
            MobileVersion: 'No',
            MFAUsed: 'No',
          },
        }),
      },
      {
        title: 'AssumeRole with an access key from Nigeria',
        config: EXPECTED,
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'AssumeRole',
          sourceIPAddress: '41.203.64.1',
          readOnly: true,
          requestParameters: {
            roleArn: 'arn:aws:iam::123456789012:role/billing-admin',
            roleSessionName: 'aws-go-sdk-1767323045',
            durationSeconds: 3600,
          },
          responseElements: {
            credentials: {
              accessKeyId: 'ASIA4XJ7LBQ5EXAMPL13',
              sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
              expiration: 'Jan 2, 2026, 4:04:05 AM',
            },
            assumedRoleUser: {
              assumedRoleId: 'AROA4XJ7LBQ5EXAMPLE13:aws-go-sdk-1767323045',
              arn: 'arn:aws:sts::123456789012:assumed-role/billing-admin/aws-go-sdk-1767323045',
            },
          },
          resources: [
            {
              accountId: '123456789012',
              type: 'AWS::IAM::Role',
              ARN: 'arn:aws:iam::123456789012:role/billing-admin',
            },
          ],
          host: 'sts.us-east-1.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'A console sign-in from the United States',
        config: EXPECTED,
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: {
            type: 'IAMUser',
            principalId: 'AIDA4XJ7LBQ5EXAMPLE01',
            arn: 'arn:aws:iam::123456789012:user/alice',
            accountId: '123456789012',
            userName: 'alice',
          },
          sourceIPAddress: '8.8.8.8',
          additionalEventData: { MobileVersion: 'No', MFAUsed: 'Yes' },
        }),
      },
      {
        title: 'The deployment role assumed from a hosted runner abroad',
        config: {
          organisation: {
            expectedCountries: ['US', 'GB'],
            automationArns: ['arn:aws:iam::123456789012:role/deploy-*'],
          },
        },
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'AssumeRole',
          identity: IDENTITIES.ci,
          sourceIPAddress: '85.214.132.117',
          readOnly: true,
          requestParameters: {
            roleArn: 'arn:aws:iam::123456789012:role/deploy-terraform',
            roleSessionName: 'terraform-apply',
          },
        }),
      },
      {
        title: 'An Amazon Inspector service call (the source is a service name)',
        config: EXPECTED,
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'AssumeRole',
          identity: { type: 'AWSService', invokedBy: 'inspector2.amazonaws.com' },
          sourceIPAddress: 'inspector2.amazonaws.com',
          userAgent: 'inspector2.amazonaws.com',
          readOnly: true,
          requestParameters: {
            roleArn:
              'arn:aws:iam::123456789012:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2',
            roleSessionName: 'MandoService-4719190630289683262',
            durationSeconds: 3600,
          },
        }),
      },
    ],
  },
});
