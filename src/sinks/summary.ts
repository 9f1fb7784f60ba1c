/**
 * The run summary as people read it: what was read, what was skipped and why (with the first few
 * problems and their places), what was found, and how fast. Printed under the table output, and to
 * standard error by `hunt` for the machine-readable formats when that is a terminal.
 */
import pc from 'picocolors';
import { PRIORITIES, type Priority } from '../config/schema.js';
import { formatLocation } from '../errors.js';
import type { RunSummary } from '../hunt/summary.js';
import { clean, formatCount, formatDuration, pad, plural, textWidth, truncate } from './text.js';

export type Colors = ReturnType<typeof pc.createColors>;

/** How many problems the summary lists before "… and N more". */
export const PROBLEMS_SHOWN = 10;

/** Most severe first, for display. */
export const PRIORITIES_DESC: readonly Priority[] = [...PRIORITIES].reverse();

export function priorityColor(c: Colors, priority: Priority): (s: string) => string {
  switch (priority) {
    case 'critical':
      return (s) => c.bold(c.red(s));
    case 'high':
      return c.red;
    case 'medium':
      return c.yellow;
    case 'low':
      return c.cyan;
    case 'info':
      return c.dim;
  }
}

/**
 * Renders the run summary as aligned text, ending with a newline.
 *
 * @example
 * process.stderr.write(renderSummary(summary, process.stderr.isTTY));
 */
export function renderSummary(summary: RunSummary, color: boolean): string {
  const c = pc.createColors(color);
  const lines: string[] = [c.bold('Run summary')];
  const row = (label: string, value: string): void => {
    lines.push(`  ${c.dim(pad(label, 14))}${value}`);
  };
  const warn = (n: number, text: string): string => (n > 0 ? c.yellow(text) : text);

  row(
    'files',
    `${formatCount(summary.files.read)} read, ${warn(summary.files.skipped, `${formatCount(summary.files.skipped)} skipped`)}`,
  );
  row('records', formatCount(summary.records));
  const events = summary.events.api + summary.events.flow;
  row(
    'events',
    `${formatCount(events)} (api ${formatCount(summary.events.api)}, flow ${formatCount(summary.events.flow)}), ` +
      `${formatCount(summary.filteredOut)} filtered out`,
  );
  row(
    'flow status',
    `NODATA ${formatCount(summary.flowStatus.nodata)}, SKIPDATA ${formatCount(summary.flowStatus.skipdata)}`,
  );
  row(
    'skipped',
    warn(summary.skipped.total, byReason(summary.skipped.total, summary.skipped.byReason)),
  );
  row(
    'warnings',
    warn(summary.warnings.total, byReason(summary.warnings.total, summary.warnings.byReason)),
  );

  for (const n of summary.notices) {
    row(
      'left out',
      `${plural(n.files, 'file')} under ${truncate(clean(n.path), 60, 'start')}: ${clean(n.reason)}`,
    );
  }

  const shown = summary.problems.slice(0, PROBLEMS_SHOWN).map((p) => ({
    where: truncate(clean(formatLocation(p)), 60, 'start'),
    code: clean(p.code),
    skip: p.severity === 'skip',
    reason: truncate(clean(p.reason), 120),
  }));
  const whereWidth = Math.max(0, ...shown.map((p) => textWidth(p.where)));
  const codeWidth = Math.max(0, ...shown.map((p) => textWidth(p.code)));
  for (const p of shown) {
    const code = pad(p.code, codeWidth);
    lines.push(
      `${' '.repeat(16)}${pad(p.where, whereWidth)}  ${p.skip ? c.yellow(code) : c.dim(code)}  ${p.reason}`,
    );
  }
  const more = summary.problems.length - shown.length + summary.problemsOmitted;
  if (more > 0) lines.push(`${' '.repeat(16)}… and ${plural(more, 'more problem')}`);

  const st = summary.state;
  row(
    'state',
    `${formatCount(st.tracked)} keys tracked (${st.store}), ${formatCount(st.evicted)} evicted, ` +
      `${formatCount(st.late)} late signals`,
  );

  const f = summary.findings;
  const parts = PRIORITIES_DESC.filter((p) => (f.byPriority[p] ?? 0) > 0).map((p) =>
    priorityColor(c, p)(`${p} ${formatCount(f.byPriority[p] ?? 0)}`),
  );
  row(
    'findings',
    `${formatCount(f.total)}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}, ` +
      `${formatCount(f.suppressed)} suppressed`,
  );
  if (summary.alerts !== undefined) {
    const a = summary.alerts;
    row(
      'alerts',
      `${formatCount(a.sent)} sent to ${a.sinks.map(clean).join(', ')}, ` +
        warn(a.deadLettered, `${formatCount(a.deadLettered)} dead-lettered`),
    );
  }
  row(
    'time',
    `${formatDuration(summary.elapsedMs)}, ${formatCount(summary.eventsPerSecond)} events/s, ` +
      plural(summary.workers, 'worker'),
  );
  return `${lines.join('\n')}\n`;
}

/** `3 (invalid-json 2, gzip-truncated 1)`, most frequent reason first. */
function byReason(total: number, reasons: Record<string, number>): string {
  const entries = Object.entries(reasons)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) return formatCount(total);
  return `${formatCount(total)} (${entries.map(([r, n]) => `${clean(r)} ${formatCount(n)}`).join(', ')})`;
}
