/**
 * The Jira issue for an alert, created with `POST /rest/api/{2|3}/issue`: the finding's summary as
 * the issue summary, and a description holding the evidence (principal, accounts, counts, event ids,
 * origins, figures) and the rule's response steps. API v2 takes the description as wiki markup,
 * where values from log records are escaped so they cannot inject markup or links; API v3 (Jira
 * Cloud) takes an Atlassian Document Format tree, whose text nodes are literal by construction.
 */
import type { JiraSinkConfig } from '../../config/sinks.js';
import type { Rule } from '../../engine/rule.js';
import { clean, truncate } from '../text.js';
import type { HttpRequest } from './deliver.js';
import type { Alert } from './group.js';

/** Jira limits `summary` to 255 characters on one line. */
const SUMMARY_MAX = 255;

interface Fact {
  label: string;
  value: string;
}

function facts(alert: Alert): Fact[] {
  const list = (xs: readonly string[]): string => (xs.length === 0 ? '—' : xs.join(', '));
  const out: Fact[] = [
    { label: 'Rule', value: `${alert.rule.id} (${alert.rule.title})` },
    { label: 'Priority', value: alert.priority },
    { label: 'Principal', value: alert.principal },
    { label: 'Accounts', value: list(alert.accounts) },
    { label: 'Regions', value: list(alert.regions) },
    { label: 'Source IPs', value: list(alert.sourceIps) },
    { label: 'Window (UTC)', value: `${alert.window.start} to ${alert.window.end}` },
    { label: 'Events', value: `first ${alert.time.first}, last ${alert.time.last}` },
    {
      label: 'Count',
      value: `${alert.count.findings} finding(s), ${alert.count.events} event(s)`,
    },
    {
      label: 'Matrix',
      value: `${alert.matrix.category}${alert.matrix.row ? ` / ${alert.matrix.row}` : ''}`,
    },
    { label: 'ATT&CK', value: list(alert.mitre) },
  ];
  const figures = alert.evidence.figures;
  if (figures !== undefined && Object.keys(figures).length > 0)
    out.push({
      label: 'Figures',
      value: Object.entries(figures)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join(', '),
    });
  return out;
}

function issueSummary(alert: Alert): string {
  const more = alert.count.findings > 1 ? ` (+${alert.count.findings - 1} more)` : '';
  return truncate(clean(alert.summary).trim(), SUMMARY_MAX - more.length) + more;
}

/** Backslash-escapes the characters Jira wiki markup gives meaning to; one line. */
export function escapeWiki(value: string): string {
  return clean(value).replace(/[\\*_?\-+^~|[\]{}!#]/g, '\\$&');
}

/** A `{noformat}` block is literal up to the next `{noformat}`, so that token is defused. */
function noformat(lines: readonly string[]): string {
  return `{noformat}\n${lines.map((l) => clean(l).replace(/\{noformat\}/gi, '{ noformat}')).join('\n')}\n{noformat}`;
}

function wikiDescription(alert: Alert, response: readonly string[], prefix = ''): string {
  const parts: string[] = [`h3. ${escapeWiki(prefix + alert.summary)}`, ''];
  for (const f of facts(alert)) parts.push(`*${escapeWiki(f.label)}:* ${escapeWiki(f.value)}`);
  parts.push('', 'h4. Evidence', 'Event ids:', noformat(alert.evidence.eventIds));
  if (alert.evidence.origins.length > 0) parts.push('Origins:', noformat(alert.evidence.origins));
  if (alert.evidence.truncated) parts.push('_More events contributed than are listed._');
  if (response.length > 0) {
    parts.push('', 'h4. Response');
    for (const step of response) parts.push(`# ${escapeWiki(step)}`);
  }
  parts.push('', 'h4. Findings', noformat(alert.findingIds), '');
  parts.push(`_trailhound alert ${alert.id}_`);
  return parts.join('\n');
}

type AdfNode = Record<string, unknown>;
const text = (t: string, strong = false): AdfNode =>
  strong ? { type: 'text', text: t, marks: [{ type: 'strong' }] } : { type: 'text', text: t };
const para = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const heading = (level: number, t: string): AdfNode => ({
  type: 'heading',
  attrs: { level },
  content: [text(t)],
});
const code = (lines: readonly string[]): AdfNode => ({
  type: 'codeBlock',
  content: [text(lines.length === 0 ? '—' : lines.map(clean).join('\n'))],
});

function adfDescription(alert: Alert, response: readonly string[], prefix = ''): AdfNode {
  // ADF rejects empty text nodes; every value here is non-empty ('—' stands in for none).
  const content: AdfNode[] = [
    heading(3, prefix + (clean(alert.summary) || alert.rule.title)),
    {
      type: 'bulletList',
      content: facts(alert).map((f) => ({
        type: 'listItem',
        content: [para(text(`${f.label}: `, true), text(clean(f.value) || '—'))],
      })),
    },
    heading(4, 'Evidence'),
    para(text('Event ids')),
    code(alert.evidence.eventIds),
  ];
  if (alert.evidence.origins.length > 0)
    content.push(para(text('Origins')), code(alert.evidence.origins));
  if (alert.evidence.truncated)
    content.push(para(text('More events contributed than are listed.')));
  if (response.length > 0)
    content.push(heading(4, 'Response'), {
      type: 'orderedList',
      content: response.map((s) => ({ type: 'listItem', content: [para(text(clean(s) || '—'))] })),
    });
  content.push(
    heading(4, 'Findings'),
    code(alert.findingIds),
    para(text(`trailhound alert ${alert.id}`)),
  );
  return { type: 'doc', version: 1, content };
}

/** A comment for an issue created earlier: `POST /rest/api/{2|3}/issue/{issueKey}/comment`. */
export interface JiraComment {
  issueKey: string;
  comment: { body: unknown };
}

/**
 * The create-issue body (`{ fields: … }`) for an alert, or, for an update to an alert that already
 * created issue `issueKey`, a comment on that issue.
 *
 * @example
 * jiraPayload(sink, alert, rule); // { fields: { project: { key: 'SEC' }, summary: '…', … } }
 */
export function jiraPayload(
  sink: JiraSinkConfig,
  alert: Alert,
  rule: Pick<Rule, 'response'> | undefined,
  issueKey?: string,
): { fields: Record<string, unknown> } | JiraComment {
  const response = rule?.response ?? [];
  if (issueKey !== undefined && alert.update) {
    // The issue already has the response steps; the comment carries the new evidence.
    const body =
      sink.apiVersion === 3
        ? adfDescription(alert, [], 'Update: ')
        : wikiDescription(alert, [], 'Update: ');
    return { issueKey, comment: { body } };
  }
  const fields: Record<string, unknown> = {
    project: { key: sink.project },
    issuetype: { name: sink.issueType },
    summary: issueSummary(alert),
    description:
      sink.apiVersion === 3 ? adfDescription(alert, response) : wikiDescription(alert, response),
    labels: [...new Set([...sink.labels, alert.rule.id])],
  };
  const priority = sink.priorities?.[alert.priority];
  if (priority !== undefined) fields.priority = { name: priority };
  return { fields };
}

export function jiraRequest(
  sink: JiraSinkConfig,
  token: string,
  payload: unknown,
  userAgent: string,
): HttpRequest {
  const base = sink.url.replace(/\/+$/, '');
  const comment = payload as Partial<JiraComment>;
  const isComment = typeof comment.issueKey === 'string' && comment.comment !== undefined;
  const authorization =
    sink.auth === 'basic'
      ? `Basic ${Buffer.from(`${sink.email ?? ''}:${token}`).toString('base64')}`
      : `Bearer ${token}`;
  return {
    url: isComment
      ? `${base}/rest/api/${sink.apiVersion}/issue/${encodeURIComponent(comment.issueKey as string)}/comment`
      : `${base}/rest/api/${sink.apiVersion}/issue`,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': userAgent,
      authorization,
    },
    body: JSON.stringify(isComment ? comment.comment : payload),
  };
}
