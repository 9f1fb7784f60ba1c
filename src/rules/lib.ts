/**
 * Small helpers shared by rule files: who the actor is in words, whether an event comes from the
 * organisation's automation, safe getters into request and response objects, priority arithmetic
 * for attempts and sensitive targets, and `ctRecord`, which builds the full CloudTrail records the
 * rule examples are made of. Everything here is pure and never throws on odd data.
 */
import { createHash } from 'node:crypto';
import { PRIORITIES } from '../config/schema.js';
import type { Organisation, Priority } from '../config/schema.js';
import type { ApiEvent, JsonObject, JsonValue } from '../model/event.js';
import { matchesAny, matchesAnyIgnoreCase } from '../util/glob.js';

// ---------------------------------------------------------------------------------------------
// Reading request and response objects
// ---------------------------------------------------------------------------------------------

type Step = string | number;

function flipFirst(name: string): string {
  const first = name.charAt(0);
  const flipped = first === first.toLowerCase() ? first.toUpperCase() : first.toLowerCase();
  return flipped + name.slice(1);
}

/**
 * An own property of `o`. CloudTrail writes the parameters of most JSON services in camelCase
 * (`configurationRecorderName`) but a few services (Security Hub, some REST APIs) keep the API's
 * PascalCase, so the name with its first letter's case flipped is tried too.
 */
export function field(o: JsonObject, name: string): JsonValue | undefined {
  if (Object.hasOwn(o, name)) return o[name];
  const alt = flipFirst(name);
  return alt !== name && Object.hasOwn(o, alt) ? o[alt] : undefined;
}

/** Follows `path` through objects (by key) and arrays (by index); undefined when it breaks. */
export function at(v: JsonValue | undefined, ...path: Step[]): JsonValue | undefined {
  let cur: JsonValue | undefined = v;
  for (const step of path) {
    if (cur === undefined || cur === null || typeof cur !== 'object') return undefined;
    if (typeof step === 'number') {
      cur = Array.isArray(cur) ? cur[step] : undefined;
    } else {
      cur = Array.isArray(cur) ? undefined : field(cur, step);
    }
  }
  return cur;
}

/** A non-empty string (numbers are turned into strings), else undefined. */
export function str(v: JsonValue | undefined, ...path: Step[]): string | undefined {
  const x = at(v, ...path);
  if (typeof x === 'string') return x.length > 0 ? x : undefined;
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  return undefined;
}

/** A boolean; exports and some producers write `"true"` / `"false"` as strings. */
export function bool(v: JsonValue | undefined, ...path: Step[]): boolean | undefined {
  const x = at(v, ...path);
  if (typeof x === 'boolean') return x;
  if (typeof x === 'string') {
    const s = x.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return undefined;
}

/** A finite number, also from a numeric string. */
export function num(v: JsonValue | undefined, ...path: Step[]): number | undefined {
  const x = at(v, ...path);
  if (typeof x === 'number') return Number.isFinite(x) ? x : undefined;
  if (typeof x === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(x)) return Number(x);
  return undefined;
}

/** An object, else undefined. */
export function obj(v: JsonValue | undefined, ...path: Step[]): JsonObject | undefined {
  const x = at(v, ...path);
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? x : undefined;
}

/**
 * A list: arrays as they are, a single value as a one-element list, nothing as an empty list.
 * XML-born records (S3, EC2) log a one-element list as the bare element.
 */
export function list(v: JsonValue | undefined, ...path: Step[]): JsonValue[] {
  const x = at(v, ...path);
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x : [x];
}

/** The strings of a list, skipping anything that is not a non-empty string. */
export function strings(v: JsonValue | undefined, ...path: Step[]): string[] {
  return list(v, ...path).filter((x): x is string => typeof x === 'string' && x.length > 0);
}

/**
 * Values as newer EC2 APIs log them: a bare string, `{"tag": 1, "content": "fl-…"}`, an
 * `{"item": …}` / `{"items": …}` list wrapper, or an array of any of these.
 */
export function ec2Values(v: JsonValue | undefined, ...path: Step[]): string[] {
  const out: string[] = [];
  const visit = (x: JsonValue | undefined, depth: number): void => {
    if (x === undefined || x === null || depth > 4) return;
    if (typeof x === 'string') {
      if (x.length > 0) out.push(x);
    } else if (typeof x === 'number') {
      out.push(String(x));
    } else if (Array.isArray(x)) {
      for (const y of x) visit(y, depth + 1);
    } else if (typeof x === 'object') {
      if (Object.hasOwn(x, 'content')) visit(x.content, depth + 1);
      else if (Object.hasOwn(x, 'item')) visit(x.item, depth + 1);
      else if (Object.hasOwn(x, 'items')) visit(x.items, depth + 1);
    }
  };
  visit(at(v, ...path), 0);
  return out;
}

/** The first request parameter, among several spellings, that holds a non-empty string. */
export function reqString(e: ApiEvent, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = str(e.request, n);
    if (v !== undefined) return v;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The actor and the organisation's profile
// ---------------------------------------------------------------------------------------------

/**
 * How a summary names the actor: the ARN when CloudTrail gives one (it carries the account and,
 * for roles, the session name), else the service that acted, the principal id or the access key.
 */
export function actorName(e: ApiEvent): string {
  const a = e.actor;
  return a.arn ?? a.invokedBy ?? a.principalId ?? a.accessKeyId ?? 'an unknown principal';
}

/**
 * True when the event comes from the organisation's CI/CD or other automation: the caller's ARN
 * or, for assumed roles, the role's ARN matches `automationArns`, or the user agent matches
 * `automationUserAgents` (case-insensitively).
 */
export function isAutomation(e: ApiEvent, org: Organisation): boolean {
  return (
    matchesAny(org.automationArns, e.actor.arn) ||
    matchesAny(org.automationArns, e.actor.sessionIssuerArn) ||
    matchesAnyIgnoreCase(org.automationUserAgents, e.userAgent)
  );
}

/**
 * True when an AWS service made the call itself: `invokedBy` names a service, the identity is of
 * type AWSService, or the session is of a service-linked role (path `/aws-service-role/`).
 */
export function byAwsService(e: ApiEvent): boolean {
  return (
    e.actor.type === 'AWSService' ||
    (e.actor.invokedBy !== undefined && e.actor.invokedBy.endsWith('.amazonaws.com')) ||
    (e.actor.sessionIssuerArn !== undefined &&
      e.actor.sessionIssuerArn.includes(':role/aws-service-role/'))
  );
}

/** True when the call failed (`errorCode` set; CloudTrail omits it on success). */
export function failed(e: ApiEvent): boolean {
  return e.errorCode !== undefined;
}

/** The verb of a summary: `stopped` for a success, `tried to stop` for a failed call. */
export function did(e: ApiEvent, past: string, infinitive: string): string {
  return failed(e) ? `tried to ${infinitive}` : past;
}

/**
 * The tail of a summary: where it happened (the account only when it is not the actor's own, which
 * the ARN already shows) and, for a failed call, the error.
 */
export function where(e: ApiEvent): string {
  const region = e.region === undefined ? 'an unknown region' : e.region;
  const account =
    e.account === undefined || e.account === e.actor.accountId ? '' : ` of account ${e.account}`;
  const outcome = failed(e) ? ` (failed: ${e.errorCode})` : '';
  return `in ${region}${account}${outcome}`;
}

/** `a`, `a and b`, `a, b and 2 more` for names in summaries. */
export function names(values: readonly string[], max = 3): string {
  if (values.length === 0) return '(none named)';
  if (values.length === 1) return values[0] as string;
  if (values.length <= max) return `${values.slice(0, -1).join(', ')} and ${values.at(-1)}`;
  return `${values.slice(0, max).join(', ')} and ${values.length - max} more`;
}

// ---------------------------------------------------------------------------------------------
// Priorities
// ---------------------------------------------------------------------------------------------

/** `p` moved `steps` levels up (positive) or down (negative), clamped to the scale. */
export function shift(p: Priority, steps: number): Priority {
  const i = PRIORITIES.indexOf(p);
  const j = Math.min(PRIORITIES.length - 1, Math.max(0, i + steps));
  return PRIORITIES[j] as Priority;
}

/** The rule's priority after configuration, falling back to the rule's own default. */
export function basePriority(ctx: { priority?: Priority }, fallback: Priority): Priority {
  return ctx.priority ?? fallback;
}

/**
 * The common priority policy of tampering rules: the configured priority, one level higher for a
 * sensitive target, one level lower for the milder variants a rule covers (`lower`), for a failed
 * call (an attempt) and, where the rule says so, for the organisation's automation.
 */
export function tamperPriority(
  e: ApiEvent,
  ctx: { priority?: Priority; org: Organisation },
  fallback: Priority,
  opts: { sensitive?: boolean; lower?: boolean; automationLowers?: boolean } = {},
): Priority {
  let steps = 0;
  if (opts.sensitive === true) steps += 1;
  if (opts.lower === true) steps -= 1;
  if (failed(e)) steps -= 1;
  if (opts.automationLowers === true && isAutomation(e, ctx.org)) steps -= 1;
  return shift(basePriority(ctx, fallback), steps);
}

/** Log groups whose loss blinds security monitoring; default of the `sensitiveLogGroups` knobs. */
export const DEFAULT_SENSITIVE_LOG_GROUPS: readonly string[] = [
  '*cloudtrail*',
  '*flow*log*',
  '*vpc*',
  '*guardduty*',
  '*security*',
  '*audit*',
  '*waf*',
  '*resolver*',
  '*dns*',
];

/** Alarms that watch for attacks; default of the `sensitiveAlarms` knobs. */
export const DEFAULT_SENSITIVE_ALARMS: readonly string[] = [
  '*cloudtrail*',
  '*security*',
  '*guardduty*',
  '*root*',
  '*unauthori*',
  '*signin*',
  '*sign-in*',
  '*login*',
  '*mfa*',
  '*iam*',
  '*cis*',
];

// ---------------------------------------------------------------------------------------------
// Example records
// ---------------------------------------------------------------------------------------------

/** The account the examples are recorded in (the one AWS's own documentation uses). */
export const EXAMPLE_ACCOUNT = '123456789012';

/** Identities the examples act as, shaped as CloudTrail's `userIdentity`. */
export const IDENTITIES = {
  /** An IAM user with a long-term access key. */
  user: {
    type: 'IAMUser',
    principalId: 'AIDA4XJ7LBQ5EXAMPLE01',
    arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/alice`,
    accountId: EXAMPLE_ACCOUNT,
    accessKeyId: 'AKIA4XJ7LBQ5EXAMPLE1',
    userName: 'alice',
  },
  /** An administrator signed in through IAM Identity Center. */
  role: {
    type: 'AssumedRole',
    principalId: 'AROA4XJ7LBQ5EXAMPLE02:bob@example.com',
    arn: `arn:aws:sts::${EXAMPLE_ACCOUNT}:assumed-role/AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40/bob@example.com`,
    accountId: EXAMPLE_ACCOUNT,
    accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE2',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROA4XJ7LBQ5EXAMPLE02',
        arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40`,
        accountId: EXAMPLE_ACCOUNT,
        userName: 'AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40',
      },
      webIdFederationData: {},
      attributes: { creationDate: '2026-01-02T02:51:17Z', mfaAuthenticated: 'false' },
    },
  },
  /** The CI/CD deployment role (Terraform from a pipeline). */
  ci: {
    type: 'AssumedRole',
    principalId: 'AROA4XJ7LBQ5EXAMPLE03:terraform-apply',
    arn: `arn:aws:sts::${EXAMPLE_ACCOUNT}:assumed-role/deploy-terraform/terraform-apply`,
    accountId: EXAMPLE_ACCOUNT,
    accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE3',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROA4XJ7LBQ5EXAMPLE03',
        arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/deploy-terraform`,
        accountId: EXAMPLE_ACCOUNT,
        userName: 'deploy-terraform',
      },
      webIdFederationData: {},
      attributes: { creationDate: '2026-01-02T02:58:40Z', mfaAuthenticated: 'false' },
    },
  },
} as const satisfies Record<string, JsonObject>;

export const USER_AGENTS = {
  cli: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22 prompt/off',
  console: 'AWS Internal',
  terraform:
    'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/cloudtrail#1.38.2',
  boto3:
    'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69',
} as const;

/** Parts of a CloudTrail record that differ between examples; the rest is filled in. */
export interface CtRecordInput {
  eventSource: string;
  eventName: string;
  requestParameters?: JsonObject | null;
  responseElements?: JsonObject | null;
  /** One of `IDENTITIES` or a full `userIdentity`. Default: the IAM user alice. */
  identity?: keyof typeof IDENTITIES | JsonObject;
  eventTime?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  readOnly?: boolean;
  resources?: JsonObject[];
  additionalEventData?: JsonObject;
  /** S3 and a few services log a short request id instead of a UUID. */
  requestID?: string;
  eventVersion?: string;
  apiVersion?: string;
  /** The endpoint the client called; default `<service>.<region>.amazonaws.com`. */
  host?: string;
}

function uuidFrom(seed: string, salt: string): string {
  const h = createHash('sha256').update(`${salt}\u0000${seed}`).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A complete CloudTrail record in the field order CloudTrail writes, for rule examples. Only the
 * parts that make an example what it is are passed in; ids are derived from the input so the
 * generated docs stay stable.
 *
 * @example ctRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging',
 *   requestParameters: { name: 'org-trail' } })
 */
export function ctRecord(input: CtRecordInput): JsonObject {
  const identity: JsonObject =
    typeof input.identity === 'object' ? input.identity : IDENTITIES[input.identity ?? 'user'];
  const region = input.awsRegion ?? 'us-east-1';
  const account =
    typeof identity.accountId === 'string' && identity.accountId.length > 0
      ? identity.accountId
      : EXAMPLE_ACCOUNT;
  const seed = JSON.stringify(input);
  const service = input.eventSource.replace(/\.amazonaws\.com$/, '');
  const record: JsonObject = {
    eventVersion: input.eventVersion ?? '1.09',
    userIdentity: identity,
    eventTime: input.eventTime ?? '2026-01-02T03:04:05Z',
    eventSource: input.eventSource,
    eventName: input.eventName,
    awsRegion: region,
    sourceIPAddress: input.sourceIPAddress ?? '203.0.113.24',
    userAgent: input.userAgent ?? USER_AGENTS.cli,
  };
  if (input.errorCode !== undefined) record.errorCode = input.errorCode;
  if (input.errorMessage !== undefined) record.errorMessage = input.errorMessage;
  record.requestParameters = input.requestParameters ?? null;
  record.responseElements = input.responseElements ?? null;
  if (input.additionalEventData !== undefined) {
    record.additionalEventData = input.additionalEventData;
  }
  record.requestID = input.requestID ?? uuidFrom(seed, 'request');
  record.eventID = uuidFrom(seed, 'event');
  record.readOnly = input.readOnly ?? false;
  if (input.resources !== undefined) record.resources = input.resources;
  record.eventType = 'AwsApiCall';
  if (input.apiVersion !== undefined) record.apiVersion = input.apiVersion;
  record.managementEvent = true;
  record.recipientAccountId = account;
  record.eventCategory = 'Management';
  record.tlsDetails = {
    tlsVersion: 'TLSv1.3',
    cipherSuite: 'TLS_AES_128_GCM_SHA256',
    clientProvidedHostHeader: input.host ?? `${service}.${region}.amazonaws.com`,
  };
  return record;
}
