/**
 * What the formats stage hands on: raw records in CloudTrail's own shape or as flow-log fields,
 * each with its origin, and problems with the input, each with its place and reason. Formats know
 * nothing of rules; they only recognise layouts and take envelopes off.
 */
import type { FlowEvent, JsonObject, Origin } from '../model/event.js';

/** Short, stable reason codes; the run summary counts problems by these. */
export type ProblemCode =
  | 'empty-file'
  | 'binary-file'
  | 'unknown-format'
  | 'unreadable-file'
  | 'gzip-corrupt'
  | 'gzip-truncated'
  | 'invalid-json'
  | 'truncated-json'
  | 'record-too-large'
  | 'not-a-record'
  | 'not-cloudtrail'
  | 'bad-event-time'
  | 'flow-unknown-version'
  | 'flow-unknown-field'
  | 'flow-bad-record'
  | 'rule-error'
  /** A line of a threat-intelligence list file that holds no address or CIDR block. */
  | 'intel-bad-line'
  /** A row of an approved-change or deploy-run feed that cannot be used (the rest are used). */
  | 'feed-bad-record'
  /** A change or deploy feed file that holds no usable table (no header, not a JSON list). */
  | 'feed-bad-file'
  /** A configured suppression past its expiry date: it no longer suppresses anything. */
  | 'suppression-expired';

export interface InputProblem {
  code: ProblemCode;
  /** `skip`: input was not processed (counted as skipped). `warning`: processed, but odd. */
  severity: 'skip' | 'warning';
  file: string;
  line?: number;
  index?: number;
  /** Human sentence: what was found and what was expected. */
  reason: string;
}

export type Decoded =
  | { type: 'cloudtrail'; record: JsonObject; origin: Origin }
  | { type: 'flow'; event: FlowEvent }
  /** Flow-log records that carry no traffic (`log-status` NODATA / SKIPDATA). */
  | { type: 'flow-status'; status: 'NODATA' | 'SKIPDATA'; origin: Origin }
  | { type: 'problem'; problem: InputProblem };

export interface DecodeOptions {
  /** Records (or lines) larger than this many bytes are reported and skipped. */
  maxRecordBytes: number;
}
