/**
 * IAM policy documents as CloudTrail logs them, and what they grant. Documents arrive as JSON
 * strings, as URL-encoded JSON strings (CreateRole's response, some exports), as objects, or as a
 * JSON string of a JSON string; `readPolicy` turns all of these into statements with every element
 * normalised to lists. `permissionGrants` judges an identity policy (who may do what: full admin,
 * IAM privilege escalation, assuming any role) and `trustGrants` judges a role's trust policy (who
 * may assume it: everyone, a foreign account, an identity provider without a subject condition).
 * Wildcards in policies are matched here without regular expressions, since the patterns come from
 * the records; nothing here throws.
 */
import type { JsonObject, JsonValue } from '../../model/event.js';

// ---------------------------------------------------------------------------------------------
// Reading documents
// ---------------------------------------------------------------------------------------------

/** One statement with its elements normalised to lists; absent elements are undefined. */
export interface Statement {
  sid: string | undefined;
  /** `Allow` or `Deny`, normalised from any case; undefined when missing or unknown. */
  effect: 'Allow' | 'Deny' | undefined;
  actions: string[] | undefined;
  notActions: string[] | undefined;
  resources: string[] | undefined;
  notResources: string[] | undefined;
  /** `Principal`: `'*'` for the bare wildcard, else principal type → values. */
  principal: Principals | undefined;
  notPrincipal: Principals | undefined;
  condition: JsonObject | undefined;
}

export type Principals = '*' | ReadonlyMap<string, string[]>;

export type PolicyRead =
  /** The document was read; `statements` may be empty. */
  | { ok: true; statements: Statement[] }
  /** A document was there but could not be read as a policy. */
  | { ok: false; reason: string };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An own key of `o` by name, ignoring case. IAM itself is strict about element names, but
 * exports and hand-written policies differ in case, and a grant must not hide behind `effect`.
 */
function get(o: JsonObject, name: string): JsonValue | undefined {
  if (Object.hasOwn(o, name)) return o[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

function stringList(v: JsonValue | undefined): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const items = Array.isArray(v) ? v : [v];
  return items.filter((x): x is string => typeof x === 'string');
}

function principalsOf(v: JsonValue | undefined): Principals | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.trim() === '*' ? '*' : new Map([['AWS', [v]]]);
  if (!isObject(v)) return undefined;
  const out = new Map<string, string[]>();
  for (const k of Object.keys(v)) {
    const values = stringList(v[k]) ?? [];
    // Normalise the type's case (`aws`, `Aws`) so callers can look up `AWS`, `Service`, ….
    const type = PRINCIPAL_TYPES.find((t) => t.toLowerCase() === k.toLowerCase()) ?? k;
    out.set(type, [...(out.get(type) ?? []), ...values]);
  }
  return out;
}

const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

function effectOf(v: JsonValue | undefined): Statement['effect'] {
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  return s === 'allow' ? 'Allow' : s === 'deny' ? 'Deny' : undefined;
}

function statementOf(o: JsonObject): Statement {
  const condition = get(o, 'Condition');
  return {
    sid: typeof get(o, 'Sid') === 'string' ? (get(o, 'Sid') as string) : undefined,
    effect: effectOf(get(o, 'Effect')),
    actions: stringList(get(o, 'Action')),
    notActions: stringList(get(o, 'NotAction')),
    resources: stringList(get(o, 'Resource')),
    notResources: stringList(get(o, 'NotResource')),
    principal: principalsOf(get(o, 'Principal')),
    notPrincipal: principalsOf(get(o, 'NotPrincipal')),
    condition: isObject(condition) ? condition : undefined,
  };
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function decodeUri(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** The document as an object, from any of the shapes CloudTrail and exports use. */
function documentOf(v: JsonValue, depth: number): JsonObject | undefined {
  if (isObject(v)) return v;
  if (typeof v !== 'string' || depth > 2) return undefined;
  const s = v.trim();
  const direct = parseJson(s);
  if (isObject(direct)) return direct as JsonObject;
  // A JSON string whose value is the document again (double-encoded exports).
  if (typeof direct === 'string') return documentOf(direct, depth + 1);
  if (s.includes('%')) {
    // IAM URL-encodes documents in its responses; spaces come as %20, but form-encoders write `+`.
    for (const candidate of [decodeUri(s), decodeUri(s.replace(/\+/g, ' '))]) {
      if (candidate === undefined) continue;
      const decoded = documentOf(candidate, depth + 1);
      if (decoded !== undefined) return decoded;
    }
  }
  return undefined;
}

/**
 * Reads a policy document. Undefined when there is none (missing, null, empty string); a failed
 * read says why, so rules can still report the event and say the document was unreadable.
 *
 * @example readPolicy('{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}')
 */
export function readPolicy(v: JsonValue | undefined): PolicyRead | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && v.trim() === '') return undefined;
  const doc = documentOf(v, 0);
  if (doc === undefined) {
    return { ok: false, reason: typeof v === 'string' ? 'not JSON' : `a ${typeof v}` };
  }
  const raw = get(doc, 'Statement');
  if (raw === undefined || raw === null) return { ok: false, reason: 'no Statement element' };
  const items = Array.isArray(raw) ? raw : [raw];
  const statements = items.filter(isObject).map(statementOf);
  if (statements.length === 0) return { ok: false, reason: 'no readable statement' };
  return { ok: true, statements };
}

// ---------------------------------------------------------------------------------------------
// Wildcards
// ---------------------------------------------------------------------------------------------

/**
 * IAM's wildcard match (`*` any run, `?` one character), case-insensitive as IAM matches action
 * names. Iterative with backtracking to the last `*`, so no pattern can make it slow.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi += 1;
      vi += 1;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi;
      mark = vi;
      pi += 1;
    } else if (star >= 0) {
      pi = star + 1;
      mark += 1;
      vi = mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi += 1;
  return pi === p.length;
}

// ---------------------------------------------------------------------------------------------
// Identity policies: what they grant
// ---------------------------------------------------------------------------------------------

/** IAM actions that let a principal raise its own privileges; default of the `escalationActions` knobs. */
export const DEFAULT_ESCALATION_ACTIONS: readonly string[] = [
  'iam:AttachUserPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachGroupPolicy',
  'iam:PutUserPolicy',
  'iam:PutRolePolicy',
  'iam:PutGroupPolicy',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:UpdateAssumeRolePolicy',
  'iam:AddUserToGroup',
  'iam:DeleteUserPermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
];

export type GrantKind = 'admin' | 'not-action' | 'iam-escalation' | 'assume-any-role';

export interface Grant {
  kind: GrantKind;
  /** The action patterns of the statement that grant it, as written. */
  actions: string[];
  /** For `not-action`: what the statement excludes. */
  except?: string[];
  /** True when the statement carries a Condition (MFA, source IP, …) that may narrow it. */
  conditional: boolean;
}

/**
 * True when a statement's resources cover everything of a kind: `*`, an ARN whose resource part
 * is a bare wildcard (or wildcard type and name), an IAM ARN of every resource of a type
 * (`role/` then a wildcard), or a NotResource (everything but). An S3 ARN of a bucket's objects is
 * one bucket, not broad.
 */
function broadResources(s: Statement): boolean {
  if (s.notResources !== undefined) return true;
  if (s.resources === undefined) return true;
  return s.resources.some((r) => {
    const t = r.trim();
    if (t === '*') return true;
    const parts = t.split(':');
    if (parts.length < 6 || parts[0]?.toLowerCase() !== 'arn') return false;
    const resource = parts.slice(5).join(':');
    if (resource === '*' || resource === '*/*') return true;
    return parts[2]?.toLowerCase() === 'iam' && /^[A-Za-z-]+\/\*$/.test(resource);
  });
}

const ASSUME_ROLE = 'sts:AssumeRole';

/**
 * What the Allow statements of an identity policy grant on broad resources: everything (`*`,
 * `*:*`), everything but a list (`NotAction`), actions that escalate privileges through IAM (any
 * pattern that covers one of `escalationActions`, so `iam:*` and `iam:Put*` both count), or
 * `sts:AssumeRole` on any role. The strongest grant of each statement is reported.
 */
export function permissionGrants(
  statements: readonly Statement[],
  escalationActions: readonly string[] = DEFAULT_ESCALATION_ACTIONS,
): Grant[] {
  const out: Grant[] = [];
  for (const s of statements) {
    if (s.effect !== 'Allow' || !broadResources(s)) continue;
    const conditional = s.condition !== undefined && Object.keys(s.condition).length > 0;
    if (s.notActions !== undefined && s.actions === undefined) {
      out.push({ kind: 'not-action', actions: [], except: s.notActions, conditional });
      continue;
    }
    const actions = (s.actions ?? []).map((a) => a.trim());
    const admin = actions.filter((a) => a === '*' || a === '*:*');
    if (admin.length > 0) {
      out.push({ kind: 'admin', actions: admin, conditional });
      continue;
    }
    const escalating = actions.filter((a) => escalationActions.some((x) => wildcardMatch(a, x)));
    if (escalating.length > 0) {
      out.push({ kind: 'iam-escalation', actions: escalating, conditional });
      continue;
    }
    const assume = actions.filter((a) => wildcardMatch(a, ASSUME_ROLE));
    if (assume.length > 0) out.push({ kind: 'assume-any-role', actions: assume, conditional });
  }
  return out;
}

/** The grants in words for a summary: `Action "*" on "*"`, `iam:* on "*"`, …. */
export function describeGrant(g: Grant): string {
  const cond = g.conditional ? ' (under a condition)' : '';
  switch (g.kind) {
    case 'admin':
      return `every action (${g.actions.map((a) => `"${a}"`).join(', ')}) on every resource${cond}`;
    case 'not-action':
      return `every action except ${(g.except ?? []).slice(0, 3).join(', ') || '(nothing)'}${cond}`;
    case 'iam-escalation':
      return `IAM privilege escalation (${g.actions.slice(0, 3).join(', ')}) on every resource${cond}`;
    case 'assume-any-role':
      return `${g.actions.slice(0, 2).join(', ')} on any role${cond}`;
  }
}

/** Grants ranked for priority: admin and NotAction first, then escalation, then assume-role. */
export function grantRank(kind: GrantKind): number {
  return kind === 'admin' || kind === 'not-action' ? 3 : kind === 'iam-escalation' ? 2 : 1;
}

// ---------------------------------------------------------------------------------------------
// Trust policies: who may assume the role
// ---------------------------------------------------------------------------------------------

/**
 * Condition keys that tie a wildcard principal to the organisation or a known caller. With one of
 * these a `"*"` principal is the usual organisation-wide or third-party pattern, not an open door.
 */
export const RESTRICTIVE_CONDITION_KEYS: readonly string[] = [
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:PrincipalAccount',
  'aws:PrincipalArn',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
  'aws:SourceVpc',
  'aws:SourceVpce',
  'aws:SourceIp',
  'sts:ExternalId',
];

/** Web identity providers that AWS names by host rather than by an OIDC provider ARN. */
const PUBLIC_WEB_IDENTITY_PROVIDERS = [
  'cognito-identity.amazonaws.com',
  'accounts.google.com',
  'graph.facebook.com',
  'www.amazon.com',
];

export type TrustKind = 'everyone' | 'foreign-account' | 'open-oidc' | 'unknown-idp';

export interface TrustGrant {
  kind: TrustKind;
  /** The principal as written (`*`, `arn:aws:iam::111122223333:root`, the provider ARN). */
  principal: string;
  /** For `foreign-account` and provider ARNs: the account named. */
  account?: string;
  /** For `open-oidc`: why the provider is open (no subject condition, a wildcard subject). */
  why?: string;
}

function conditionKeys(c: JsonObject | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (c === undefined) return out;
  for (const op of Object.keys(c)) {
    const block = c[op];
    if (!isObject(block)) continue;
    for (const key of Object.keys(block)) {
      const k = key.toLowerCase();
      out.set(k, [...(out.get(k) ?? []), ...(stringList(block[key]) ?? [])]);
    }
  }
  return out;
}

/** The account a principal names: a bare id, an IAM/STS ARN, or undefined (unique ids, services). */
export function accountOfPrincipal(p: string): string | undefined {
  const t = p.trim();
  if (/^\d{12}$/.test(t)) return t;
  const m = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/i.exec(t);
  return m ? (m[1] as string) : undefined;
}

/** `token.actions.githubusercontent.com` from `arn:aws:iam::123456789012:oidc-provider/token.actions…`. */
function oidcHost(federated: string): string | undefined {
  const m = /:oidc-provider\/(.+)$/i.exec(federated);
  return m ? (m[1] as string) : undefined;
}

/**
 * An OIDC provider is open when no condition pins the token's subject (`<host>:sub`), or the
 * subject pattern admits anyone (`*`, `repo:*`): any GitHub repository, any GitLab project, any
 * pod of any cluster could then assume the role.
 */
function openOidc(host: string, keys: Map<string, string[]>): string | undefined {
  const sub = keys.get(`${host.toLowerCase()}:sub`);
  if (sub === undefined || sub.length === 0) return `no ${host}:sub condition`;
  const wide = sub.filter((v) =>
    /^\*$|^repo:\*|^project_path:\*|^system:serviceaccount:\*/i.test(v),
  );
  if (wide.length === sub.length) return `a subject (${wide.join(', ')}) that admits anyone`;
  return undefined;
}

/**
 * The risky principals an Allow statement of a trust policy lets in. `known(account)` says
 * whether an account belongs to the organisation (own, trusted, or the event's own account).
 */
export function trustGrants(
  statements: readonly Statement[],
  known: (account: string) => boolean,
): TrustGrant[] {
  const out: TrustGrant[] = [];
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    const keys = conditionKeys(s.condition);
    const restricted = RESTRICTIVE_CONDITION_KEYS.some((k) => keys.has(k.toLowerCase()));
    if (s.notPrincipal !== undefined && !restricted) {
      out.push({ kind: 'everyone', principal: 'NotPrincipal (everyone but the listed)' });
      continue;
    }
    const p = s.principal;
    if (p === undefined) continue;
    if (p === '*') {
      if (!restricted) out.push({ kind: 'everyone', principal: '*' });
      continue;
    }
    for (const aws of p.get('AWS') ?? []) {
      if (aws.trim() === '*') {
        if (!restricted) out.push({ kind: 'everyone', principal: aws });
        continue;
      }
      const account = accountOfPrincipal(aws);
      if (account !== undefined && !known(account)) {
        out.push({ kind: 'foreign-account', principal: aws, account });
      }
    }
    for (const fed of p.get('Federated') ?? []) {
      const f = fed.trim();
      const account = accountOfPrincipal(f);
      if (account !== undefined && !known(account)) {
        out.push({
          kind: 'unknown-idp',
          principal: f,
          account,
          why: 'provider in a foreign account',
        });
        continue;
      }
      if (/:saml-provider\//i.test(f) && account !== undefined) continue;
      const host = oidcHost(f);
      if (host !== undefined) {
        const why = openOidc(host, keys);
        if (why !== undefined) out.push({ kind: 'open-oidc', principal: f, why });
        continue;
      }
      if (PUBLIC_WEB_IDENTITY_PROVIDERS.includes(f.toLowerCase())) {
        const pinned = [...keys.keys()].some((k) => k.startsWith(`${f.toLowerCase()}:`));
        if (!pinned)
          out.push({ kind: 'open-oidc', principal: f, why: `no ${f}:aud or :sub condition` });
        continue;
      }
      out.push({ kind: 'unknown-idp', principal: f, why: 'not an IAM SAML or OIDC provider' });
    }
  }
  return out;
}

/** A trust grant in words for a summary. */
export function describeTrust(g: TrustGrant): string {
  switch (g.kind) {
    case 'everyone':
      return `any AWS principal (${g.principal}) without a restricting condition`;
    case 'foreign-account':
      return `foreign account ${g.account ?? '?'} (${g.principal})`;
    case 'open-oidc':
      return `identity provider ${g.principal} with ${g.why ?? 'no subject condition'}`;
    case 'unknown-idp':
      return `identity provider ${g.principal} (${g.why ?? 'unknown'})`;
  }
}

/** Every principal named by Allow statements, for summaries of trust changes that are not risky. */
export function allowedPrincipals(statements: readonly Statement[]): string[] {
  const out: string[] = [];
  for (const s of statements) {
    if (s.effect !== 'Allow' || s.principal === undefined) continue;
    if (s.principal === '*') {
      out.push('*');
      continue;
    }
    for (const values of s.principal.values()) out.push(...values);
  }
  return [...new Set(out)];
}

// ---------------------------------------------------------------------------------------------
// Verdicts for rules
// ---------------------------------------------------------------------------------------------

export type PolicyVerdict =
  { kind: 'grants'; grants: Grant[]; rank: number } | { kind: 'unreadable'; reason: string };

/**
 * What an identity policy document in a record means for the IAM-1 rules: the risky grants it
 * makes (with the rank of the strongest), `unreadable` when a document is there but cannot be
 * read (the rules still report it, lower, since a document that hides its content is itself
 * odd), or undefined when there is no document or nothing risky in it.
 */
export function judgePolicy(
  v: JsonValue | undefined,
  escalationActions: readonly string[],
): PolicyVerdict | undefined {
  const read = readPolicy(v);
  if (read === undefined) return undefined;
  if (!read.ok) return { kind: 'unreadable', reason: read.reason };
  const grants = permissionGrants(read.statements, escalationActions);
  if (grants.length === 0) return undefined;
  const sorted = [...grants].sort((a, b) => grantRank(b.kind) - grantRank(a.kind));
  return { kind: 'grants', grants: sorted, rank: grantRank((sorted[0] as Grant).kind) };
}

/** Priority steps for a verdict: admin and escalation at the rule priority, assume-role one lower, unreadable two lower. */
export function verdictSteps(v: PolicyVerdict): number {
  if (v.kind === 'unreadable') return -2;
  return v.rank >= 2 ? 0 : -1;
}

/** A verdict in words: what the document grants, or that it could not be read. */
export function describeVerdict(v: PolicyVerdict): string {
  if (v.kind === 'unreadable') return `whose document could not be read (${v.reason})`;
  return `granting ${v.grants.slice(0, 2).map(describeGrant).join(' and ')}`;
}

export type TrustVerdict =
  { kind: 'grants'; grants: TrustGrant[] } | { kind: 'unreadable'; reason: string };

/**
 * What a trust policy document in a record lets in that it should not (see `trustGrants`), that
 * it could not be read, or undefined when there is no document or nothing risky in it.
 */
export function judgeTrust(
  v: JsonValue | undefined,
  known: (account: string) => boolean,
): TrustVerdict | undefined {
  const read = readPolicy(v);
  if (read === undefined) return undefined;
  if (!read.ok) return { kind: 'unreadable', reason: read.reason };
  const grants = trustGrants(read.statements, known);
  return grants.length === 0 ? undefined : { kind: 'grants', grants };
}

/** Priority steps for a trust verdict: everyone one up, other grants at the rule priority, unreadable two down. */
export function trustSteps(v: TrustVerdict): number {
  if (v.kind === 'unreadable') return -2;
  return v.grants.some((g) => g.kind === 'everyone') ? 1 : 0;
}

/** A trust verdict as a predicate: `lets in …`, or `could not be read (…)`. */
export function describeTrustVerdict(v: TrustVerdict): string {
  if (v.kind === 'unreadable') return `could not be read (${v.reason})`;
  const parts = v.grants.slice(0, 2).map(describeTrust);
  const more = v.grants.length > 2 ? ` and ${v.grants.length - 2} more` : '';
  return `lets in ${parts.join(' and ')}${more}`;
}
