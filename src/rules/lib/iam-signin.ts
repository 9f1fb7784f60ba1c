/**
 * Console sign-in events (`signin.amazonaws.com`) for the IAM rules: their outcome, which sits in
 * `responseElements.<EventName>` rather than in `errorCode` (a failed ConsoleLogin carries only
 * `errorMessage: "Failed authentication"`), whether MFA was used, whether the sign-in came through
 * a SAML or IAM Identity Center federation (where MFA is the identity provider's business), and a
 * builder for example records in the sign-in shape (`eventType: AwsConsoleSignIn`, no request id).
 */
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { ctRecord, str } from '../lib.js';
import type { CtRecordInput } from '../lib.js';

/** `Success`, `Failure`, or undefined when the record does not say. */
export function signinOutcome(e: ApiEvent): 'Success' | 'Failure' | undefined {
  const v = str(e.response, e.eventName)?.toLowerCase();
  if (v === 'success') return 'Success';
  if (v === 'failure') return 'Failure';
  if (e.errorCode !== undefined || e.errorMessage !== undefined) return 'Failure';
  return undefined;
}

/** `additionalEventData.MFAUsed` as a boolean; undefined when absent. */
export function mfaUsed(e: ApiEvent): boolean | undefined {
  const v = str(e.additional, 'MFAUsed')?.toLowerCase();
  return v === 'yes' ? true : v === 'no' ? false : undefined;
}

/**
 * True for sign-ins federated through SAML or IAM Identity Center: a SAML provider named in
 * `additionalEventData`, a SAMLUser / WebIdentityUser / FederatedUser identity, an assumed-role
 * session (Identity Center and SAML sign-ins appear as AssumedRole), or an Identity Center role.
 */
export function federatedSignin(e: ApiEvent): boolean {
  if (str(e.additional, 'SamlProviderArn') !== undefined) return true;
  const t = e.actor.type;
  if (t === 'SAMLUser' || t === 'WebIdentityUser' || t === 'FederatedUser' || t === 'AssumedRole') {
    return true;
  }
  const arn = e.actor.arn ?? '';
  return (
    arn.includes(':assumed-role/AWSReservedSSO_') ||
    arn.includes('/aws-reserved/sso.amazonaws.com/')
  );
}

/** The sign-in event's input: the identity and the outcome; the rest follows the sign-in shape. */
export interface SigninInput {
  eventName: string;
  identity: JsonObject;
  outcome?: 'Success' | 'Failure';
  additionalEventData?: JsonObject;
  eventTime?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorMessage?: string;
  awsRegion?: string;
}

const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/**
 * A sign-in record as CloudTrail writes it: `requestParameters: null`, the outcome under the event
 * name in `responseElements`, `eventType: AwsConsoleSignIn`, no `requestID`, and the sign-in host.
 */
export function signinRecord(input: SigninInput): JsonObject {
  const base: CtRecordInput = {
    eventSource: 'signin.amazonaws.com',
    eventName: input.eventName,
    identity: input.identity,
    requestParameters: null,
    responseElements: { [input.eventName]: input.outcome ?? 'Success' },
    userAgent: input.userAgent ?? BROWSER,
    host: 'signin.aws.amazon.com',
  };
  if (input.additionalEventData !== undefined) base.additionalEventData = input.additionalEventData;
  if (input.eventTime !== undefined) base.eventTime = input.eventTime;
  if (input.sourceIPAddress !== undefined) base.sourceIPAddress = input.sourceIPAddress;
  if (input.errorMessage !== undefined) base.errorMessage = input.errorMessage;
  if (input.awsRegion !== undefined) base.awsRegion = input.awsRegion;
  const record = ctRecord(base);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(record)) {
    if (k === 'requestID') continue;
    out[k] = k === 'eventType' ? 'AwsConsoleSignIn' : v;
  }
  return out;
}
