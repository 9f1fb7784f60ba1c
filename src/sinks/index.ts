/**
 * Sinks: where findings go as the run builds them. One module per format (`table`, `jsonl`, `json`,
 * `csv`, and the standard formats `ocsf` and `asff`) and one entry point, `writeOutput`, that picks
 * the format and writes to the stream it is given, honouring back-pressure. The caller owns the
 * stream: it is neither opened nor ended here. Findings may be any iterable, read once: `jsonl`,
 * `csv`, `ocsf` and `asff` write each as it comes, so a run's memory does not grow with them;
 * `table` and `json` print the run summary with the findings, so they gather all of them first.
 * The human-readable run summary (`renderSummary`) and the progress bar live here too; only the
 * `table` format puts anything but findings on `out`.
 */
import { once } from 'node:events';
import { TrailhoundError } from '../errors.js';
import type { RuleMeta } from '../engine/rule.js';
import type { Finding } from '../findings/finding.js';
import type { RunSummary } from '../hunt/summary.js';
import { asffLines, type AsffOptions } from './asff.js';
import { csvLines } from './csv.js';
import { renderJson } from './json.js';
import { jsonlLines } from './jsonl.js';
import { ocsfLines, type RuleLookup } from './ocsf.js';
import { renderTable } from './table.js';

export { renderSummary } from './summary.js';
export { createProgress, type Progress, type ProgressOptions } from './progress.js';

export const OUTPUT_FORMATS = ['table', 'jsonl', 'json', 'csv', 'ocsf', 'asff'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputOptions {
  format: OutputFormat;
  out: NodeJS.WritableStream;
  /** ANSI colours, for `table` only; the caller decides (TTY, `NO_COLOR`, `--no-color`). */
  color: boolean;
  /** Columns the table fits into; by default the width of `out` if it is a terminal, else 160. */
  width?: number;
  /**
   * The rules of the run, for what findings do not carry: response steps (OCSF `remediation`, ASFF
   * `Remediation`) and references. Optional; without it those fields are left out.
   */
  rules?: readonly RuleMeta[];
  /** `asff` only: the account and region for findings that name none (see src/sinks/asff.ts). */
  asff?: Pick<AsffOptions, 'defaultAccount' | 'defaultRegion'>;
  /** Told about findings a format had to leave out (an `asff` finding with no account). */
  onWarning?: (message: string) => void;
}

/** Used when the output is not a terminal (a file, a pipe): the widest layout the table aims at. */
const DEFAULT_WIDTH = 160;

/**
 * Writes findings (and, for `table` and `json`, the run summary) in the chosen format. For `table`
 * and `json`, the summary is read after the findings, so it may be completed while they are read.
 *
 * @example
 * await writeOutput(findings, summary, { format: 'jsonl', out: process.stdout, color: false });
 */
export async function writeOutput(
  findings: Iterable<Finding>,
  summary: RunSummary,
  opts: OutputOptions,
): Promise<void> {
  switch (opts.format) {
    case 'table': {
      const columns = (opts.out as { isTTY?: boolean; columns?: number }).isTTY
        ? (opts.out as { columns?: number }).columns
        : undefined;
      const width = opts.width ?? (columns !== undefined && columns > 0 ? columns : DEFAULT_WIDTH);
      const all = [...findings];
      return writeAll(opts.out, [renderTable(all, summary, { color: opts.color, width })]);
    }
    case 'jsonl':
      return writeAll(opts.out, jsonlLines(findings));
    case 'json':
      return writeAll(opts.out, [renderJson([...findings], summary)]);
    case 'csv':
      return writeAll(opts.out, csvLines(findings));
    case 'ocsf':
      return writeAll(opts.out, ocsfLines(findings, ruleLookup(opts.rules)));
    case 'asff': {
      const asff: AsffOptions = { ...opts.asff };
      const rules = ruleLookup(opts.rules);
      if (rules) asff.rules = rules;
      const warn = opts.onWarning;
      if (warn)
        asff.onSkipped = (f, reason) =>
          warn(`finding ${f.id} (${f.rule.id}) left out of the asff output: ${reason}`);
      return writeAll(opts.out, asffLines(findings, asff));
    }
    default:
      throw new TrailhoundError(
        'usage',
        `unknown output format "${String(opts.format as unknown)}", expected one of ${OUTPUT_FORMATS.join(', ')}`,
      );
  }
}

function ruleLookup(rules: readonly RuleMeta[] | undefined): RuleLookup | undefined {
  if (rules === undefined) return undefined;
  const byId = new Map(rules.map((r) => [r.id, r]));
  return (id) => byId.get(id);
}

async function writeAll(out: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}
