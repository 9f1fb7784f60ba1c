/**
 * Alerts: what a destination receives. Findings of one rule and principal (the actor's ARN, else
 * its access key) whose first event falls in the same window become one alert carrying how many
 * findings and events it stands for and which findings they are, so a burst of 200 findings pages a
 * person once rather than 200 times. The alert id is a hash of rule, principal and window start:
 * the same group gets the same id in every run, so receivers can deduplicate retries and replays.
 */
import { createHash } from 'node:crypto';
import type { Priority } from '../../config/schema.js';
import type { Category, Row } from '../../engine/rule.js';
import { PRIORITY_RANK } from '../../findings/build.js';
import type { Finding } from '../../findings/finding.js';

/** At most this many event ids and origins travel with one alert; counts stay exact. */
export const ALERT_EVIDENCE_LIMIT = 50;

export interface Alert {
  /** Stable: hash of rule id, principal and window start (32 hex digits). */
  id: string;
  rule: { id: string; title: string };
  matrix: { category: Category; row: Row | null };
  /** The highest priority among the alert's findings. */
  priority: Priority;
  mitre: string[];
  /** The actor's ARN, else its access key id, else `unknown`. */
  principal: string;
  window: { start: string; end: string };
  time: { first: string; last: string };
  accounts: string[];
  regions: string[];
  sourceIps: string[];
  /** The summary of the alert's highest-priority (then earliest) finding. */
  summary: string;
  count: { findings: number; events: number };
  findingIds: string[];
  evidence: {
    eventIds: string[];
    origins: string[];
    /** Set when more events contributed than `eventIds` lists. */
    truncated?: boolean;
    /** Figures of the lead finding (threshold and observed counts, dormant days, …). */
    figures?: Record<string, number | string>;
  };
  /**
   * Set when this alert adds findings to an alert of the same id that this process sent before (a
   * long-running `watch` whose group grew after the alert went out); counts are of the new
   * findings only. Jira adds it as a comment to the issue the first alert created.
   */
  update?: true;
}

/** The principal a finding is grouped by. */
export function principalOf(f: Finding): string {
  return f.actor.arn ?? f.actor.accessKeyId ?? 'unknown';
}

/**
 * Groups findings into alerts, one per rule, principal and window, ordered by window start, then
 * priority (highest first), then rule id.
 *
 * @example
 * groupAlerts(findings, 60 * 60_000); // [{ id, rule, principal, count: { findings: 3, … }, … }]
 */
export function groupAlerts(findings: readonly Finding[], windowMs: number): Alert[] {
  const groups = new Map<string, { start: number; principal: string; findings: Finding[] }>();
  for (const f of findings) {
    const first = Date.parse(f.time.first);
    const start = Math.floor((Number.isNaN(first) ? 0 : first) / windowMs) * windowMs;
    const principal = principalOf(f);
    const key = JSON.stringify([f.rule.id, principal, start]);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { start, principal, findings: [] }));
    g.findings.push(f);
  }
  const alerts = [...groups.values()].map((g) =>
    buildAlert(g.findings, g.principal, g.start, windowMs),
  );
  alerts.sort(
    (a, b) =>
      a.window.start.localeCompare(b.window.start) ||
      PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
      a.rule.id.localeCompare(b.rule.id) ||
      a.principal.localeCompare(b.principal),
  );
  return alerts;
}

function buildAlert(
  findings: Finding[],
  principal: string,
  start: number,
  windowMs: number,
): Alert {
  const sorted = [...findings].sort(
    (a, b) =>
      PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
      a.time.first.localeCompare(b.time.first) ||
      a.id.localeCompare(b.id),
  );
  const lead = sorted[0] as Finding;
  const distinct = (values: (string | null | undefined)[]): string[] =>
    [...new Set(values.filter((v): v is string => typeof v === 'string'))].sort();
  const eventIds: string[] = [];
  const origins: string[] = [];
  let events = 0;
  let truncated = false;
  for (const f of sorted) {
    events += f.evidence.count;
    if (f.evidence.truncated) truncated = true;
    for (const id of f.evidence.eventIds)
      if (eventIds.length < ALERT_EVIDENCE_LIMIT) eventIds.push(id);
      else truncated = true;
    for (const o of f.evidence.origins) if (origins.length < ALERT_EVIDENCE_LIMIT) origins.push(o);
  }
  const firsts = findings.map((f) => f.time.first).sort();
  const lasts = findings.map((f) => f.time.last).sort();
  const evidence: Alert['evidence'] = { eventIds, origins };
  if (truncated || events > eventIds.length) evidence.truncated = true;
  if (lead.evidence.figures !== undefined) evidence.figures = lead.evidence.figures;
  return {
    id: createHash('sha256')
      .update(JSON.stringify([lead.rule.id, principal, start]))
      .digest('hex')
      .slice(0, 32),
    rule: lead.rule,
    matrix: lead.matrix,
    priority: lead.priority,
    mitre: distinct(findings.flatMap((f) => f.mitre)),
    principal,
    window: { start: iso(start), end: iso(start + windowMs) },
    time: { first: firsts[0] as string, last: lasts[lasts.length - 1] as string },
    accounts: distinct(findings.map((f) => f.account)),
    regions: distinct(findings.map((f) => f.region)),
    sourceIps: distinct(findings.map((f) => f.actor.sourceIp)),
    summary: lead.summary,
    count: { findings: findings.length, events },
    findingIds: sorted.map((f) => f.id),
    evidence,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
