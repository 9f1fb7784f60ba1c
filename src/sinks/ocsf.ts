/**
 * The `ocsf` format: each finding as one OCSF 1.6.0 Detection Finding (class 2004, activity Create),
 * one JSON object per line, for data lakes and SIEMs that read OCSF (Security Lake, Splunk, …). The
 * rule is `finding_info.analytic`, its ATT&CK mapping `finding_info.attacks`, the actor, source and
 * user agent one evidence, and the cloud profile carries account and region.
 *
 * Times are the finding's own: `time` is its last event, `start_time`/`end_time` its first and last.
 * The finding's creation time (the wall clock of the run) is left out on purpose: the same logs must
 * give byte-identical output in every run, like every other format.
 *
 * `attacks` is only in `finding_info`: the top-level `attacks` of Detection Finding belongs to the
 * `security_control` profile, which describes a control that allowed or blocked something; trailhound
 * only observes.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Priority } from '../config/schema.js';
import type { RuleMeta } from '../engine/rule.js';
import type { Finding, FindingActor } from '../findings/finding.js';
import { ATTACK_VERSION, resolveTechnique, techniqueUrl } from './attack.js';

export const OCSF_VERSION = '1.6.0';

/** Looks a rule up by id, for what a finding does not carry (response steps, references). */
export type RuleLookup = (id: string) => RuleMeta | undefined;

/** The package version, for `metadata.product.version`; read once, from src/ or dist/ alike. */
export const PRODUCT_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
})();

const SEVERITY: Readonly<Record<Priority, { id: number; name: string }>> = {
  info: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

/** `user.type_id` for CloudTrail `userIdentity.type`; anything else is Other (99) with its name. */
const USER_TYPE: Readonly<Record<string, { id: number; name: string }>> = {
  IAMUser: { id: 1, name: 'User' },
  IdentityCenterUser: { id: 1, name: 'User' },
  SAMLUser: { id: 1, name: 'User' },
  WebIdentityUser: { id: 1, name: 'User' },
  FederatedUser: { id: 1, name: 'User' },
  Root: { id: 2, name: 'Admin' },
  AWSService: { id: 4, name: 'Service' },
};

type Json = Record<string, unknown>;

const epochMs = (iso: string): number => Date.parse(iso);

/** The last part of an ARN's resource (`user/ops/alice` → `alice`; `root` → `root`). */
function arnName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  // assumed-role/Role/session: the session name is who acted; the role is in the uid.
  return parts[parts.length - 1] || resource;
}

function accountObject(uid: string): Json {
  return { uid, type_id: 10, type: 'AWS Account' };
}

function userObject(actor: FindingActor, account: string | null): Json | undefined {
  // A flow finding has an address but no principal: no user, even though the account is known.
  if (actor.arn === undefined && actor.accessKeyId === undefined) return undefined;
  const user: Json = {};
  if (actor.arn !== undefined) {
    user.uid = actor.arn;
    user.name = arnName(actor.arn);
  }
  if (actor.type !== undefined) {
    const t = Object.hasOwn(USER_TYPE, actor.type) ? USER_TYPE[actor.type] : undefined;
    user.type_id = t?.id ?? 99;
    user.type = t ? t.name : actor.type;
  }
  if (account !== null) user.account = accountObject(account);
  if (actor.accessKeyId !== undefined)
    user.programmatic_credentials = [{ uid: actor.accessKeyId, type: 'AWS Access Key' }];
  // OCSF's user needs one of account, name or uid; a key id alone, in no account, is not enough.
  return user.uid !== undefined || user.account !== undefined ? user : undefined;
}

/** CloudTrail's `sourceIPAddress` is an address, or a service name when a service called for you. */
function sourceEndpoint(source: string): Json {
  return isIP(source) ? { ip: source } : { svc_name: source };
}

function attacks(mitre: readonly string[]): Json[] {
  const out: Json[] = [];
  for (const id of mitre) {
    const r = resolveTechnique(id);
    const base: Json = { version: ATTACK_VERSION };
    base.technique = { ...r.technique, src_url: techniqueUrl(r.technique.uid) };
    if (r.subTechnique) base.sub_technique = { ...r.subTechnique, src_url: techniqueUrl(id) };
    // `tactics` (plural) is deprecated since OCSF 1.1: one attack object per technique and tactic.
    if (r.tactics.length === 0) out.push(base);
    for (const t of r.tactics) out.push({ ...base, tactic: { uid: t.uid, name: t.name } });
  }
  return out;
}

function numberedSteps(steps: readonly string[]): string {
  return steps.map((s, i) => `${i + 1}. ${s}`).join('\n');
}

/**
 * One finding as an OCSF Detection Finding.
 *
 * @example
 * const event = toOcsf(finding, (id) => rulesById.get(id));
 * event.class_uid; // 2004
 */
export function toOcsf(f: Finding, rules?: RuleLookup): Json {
  const severity = SEVERITY[f.priority];
  const rule = rules?.(f.rule.id);
  const first = epochMs(f.time.first);
  const last = epochMs(f.time.last);

  const evidence: Json = {};
  const user = userObject(f.actor, f.account);
  if (user) evidence.actor = { user };
  if (f.actor.sourceIp !== undefined) evidence.src_endpoint = sourceEndpoint(f.actor.sourceIp);
  if (f.actor.userAgent !== undefined) evidence.http_request = { user_agent: f.actor.userAgent };
  const data: Json = { event_ids: f.evidence.eventIds, origins: f.evidence.origins };
  if (f.evidence.truncated) data.truncated = true;
  if (f.evidence.figures) data.figures = f.evidence.figures;
  if (f.evidence.actions) data.actions = f.evidence.actions;
  evidence.data = data;

  const observables: Json[] = [];
  if (f.actor.arn !== undefined && user)
    observables.push({ name: 'evidences.actor.user.uid', type_id: 31, value: f.actor.arn });
  if (f.actor.accessKeyId !== undefined && user)
    observables.push({
      name: 'evidences.actor.user.programmatic_credentials.uid',
      type_id: 19,
      type: 'User Credential ID',
      value: f.actor.accessKeyId,
    });
  if (f.actor.sourceIp !== undefined && isIP(f.actor.sourceIp))
    observables.push({
      name: 'evidences.src_endpoint.ip',
      type_id: 2,
      type: 'IP Address',
      value: f.actor.sourceIp,
    });
  if (f.actor.userAgent !== undefined)
    observables.push({
      name: 'evidences.http_request.user_agent',
      type_id: 16,
      type: 'HTTP User-Agent',
      value: f.actor.userAgent,
    });
  if (f.account !== null)
    observables.push({ name: 'cloud.account.uid', type_id: 35, value: f.account });
  if (f.region !== null)
    observables.push({ name: 'cloud.region', type_id: 99, type: 'AWS Region', value: f.region });

  const analytic: Json = {
    uid: f.rule.id,
    name: f.rule.id,
    type_id: 1,
    type: 'Rule',
    category: f.matrix.category,
    desc: f.rule.title,
  };

  const findingInfo: Json = {
    uid: f.id,
    title: f.rule.title,
    desc: f.summary,
    analytic,
    first_seen_time: first,
    last_seen_time: last,
    types: f.matrix.row === null ? [f.matrix.category] : [f.matrix.category, f.matrix.row],
    related_events_count: f.evidence.count,
  };
  const mapped = attacks(f.mitre);
  if (mapped.length > 0) findingInfo.attacks = mapped;
  if (f.evidence.eventIds.length > 0)
    findingInfo.related_events = f.evidence.eventIds.map((uid) => ({ uid }));

  const cloud: Json = { provider: 'AWS' };
  if (f.region !== null) cloud.region = f.region;
  if (f.account !== null) cloud.account = accountObject(f.account);

  const event: Json = {
    activity_id: 1,
    activity_name: 'Create',
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2004,
    class_name: 'Detection Finding',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    severity_id: severity.id,
    severity: severity.name,
    time: last,
    start_time: first,
    end_time: last,
    timezone_offset: 0,
    count: f.evidence.count,
    message: f.summary,
    status_id: f.suppressed ? 3 : 1,
    status: f.suppressed ? 'Suppressed' : 'New',
    is_alert: f.suppressed === null,
    finding_info: findingInfo,
    metadata: {
      version: OCSF_VERSION,
      uid: f.id,
      event_code: f.rule.id,
      profiles: ['cloud'],
      product: {
        name: 'trailhound',
        vendor_name: 'trailhound',
        version: PRODUCT_VERSION,
      },
    },
    cloud,
    evidences: [evidence],
  };
  if (f.suppressed) {
    const s = f.suppressed;
    event.status_detail = [
      `suppressed by ${s.by}`,
      s.reason !== undefined ? `: ${s.reason}` : '',
      s.ticket !== undefined ? ` (${s.ticket})` : '',
    ].join('');
  }
  if (observables.length > 0) event.observables = observables;
  if (rule && rule.response.length > 0) {
    const remediation: Json = { desc: numberedSteps(rule.response) };
    if (rule.references.length > 0) remediation.references = [...rule.references];
    event.remediation = remediation;
  }
  const unmapped: Json = {};
  if (f.assumptions && f.assumptions.length > 0) unmapped.assumptions = f.assumptions;
  if (f.suppressed?.ticket !== undefined) unmapped.ticket = f.suppressed.ticket;
  // Approved changes the finding only partly overlaps: it stays New, naming the ticket.
  if (f.changes && f.changes.length > 0) unmapped.changes = f.changes;
  if (Object.keys(unmapped).length > 0) event.unmapped = unmapped;
  return event;
}

/** The whole `ocsf` output: one Detection Finding per line. */
export function* ocsfLines(findings: Iterable<Finding>, rules?: RuleLookup): Generator<string> {
  for (const f of findings) yield `${JSON.stringify(toOcsf(f, rules))}\n`;
}
