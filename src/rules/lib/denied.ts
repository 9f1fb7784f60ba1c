/**
 * Refused calls: the error codes AWS services write when a caller was not allowed to make a call,
 * as opposed to other failures (a missing resource, throttling, a bad parameter), where the caller
 * was allowed and the service did the work of answering. Rules that learn what a principal uses
 * leave refusals out; rules about permission probing count them.
 */
import type { ApiEvent } from '../../model/event.js';

/**
 * Query-protocol services write AccessDenied, JSON ones AccessDeniedException, EC2
 * UnauthorizedOperation (`Client.` prefixed in CloudTrail), SNS AuthorizationError.
 */
export const DENIED_CODES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
  'AuthorizationError',
  'AuthorizationErrorException',
]);

/** True when the call was refused for lack of permission. */
export function refused(e: ApiEvent): boolean {
  return e.errorCode !== undefined && DENIED_CODES.has(e.errorCode);
}

/**
 * True for a session of an IAM Identity Center permission set: a person signed in through
 * Identity Center (role `AWSReservedSSO_…` under the path `/aws-reserved/sso.amazonaws.com/`).
 */
export function isIdentityCenterSession(e: ApiEvent): boolean {
  const a = e.actor;
  return (
    a.type === 'AssumedRole' &&
    ((a.arn !== undefined && a.arn.includes(':assumed-role/AWSReservedSSO_')) ||
      (a.sessionIssuerArn !== undefined &&
        a.sessionIssuerArn.includes(':role/aws-reserved/sso.amazonaws.com/')))
  );
}
