/**
 * CloudTrail layouts: recognises a parsed JSON value as a CloudTrail record or as one of the
 * envelopes AWS and its tools wrap records in, and takes the envelope off. Knows the S3 delivery
 * document (`{"Records":[…]}`), EventBridge events (`detail`), CloudWatch Logs events (`message`,
 * alone, in `aws logs filter-log-events`/`get-log-events` output as `events`, or in subscription
 * payloads as `logEvents`), `aws cloudtrail lookup-events` output (`Events[].CloudTrailEvent`),
 * CloudTrail Lake and Athena query results (see query-exports.ts), and JSON arrays of any of
 * these. How bytes become JSON values (documents, lines, text exports) is detect.ts's job.
 *
 * A record is an object with `eventName` or `eventSource` of its own; whether it is complete
 * enough to use is for normalise to say. Every value that is neither a record nor a known
 * envelope becomes a 'not-a-record' problem naming what was found.
 */
import type { JsonObject, JsonValue, Origin } from '../model/event.js';
import { athenaRows, canonicalRecord, isObject, lakeRow } from './query-exports.js';
import type { Decoded, InputProblem, ProblemCode } from './types.js';

/** Envelopes inside envelopes (a CloudWatch Logs event inside `events`) go this deep at most. */
const MAX_NESTING = 4;

/** True for a CloudTrail record in its own shape (`@timestamp` producers included). */
export function isRecord(v: unknown): v is JsonObject {
  return isObject(v) && (Object.hasOwn(v, 'eventName') || Object.hasOwn(v, 'eventSource'));
}

/** A record-level problem at `place` (a skipped record: severity `skip`). */
export function problem(code: ProblemCode, place: Origin, reason: string): Decoded {
  const p: InputProblem = { code, severity: 'skip', file: place.file, reason };
  if (place.line !== undefined) p.line = place.line;
  if (place.index !== undefined) p.index = place.index;
  return { type: 'problem', problem: p };
}

function where(place: Origin): string {
  if (place.line !== undefined && place.index !== undefined)
    return `line ${place.line}, entry ${place.index}`;
  if (place.line !== undefined) return `line ${place.line}`;
  if (place.index !== undefined) return `entry ${place.index}`;
  return 'the document';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return `the string ${quote(v)}`;
  if (typeof v !== 'object') return `the ${typeof v} ${String(v)}`;
  const keys = Object.keys(v);
  if (keys.length === 0) return 'an empty object';
  const shown = keys.slice(0, 6).map((k) => quote(k));
  return `an object with keys ${shown.join(', ')}${keys.length > 6 ? ', …' : ''}`;
}

/** A value quoted in a reason, cut short so junk input cannot flood the report. */
export function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

const EXPECTED =
  'expected a CloudTrail record (with eventName and eventSource) or a known envelope ' +
  '(Records, EventBridge detail, CloudWatch Logs message, CloudTrail Lake or Athena results)';

/** The place of the `i`th entry of a container found at `place`. */
function inner(place: Origin, i: number): Origin {
  // A container inside an entry of an array document shares that entry's index: Origin has one.
  if (place.index !== undefined) return place;
  return place.line === undefined
    ? { file: place.file, index: i }
    : { file: place.file, line: place.line, index: i };
}

/**
 * Appends what one parsed JSON value holds to `out`: its CloudTrail records (envelopes removed)
 * and a problem for each part that is not one.
 */
export function decodeValue(v: JsonValue, place: Origin, out: Decoded[], depth = 0): void {
  if (isRecord(v)) {
    out.push({ type: 'cloudtrail', record: v, origin: place });
    return;
  }
  if (depth > MAX_NESTING) {
    out.push(problem('not-a-record', place, `${where(place)} nests envelopes too deeply`));
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++)
      decodeValue(v[i] as JsonValue, inner(place, i), out, depth + 1);
    return;
  }
  if (!isObject(v)) {
    out.push(problem('not-a-record', place, `${where(place)} is ${describe(v)}; ${EXPECTED}`));
    return;
  }
  if (Object.hasOwn(v, 'detail-type')) return eventBridge(v, place, out);
  if (Object.hasOwn(v, 'message') && typeof v.message === 'string')
    return logEvent(v.message, place, out, depth);
  const records = Object.hasOwn(v, 'Records') ? v.Records : undefined;
  if (Array.isArray(records)) {
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const at = inner(place, i);
      if (isRecord(r)) out.push({ type: 'cloudtrail', record: r, origin: at });
      else
        out.push(
          problem('not-a-record', at, `Records ${where(at)} is ${describe(r)}; ${EXPECTED}`),
        );
    }
    return;
  }
  const events = Object.hasOwn(v, 'events') ? v.events : undefined;
  if (Array.isArray(events)) return decodeValue(events, place, out, depth + 1);
  const logEvents = Object.hasOwn(v, 'logEvents') ? v.logEvents : undefined;
  if (Array.isArray(logEvents)) {
    // Subscription health checks: CloudWatch Logs sends these to test the destination.
    if (v.messageType === 'CONTROL_MESSAGE') return;
    return decodeValue(logEvents, place, out, depth + 1);
  }
  const lookup = Object.hasOwn(v, 'Events') ? v.Events : undefined;
  if (Array.isArray(lookup)) return lookupEvents(lookup, place, out, depth);
  const lake = Object.hasOwn(v, 'QueryResultRows') ? v.QueryResultRows : undefined;
  if (Array.isArray(lake)) return lakeRows(lake, place, out);
  const resultSet = Object.hasOwn(v, 'ResultSet') ? v.ResultSet : undefined;
  if (isObject(resultSet)) {
    for (const { index, row } of athenaRows(resultSet))
      pushRecord(canonicalRecord(row), inner(place, index), out, 'Athena result row');
    return;
  }
  if (Object.hasOwn(v, 'eventname') || Object.hasOwn(v, 'eventsource')) {
    // Athena UNLOAD/CTAS JSON: the CloudTrail table's lower-case columns.
    out.push({ type: 'cloudtrail', record: canonicalRecord(v), origin: place });
    return;
  }
  if (Object.hasOwn(v, 'digestStartTime') && Object.hasOwn(v, 'logFiles')) {
    out.push(
      problem(
        'not-a-record',
        place,
        `${where(place)} is a CloudTrail digest (hashes of delivered log files), which holds no events; ${EXPECTED}`,
      ),
    );
    return;
  }
  out.push(problem('not-a-record', place, `${where(place)} is ${describe(v)}; ${EXPECTED}`));
}

function pushRecord(r: JsonObject, at: Origin, out: Decoded[], what: string): void {
  if (isRecord(r)) out.push({ type: 'cloudtrail', record: r, origin: at });
  else
    out.push(
      problem(
        'not-a-record',
        at,
        `${what} at ${where(at)} has no eventName or eventSource column (found ${describe(r)}); select them to read the row as a CloudTrail record`,
      ),
    );
}

function eventBridge(v: JsonObject, place: Origin, out: Decoded[]): void {
  const detail = v.detail;
  if (isRecord(detail)) {
    out.push({ type: 'cloudtrail', record: detail, origin: place });
    return;
  }
  const type = typeof v['detail-type'] === 'string' ? v['detail-type'] : '?';
  out.push(
    problem(
      'not-a-record',
      place,
      `${where(place)} is an EventBridge event of detail-type ${quote(type)} whose detail is not a CloudTrail record; expected a detail-type such as "AWS API Call via CloudTrail"`,
    ),
  );
}

function logEvent(message: string, place: Origin, out: Decoded[], depth: number): void {
  const start = firstNonSpace(message);
  if (message.charCodeAt(start) !== 0x7b) {
    out.push(
      problem(
        'not-a-record',
        place,
        `the CloudWatch Logs message at ${where(place)} is not JSON (starts ${quote(message.slice(start, start + 40))}); expected a CloudTrail record as JSON`,
      ),
    );
    return;
  }
  let inner: JsonValue;
  try {
    inner = JSON.parse(message) as JsonValue;
  } catch (err) {
    out.push(
      problem(
        'invalid-json',
        place,
        `the CloudWatch Logs message at ${where(place)} is not valid JSON (${errorText(err)}); expected a CloudTrail record`,
      ),
    );
    return;
  }
  decodeValue(inner, place, out, depth + 1);
}

function lookupEvents(events: JsonValue[], place: Origin, out: Decoded[], depth: number): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const at = inner(place, i);
    if (isObject(e) && typeof e.CloudTrailEvent === 'string')
      logEvent(e.CloudTrailEvent, at, out, depth);
    else decodeValue(e as JsonValue, at, out, depth + 1);
  }
}

function lakeRows(rows: JsonValue[], place: Origin, out: Decoded[]): void {
  for (let i = 0; i < rows.length; i++) {
    const at = inner(place, i);
    const row = lakeRow(rows[i] as JsonValue);
    if (row === undefined)
      out.push(
        problem(
          'not-a-record',
          at,
          `CloudTrail Lake row at ${where(at)} is ${describe(rows[i])}; expected a list of one-column objects`,
        ),
      );
    else pushRecord(canonicalRecord(row), at, out, 'CloudTrail Lake row');
  }
}

export function firstNonSpace(s: string): number {
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a && c !== 0xfeff) break;
    i++;
  }
  return i;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The message of one line of a CloudWatch Logs export to S3 (`2023-07-10T11:42:36.000Z {…}`), or
 * `undefined` when the line does not start with such a timestamp.
 */
export function cloudWatchTextMessage(line: string): string | undefined {
  if (!isExportTimestampStart(line)) return undefined;
  const space = line.indexOf(' ', 19);
  if (space < 0 || space > 40) return undefined;
  return line.slice(space + 1);
}

/** `YYYY-MM-DDTHH:MM:SS` at the start of `s`, checked by character. */
export function isExportTimestampStart(s: string): boolean {
  if (s.length < 20) return false;
  for (let i = 0; i < 19; i++) {
    const c = s.charCodeAt(i);
    const want = i === 4 || i === 7 ? 0x2d : i === 10 ? 0x54 : i === 13 || i === 16 ? 0x3a : -1;
    if (want === -1 ? c < 0x30 || c > 0x39 : c !== want) return false;
  }
  return true;
}
