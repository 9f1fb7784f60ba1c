/**
 * Shared pieces of the stateful CloudTrail rules that watch one principal's behaviour over time
 * (REC-1, GEO-1, DATA-1, COMP-1): the stable state key of a principal (the role, not the rotating
 * session), the facts a signal carries for its summary (the caller's address and what enrichment
 * knows of it, the kind of credentials), the words a summary uses for a group (who, how long,
 * from where), and small time helpers that let rule examples tell a story of many records in a
 * loop. Facts are plain strings and numbers: they cross threads and are stored as JSON.
 */
import { z } from 'zod';
import { knob, type Group, type Signal } from '../../engine/rule.js';
import type { ApiEvent, Event } from '../../model/event.js';
import { byAwsService, names } from '../lib.js';
import { instanceCredential, isConsoleSession, isTemporaryKey } from './caller.js';
import { fromAwsService } from './caller-source.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The event as an API event; stateful rules listening to CloudTrail only ever get these. */
export function asApi(e: Event): ApiEvent | undefined {
  return e.kind === 'api' ? e : undefined;
}

/**
 * The stable identity behind a call, which state is kept for: for an assumed-role session the
 * role (`sessionContext.sessionIssuer.arn`), since session names and keys change with every
 * session; otherwise the caller's ARN (IAM user, root, federated user), else its principal id
 * (SAML and web-identity callers have no ARN), else its access key. Undefined when the record
 * names nobody.
 *
 * IAM Identity Center roles (`AWSReservedSSO_…`) are the exception: one such role serves every
 * person given that permission set, and the session name is the person's Identity Center user
 * name, stable across sessions, so the session ARN is the principal there.
 */
export function principalKey(e: ApiEvent): string | undefined {
  const a = e.actor;
  if (a.type === 'AssumedRole' && a.sessionIssuerArn !== undefined) {
    return a.arn !== undefined && a.arn.includes(':assumed-role/AWSReservedSSO_')
      ? a.arn
      : a.sessionIssuerArn;
  }
  return a.arn ?? a.principalId ?? a.accessKeyId;
}

/** True when an AWS service made the call, by identity or by a service name as its source. */
export function serviceCall(e: ApiEvent): boolean {
  return byAwsService(e) || fromAwsService(e);
}

/**
 * True for workloads reading their own configuration: EC2 instance-profile sessions and Lambda /
 * ECS execution environments (the SDK adds `exec-env/AWS_Lambda_…` or `exec-env/AWS_ECS_…` to its
 * user agent).
 */
export function isWorkload(e: ApiEvent): boolean {
  return instanceCredential(e) !== undefined || e.userAgent?.includes('exec-env/AWS_') === true;
}

/**
 * True for calls the AWS Management Console made for a signed-in user: what `isConsoleSession`
 * recognises, plus the console back ends that call AWS with their own SDK and name themselves in
 * the user agent (`[S3Console/0.4, aws-internal/3 aws-sdk-java/…]`, `RDS Console, aws-internal/3
 * …`, `[AWSCloudTrail, aws-internal/3 …]`).
 */
export function consoleCall(e: ApiEvent): boolean {
  if (isConsoleSession(e)) return true;
  const ua = e.userAgent;
  return ua !== undefined && /(?:^|[\s,[])aws-internal\/\d/.test(ua);
}

/** `temporary` (an `ASIA…` key or an assumed-role session), `long-term` (`AKIA…`), or `other`. */
export function credentialKind(e: ApiEvent): 'temporary' | 'long-term' | 'other' {
  if (isTemporaryKey(e) || e.actor.type === 'AssumedRole') return 'temporary';
  if (e.actor.accessKeyId?.startsWith('AKIA') === true) return 'long-term';
  return 'other';
}

/** Facts about the caller: the kind of credentials and whether the console made the call. */
export function callerFacts(e: ApiEvent): Record<string, string> {
  return { credentials: credentialKind(e), console: consoleCall(e) ? 'yes' : 'no' };
}

/** Facts about the caller's address: the address, and its country and network when known. */
export function sourceFacts(e: ApiEvent): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (e.sourceIp !== undefined) out.ip = e.sourceIp;
  const s = e.source;
  if (s?.country !== undefined) out.country = s.country;
  if (s?.asn !== undefined) out.asn = s.asn;
  if (s?.asOrg !== undefined) out.asOrg = s.asOrg;
  return out;
}

/** `203.0.113.24 (DE, AS3320 Deutsche Telekom AG)` from a signal's source facts. */
export function describePlace(s: Signal): string {
  const f = s.facts;
  const ip = typeof f.ip === 'string' ? f.ip : (s.actor.sourceIp ?? 'an unknown address');
  const parts: string[] = [];
  if (f.country !== undefined) parts.push(String(f.country));
  if (f.asn !== undefined) {
    parts.push(f.asOrg === undefined ? `AS${f.asn}` : `AS${f.asn} ${String(f.asOrg)}`);
  }
  return parts.length > 0 ? `${ip} (${parts.join(', ')})` : ip;
}

/** The actor a group's summary names: the caller of its latest signal, else the key. */
export function groupActor(group: Group): string {
  return group.last.actor.arn ?? group.first.actor.arn ?? group.key;
}

/** How long a group lasted: `in 3 s`, `within 12 min`, `over 2.5 h`. */
export function groupSpan(group: Group): string {
  const ms = Math.max(0, group.last.time - group.first.time);
  if (ms < 60_000) return `in ${Math.round(ms / 1000)} s`;
  if (ms < 2 * 3_600_000) return `within ${Math.round(ms / 60_000)} min`;
  return `over ${(ms / 3_600_000).toFixed(1)} h`;
}

/** A fact of a signal as a string, or undefined when the signal lacks it (or it is empty). */
export function fact(s: Signal, name: string): string | undefined {
  const v = Object.hasOwn(s.facts, name) ? s.facts[name] : undefined;
  if (typeof v === 'number') return String(v);
  return v === undefined || v.length === 0 ? undefined : v;
}

/** True when any of the group's recorded signals (first, last) has `name` equal to `value`. */
export function anyFact(group: Group, name: string, value: string): boolean {
  return fact(group.first, name) === value || fact(group.last, name) === value;
}

/** Distinct values for a summary: `a, b, c and 12 more`. */
export function someValues(group: Group, max = 4): string {
  const shown = group.values.length;
  const total = typeof group.figures.observed === 'number' ? group.figures.observed : shown;
  if (total <= shown) return names(group.values, max);
  const head = group.values.slice(0, max);
  return `${head.join(', ')} and ${total - head.length} more`;
}

/** `Fri 2026-01-02 03:04 UTC`, the event time of a signal as a summary states it. */
export function utcText(ms: number): string {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()] ?? '';
  return `${day} ${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The evidence of a baseline group in words: the bucket's total, its period, and the history it
 * was judged against (`412 in the hour from Tue 2026-03-10 02:00 UTC, against a median of 3 per
 * hour over the previous 26 hours (threshold 11.9, 6 MADs above)`).
 */
export function baselineText(group: Group, format: (n: number) => string = String): string {
  const f = group.figures;
  const minutes = Number(f.bucketMinutes);
  const bucketMs = minutes * MINUTE;
  const start = Math.floor(group.first.time / bucketMs) * bucketMs;
  const period = minutes === 60 ? 'hour' : `${minutes}-minute period`;
  const periods = minutes === 60 ? 'hours' : `${minutes}-minute periods`;
  return (
    `${format(Number(f.observed))} in the ${period} from ${utcText(start)}, against a median of ` +
    `${format(Number(f.median))} per ${period} over the previous ${f.history} ${periods} ` +
    `(threshold ${format(Number(f.threshold))}, ${f.deviations} MADs above)`
  );
}

// ---------------------------------------------------------------------------------------------
// Example stories
// ---------------------------------------------------------------------------------------------

/** The ISO time (`2026-01-02T03:04:05Z`, as CloudTrail writes it) `offsetMs` after `start`. */
export function isoAfter(start: string, offsetMs: number): string {
  return new Date(Date.parse(start) + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `count` ISO times from `start`, `stepMs` apart. */
export function timeline(start: string, count: number, stepMs: number): string[] {
  return Array.from({ length: count }, (_, i) => isoAfter(start, i * stepMs));
}

/**
 * Times for a baseline story: `perHour` events in each of `hours` consecutive hours from `start`
 * (an hour boundary), spread evenly inside the hour.
 */
export function hourly(start: string, hours: number, perHour: number): string[] {
  const out: string[] = [];
  const step = Math.floor(HOUR / Math.max(1, perHour));
  for (let h = 0; h < hours; h++) {
    for (let i = 0; i < perHour; i++) out.push(isoAfter(start, h * HOUR + i * step + 7_000));
  }
  return out;
}

/**
 * The knobs every per-principal baseline rule shares: the period length, the history needed, the
 * spread above the median, and the least total worth a finding (named by the rule). `counted` says
 * what a period totals ("download counts"), `first` what starts a principal's history ("download").
 */
export function baselineKnobs(
  counted: string,
  first: string,
  least: { default: number; description: string },
) {
  return {
    bucketMinutes: knob(
      z.number().int().min(1).max(1440),
      60,
      `Length of the periods whose ${counted} are compared, in minutes.`,
    ),
    minHistory: knob(
      z.number().int().min(1).max(1000),
      24,
      `Periods of history (counted from the principal’s first ${first}, quiet periods as zero) needed before anything fires.`,
    ),
    deviations: knob(
      z.number().min(0),
      6,
      'How many (scaled) median absolute deviations above the median a period must be.',
    ),
    least: knob(z.number().int().min(1), least.default, least.description),
  };
}
