/**
 * Resource policies (S3 bucket policies, KMS key policies, VPC endpoint policies) as CloudTrail
 * logs them: an object, a JSON string, or a URL-encoded JSON string. This module parses them and
 * answers who an `Allow` statement lets in: everyone (`"*"`, `{"AWS": "*"}`, `NotPrincipal`),
 * other accounts, or only principals narrowed by a condition that really narrows (organisation,
 * VPC endpoint, source address or account, caller account). Conditions with negated, `IfExists`
 * or `ForAllValues` operators pass when the key is absent and so do not narrow anything.
 */
import type { JsonObject, JsonValue } from '../../model/event.js';
import { isWorld } from './cidr-blocks.js';
import { accountOf } from './ownership.js';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A policy document from an object, a JSON string or a URL-encoded JSON string. */
export function parsePolicy(v: JsonValue | undefined): JsonObject | undefined {
  if (isObject(v)) return v;
  if (typeof v !== 'string') return undefined;
  let text = v.trim();
  if (text.startsWith('%7B') || text.startsWith('%7b')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return undefined;
    }
  }
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? (parsed as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

function own(o: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** `Statement` as a list (a single statement object is allowed by the policy grammar). */
export function statements(doc: JsonObject | undefined): JsonObject[] {
  if (doc === undefined) return [];
  const s = own(doc, 'Statement');
  if (Array.isArray(s)) return s.filter(isObject);
  return isObject(s) ? [s] : [];
}

function asStrings(v: JsonValue | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

export function isAllow(stmt: JsonObject): boolean {
  return own(stmt, 'Effect') === 'Allow';
}

/** Who a statement names: everyone, and the AWS principals it lists. */
export interface Principals {
  everyone: boolean;
  aws: string[];
}

export function principalsOf(stmt: JsonObject): Principals {
  // `NotPrincipal` with Allow grants everyone except the few it names.
  if (own(stmt, 'NotPrincipal') !== undefined) return { everyone: true, aws: [] };
  const p = own(stmt, 'Principal');
  if (p === '*') return { everyone: true, aws: [] };
  if (!isObject(p)) return { everyone: false, aws: [] };
  const aws = asStrings(own(p, 'AWS'));
  return { everyone: aws.includes('*'), aws: aws.filter((a) => a !== '*') };
}

/** Condition keys (lower case) that limit who can use a grant to a known set of callers. */
const NARROWING_KEYS = new Set([
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:userid',
  'aws:sourcevpce',
  'aws:sourcevpc',
  'aws:sourceip',
  'aws:vpcsourceip',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  // SNS's own key for "published by this account's resources", in its default topic policy.
  'aws:sourceowner',
  'kms:calleraccount',
  'kms:viaservice',
  's3:dataaccesspointaccount',
]);

function narrowingOperator(op: string): boolean {
  const o = op.toLowerCase();
  return !o.includes('not') && !o.endsWith('ifexists') && !o.startsWith('forallvalues:');
}

/**
 * True when the statement's `Condition` narrows its principals: a positive operator on one of the
 * narrowing keys. A source-address condition that itself allows the world does not narrow.
 */
export function hasNarrowingCondition(stmt: JsonObject): boolean {
  const cond = own(stmt, 'Condition');
  if (!isObject(cond)) return false;
  for (const [op, block] of Object.entries(cond)) {
    if (!narrowingOperator(op) || !isObject(block)) continue;
    for (const [key, value] of Object.entries(block)) {
      const k = key.toLowerCase();
      if (!NARROWING_KEYS.has(k)) continue;
      const values = asStrings(value);
      if ((k === 'aws:sourceip' || k === 'aws:vpcsourceip') && values.some((v) => isWorld(v))) {
        continue;
      }
      if (values.length > 0 && !values.includes('*')) return true;
    }
  }
  return false;
}

/** Allow statements that let anyone in without a narrowing condition. */
export function publicStatements(doc: JsonObject | undefined): JsonObject[] {
  return statements(doc).filter(
    (s) => isAllow(s) && principalsOf(s).everyone && !hasNarrowingCondition(s),
  );
}

/** Every account named by the AWS principals of Allow statements, in order of appearance. */
export function grantedAccounts(doc: JsonObject | undefined): string[] {
  const out: string[] = [];
  for (const s of statements(doc)) {
    if (!isAllow(s)) continue;
    for (const p of principalsOf(s).aws) {
      const a = accountOf(p);
      if (a !== undefined && !out.includes(a)) out.push(a);
    }
  }
  return out;
}

/** The actions of a statement (`Action` only; a `NotAction` grant counts as `*`). */
export function actionsOf(stmt: JsonObject): string[] {
  if (own(stmt, 'NotAction') !== undefined) return ['*'];
  return asStrings(own(stmt, 'Action'));
}

/** True when one of the actions is `*` or `<service>:*`. */
export function grantsAllActions(stmt: JsonObject): boolean {
  return actionsOf(stmt).some((a) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a));
}

/** True when the statement applies to every resource (`"Resource": "*"` or `NotResource`). */
export function coversAllResources(stmt: JsonObject): boolean {
  if (own(stmt, 'NotResource') !== undefined) return true;
  return asStrings(own(stmt, 'Resource')).includes('*');
}
