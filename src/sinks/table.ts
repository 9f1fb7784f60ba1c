/**
 * The `table` format: findings for people at a terminal. Findings are grouped by matrix category in
 * the matrix's order, most severe first within a group, one line each, coloured by priority, then
 * the run summary. Plain aligned text rather than a boxed table: columns are fitted to the terminal
 * (80 to 200+ columns) by shrinking, then dropping, the least telling columns; long values are cut
 * with `…` (ARNs keep their tail, where the name is), except the summary, which wraps.
 */
import pc from 'picocolors';
import type { Priority } from '../config/schema.js';
import { CATEGORIES } from '../engine/rule.js';
import type { Finding } from '../findings/finding.js';
import type { RunSummary } from '../hunt/summary.js';
import { PRIORITIES_DESC, priorityColor, renderSummary, type Colors } from './summary.js';
import { clean, pad, plural, textWidth, truncate } from './text.js';

export interface TableOptions {
  color: boolean;
  /** Terminal width in columns; the layout fits itself to it. */
  width: number;
}

type ColumnKey = 'priority' | 'time' | 'rule' | 'actor' | 'where' | 'count' | 'summary';

interface Column {
  key: ColumnKey;
  header: string;
  align: 'left' | 'right';
  /** Which end a cut value keeps: `end` keeps the start, `start` keeps the end. */
  cut: 'end' | 'start';
  width: number;
}

const INDENT = '  ';
const GAP = '  ';

/**
 * How the layout gives way when the terminal is narrow, applied in order until the line fits:
 * shrink a column to at most `to` cells, or drop it. The summary usually names the actor and the
 * region, so those columns go first; priority, time, rule and summary always stay.
 */
const GIVE_WAY: readonly ({ shrink: ColumnKey; to: number } | { drop: ColumnKey })[] = [
  { shrink: 'actor', to: 32 },
  { shrink: 'rule', to: 32 },
  { shrink: 'summary', to: 80 },
  { shrink: 'actor', to: 20 },
  { shrink: 'summary', to: 60 },
  { shrink: 'rule', to: 28 },
  { drop: 'count' },
  { shrink: 'summary', to: 40 },
  { drop: 'actor' },
  { shrink: 'rule', to: 22 },
  { shrink: 'summary', to: 32 },
  { drop: 'where' },
  { shrink: 'rule', to: 18 },
  { shrink: 'summary', to: 20 },
];

/** Renders findings and the run summary as text, ending with a newline. */
export function renderTable(
  findings: readonly Finding[],
  summary: RunSummary,
  opts: TableOptions,
): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];

  if (findings.length === 0) {
    out.push(c.green('No findings.'), '');
  } else {
    const cells = new Map(findings.map((f) => [f, toCells(f)] as const));
    const columns = layout([...cells.values()], opts.width);
    const header =
      INDENT +
      columns.map((col) => pad(truncate(col.header, col.width), col.width, col.align)).join(GAP);

    for (const [category, group] of groupByCategory(findings)) {
      const counts = PRIORITIES_DESC.map(
        (p) => [p, group.filter((f) => f.priority === p).length] as const,
      )
        .filter(([, n]) => n > 0)
        .map(([p, n]) => priorityColor(c, p)(`${n} ${p}`));
      out.push(
        `${c.bold(clean(category).toUpperCase())}  ${plural(group.length, 'finding')}: ${counts.join(', ')}`,
      );
      out.push(c.dim(header.trimEnd()));
      for (const finding of sortForDisplay(group)) {
        out.push(renderRow(c, finding, cells.get(finding) ?? toCells(finding), columns));
      }
      out.push('');
    }
  }
  out.push(renderSummary(summary, opts.color));
  return out.join('\n');
}

type Cells = Record<ColumnKey, string>;

function toCells(f: Finding): Cells {
  const prefix = `aws.${f.matrix.category}.`;
  const rule = f.rule.id.startsWith(prefix) ? f.rule.id.slice(prefix.length) : f.rule.id;
  const where = [f.account ?? '-', f.region ?? ''].join(' ').trim();
  const suppressed = f.suppressed ? `[${suppressedMark(f.suppressed)}] ` : '';
  const partly = f.changes?.length
    ? ` [partly in ${f.changes.map((c) => c.ticket).join(', ')}]`
    : '';
  return {
    priority: f.priority,
    time: shortTime(f.time.first),
    rule: clean(rule),
    actor: clean(actorName(f)),
    where: clean(where),
    count: String(f.evidence.count),
    summary: clean(suppressed + f.summary + partly),
  };
}

/** `suppressed: CHG-123`, `suppressed: pentest week 2`; plain `suppressed` when nothing is named. */
function suppressedMark(s: NonNullable<Finding['suppressed']>): string {
  const why = s.ticket ?? s.reason;
  return why === undefined ? 'suppressed' : `suppressed: ${truncate(why, 40)}`;
}

/** `2026-01-02T03:04:05Z` → `2026-01-02 03:04` (UTC). */
function shortTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return clean(iso);
  return new Date(t).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * The part of an actor's ARN a person recognises: `alice` for a user, `Role/session` for an assumed
 * role, `root`; else the access key or identity type.
 */
export function actorName(f: Finding): string {
  const { arn, type, accessKeyId } = f.actor;
  if (arn) {
    const resource = arn.split(':').slice(5).join(':');
    if (resource.startsWith('assumed-role/')) return resource.slice('assumed-role/'.length);
    if (resource.includes('/')) return resource.slice(resource.lastIndexOf('/') + 1);
    return resource || arn;
  }
  return accessKeyId ?? type ?? '-';
}

function layout(rows: readonly Cells[], width: number): Column[] {
  const spec: [ColumnKey, string, 'left' | 'right', 'end' | 'start'][] = [
    ['priority', 'PRIORITY', 'left', 'end'],
    ['time', 'TIME (UTC)', 'left', 'end'],
    ['rule', 'RULE', 'left', 'end'],
    ['actor', 'ACTOR', 'left', 'start'],
    ['where', 'ACCOUNT / REGION', 'left', 'end'],
    ['count', 'EVENTS', 'right', 'end'],
    ['summary', 'SUMMARY', 'left', 'end'],
  ];
  let columns: Column[] = spec.map(([key, header, align, cut]) => ({
    key,
    header,
    align,
    cut,
    width: Math.max(textWidth(header), ...rows.map((r) => textWidth(r[key]))),
  }));
  const ideal = Object.fromEntries(columns.map((col) => [col.key, col.width])) as Record<
    ColumnKey,
    number
  >;
  const total = (): number =>
    INDENT.length +
    columns.reduce((sum, col) => sum + col.width, 0) +
    GAP.length * (columns.length - 1);

  for (const step of GIVE_WAY) {
    const over = total() - width;
    if (over <= 0) break;
    if ('drop' in step) {
      columns = columns.filter((col) => col.key !== step.drop);
    } else {
      const col = columns.find((x) => x.key === step.shrink);
      if (col) col.width = Math.max(Math.min(step.to, col.width), col.width - over);
    }
  }
  // Dropping a column can free more room than was needed: give it back, summary first.
  for (const key of ['summary', 'rule'] as const) {
    const col = columns.find((x) => x.key === key);
    const slack = width - total();
    if (col && slack > 0) col.width = Math.min(ideal[key], col.width + slack);
  }
  return columns;
}

function renderRow(c: Colors, f: Finding, cells: Cells, columns: Column[]): string {
  let summaryLines: string[] = [];
  let offset = INDENT.length;
  const parts: string[] = [];
  columns.forEach((col, i) => {
    const last = i === columns.length - 1;
    // The summary is what a responder reads: it wraps onto further lines rather than being cut.
    if (last && col.key === 'summary') {
      summaryLines = wrap(cells.summary, col.width);
      parts.push(summaryLines[0] ?? '');
      return;
    }
    const text = truncate(cells[col.key], col.width, col.cut);
    // No padding after the last column, so lines carry no trailing blanks.
    const padded = last && col.align === 'left' ? text : pad(text, col.width, col.align);
    parts.push(col.key === 'priority' ? priorityColor(c, f.priority)(padded) : padded);
    if (!last) offset += col.width + GAP.length;
  });
  const lines = [INDENT + parts.join(GAP)];
  for (const more of summaryLines.slice(1)) lines.push(' '.repeat(offset) + more);
  const text = lines.join('\n');
  return f.suppressed ? c.dim(text) : text;
}

/** Splits text into lines of at most `width` cells at spaces; a longer word is split where it must. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let rest = word;
    while (textWidth(rest) > w) {
      if (line) {
        lines.push(line);
        line = '';
      }
      lines.push(rest.slice(0, w));
      rest = rest.slice(w);
    }
    if (!line) line = rest;
    else if (textWidth(line) + 1 + textWidth(rest) <= w) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

function groupByCategory(findings: readonly Finding[]): [string, Finding[]][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = groups.get(f.matrix.category);
    if (list) list.push(f);
    else groups.set(f.matrix.category, [f]);
  }
  const order = (cat: string): number => {
    const i = (CATEGORIES as readonly string[]).indexOf(cat);
    return i === -1 ? CATEGORIES.length : i;
  };
  return [...groups].sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0]));
}

/** Unsuppressed first, then most severe, then earliest; ties keep the engine's order. */
function sortForDisplay(group: readonly Finding[]): Finding[] {
  const rank = (p: Priority): number => PRIORITIES_DESC.indexOf(p);
  return group
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        Number(a.f.suppressed !== null) - Number(b.f.suppressed !== null) ||
        rank(a.f.priority) - rank(b.f.priority) ||
        a.f.time.first.localeCompare(b.f.time.first) ||
        a.i - b.i,
    )
    .map(({ f }) => f);
}
