/**
 * `trailhound hunt PATH…`: the main job. Reads logs, runs every enabled rule, writes findings in the
 * chosen format and the run summary. Exit codes: 0, or 1 with `--fail-on` when a finding reaches
 * that priority, or 3 with `--strict` when any input problem was found (3 wins over 1: results from
 * incomplete input are not a clean answer).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { loadConfig } from '../config/load.js';
import { resolveEnrichPaths } from '../enrich/index.js';
import { resolveSinkPaths } from '../config/sinks.js';
import { prepareSend, sendFindings } from './sinks.js';
import { PRIORITIES, type Config, type Priority } from '../config/schema.js';
import { TrailhoundError } from '../errors.js';
import { PRIORITY_RANK } from '../findings/build.js';
import type { Finding } from '../findings/finding.js';
import { visibleFindings } from '../findings/suppress.js';
import { resolveChangePaths } from '../config/suppressions.js';
import { releaseExamples } from '../hunt/process.js';
import { huntStream, type HuntOptions } from '../hunt/run.js';
import { openStateStore } from '../state/index.js';
import { RULES } from '../rules/registry.js';
import { createProgress } from '../sinks/progress.js';
import { OUTPUT_FORMATS, renderSummary, writeOutput, type OutputOptions } from '../sinks/index.js';

export const FORMATS = OUTPUT_FORMATS;
type Format = (typeof FORMATS)[number];

export interface HuntFlags {
  format?: Format;
  out?: string;
  config?: string;
  since?: string;
  until?: string;
  account?: string[];
  region?: string[];
  minPriority?: Priority;
  failOn?: Priority;
  strict?: boolean;
  workers?: string;
  state?: string;
  progress: boolean;
  color: boolean;
  showSuppressed?: boolean;
  changes?: string[];
  deploys?: string[];
  send?: boolean;
  asffAccount?: string;
}

const RELATIVE = /^(\d+)([smhdw])$/;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 };

/** `2026-01-02`, `2026-01-02T03:04:05Z`, or a duration back from now such as `36h` or `7d`. */
export function parseTimeFlag(flag: string, value: string, now = Date.now()): number {
  const rel = RELATIVE.exec(value);
  if (rel) return now - Number(rel[1]) * (UNIT_MS[rel[2] as string] as number);
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const withZone =
      /T|\s/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value;
    const t = Date.parse(withZone.replace(' ', 'T'));
    if (!Number.isNaN(t)) return t;
  }
  throw new TrailhoundError(
    'usage',
    `${flag}: expected a date (2026-01-02), a UTC time (2026-01-02T03:04:05Z) or a duration back from now (36h, 7d); found "${value}"`,
  );
}

function files(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function list(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

export function registerHunt(program: Command): void {
  program
    .command('hunt')
    .description('hunt for attacker behaviour in CloudTrail and VPC Flow Logs')
    .argument(
      '<paths...>',
      'files, directories (AWSLogs/… layouts), globs, s3://bucket/prefix, or - for standard input',
    )
    .addOption(
      new Option(
        '-f, --format <format>',
        'output format (default: table on a terminal, jsonl otherwise)',
      ).choices(FORMATS),
    )
    .option('-o, --out <file>', 'write findings to this file instead of standard output')
    .option('-c, --config <file>', 'configuration file (default: ./trailhound.yaml when present)')
    .option(
      '--since <time>',
      'only events at or after this time (date, UTC time, or 7d / 36h back)',
    )
    .option('--until <time>', 'only events at or before this time')
    .option('--account <ids>', 'only these accounts (comma-separated, repeatable)', list)
    .option('--region <names>', 'only these regions (comma-separated, repeatable)', list)
    .addOption(
      new Option(
        '--min-priority <priority>',
        'only report findings at or above this priority',
      ).choices(PRIORITIES),
    )
    .addOption(
      new Option(
        '--fail-on <priority>',
        'exit 1 when a finding is at or above this priority',
      ).choices(PRIORITIES),
    )
    .option('--strict', 'exit 3 when any input problem was found')
    .option(
      '-w, --workers <n>',
      'worker threads (default: one per 32 MiB of input, up to the number of cores)',
    )
    .option(
      '--state <file>',
      'keep detection state (first-seen sets, last use, baselines) in this SQLite file across runs',
    )
    .option('--no-progress', 'never show a progress bar')
    .option('--no-color', 'no colours in table output')
    .option(
      '--show-suppressed',
      'also write suppressed findings, marked (the summary counts them either way)',
    )
    .option('--changes <file>', 'approved-change tickets, CSV or JSON (repeatable)', files)
    .option('--deploys <file>', 'CI/CD deploy runs, CSV or JSON (repeatable)', files)
    .option('--send', 'send unsuppressed findings to the alert destinations configured in sinks')
    .option(
      '--asff-account <id>',
      'with --format asff: AwsAccountId for findings that name no account',
    )
    .action(async (paths: string[], flags: HuntFlags) => {
      process.exitCode = await runHunt(paths, flags);
    });
}

/** What `hunt` and `baseline learn` share: configuration, worker count and event filters. */
export async function runOptions(
  flags: Pick<HuntFlags, 'config' | 'workers' | 'since' | 'until' | 'account' | 'region'> &
    Pick<HuntFlags, 'changes' | 'deploys'>,
): Promise<{
  config: Config;
  /** The configuration file read, if any; named in warnings about its suppressions. */
  configFile: string | undefined;
  workers: number | undefined;
  filters: NonNullable<HuntOptions['filters']>;
}> {
  const loaded = await loadConfig(flags.config);
  // List and snapshot paths in the config are relative to its folder; workers get them absolute.
  const config = resolveSinkPaths(resolveEnrichPaths(loaded.config, loaded.path), loaded.path);
  // Feeds named in the configuration are relative to its folder; those given as flags, to here.
  const feeds = resolveChangePaths(config.changes, loaded.path);
  config.changes = {
    tickets: [...feeds.tickets, ...(flags.changes ?? []).map((f) => resolve(f))],
    deploys: [...feeds.deploys, ...(flags.deploys ?? []).map((f) => resolve(f))],
  };
  let workers: number | undefined;
  if (flags.workers !== undefined) {
    workers = Number(flags.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 256)
      throw new TrailhoundError(
        'usage',
        `--workers: expected a whole number from 1 to 256; found "${flags.workers}"`,
      );
  }
  const filters: NonNullable<HuntOptions['filters']> = {};
  if (flags.since !== undefined) filters.since = parseTimeFlag('--since', flags.since);
  if (flags.until !== undefined) filters.until = parseTimeFlag('--until', flags.until);
  if (filters.since !== undefined && filters.until !== undefined && filters.since > filters.until)
    throw new TrailhoundError('usage', '--since is later than --until');
  if (flags.account !== undefined) {
    for (const a of flags.account)
      if (!/^\d{12}$/.test(a))
        throw new TrailhoundError(
          'usage',
          `--account: expected 12-digit account ids; found "${a}"`,
        );
    filters.accounts = flags.account;
  }
  if (flags.region !== undefined) filters.regions = flags.region;

  return { config, configFile: loaded.path, workers, filters };
}

async function runHunt(paths: string[], flags: HuntFlags): Promise<number> {
  const { config, configFile, workers, filters } = await runOptions(flags);

  const stdoutTTY = flags.out === undefined && process.stdout.isTTY === true;
  const format: Format = flags.format ?? (stdoutTTY ? 'table' : 'jsonl');
  if (flags.asffAccount !== undefined && !/^\d{12}$/.test(flags.asffAccount))
    throw new TrailhoundError(
      'usage',
      `--asff-account: expected a 12-digit account id; found "${flags.asffAccount}"`,
    );
  const stderrTTY = process.stderr.isTTY === true;
  const started = performance.now();
  let progress: ReturnType<typeof createProgress> | undefined;

  // From here this process only hunts: nothing reads the rules' examples again.
  releaseExamples(RULES);
  const huntOpts: HuntOptions = {
    inputs: paths,
    config,
    registry: RULES,
    filters,
    onProgress: (done, total, events) => {
      if (!flags.progress || !stderrTTY) return;
      if (progress === undefined && performance.now() - started > 1000)
        progress = createProgress({ totalFiles: total, enabled: true });
      progress?.update(done, events);
    },
  };
  if (workers !== undefined) huntOpts.workers = workers;
  huntOpts.configFile = configFile;
  if (flags.minPriority !== undefined) huntOpts.minPriority = flags.minPriority;
  // Set up before the run: a missing secret stops it now, not after the hunt.
  const alertSinks = flags.send ? prepareSend(config) : undefined;
  const store = openStateStore(flags.state);
  huntOpts.state = store;
  let run;
  try {
    run = await huntStream(huntOpts);
  } finally {
    progress?.stop();
    // The hunt checkpoints what it learned; closing without a checkpoint keeps the last good state.
    store.close();
  }
  const { summary } = run;
  const failAt = flags.failOn === undefined ? undefined : PRIORITY_RANK[flags.failOn];
  let failing = false;
  const toAlert: Finding[] = [];
  // Findings are built as the output takes them; alerts and --fail-on see the unsuppressed ones.
  function* watched(findings: Iterable<Finding>): Generator<Finding> {
    for (const f of findings) {
      if (f.suppressed === null) {
        if (alertSinks !== undefined) toAlert.push(f);
        if (failAt !== undefined && PRIORITY_RANK[f.priority] >= failAt) failing = true;
      }
      yield f;
    }
  }
  const send = async () => {
    if (alertSinks === undefined) return;
    const sent = await sendFindings(alertSinks, toAlert);
    summary.alerts = sent.alerts;
    process.stderr.write(sent.stderr);
  };
  // `table` and `json` print the summary, alerts included, beside the findings: gather them and
  // send first. The other formats write each finding as it is built, and alerts go out after.
  const gathered = format === 'table' || format === 'json';
  // Suppressed findings are left out of the output, not of the summary, unless asked for.
  let findings: Iterable<Finding> = visibleFindings(
    watched(run.findings),
    flags.showSuppressed === true,
  );
  if (gathered) {
    findings = [...findings];
    await send();
  }

  const color = format === 'table' && flags.color && stdoutTTY && !process.env.NO_COLOR;
  // ocsf and asff carry each rule's response steps; asff may have to leave findings out.
  const formatOpts: Pick<OutputOptions, 'rules' | 'asff' | 'onWarning'> = {
    rules: RULES,
    onWarning: (message) => process.stderr.write(`trailhound: ${message}\n`),
  };
  if (flags.asffAccount !== undefined) formatOpts.asff = { defaultAccount: flags.asffAccount };
  try {
    if (flags.out !== undefined) {
      const out = createWriteStream(flags.out);
      await once(out, 'open').catch((err: unknown) => {
        throw new TrailhoundError(
          'usage',
          `--out: cannot write ${flags.out}: ${(err as Error).message}`,
        );
      });
      await writeOutput(findings, summary, { format, out, color: false, ...formatOpts });
      out.end();
      await once(out, 'finish');
    } else {
      await writeOutput(findings, summary, { format, out: process.stdout, color, ...formatOpts });
    }
  } finally {
    run.close();
  }
  if (!gathered) await send();
  if (format !== 'table' || flags.out !== undefined) {
    if (stderrTTY)
      process.stderr.write(renderSummary(summary, flags.color && !process.env.NO_COLOR));
    else if (summary.skipped.total + summary.warnings.total > 0)
      process.stderr.write(
        `trailhound: ${summary.skipped.total} input problem(s) skipped, ${summary.warnings.total} warning(s); see the run summary (--format json)\n`,
      );
  }

  const problems = summary.skipped.total + summary.warnings.total;
  if (flags.strict && problems > 0) return 3;
  if (failing) return 1;
  return 0;
}
