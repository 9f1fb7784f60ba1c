/**
 * What a rule can tell about the credentials behind an event beyond `lib.ts`'s automation check:
 * jump users, instance-role sessions, temporary versus long-term keys, console sessions, and the
 * account an ARN belongs to. These read only the record; where the network address matters, see
 * `source.ts`. Everything here is pure and never throws on odd data.
 */
import type { Organisation } from '../../config/schema.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
import { bool, isAutomation, str } from '../lib.js';

/**
 * True when the actor is one of the organisation's approved jump users: its ARN or, for an
 * assumed role, the role's ARN matches `jumpUsers`.
 */
export function isJumpUser(e: ApiEvent, org: Organisation): boolean {
  return (
    matchesAny(org.jumpUsers, e.actor.arn) || matchesAny(org.jumpUsers, e.actor.sessionIssuerArn)
  );
}

/** True when the configuration names any CI/CD identity or user agent. */
export function automationConfigured(org: Organisation): boolean {
  return org.automationArns.length > 0 || org.automationUserAgents.length > 0;
}

/** True when the event is neither automation nor an approved jump user. */
export function isUnexpectedOperator(e: ApiEvent, org: Organisation): boolean {
  return !isAutomation(e, org) && !isJumpUser(e, org);
}

/** The 12-digit account of an ARN (`arn:aws:iam::123456789012:role/x`), else undefined. */
export function accountOfArn(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const parts = arn.split(':');
  const account = parts[4];
  return parts[0] === 'arn' && account !== undefined && /^\d{12}$/.test(account)
    ? account
    : undefined;
}

/** The last path segment of an ARN's resource (`role/path/name` → `name`). */
export function lastSegment(arn: string): string {
  // The resource starts after the fifth colon; found by scanning, since this runs for most events.
  let at = -1;
  for (let i = 0; i < 5; i++) {
    at = arn.indexOf(':', at + 1);
    if (at === -1) return '';
  }
  const slash = arn.lastIndexOf('/');
  return arn.slice(slash > at ? slash + 1 : at + 1);
}

/** The session name of an assumed-role ARN (`…:assumed-role/Role/session` → `session`). */
export function sessionName(e: ApiEvent): string | undefined {
  const arn = e.actor.arn;
  if (arn === undefined || !arn.includes(':assumed-role/')) return undefined;
  const name = lastSegment(arn);
  return name.length > 0 ? name : undefined;
}

const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * For credentials that EC2 delivered to an instance through its instance profile: the instance id
 * (the session name EC2 gives such sessions) or, when only the delivery marker is present, the
 * string `an instance`. Undefined for every other kind of credential.
 */
export function instanceCredential(e: ApiEvent): string | undefined {
  if (e.actor.type !== 'AssumedRole') return undefined;
  const session = sessionName(e);
  if (session !== undefined && INSTANCE_ID.test(session)) return session;
  // `ec2RoleDelivery` ("1.0" or "2.0", the IMDS version) marks instance-profile sessions even
  // when a tool has chosen another session name.
  return str(e.raw, 'userIdentity', 'sessionContext', 'ec2RoleDelivery') === undefined
    ? undefined
    : 'an instance';
}

/** Access keys of temporary credentials start `ASIA`, long-term IAM user and root keys `AKIA`. */
export function isTemporaryKey(e: ApiEvent): boolean {
  return e.actor.accessKeyId?.startsWith('ASIA') === true;
}

export function isLongTermKey(e: ApiEvent): boolean {
  return e.actor.accessKeyId?.startsWith('AKIA') === true;
}

/**
 * True for calls the AWS Management Console made for a signed-in user: CloudTrail marks newer
 * records with `sessionCredentialFromConsole`, older ones only show it in the user agent (a
 * browser, `AWS Internal`, or the console's own Java and `aws-internal` clients).
 */
export function isConsoleSession(e: ApiEvent): boolean {
  if (bool(e.raw, 'sessionCredentialFromConsole') === true) return true;
  const ua = e.userAgent;
  if (ua === undefined) return false;
  return (
    ua === 'AWS Internal' ||
    ua.startsWith('Mozilla/') ||
    ua.startsWith('aws-internal/') ||
    ua.includes('console.amazonaws.com') ||
    ua.includes('console.aws.amazon.com')
  );
}
