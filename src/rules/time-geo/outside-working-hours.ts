/**
 * `aws.time-geo.outside-working-hours`: a console sign-in or a credential request (role
 * assumption, session token) outside the organisation's working hours, in its own time zone.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  IDENTITIES,
  shift,
  where,
} from '../lib.js';
import { fromAwsService } from '../lib/caller-source.js';
import { signinRecord } from '../lib/iam-signin.js';
import {
  SESSION_START_EVENTS,
  sessionStartFailed,
  sessionStartIsAutomation,
  sessionStarter,
  sessionStartVerb,
} from '../lib/session-start.js';
import {
  describeWorkingHours,
  isKnownTimeZone,
  localTime,
  withinWorkingHours,
  type WorkingHours,
} from '../lib/working-hours.js';

const BERLIN_OFFICE = {
  organisation: {
    workingHours: {
      timeZone: 'Europe/Berlin',
      start: '08:00',
      end: '18:00',
      days: [1, 2, 3, 4, 5],
    },
  },
};

const ALICE_SIGNIN = {
  type: 'IAMUser',
  principalId: 'AIDA4XJ7LBQ5EXAMPLE01',
  arn: 'arn:aws:iam::123456789012:user/alice',
  accountId: '123456789012',
  userName: 'alice',
};

function outsideHours(e: ApiEvent, hours: WorkingHours | undefined): boolean {
  return hours !== undefined && withinWorkingHours(e.time, hours) === false;
}

export default defineApiRule({
  id: 'aws.time-geo.outside-working-hours',
  title: 'Sign-in or credential request outside working hours',
  category: 'time-geo',
  row: 'GEO-1',
  priority: 'low',
  mitre: ['T1078.004'],
  description:
    'ConsoleLogin, AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity or GetSessionToken ' +
    'at a time that falls outside `organisation.workingHours` (days, start and end, read in the ' +
    'configured IANA time zone, daylight saving included; a shift whose end is before its start ' +
    'runs past midnight). An odd hour alone is weak evidence, so the rule is low priority: it is ' +
    'most useful next to other findings for the same principal, or when combined with a new ' +
    'country. Root sign-ins are one level higher; failed sign-ins and denied role assumptions ' +
    'are one level lower. The configured CI/CD (the caller or the role it assumes) and calls made ' +
    'by AWS services never match, since machines keep no hours. Nothing is reported while ' +
    'workingHours is not configured, or when its time zone is unknown to the runtime (the finding ' +
    'assumptions say so).',
  falsePositives: [
    'On-call engineers responding to incidents at night or at weekends.',
    'Staff in other time zones than the configured one.',
  ],
  response: [
    'Check whether the person was on call or travelling; look at what the session did.',
    'If nobody can account for it: end the sessions and rotate the credentials used.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
    'https://www.iana.org/time-zones',
  ],
  knobs: {},
  assumptions: (ctx) => {
    const hours = ctx.org.workingHours;
    if (hours === undefined) {
      return [
        'organisation.workingHours is not configured: there are no odd hours, so this rule ' +
          'reports nothing.',
      ];
    }
    if (!isKnownTimeZone(hours.timeZone)) {
      return [
        `organisation.workingHours.timeZone ${JSON.stringify(hours.timeZone)} is not a time zone ` +
          'this Node runtime knows: working hours are not checked.',
      ];
    }
    return [];
  },
  kind: 'match',
  on: SESSION_START_EVENTS,
  match: (e, ctx) =>
    outsideHours(e, ctx.org.workingHours) &&
    !fromAwsService(e) &&
    !byAwsService(e) &&
    !sessionStartIsAutomation(e, ctx.org),
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'low'),
      (e.actor.type === 'Root' ? 1 : 0) + (sessionStartFailed(e) ? -1 : 0),
    ),
  summary: (e, ctx) => {
    const hours = ctx.org.workingHours;
    const local = hours === undefined ? undefined : localTime(e.time, hours.timeZone);
    const when = local === undefined ? 'at an unknown local time' : `at ${local.text} local time`;
    const window = hours === undefined ? '' : ` (working hours ${describeWorkingHours(hours)})`;
    return `${sessionStarter(e, actorName(e))} ${sessionStartVerb(e)} ${when}, outside working hours${window}, ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A console sign-in at 23:30 on a Friday in Berlin',
        config: BERLIN_OFFICE,
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: ALICE_SIGNIN,
          eventTime: '2026-01-02T22:30:12Z',
          additionalEventData: {
            LoginTo: 'https://console.aws.amazon.com/console/home',
            MobileVersion: 'No',
            MFAUsed: 'Yes',
          },
        }),
      },
      {
        title: 'GetSessionToken on a Saturday morning',
        config: BERLIN_OFFICE,
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetSessionToken',
          eventTime: '2026-01-03T09:41:07Z',
          readOnly: true,
          requestParameters: { durationSeconds: 129600 },
          responseElements: {
            credentials: {
              accessKeyId: 'ASIA4XJ7LBQ5EXAMPL14',
              sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
              expiration: 'Jan 4, 2026, 9:41:07 PM',
            },
          },
          host: 'sts.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'A console sign-in at 10:00 on a Friday in Berlin',
        config: BERLIN_OFFICE,
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: ALICE_SIGNIN,
          eventTime: '2026-01-02T09:00:00Z',
          additionalEventData: { MobileVersion: 'No', MFAUsed: 'Yes' },
        }),
      },
      {
        title: 'The deployment role assumed at night by the pipeline',
        config: {
          organisation: {
            ...BERLIN_OFFICE.organisation,
            automationArns: ['arn:aws:iam::123456789012:role/deploy-*'],
          },
        },
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'AssumeRole',
          identity: IDENTITIES.ci,
          eventTime: '2026-01-03T02:00:00Z',
          readOnly: true,
          requestParameters: {
            roleArn: 'arn:aws:iam::123456789012:role/deploy-terraform',
            roleSessionName: 'terraform-apply',
          },
        }),
      },
      {
        title: 'A night-time sign-in when no working hours are configured',
        record: signinRecord({
          eventName: 'ConsoleLogin',
          identity: ALICE_SIGNIN,
          eventTime: '2026-01-03T01:14:00Z',
          additionalEventData: { MobileVersion: 'No', MFAUsed: 'Yes' },
        }),
      },
    ],
  },
});
