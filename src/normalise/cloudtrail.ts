/**
 * CloudTrail record → `ApiEvent`. Takes a record in CloudTrail's own shape (the formats stage has
 * already removed envelopes such as EventBridge's `detail`) and lifts out the fields rules use.
 * Real records vary: some producers write `@timestamp` instead of `eventTime`, CloudTrail Lake
 * writes `2023-07-10 11:42:36.000`, some write `errorCode: "Success"`, newer EC2 APIs wrap their
 * parameters in an `XxxRequest` object, and exports store nested objects as JSON strings.
 */
import type { Actor, ApiEvent, JsonObject, JsonValue, Origin } from '../model/event.js';

export type NormaliseResult =
  | { ok: true; event: ApiEvent }
  | { ok: false; code: 'not-cloudtrail' | 'bad-event-time'; reason: string };

function str(v: JsonValue | undefined): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(o: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** An object field, parsing it when an export stored it as a JSON string. */
function objectField(o: JsonObject, key: string): JsonObject | undefined {
  const v = own(o, key);
  if (isObject(v)) return v;
  if (typeof v === 'string' && v.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(v);
      if (isObject(parsed)) return parsed as JsonObject;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Removes the one-key `{"XxxRequest": {...}}` wrapper that newer EC2 APIs log around their
 * parameters (`CreateVpcEndpointRequest`, `ModifySecurityGroupRulesRequest`, …).
 */
export function unwrapRequest(o: JsonObject | undefined): JsonObject | undefined {
  if (o === undefined) return undefined;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const k = keys[0] as string;
    const inner = o[k];
    if ((k.endsWith('Request') || k.endsWith('Response')) && isObject(inner)) return inner;
  }
  return o;
}

/** `CreateFunction20150331`, `UpdateFunctionCode20150331v2` → base API name. */
export function baseEventName(name: string): string {
  const m = /^(.+?)20\d{6}(?:v\d+)?$/.exec(name);
  return m ? (m[1] as string) : name;
}

/** Parses CloudTrail's ISO times and CloudTrail Lake's `YYYY-MM-DD HH:MM:SS.sss` (UTC). */
export function parseEventTime(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? (v < 1e11 ? v * 1000 : v) : undefined;
  if (typeof v !== 'string' || v.length < 10) return undefined;
  let s = v;
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(s)) s = s.replace(' ', 'T');
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s += 'Z';
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

function actorOf(ui: JsonObject | undefined): Actor {
  const session = ui ? objectField(ui, 'sessionContext') : undefined;
  const issuer = session ? objectField(session, 'sessionIssuer') : undefined;
  const attrs = session ? objectField(session, 'attributes') : undefined;
  const mfa = attrs ? own(attrs, 'mfaAuthenticated') : undefined;
  return {
    type: ui ? str(own(ui, 'type')) : undefined,
    arn: ui ? str(own(ui, 'arn')) : undefined,
    principalId: ui ? str(own(ui, 'principalId')) : undefined,
    accountId: ui ? str(own(ui, 'accountId')) : undefined,
    accessKeyId: ui ? str(own(ui, 'accessKeyId')) : undefined,
    userName: ui ? str(own(ui, 'userName')) : undefined,
    sessionIssuerArn: issuer ? str(own(issuer, 'arn')) : undefined,
    sessionIssuerName: issuer ? str(own(issuer, 'userName')) : undefined,
    mfaAuthenticated: mfa === undefined ? undefined : mfa === true || mfa === 'true',
    invokedBy: ui ? str(own(ui, 'invokedBy')) : undefined,
  };
}

/** Normalises one CloudTrail record; a record without event name, source or time is refused. */
export function normaliseCloudTrail(raw: JsonObject, origin: Origin): NormaliseResult {
  const eventNameRaw = str(own(raw, 'eventName'));
  const eventSource = str(own(raw, 'eventSource'));
  if (eventNameRaw === undefined || eventSource === undefined) {
    return {
      ok: false,
      code: 'not-cloudtrail',
      reason: 'not a CloudTrail record: no eventName or eventSource',
    };
  }
  const timeValue = own(raw, 'eventTime') ?? own(raw, '@timestamp');
  const time = parseEventTime(timeValue);
  if (time === undefined) {
    return {
      ok: false,
      code: 'bad-event-time',
      reason:
        timeValue === undefined
          ? 'CloudTrail record without eventTime'
          : `unreadable eventTime ${JSON.stringify(timeValue).slice(0, 40)}`,
    };
  }
  const actor = actorOf(objectField(raw, 'userIdentity'));
  const errorCode = str(own(raw, 'errorCode'));
  const resources = own(raw, 'resources');
  const readOnly = own(raw, 'readOnly');
  return {
    ok: true,
    event: {
      kind: 'api',
      origin,
      raw,
      time,
      eventId: str(own(raw, 'eventID')),
      eventSource,
      eventName: baseEventName(eventNameRaw),
      eventNameRaw,
      eventType: str(own(raw, 'eventType')),
      region: str(own(raw, 'awsRegion')),
      account: str(own(raw, 'recipientAccountId')) ?? actor.accountId,
      actor,
      sourceIp: str(own(raw, 'sourceIPAddress')),
      userAgent: str(own(raw, 'userAgent')),
      errorCode: errorCode === 'Success' ? undefined : errorCode,
      errorMessage: str(own(raw, 'errorMessage')),
      readOnly: readOnly === undefined ? undefined : readOnly === true || readOnly === 'true',
      request: unwrapRequest(objectField(raw, 'requestParameters')),
      response: unwrapRequest(objectField(raw, 'responseElements')),
      additional: objectField(raw, 'additionalEventData'),
      resources: Array.isArray(resources) ? resources.filter(isObject) : [],
    },
  };
}
