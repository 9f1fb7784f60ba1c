/**
 * The configuration of suppression: entries that mark known, accepted findings as suppressed
 * until they expire (`suppressions`), and the files of approved-change tickets and CI/CD deploy
 * runs that findings are correlated with (`changes`). Also the one reading of dates and times that
 * suppression uses, in the configuration and in the feeds alike, so `2026-06-30` means the same in
 * both places.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { isAddressOrCidr } from '../enrich/address.js';

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Reads `2026-06-30` (a whole UTC day: its first millisecond for `start`, its last for `end`) or an
 * ISO 8601 time such as `2026-06-30T14:00:00Z` or `2026-06-30T16:00+02:00` (UTC when no zone is
 * written) as epoch milliseconds; undefined for anything else, including impossible dates such as
 * `2026-02-30`, which `Date.parse` would quietly roll over into March.
 *
 * @example
 * parseWhen('2026-06-30', 'end'); // Date.parse('2026-06-30T23:59:59.999Z')
 */
export function parseWhen(text: string, edge: 'start' | 'end'): number | undefined {
  const m = ISO_TIME.exec(text.trim());
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dayStart = Date.UTC(year, month - 1, day);
  const check = new Date(dayStart);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  if (m[4] === undefined) return edge === 'start' ? dayStart : dayStart + 86_400_000 - 1;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? '0')];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  let t = dayStart + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (zm === null || Number(zm[2]) > 23 || Number(zm[3]) > 59) return undefined;
    const offset = (Number(zm[2]) * 60 + Number(zm[3])) * 60_000;
    t -= zm[1] === '+' ? offset : -offset;
  }
  return t;
}

const when = z
  .string()
  .refine(
    (s) => parseWhen(s, 'end') !== undefined,
    'a date (2026-06-30) or an ISO 8601 time (2026-06-30T18:00:00Z)',
  );

/** One pattern or a list of them; a finding matches when any of them does. */
const patterns = (what: string) =>
  z.union([z.string().min(1, what), z.array(z.string().min(1, what)).min(1)]);

const addressOrCidr = z
  .string()
  .refine(isAddressOrCidr, 'an IP address or CIDR block such as 198.51.100.7 or 203.0.113.0/24');

export const suppressionSchema = z.strictObject({
  /** Rule id, or a glob over rule ids (`aws.recon.*`). */
  rule: z.string().min(1, 'a rule id or glob'),
  /**
   * The acting principal's ARN, as a glob or a list of globs. An assumed-role session also matches
   * as its role: `arn:aws:iam::111122223333:role/scanner` matches the finding of
   * `arn:aws:sts::111122223333:assumed-role/scanner/any-session`.
   */
  actor: patterns('an ARN or ARN glob').optional(),
  /** The account the finding is in, as an id or glob, or a list of them. */
  account: patterns('an account id or glob').optional(),
  /** The actor's source address: an address or CIDR block, or a list of them. */
  sourceIp: z.union([addressOrCidr, z.array(addressOrCidr).min(1)]).optional(),
  /** The actor's user agent, as a glob (case-insensitive) or a list of globs. */
  userAgent: patterns('a user-agent glob').optional(),
  /** Why the finding is accepted; shown with every finding this entry suppresses. Required. */
  reason: z.string().trim().min(1, 'a reason, saying why these findings are accepted'),
  /** A ticket recording the decision (risk acceptance, exception), shown with the finding. */
  ticket: z.string().trim().min(1).optional(),
  /**
   * When the entry stops applying: a date (the entry applies through that whole UTC day) or an ISO
   * 8601 time. Required, so that no exception outlives its reason unseen; an expired entry no longer
   * suppresses anything and the run warns about it.
   */
  expires: when,
});

export const changeFeedsSchema = z.strictObject({
  /**
   * Approved-change tickets: CSV or JSON files, relative to the configuration file's folder. A
   * finding whose events all fall inside one ticket (principal, allowed actions, time window) is
   * suppressed; one that only partly overlaps names the ticket.
   */
  tickets: z.array(z.string().min(1)).default([]),
  /**
   * CI/CD deploy runs (pipeline, run, role, time window): CSV or JSON files, relative to the
   * configuration file's folder. Findings of the run's role inside its window are suppressed.
   */
  deploys: z.array(z.string().min(1)).default([]),
});

export type Suppression = z.infer<typeof suppressionSchema>;
export type ChangeFeedsConfig = z.infer<typeof changeFeedsSchema>;

/** A pattern field as a list, whichever way it was written. */
export function asList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/**
 * Makes the feed paths of `changes` absolute, taking relative ones from the configuration file's
 * folder (the working directory when there is no file), as `resolveEnrichPaths` does for lists.
 *
 * @example
 * resolveChangePaths({ tickets: ['chg.csv'], deploys: [] }, '/etc/trailhound/trailhound.yaml');
 * // { tickets: ['/etc/trailhound/chg.csv'], deploys: [] }
 */
export function resolveChangePaths(
  feeds: ChangeFeedsConfig,
  configPath: string | undefined,
): ChangeFeedsConfig {
  const base = configPath === undefined ? process.cwd() : dirname(resolve(configPath));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return { tickets: feeds.tickets.map(abs), deploys: feeds.deploys.map(abs) };
}
