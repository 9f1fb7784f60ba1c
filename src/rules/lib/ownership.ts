/**
 * What the organisation owns and cares about, as network and data rules ask it: which accounts are
 * its own or trusted (everything else is foreign), which buckets, secrets and KMS keys are
 * sensitive, and the sentences a rule returns from `assumptions` when the configuration is silent
 * on these points. Account ids are read out of ARNs (`arn:aws:kms:us-east-1:111122223333:key/…`,
 * `arn:aws:iam::111122223333:root`) as well as bare 12-digit values.
 */
import type { Organisation } from '../../config/schema.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
import { str } from '../lib.js';

const ACCOUNT = /^\d{12}$/;

/** The account in an ARN's fifth field, or a bare 12-digit id; undefined otherwise. */
export function accountOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (ACCOUNT.test(v)) return v;
  if (!v.startsWith('arn:')) return undefined;
  const account = v.split(':')[4];
  return account !== undefined && ACCOUNT.test(account) ? account : undefined;
}

/**
 * True when `account` is neither the account that recorded the event nor one the configuration
 * names as its own (`organisation.accounts`) or trusted (`organisation.trustedAccounts`).
 */
export function isForeignAccount(
  account: string | undefined,
  e: ApiEvent,
  org: Organisation,
): boolean {
  if (account === undefined) return false;
  if (account === e.account) return false;
  return !org.accounts.includes(account) && !org.trustedAccounts.includes(account);
}

/** The `assumptions` sentence of rules that tell own accounts from foreign ones. */
export function accountsAssumption(org: Organisation): string[] {
  return org.accounts.length === 0 && org.trustedAccounts.length === 0
    ? [
        'No organisation accounts or trusted accounts configured: only the account that recorded ' +
          'the event counts as own, every other account is treated as foreign.',
      ]
    : [];
}

/** The `assumptions` sentence of rules that spare (or lower) the organisation's automation. */
export function automationAssumption(org: Organisation): string[] {
  return org.automationArns.length === 0 && org.automationUserAgents.length === 0
    ? [
        'No automationArns or automationUserAgents configured: every identity is treated as a ' +
          'person, so infrastructure-as-code and pipeline changes are reported too.',
      ]
    : [];
}

/** The `assumptions` sentence of rules that compare blocks with the internal ranges. */
export function internalCidrsAssumption(org: Organisation): string[] {
  return org.internalCidrs.length === 0
    ? [
        'No internalCidrs configured: only private and reserved ranges (RFC 1918, RFC 4193 and ' +
          'the like) count as internal.',
      ]
    : [];
}

// ---------------------------------------------------------------------------------------------
// Sensitive resources
// ---------------------------------------------------------------------------------------------

/** True when any configured sensitive resource list is non-empty. */
export function hasSensitiveResources(org: Organisation): boolean {
  const s = org.sensitive;
  return s.buckets.length + s.secrets.length + s.kmsKeys.length > 0;
}

/** Bucket name and ARN, so that either can be configured. */
export function isSensitiveBucket(org: Organisation, bucket: string | undefined): boolean {
  if (bucket === undefined) return false;
  const patterns = org.sensitive.buckets;
  return matchesAny(patterns, bucket) || matchesAny(patterns, `arn:aws:s3:::${bucket}`);
}

/**
 * The secret's name as configured people write it: from an ARN, the part after `:secret:`
 * without the six-character suffix Secrets Manager appends (`prod/db-AbCdEf` → `prod/db`).
 */
export function secretName(secretId: string): string {
  const i = secretId.indexOf(':secret:');
  if (i < 0) return secretId;
  const tail = secretId.slice(i + ':secret:'.length);
  return /-[A-Za-z0-9]{6}$/.test(tail) ? tail.slice(0, -7) : tail;
}

/** A secret id (name, partial or full ARN) against the configured globs. */
export function isSensitiveSecret(org: Organisation, secretId: string | undefined): boolean {
  if (secretId === undefined) return false;
  const patterns = org.sensitive.secrets;
  return matchesAny(patterns, secretId) || matchesAny(patterns, secretName(secretId));
}

/**
 * The ways an event names its KMS key: the request's `keyId` (key id, key ARN, alias name or alias
 * ARN), `destinationKeyId` / `sourceKeyId` of ReEncrypt, and the key ARNs CloudTrail lists in
 * `resources` (present even when the request used an alias or no key id at all, as Decrypt does).
 */
export function kmsKeyNames(e: ApiEvent): string[] {
  const out = new Set<string>();
  for (const n of ['keyId', 'destinationKeyId', 'sourceKeyId']) {
    const v = str(e.request, n);
    if (v !== undefined) out.add(v);
  }
  for (const r of e.resources) {
    if (str(r, 'type') === 'AWS::KMS::Key') {
      const arn = str(r, 'ARN');
      if (arn !== undefined) out.add(arn);
    }
  }
  for (const v of [...out]) {
    // `…:key/<id>` and `…:alias/<name>` are also matched by their short forms.
    const m = /:(key\/.+|alias\/.+)$/.exec(v);
    if (m !== null) {
      const short = m[1] as string;
      out.add(short.startsWith('key/') ? short.slice(4) : short);
    }
  }
  return [...out];
}

export function isSensitiveKey(org: Organisation, names: readonly string[]): boolean {
  return names.some((n) => matchesAny(org.sensitive.kmsKeys, n));
}

/** The `resources[]` entry of a given type whose ARN is `arn`, if CloudTrail listed it. */
export function resourceEntry(e: ApiEvent, type: string, arn: string): JsonObject | undefined {
  return e.resources.find((r) => str(r, 'type') === type && str(r, 'ARN') === arn);
}
