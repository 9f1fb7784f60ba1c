/**
 * The `csv` format: one line per finding, for spreadsheets and ticket imports. RFC 4180: CRLF line
 * ends, a header row, fields quoted when they hold `"`, `,`, CR or LF, quotes doubled. Nested values
 * are flattened into columns and lists joined with `;`. No cell spans lines: CR and LF inside a value
 * become a space.
 *
 * Formula injection: spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (and, in
 * some, a tab or CR) as a formula, and values here come from log records an attacker can write (user
 * agents, resource names in summaries). Such text values get a leading `'`, which spreadsheets show
 * as text; a consumer that needs the raw value should read `jsonl` instead.
 */
import type { Finding } from '../findings/finding.js';

export const CSV_COLUMNS = [
  'id',
  'rule_id',
  'rule_title',
  'category',
  'row',
  'priority',
  'mitre',
  'time_first',
  'time_last',
  'account',
  'region',
  'actor_arn',
  'actor_type',
  'actor_access_key_id',
  'actor_source_ip',
  'actor_user_agent',
  'summary',
  'count',
  'event_ids',
  'origins',
  'suppressed',
] as const;

type CsvValue = string | number | null | undefined;

export function csvRow(f: Finding): Record<(typeof CSV_COLUMNS)[number], CsvValue> {
  return {
    id: f.id,
    rule_id: f.rule.id,
    rule_title: f.rule.title,
    category: f.matrix.category,
    row: f.matrix.row,
    priority: f.priority,
    mitre: f.mitre.join(';'),
    time_first: f.time.first,
    time_last: f.time.last,
    account: f.account,
    region: f.region,
    actor_arn: f.actor.arn,
    actor_type: f.actor.type,
    actor_access_key_id: f.actor.accessKeyId,
    actor_source_ip: f.actor.sourceIp,
    actor_user_agent: f.actor.userAgent,
    summary: f.summary,
    count: f.evidence.count,
    event_ids: f.evidence.eventIds.join(';'),
    origins: f.evidence.origins.join(';'),
    suppressed: f.suppressed
      ? [
          f.suppressed.by,
          f.suppressed.reason !== undefined ? `: ${f.suppressed.reason}` : '',
          f.suppressed.ticket !== undefined ? ` [${f.suppressed.ticket}]` : '',
        ].join('')
      : '',
  };
}

/** One CSV field: flattened to one line, defused against formulas, quoted when needed. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = value.replace(/\r\n|[\r\n]/g, ' ');
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole CSV document as lines, each ending in CRLF, header first. */
export function* csvLines(findings: Iterable<Finding>): Generator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  for (const f of findings) {
    const row = csvRow(f);
    yield `${CSV_COLUMNS.map((col) => csvField(row[col])).join(',')}\r\n`;
  }
}
