/**
 * The run summary: what was read, what was skipped and why, what was found, and how fast. Shown
 * under the table output and written as `summary` by `--format json`.
 */
import type { Priority } from '../config/schema.js';
import type { InputProblem } from '../formats/types.js';

export interface RunSummary {
  files: { read: number; skipped: number };
  /** Records read from the input (CloudTrail records and flow-log lines, headers excluded). */
  records: number;
  events: { api: number; flow: number };
  /** Events read but outside `--since`/`--until`/`--account`/`--region`. */
  filteredOut: number;
  /** Flow-log records without traffic, counted not treated as flows. */
  flowStatus: { nodata: number; skipdata: number };
  skipped: {
    /** Records and files that were not processed. */
    total: number;
    byReason: Record<string, number>;
  };
  warnings: { total: number; byReason: Record<string, number> };
  /** Input left out on purpose (CloudTrail digest files), with how many files and why. */
  notices: { path: string; files: number; reason: string }[];
  /** Every problem with its place, up to `problemsListed`; `problemsOmitted` counts the rest. */
  problems: InputProblem[];
  problemsOmitted: number;
  findings: { total: number; suppressed: number; byPriority: Record<Priority, number> };
  /** The stateful stage: where state lived, keys held at the end, keys evicted to stay within
   * bounds, and signals that arrived later than the lateness bound. */
  state: { store: 'memory' | 'sqlite'; tracked: number; evicted: number; late: number };
  elapsedMs: number;
  eventsPerSecond: number;
  workers: number;
  /** Alert delivery, with `hunt --send`: destinations, alerts sent and dead-lettered, failures. */
  alerts?: {
    sinks: string[];
    sent: number;
    deadLettered: number;
    failures: { sink: string; message: string }[];
  };
}
