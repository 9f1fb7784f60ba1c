/**
 * Session starts as the stateful time and place rules (GEO-1, behaviour over time) learn them:
 * which sign-ins and credential requests count (successful ones by people and programs, not AWS
 * services or the configured automation), whether the address has a place worth learning (a
 * public or internal address with a country, not an AWS, private, service or malformed one), the
 * facts a summary needs, and builders for the console sign-ins and role assumptions the rule
 * examples are stories of.
 */
import type { Organisation } from '../../config/schema.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { ctRecord, USER_AGENTS } from '../lib.js';
import { signinRecord } from './iam-signin.js';
import { serviceCall, sourceFacts } from './principal-behaviour.js';
import { sessionStartFailed, sessionStartIsAutomation, sessionStartVerb } from './session-start.js';

/**
 * True for a successful console sign-in or credential request by a person or program: failed
 * attempts teach nothing about where a principal works (the brute-force rules count them), AWS
 * services and the configured automation start sessions from wherever they run.
 */
export function learnableSessionStart(e: ApiEvent, org: Organisation): boolean {
  return !sessionStartFailed(e) && !serviceCall(e) && !sessionStartIsAutomation(e, org);
}

/**
 * True when enrichment placed the address: a public address (or one of the organisation's own,
 * `internal`) with a known country. AWS addresses (EC2, Lambda, CloudShell) are where a workload
 * runs, not where a person is; private, service and malformed values have no place.
 */
export function placed(e: ApiEvent): boolean {
  const s = e.source;
  return (
    s !== undefined && (s.class === 'public' || s.class === 'internal') && s.country !== undefined
  );
}

/** The place and what happened, for a summary: address facts, the verb, the identity type. */
export function sessionFacts(e: ApiEvent): Record<string, string | number> {
  return { ...sourceFacts(e), verb: sessionStartVerb(e), actorType: e.actor.type ?? 'unknown' };
}

// ---------------------------------------------------------------------------------------------
// Example records
// ---------------------------------------------------------------------------------------------

/** An IAM user as sign-in records show it (no access key: the console session has none yet). */
export const SIGNIN_USER: JsonObject = {
  type: 'IAMUser',
  principalId: 'AIDA4XJ7LBQ5EXAMPLE01',
  arn: 'arn:aws:iam::123456789012:user/alice',
  accountId: '123456789012',
  userName: 'alice',
};

export interface LoginInput {
  eventTime: string;
  sourceIPAddress: string;
  identity?: JsonObject;
  outcome?: 'Success' | 'Failure';
}

/** A ConsoleLogin as CloudTrail writes it; a failure carries `Failed authentication`. */
export function consoleLogin(input: LoginInput): JsonObject {
  const failure = input.outcome === 'Failure';
  return signinRecord({
    eventName: 'ConsoleLogin',
    identity: input.identity ?? SIGNIN_USER,
    outcome: input.outcome ?? 'Success',
    eventTime: input.eventTime,
    sourceIPAddress: input.sourceIPAddress,
    ...(failure ? { errorMessage: 'Failed authentication' } : {}),
    additionalEventData: {
      LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
      MobileVersion: 'No',
      MFAUsed: failure ? 'No' : 'Yes',
    },
  });
}

export interface AssumeInput {
  eventTime: string;
  sourceIPAddress: string;
  identity?: JsonObject | 'user';
  roleArn?: string;
  userAgent?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** STS logs credential expiry as `Jan 2, 2026, 4:04:05 AM` (UTC). */
function stsTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ` +
    `${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ` +
    `${h < 12 ? 'AM' : 'PM'}`
  );
}

/** An AssumeRole with the credentials STS handed out, as CloudTrail writes it. */
export function assumeRole(input: AssumeInput): JsonObject {
  const roleArn = input.roleArn ?? 'arn:aws:iam::123456789012:role/billing-admin';
  const role = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  const session = `aws-cli-${Date.parse(input.eventTime) / 1000}`;
  const expiry = stsTime(Date.parse(input.eventTime) + 3_600_000);
  return ctRecord({
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    identity: input.identity ?? 'user',
    eventTime: input.eventTime,
    sourceIPAddress: input.sourceIPAddress,
    userAgent: input.userAgent ?? USER_AGENTS.cli,
    readOnly: true,
    requestParameters: { roleArn, roleSessionName: session, durationSeconds: 3600 },
    responseElements: {
      credentials: {
        accessKeyId: 'ASIA4XJ7LBQ5EXAMPL31',
        sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
        expiration: expiry,
      },
      assumedRoleUser: {
        assumedRoleId: `AROA4XJ7LBQ5EXAMPLE31:${session}`,
        arn: `arn:aws:sts::123456789012:assumed-role/${role}/${session}`,
      },
    },
    resources: [{ accountId: '123456789012', type: 'AWS::IAM::Role', ARN: roleArn }],
    host: 'sts.amazonaws.com',
  });
}

// ---------------------------------------------------------------------------------------------
// Failed sign-ins
// ---------------------------------------------------------------------------------------------

/** What AWS writes as the user name of a sign-in to a user name that does not exist. */
export const HIDDEN_USER = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/**
 * The user a console sign-in was for: its ARN when the record has one, else `user NAME of
 * account N`. Sign-ins to user names that do not exist all read `unknown user names of account
 * N`, since AWS hides the name typed.
 */
export function signinTarget(e: ApiEvent): string | undefined {
  const a = e.actor;
  if (a.arn !== undefined) return a.arn;
  const account = a.accountId ?? e.account ?? 'an unknown account';
  const user = a.userName;
  if (user === undefined || user === HIDDEN_USER) {
    return a.principalId ?? `unknown user names of account ${account}`;
  }
  return `user ${user} of account ${account}`;
}
