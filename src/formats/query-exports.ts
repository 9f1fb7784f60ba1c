/**
 * CloudTrail records as SQL engines give them back: CloudTrail Lake (`get-query-results`) and
 * Athena (`get-query-results`, and `UNLOAD … WITH (format = 'JSON')`). These rename and reshape the
 * record: column names may be all lower case (`eventname`, `useridentity.principalid`), Lake cells
 * are strings, struct and map columns come back as Hive/Trino text (`{type=IAMUser, arn=…,
 * sessioncontext={…}}`), and Athena's CloudTrail table keeps `requestparameters` and friends as
 * JSON text. This module owns the catalogue of CloudTrail's field names and puts a row back into
 * CloudTrail's own shape, so nothing after the formats stage needs to know where a record came from.
 *
 * Values are kept as written apart from that: Lake's `2023-07-10 11:42:36.000` times stay as they
 * are (normalise reads them), and a struct text this module cannot read stays a string rather than
 * being guessed at. Objects are built with `Object.defineProperty`, so keys such as `__proto__`
 * from the input stay plain data.
 */
import type { JsonObject, JsonValue } from '../model/event.js';

/** How a field's value is stored in CloudTrail's own shape. */
type FieldKind =
  | { kind: 'scalar' }
  | { kind: 'bool' }
  /** An object with the service's own keys (`requestParameters`), kept as they are. */
  | { kind: 'map' }
  | { kind: 'struct'; shape: Shape }
  | { kind: 'structs'; shape: Shape };

interface Shape {
  /** Lower-case name → CloudTrail's spelling. */
  names: Map<string, string>;
  kinds: Map<string, FieldKind>;
}

const S: FieldKind = { kind: 'scalar' };
const BOOL: FieldKind = { kind: 'bool' };
const MAP: FieldKind = { kind: 'map' };
const struct = (shape: Shape): FieldKind => ({ kind: 'struct', shape });
const structs = (shape: Shape): FieldKind => ({ kind: 'structs', shape });

function shape(fields: Record<string, FieldKind>): Shape {
  const names = new Map<string, string>();
  const kinds = new Map<string, FieldKind>();
  for (const [name, kind] of Object.entries(fields)) {
    names.set(name.toLowerCase(), name);
    kinds.set(name, kind);
  }
  return { names, kinds };
}

// The record fields documented in "CloudTrail record contents" and "userIdentity element".
const issuer = shape({ type: S, principalId: S, arn: S, accountId: S, userName: S });
const session = shape({
  sessionIssuer: struct(issuer),
  webIdFederationData: struct(shape({ federatedProvider: S, attributes: MAP })),
  attributes: struct(shape({ creationDate: S, mfaAuthenticated: S })),
  sourceIdentity: S,
  ec2RoleDelivery: S,
  ec2IssuedInVpc: S,
  assumedRoot: S,
});
const identity = shape({
  type: S,
  principalId: S,
  arn: S,
  accountId: S,
  accessKeyId: S,
  userName: S,
  sessionContext: struct(session),
  invokedBy: S,
  identityProvider: S,
  credentialId: S,
  onBehalfOf: struct(shape({ userId: S, identityStoreArn: S })),
  inScopeOf: struct(
    shape({ sourceArn: S, sourceAccount: S, issuerType: S, credentialsIssuedTo: S }),
  ),
});

/** CloudTrail's record: every top-level field with how its value is stored. */
const RECORD_SHAPE: Shape = shape({
  eventVersion: S,
  userIdentity: struct(identity),
  eventTime: S,
  eventSource: S,
  eventName: S,
  awsRegion: S,
  sourceIPAddress: S,
  userAgent: S,
  errorCode: S,
  errorMessage: S,
  requestParameters: MAP,
  responseElements: MAP,
  additionalEventData: MAP,
  requestID: S,
  eventID: S,
  readOnly: BOOL,
  // Resources spell their ARN in capitals, unlike userIdentity.arn.
  resources: structs(shape({ ARN: S, ARNPrefix: S, accountId: S, type: S })),
  eventType: S,
  apiVersion: S,
  managementEvent: BOOL,
  recipientAccountId: S,
  sharedEventID: S,
  annotation: S,
  vpcEndpointId: S,
  vpcEndpointAccountId: S,
  serviceEventDetails: MAP,
  eventCategory: S,
  addendum: struct(
    shape({ reason: S, updatedFields: S, originalRequestID: S, originalEventID: S }),
  ),
  sessionCredentialFromConsole: S,
  edgeDeviceDetails: MAP,
  tlsDetails: struct(
    shape({ tlsVersion: S, cipherSuite: S, clientProvidedHostHeader: S, keyExchange: S }),
  ),
  insightDetails: MAP,
});

/** Sets an own data property; unlike assignment this never reaches a `__proto__` setter. */
export function defineOwn(o: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Puts an exported row into CloudTrail's shape: known names get CloudTrail's spelling at every
 * level, struct and map columns held as text are parsed, `"true"`/`"false"` become booleans where
 * CloudTrail writes booleans. Unknown columns are kept as they are.
 *
 * @example canonicalRecord({ eventname: 'StopLogging', useridentity: '{type=Root, arn=arn:aws:iam::1:root}' })
 * // { eventName: 'StopLogging', userIdentity: { type: 'Root', arn: 'arn:aws:iam::1:root' } }
 */
export function canonicalRecord(row: JsonObject): JsonObject {
  return canonical(row, RECORD_SHAPE);
}

function canonical(o: JsonObject, s: Shape): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(o)) {
    const name = s.names.get(key.toLowerCase()) ?? key;
    const kind = s.kinds.get(name);
    const value = o[key] as JsonValue;
    defineOwn(out, name, kind === undefined ? value : convert(value, kind));
  }
  return out;
}

function convert(v: JsonValue, k: FieldKind): JsonValue {
  switch (k.kind) {
    case 'scalar':
      return v;
    case 'bool':
      return v === 'true' ? true : v === 'false' ? false : v;
    case 'map': {
      const parsed = embedded(v);
      return isObject(parsed) ? parsed : v;
    }
    case 'struct': {
      const parsed = embedded(v);
      return isObject(parsed) ? canonical(parsed, k.shape) : v;
    }
    case 'structs': {
      const parsed = embedded(v);
      if (!Array.isArray(parsed)) return v;
      return parsed.map((e) => (isObject(e) ? canonical(e, k.shape) : e));
    }
  }
}

/** An object or array held as JSON text or Hive text; `undefined` when `v` is neither. */
function embedded(v: JsonValue): JsonValue | undefined {
  if (typeof v !== 'string') return typeof v === 'object' ? v : undefined;
  const s = v.trim();
  const c = s.charCodeAt(0);
  if (c !== 0x7b && c !== 0x5b) return undefined;
  if (looksLikeJson(s)) {
    try {
      return JSON.parse(s) as JsonValue;
    } catch {
      return undefined;
    }
  }
  return parseHiveText(s);
}

function looksLikeJson(s: string): boolean {
  const second = s.charCodeAt(1);
  if (second === 0x22 || s === '{}' || s === '[]') return true;
  // `[{"…` is JSON, `[{arn=…` is Hive.
  return s.charCodeAt(0) === 0x5b && second === 0x7b && s.charCodeAt(2) === 0x22;
}

class HiveSyntaxError extends Error {}

/**
 * Reads the text Trino/Hive print for struct, map and array values: `{k=v, k2={…}}`, `[a, b]`,
 * `null` for null. Values that are JSON (`policy={"Version":…}`) are parsed as JSON. The text is
 * not escaped, so a scalar that itself contains `, name=` or `}` cannot be told apart; such text
 * comes back `undefined` (the caller keeps the string) only when the whole does not parse.
 *
 * @example parseHiveText('{type=Role, arn=arn:aws:iam::1:role/x, tags=null}')
 * // { type: 'Role', arn: 'arn:aws:iam::1:role/x', tags: null }
 */
export function parseHiveText(text: string): JsonValue | undefined {
  const r = { s: text, i: 0 };
  try {
    const v = readValue(r, 'top');
    return r.i === text.length ? v : undefined;
  } catch (err) {
    if (err instanceof HiveSyntaxError || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

interface Reader {
  s: string;
  i: number;
}

function readValue(r: Reader, until: '}' | ']' | 'top'): JsonValue {
  const c = r.s.charCodeAt(r.i);
  const next = r.s.charCodeAt(r.i + 1);
  if (c === 0x7b) return next === 0x22 ? readJson(r) : readStruct(r);
  if (c === 0x5b) {
    if (next === 0x22 || (next === 0x7b && r.s.charCodeAt(r.i + 2) === 0x22)) return readJson(r);
    return readArray(r);
  }
  return readScalar(r, until);
}

function readStruct(r: Reader): JsonObject {
  const out: JsonObject = {};
  r.i++;
  if (r.s.charCodeAt(r.i) === 0x7d) {
    r.i++;
    return out;
  }
  for (;;) {
    const eq = r.s.indexOf('=', r.i);
    if (eq < 0) throw new HiveSyntaxError();
    const key = r.s.slice(r.i, eq);
    if (!isKey(key)) throw new HiveSyntaxError();
    r.i = eq + 1;
    defineOwn(out, key, readValue(r, '}'));
    if (r.s.charCodeAt(r.i) === 0x7d) {
      r.i++;
      return out;
    }
    if (!r.s.startsWith(', ', r.i)) throw new HiveSyntaxError();
    r.i += 2;
  }
}

function readArray(r: Reader): JsonValue[] {
  const out: JsonValue[] = [];
  r.i++;
  if (r.s.charCodeAt(r.i) === 0x5d) {
    r.i++;
    return out;
  }
  for (;;) {
    out.push(readValue(r, ']'));
    if (r.s.charCodeAt(r.i) === 0x5d) {
      r.i++;
      return out;
    }
    if (!r.s.startsWith(', ', r.i)) throw new HiveSyntaxError();
    r.i += 2;
  }
}

/** Key characters: anything but the separators of the notation. */
function isKey(k: string): boolean {
  if (k.length === 0) return false;
  for (let j = 0; j < k.length; j++) {
    const c = k.charCodeAt(j);
    if (c === 0x2c || c === 0x7b || c === 0x7d || c === 0x5b || c === 0x5d || c === 0x20)
      return false;
  }
  return true;
}

/** True when `, ` at `at` starts the next `key=` of a struct. */
function keyFollows(s: string, at: number): boolean {
  for (let j = at; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x3d) return j > at;
    if (c === 0x2c || c === 0x7b || c === 0x7d || c === 0x5b || c === 0x5d || c === 0x20)
      return false;
  }
  return false;
}

function readScalar(r: Reader, until: '}' | ']' | 'top'): JsonValue {
  const s = r.s;
  let end = s.length;
  if (until !== 'top') {
    const close = until === '}' ? 0x7d : 0x5d;
    for (let j = r.i; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c === close) {
        end = j;
        break;
      }
      if (c === 0x2c && s.charCodeAt(j + 1) === 0x20 && (until === ']' || keyFollows(s, j + 2))) {
        end = j;
        break;
      }
    }
  }
  const text = s.slice(r.i, end);
  r.i = end;
  return text === 'null' ? null : text;
}

/** A JSON value embedded in Hive text, up to its matching bracket. */
function readJson(r: Reader): JsonValue {
  const s = r.s;
  let depth = 0;
  let inString = false;
  for (let j = r.i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (inString) {
      if (c === 0x5c) j++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) {
      const v = JSON.parse(s.slice(r.i, j + 1)) as JsonValue;
      r.i = j + 1;
      return v;
    }
  }
  throw new HiveSyntaxError();
}

/**
 * One CloudTrail Lake result row (a list of one-column objects, `[{"eventName":"…"}, …]`) as one
 * object; `undefined` when the row is not such a list.
 */
export function lakeRow(row: JsonValue): JsonObject | undefined {
  if (!Array.isArray(row)) return undefined;
  const out: JsonObject = {};
  for (const cell of row) {
    if (!isObject(cell)) return undefined;
    for (const k of Object.keys(cell)) defineOwn(out, k, cell[k] as JsonValue);
  }
  return out;
}

/**
 * The data rows of an Athena `get-query-results` answer (`ResultSet.Rows[].Data[].VarCharValue`),
 * named by `ResultSetMetadata.ColumnInfo`. The header row Athena puts first for a SELECT is left
 * out; a cell without `VarCharValue` is SQL NULL.
 */
export function athenaRows(resultSet: JsonObject): { index: number; row: JsonObject }[] {
  const rows = Object.hasOwn(resultSet, 'Rows') ? resultSet.Rows : undefined;
  if (!Array.isArray(rows)) return [];
  const meta = Object.hasOwn(resultSet, 'ResultSetMetadata') ? resultSet.ResultSetMetadata : null;
  const info = isObject(meta) && Array.isArray(meta.ColumnInfo) ? meta.ColumnInfo : [];
  let names = info.map((c) => (isObject(c) && typeof c.Name === 'string' ? c.Name : ''));
  const out: { index: number; row: JsonObject }[] = [];
  rows.forEach((row, index) => {
    const data = isObject(row) && Array.isArray(row.Data) ? row.Data : [];
    const values = data.map((d) =>
      isObject(d) && Object.hasOwn(d, 'VarCharValue') ? (d.VarCharValue as JsonValue) : null,
    );
    if (index === 0 && (names.length === 0 || values.every((v, j) => v === names[j]))) {
      if (names.length === 0) names = values.map((v) => (typeof v === 'string' ? v : ''));
      return;
    }
    const o: JsonObject = {};
    values.forEach((v, j) => {
      const name = names[j];
      if (name) defineOwn(o, name, v);
    });
    out.push({ index, row: o });
  });
  return out;
}
