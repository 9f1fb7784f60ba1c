/**
 * CloudTrail records as AWS writes them, for the simulator: the `userIdentity` shapes of the
 * callers an organisation has (Identity Center sessions, instance-profile sessions, role sessions,
 * IAM users, AWS services, web-identity and SAML federation, root) and one record builder that lays
 * the fields out in CloudTrail's order, with the details that differ by caller: `tlsDetails` only
 * for calls that reached an endpoint over the network, `sessionCredentialFromConsole` for console
 * sessions, `invokedBy` and a service name as address for calls a service made.
 */
import type { JsonObject, JsonValue } from '../model/event.js';
import { isoSeconds, type Rng } from './random.js';

export interface Caller {
  identity: JsonObject;
  address: string;
  userAgent: string;
  /** A session of the AWS console. */
  console?: boolean;
  /** An AWS service calling, on its own or a principal's behalf: no TLS details. */
  service?: boolean;
  /** The endpoint host the client called, when it is not `<service>.<region>.amazonaws.com`. */
  host?: string;
}

export interface Call {
  source: string;
  name: string;
  readOnly: boolean;
  params?: JsonValue;
  response?: JsonValue;
  resources?: JsonObject[];
  additional?: JsonObject;
  error?: { code: string; message: string };
  /** S3 object-level and other data events. */
  data?: boolean;
  eventType?: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
  /** The account the record is delivered to, when not the caller's. */
  recipient?: string;
  sharedEventId?: string;
  /** `apiVersion` some services log. */
  apiVersion?: string;
}

export function sessionAttributes(created: number, mfa: boolean): JsonObject {
  return { creationDate: isoSeconds(created), mfaAuthenticated: mfa ? 'true' : 'false' };
}

/** An assumed-role session (`AssumedRole`), with its issuer. */
export function roleSession(opts: {
  account: string;
  role: string;
  roleId: string;
  session: string;
  key: string;
  created: number;
  /** Role path, e.g. `aws-reserved/sso.amazonaws.com/` for Identity Center roles. */
  path?: string;
  /** Instance-profile credentials: `ec2RoleDelivery` and the instance's source ARN. */
  ec2?: { instanceId: string };
  mfa?: boolean;
  invokedBy?: string;
}): JsonObject {
  const issuer = {
    type: 'Role',
    principalId: opts.roleId,
    arn: `arn:aws:iam::${opts.account}:role/${opts.path ?? ''}${opts.role}`,
    accountId: opts.account,
    userName: opts.role,
  };
  const ctx: JsonObject = {
    sessionIssuer: issuer,
    webIdFederationData: {},
    attributes: sessionAttributes(opts.created, opts.mfa ?? false),
  };
  if (opts.ec2 !== undefined) {
    ctx.ec2RoleDelivery = '2.0';
  }
  const id: JsonObject = {
    type: 'AssumedRole',
    principalId: `${opts.roleId}:${opts.session}`,
    arn: `arn:aws:sts::${opts.account}:assumed-role/${opts.role}/${opts.session}`,
    accountId: opts.account,
    accessKeyId: opts.key,
    sessionContext: ctx,
  };
  if (opts.invokedBy !== undefined) id.invokedBy = opts.invokedBy;
  return id;
}

export function iamUser(opts: {
  account: string;
  name: string;
  id: string;
  key: string;
}): JsonObject {
  return {
    type: 'IAMUser',
    principalId: opts.id,
    arn: `arn:aws:iam::${opts.account}:user/${opts.name}`,
    accountId: opts.account,
    accessKeyId: opts.key,
    userName: opts.name,
  };
}

export function awsService(service: string): JsonObject {
  return { type: 'AWSService', invokedBy: service };
}

/** A caller that is an AWS service acting itself. */
export function serviceCaller(service: string): Caller {
  return { identity: awsService(service), address: service, userAgent: service, service: true };
}

/** A TLS 1.3 suite for modern SDKs and browsers, 1.2 for a few older clients. */
function tls(rng: Rng, host: string): JsonObject {
  return rng.chance(0.85)
    ? {
        tlsVersion: 'TLSv1.3',
        cipherSuite: 'TLS_AES_128_GCM_SHA256',
        clientProvidedHostHeader: host,
      }
    : {
        tlsVersion: 'TLSv1.2',
        cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256',
        clientProvidedHostHeader: host,
      };
}

const GLOBAL_HOSTS: Record<string, string> = {
  'iam.amazonaws.com': 'iam.amazonaws.com',
  'signin.amazonaws.com': 'signin.aws.amazon.com',
  'organizations.amazonaws.com': 'organizations.us-east-1.amazonaws.com',
};

/** One CloudTrail record, fields in the order CloudTrail writes them. */
export function ctEvent(
  rng: Rng,
  t: number,
  account: string,
  region: string,
  caller: Caller,
  call: Call,
): JsonObject {
  const r: JsonObject = {
    eventVersion: call.data === true ? '1.10' : '1.09',
    userIdentity: caller.identity,
    eventTime: isoSeconds(t),
    eventSource: call.source,
    eventName: call.name,
    awsRegion: region,
    sourceIPAddress: caller.address,
    userAgent: caller.userAgent,
  };
  if (call.error !== undefined) {
    r.errorCode = call.error.code;
    r.errorMessage = call.error.message;
  }
  r.requestParameters = call.params ?? null;
  r.responseElements = call.error !== undefined ? null : (call.response ?? null);
  if (call.additional !== undefined) r.additionalEventData = call.additional;
  const s3 = call.source === 's3.amazonaws.com';
  if (call.eventType !== 'AwsConsoleSignIn') {
    r.requestID = s3 ? rng.upper(16) : rng.uuid();
  }
  r.eventID = rng.uuid();
  r.readOnly = call.readOnly;
  if (call.resources !== undefined) r.resources = call.resources;
  r.eventType = call.eventType ?? 'AwsApiCall';
  if (call.apiVersion !== undefined) r.apiVersion = call.apiVersion;
  r.managementEvent = call.data !== true;
  r.recipientAccountId = call.recipient ?? account;
  if (call.sharedEventId !== undefined) r.sharedEventID = call.sharedEventId;
  r.eventCategory = call.data === true ? 'Data' : 'Management';
  if (caller.console === true && call.eventType !== 'AwsConsoleSignIn') {
    r.sessionCredentialFromConsole = 'true';
  }
  if (caller.service !== true) {
    const svc = call.source.replace(/\.amazonaws\.com$/, '');
    const host =
      caller.host ??
      GLOBAL_HOSTS[call.source] ??
      (call.eventType === 'AwsConsoleSignIn'
        ? `${region}.signin.aws.amazon.com`
        : s3
          ? `s3.${region}.amazonaws.com`
          : `${svc}.${region}.amazonaws.com`);
    r.tlsDetails = tls(rng, host);
  }
  return r;
}

const fmtExpiry = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
  hour12: true,
  timeZone: 'UTC',
});

/** `Jul 10, 2023, 12:31:14 PM`: how STS responses in CloudTrail write expiry times. */
export function stsExpiry(t: number): string {
  return fmtExpiry.format(new Date(t));
}

/** Credentials as STS returns them in `responseElements`. */
export function credentials(rng: Rng, key: string, t: number, seconds: number): JsonObject {
  return {
    accessKeyId: key,
    sessionToken: `IQoJb3JpZ2luX2Vj${rng.alnum(120)}`,
    expiration: stsExpiry(t + seconds * 1000),
  };
}

export const sessionKey = (rng: Rng) => `ASIA${rng.upper(16)}`;
