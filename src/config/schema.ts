/**
 * The configuration file's shape. One YAML document describes the organisation's normal (accounts,
 * networks, identities, regions, hours) so detections can tell "unexpected" from "usual", plus
 * per-rule tuning and input limits. Every key has a default: an empty file is a valid config.
 * Unknown keys are errors, so a typo never silently turns a setting off.
 */
import { z } from 'zod';
import { isAddressOrCidr } from '../enrich/address.js';
import { changeFeedsSchema, suppressionSchema } from './suppressions.js';
import { sinksSchema } from './sinks.js';

const priority = z.enum(['info', 'low', 'medium', 'high', 'critical']);
const accountId = z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id');
const cidr = z
  .string()
  .regex(
    /^(?:\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/,
    'a CIDR block such as 10.0.0.0/8',
  );
const hhmm = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');

export const organisationSchema = z.strictObject({
  /** Accounts the organisation owns. */
  accounts: z.array(accountId).default([]),
  /** Third-party accounts the organisation trusts (vendors, auditors). */
  trustedAccounts: z.array(accountId).default([]),
  /** Internal network ranges, in addition to the private ranges of RFC 1918 / 4193. */
  internalCidrs: z.array(cidr).default([]),
  /** Regions the organisation uses; activity elsewhere is unexpected. Empty means any. */
  approvedRegions: z.array(z.string()).default([]),
  /** CI/CD and automation identities, as ARN globs (`arn:aws:iam::*:role/deploy-*`). */
  automationArns: z.array(z.string()).default([]),
  /** User agents of CI/CD tooling, as globs (`*terraform*`). */
  automationUserAgents: z.array(z.string()).default([]),
  /** Identities allowed to open SSM sessions and EC2 Instance Connect, as ARN globs. */
  jumpUsers: z.array(z.string()).default([]),
  /** ISO 3166 alpha-2 country codes where logins are expected. Empty means any. */
  expectedCountries: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code'))
    .default([]),
  /** Working hours; activity outside is "odd hours". */
  workingHours: z
    .strictObject({
      timeZone: z.string().default('UTC'),
      start: hhmm.default('07:00'),
      end: hhmm.default('19:00'),
      /** ISO weekdays that are working days, 1 = Monday. */
      days: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]),
    })
    .optional(),
  /** Approved cross-account role use: caller account → target account. */
  crossAccountPairs: z.array(z.strictObject({ from: accountId, to: accountId })).default([]),
  /** Resources whose access is watched closely, as ARN or name globs. */
  sensitive: z
    .strictObject({
      buckets: z.array(z.string()).default([]),
      secrets: z.array(z.string()).default([]),
      kmsKeys: z.array(z.string()).default([]),
    })
    .prefault({}),
});

const addressOrCidr = z
  .string()
  .refine(isAddressOrCidr, 'an IP address or CIDR block such as 198.51.100.7 or 203.0.113.0/24');

/** One threat-intelligence list: a name findings show, and addresses from a file, inline, or both. */
export const intelListSchema = z
  .strictObject({
    /** Name findings and rules use for the list (`tor`, `bad-ips`). */
    name: z.string().regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'a short name such as tor or bad-ips'),
    /**
     * A list file, relative to the configuration file's folder: one address or CIDR block per line
     * with `#` comments (TOR `exit-addresses` files are read too), or CSV.
     */
    file: z.string().min(1).optional(),
    /** How the file is read; by default CSV for a `.csv` file, text otherwise. */
    format: z.enum(['text', 'csv']).optional(),
    /** CSV: the column holding the address, by header name or 1-based number; default the first. */
    column: z.union([z.string().min(1), z.number().int().min(1)]).optional(),
    /** Addresses and CIDR blocks listed in the configuration itself. */
    addresses: z.array(addressOrCidr).default([]),
  })
  .refine((l) => l.file !== undefined || l.addresses.length > 0, {
    message: 'a list with a file or addresses',
  });

export const intelSchema = z.strictObject({
  /** Threat-intelligence lists (TOR exit nodes, bad addresses) matched against every address. */
  lists: z.array(intelListSchema).default([]),
  /**
   * AWS's IP ranges: a snapshot written by `trailhound update-data`, or `ip-ranges.json` as AWS
   * publishes it, relative to the configuration file's folder. Default: the snapshot shipped with
   * trailhound.
   */
  awsIpRanges: z.string().min(1).optional(),
});

const knobValue = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  z.array(z.string()),
  z.array(z.number()),
]);

export const ruleSettingSchema = z.strictObject({
  enabled: z.boolean().optional(),
  priority: priority.optional(),
  knobs: z.record(z.string(), knobValue).optional(),
});

export const configSchema = z.strictObject({
  organisation: organisationSchema.prefault({}),
  /** Per-rule settings, keyed by rule id or by a glob over rule ids (`aws.recon.*`). */
  rules: z.record(z.string(), ruleSettingSchema).default({}),
  input: z
    .strictObject({
      /** Records larger than this are reported and skipped rather than parsed. */
      maxRecordBytes: z
        .number()
        .int()
        .min(1024)
        .max(512 * 1024 * 1024)
        .default(64 * 1024 * 1024),
    })
    .prefault({}),
  /** Threat intelligence and address data used by enrichment. */
  intel: intelSchema.prefault({}),
  /** Findings accepted on purpose: marked suppressed (not dropped) and counted, until they expire. */
  suppressions: z.array(suppressionSchema).default([]),
  /** Approved-change tickets and CI/CD deploy runs that findings are correlated with. */
  changes: changeFeedsSchema.prefault({}),
  findings: z
    .strictObject({
      /** Window, in minutes, over which events of one rule and key become one finding. */
      windowMinutes: z
        .number()
        .int()
        .min(1)
        .max(60 * 24 * 31)
        .default(60),
      /** At most this many event ids and origins are listed in a finding's evidence. */
      maxEvidence: z.number().int().min(1).max(10_000).default(50),
    })
    .prefault({}),
  /** Alert destinations (Slack, signed webhooks, Jira, files), grouping, retries, dead letters. */
  sinks: sinksSchema.prefault({}),
  state: z
    .strictObject({
      /**
       * Keys (principals, address pairs, …) each stateful rule tracks at most; the least recently
       * used beyond it are evicted and counted in the run summary. It bounds memory on busy
       * networks, at the cost of forgetting what an evicted key had built up.
       */
      maxKeysPerRule: z.number().int().min(100).max(10_000_000).default(100_000),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type Organisation = z.infer<typeof organisationSchema>;
export type RuleSetting = z.infer<typeof ruleSettingSchema>;
export type IntelConfig = z.infer<typeof intelSchema>;
export type IntelListConfig = z.infer<typeof intelListSchema>;
export type Priority = z.infer<typeof priority>;
export const PRIORITIES: readonly Priority[] = priority.options;

/** The configuration used when the user gives none. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
