/**
 * `aws.compute.cloudshell-used`: AWS CloudShell opened, or files moved in or out of it, by an
 * identity outside the approved jump users. CloudShell is a shell with the caller's console
 * credentials already loaded: someone who has taken over a console session gets the full CLI
 * without installing anything or presenting an access key.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import type { CtRecordInput } from '../lib.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  shift,
  str,
  where,
} from '../lib.js';
import { isUnexpectedOperator } from '../lib/caller.js';

const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const ENVIRONMENT = 'e9e02006-a581-4d3c-b49c-e66712765d4d';

function what(e: ApiEvent): string {
  const env = str(e.request, 'EnvironmentId');
  const onEnv = env === undefined ? '' : ` on environment ${env}`;
  const requested = failed(e) ? 'tried to request' : 'requested';
  switch (e.eventName) {
    case 'CreateEnvironment':
      return `${failed(e) ? 'tried to create' : 'created'} a CloudShell environment`;
    case 'GetFileUploadUrls':
      return `${requested} a file upload into CloudShell${onEnv}`;
    case 'GetFileDownloadUrls':
      return `${requested} a file download out of CloudShell${onEnv}`;
    default:
      return `${failed(e) ? 'tried to open' : 'opened'} a CloudShell session${onEnv}`;
  }
}

/** A console session as CloudShell records show it. */
function consoleRecord(eventName: string, extra: Partial<CtRecordInput> = {}): JsonObject {
  const record = ctRecord({
    eventSource: 'cloudshell.amazonaws.com',
    eventName,
    identity: 'role',
    userAgent: BROWSER,
    ...extra,
  });
  record.sessionCredentialFromConsole = 'true';
  return record;
}

export default defineApiRule({
  id: 'aws.compute.cloudshell-used',
  title: 'AWS CloudShell used outside the approved jump users',
  category: 'compute',
  row: null,
  priority: 'low',
  mitre: ['T1059.009'],
  description:
    'A CloudShell environment created (CreateEnvironment), a CloudShell session opened ' +
    '(CreateSession), or a file uploaded into or downloaded from CloudShell (GetFileUploadUrls, ' +
    'GetFileDownloadUrls), by an identity that is neither in `organisation.jumpUsers` nor the ' +
    'configured automation. CloudShell runs the AWS CLI with the console user’s credentials ' +
    'already in place; an attacker who has hijacked a console session (a stolen session cookie, ' +
    'a phished SSO login) uses it to run the CLI without an access key, and uploads tools or ' +
    'downloads collected data through its file transfer. CloudTrail records these calls under ' +
    '`cloudshell.amazonaws.com`; the CLI calls made inside the shell carry `exec-env/CloudShell` ' +
    'in their user agent. Findings group per principal, so one session is one finding. ' +
    'Heartbeats, credential refreshes and environment status calls do not match. Failed calls ' +
    '(AccessDenied when CloudShell is denied by policy) are reported one level lower: someone ' +
    'tried to get a shell. Triage: who, from which address and country, and what the CLI calls ' +
    'with `exec-env/CloudShell` in the user agent did next.',
  falsePositives: [
    'Engineers who use CloudShell for everyday work and are not listed as jump users.',
    'Training and sandbox accounts.',
  ],
  response: [
    'Confirm with the user that the session was theirs; compare the source address with their usual ones.',
    'Review the calls with `exec-env/CloudShell` in the user agent from the same principal during the session.',
    'If the session was not theirs: revoke the console session (for roles, revoke active sessions; for IAM Identity Center, end the user’s sessions) and reset the user’s credentials.',
    'Deny cloudshell:* to principals that do not need it.',
  ],
  references: [
    'https://docs.aws.amazon.com/cloudshell/latest/userguide/logging-and-monitoring.html',
    'https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html',
    'https://attack.mitre.org/techniques/T1059/009/',
  ],
  knobs: {},
  assumptions: (ctx) =>
    ctx.org.jumpUsers.length > 0
      ? []
      : [
          'No jump users are configured (organisation.jumpUsers): every CloudShell session by a ' +
            'person is reported.',
        ],
  kind: 'match',
  on: {
    eventSource: ['cloudshell.amazonaws.com'],
    eventNames: ['CreateEnvironment', 'CreateSession', 'GetFileUploadUrls', 'GetFileDownloadUrls'],
  },
  match: (e, ctx) => !byAwsService(e) && isUnexpectedOperator(e, ctx.org),
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'low'), failed(e) ? -1 : 0),
  summary: (e) => `${actorName(e)} ${what(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'An SSO administrator opens a CloudShell session from the console',
        record: consoleRecord('CreateSession', {
          requestParameters: { EnvironmentId: ENVIRONMENT },
        }),
      },
      {
        title: 'A file downloaded out of CloudShell',
        record: consoleRecord('GetFileDownloadUrls', {
          readOnly: true,
          requestParameters: { EnvironmentId: ENVIRONMENT },
        }),
      },
      {
        title: 'An IAM user denied CloudShell (CreateEnvironment, AccessDenied)',
        record: consoleRecord('CreateEnvironment', {
          identity: 'user',
          awsRegion: 'ap-south-1',
          errorCode: 'AccessDenied',
          errorMessage:
            'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: cloudshell:CreateEnvironment on resource: arn:aws:cloudshell:ap-south-1:123456789012:environment/* because no identity-based policy allows the cloudshell:CreateEnvironment action',
        }),
      },
    ],
    miss: [
      {
        title: 'An approved jump user opens a session',
        config: {
          organisation: {
            jumpUsers: [
              'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_*',
            ],
          },
        },
        record: consoleRecord('CreateSession', {
          requestParameters: { EnvironmentId: ENVIRONMENT },
        }),
      },
      {
        title: 'A heartbeat of a session already open',
        record: consoleRecord('SendHeartBeat', {
          requestParameters: { EnvironmentId: ENVIRONMENT },
        }),
      },
    ],
  },
});
