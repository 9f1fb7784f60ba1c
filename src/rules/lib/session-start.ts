/**
 * The events by which a person or program starts working in an account: console sign-ins and the
 * STS calls that hand out credentials. Time and place rules judge these rather than every call,
 * since each session begins with one of them. Here: which events they are, whether one failed
 * (a console sign-in failure has no `errorCode`), whether it belongs to automation (for role
 * assumptions, the role being assumed counts too), and how a summary words it.
 */
import type { Organisation } from '../../config/schema.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
import { isAutomation, reqString } from '../lib.js';
import { lastSegment } from './caller.js';
import { signinOutcome } from './iam-signin.js';

/** Event names the time and place rules listen to, by event source. */
export const SESSION_START_EVENTS = {
  eventSource: ['signin.amazonaws.com', 'sts.amazonaws.com'],
  eventNames: [
    'ConsoleLogin',
    'AssumeRole',
    'AssumeRoleWithSAML',
    'AssumeRoleWithWebIdentity',
    'GetSessionToken',
  ],
} as const;

/** True when the sign-in or credential request failed. */
export function sessionStartFailed(e: ApiEvent): boolean {
  if (e.eventSource === 'signin.amazonaws.com') return signinOutcome(e) === 'Failure';
  return e.errorCode !== undefined;
}

/**
 * True when the event belongs to the organisation's automation: the caller is automation, or the
 * role it assumes is (a pipeline's web-identity or SAML caller has no ARN of its own).
 */
export function sessionStartIsAutomation(e: ApiEvent, org: Organisation): boolean {
  return isAutomation(e, org) || matchesAny(org.automationArns, reqString(e, 'roleArn'));
}

/** `signed in to the console`, `assumed role deploy`, `obtained a session token`, … */
export function sessionStartVerb(e: ApiEvent): string {
  const failed = sessionStartFailed(e);
  const role = reqString(e, 'roleArn');
  const roleText = role === undefined ? 'a role' : `role ${lastSegment(role)}`;
  switch (e.eventName) {
    case 'ConsoleLogin':
      return failed ? 'failed to sign in to the console' : 'signed in to the console';
    case 'GetSessionToken':
      return failed ? 'tried to obtain a session token' : 'obtained a session token';
    case 'AssumeRoleWithSAML':
      return `${failed ? 'tried to assume' : 'assumed'} ${roleText} through SAML`;
    case 'AssumeRoleWithWebIdentity':
      return `${failed ? 'tried to assume' : 'assumed'} ${roleText} with a web identity`;
    default:
      return `${failed ? 'tried to assume' : 'assumed'} ${roleText}`;
  }
}

/**
 * Who a summary names for a session start. Web-identity and SAML callers have no ARN; CloudTrail
 * gives their user name and provider instead, which reads better than the principal id alone.
 */
export function sessionStarter(e: ApiEvent, fallback: string): string {
  if (e.actor.arn !== undefined) return fallback;
  const user = e.actor.userName;
  return user === undefined ? fallback : `${fallback} (${user})`;
}
