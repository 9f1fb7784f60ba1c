/**
 * `trailhound watch SOURCE… --state FILE`: runs as a service. Polls local directories and S3
 * prefixes, hunts each new object once with persistent state, writes findings as JSON lines (a
 * file that never holds one twice, or standard output) and hands them to the configured alert
 * sinks; logs JSON lines on standard error and serves `/healthz` and `/metrics` on 127.0.0.1 when
 * asked. SIGTERM or SIGINT finishes and checkpoints the batch in hand, closes the state file and
 * exits 0; a second signal exits at once (130), losing nothing checkpointed. Exit codes otherwise
 * as everywhere: 2 usage or configuration, 3 a state or output file that cannot be used, 70 an
 * internal error.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { PRIORITIES, type Priority } from '../config/schema.js';
import { TrailhoundError } from '../errors.js';
import { releaseExamples } from '../hunt/process.js';
import { RULES } from '../rules/registry.js';
import { createAlertSinks } from '../sinks/alerts/index.js';
import { openStateStore } from '../state/index.js';
import type { StateStore } from '../state/store.js';
import { newMetrics, startHealthServer, type HealthServer } from '../watch/health.js';
import { Ledger } from '../watch/ledger.js';
import { jsonLogger, type Logger } from '../watch/log.js';
import { openFileOutput, streamOutput, type FindingOutput } from '../watch/output.js';
import { runWatch } from '../watch/run.js';
import { runOptions } from './hunt.js';

interface WatchFlags {
  state: string;
  since?: string;
  interval: string;
  format: 'jsonl';
  out?: string;
  healthPort?: string;
  config?: string;
  workers?: string;
  minPriority?: Priority;
  batch?: string;
  once?: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

function number(flag: string, value: string, min: number, max: number, whole: boolean): number {
  const n = Number(value);
  if (
    value.trim() === '' ||
    !Number.isFinite(n) ||
    n < min ||
    n > max ||
    (whole && !Number.isInteger(n))
  )
    throw new TrailhoundError(
      'usage',
      `${flag}: expected ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}; found "${value}"`,
    );
  return n;
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('follow directories or S3 prefixes and hunt new log files as they arrive')
    .argument('<sources...>', 'local directories (or files, globs) and s3://bucket/prefix URLs')
    .requiredOption(
      '--state <file>',
      'SQLite state file: detection state, processed objects, emitted findings',
    )
    .option(
      '--since <time>',
      'ignore events (and S3 date folders) before this time (date, UTC time, or 7d / 36h back)',
    )
    .option('--interval <seconds>', 'seconds between polls', '60')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['jsonl']).default('jsonl'),
    )
    .option(
      '-o, --out <file>',
      'append findings to this file (never twice) instead of standard output',
    )
    .option(
      '--health-port <port>',
      'serve /healthz and /metrics on 127.0.0.1:<port> (0: any free port)',
    )
    .option('-c, --config <file>', 'configuration file (default: ./trailhound.yaml when present)')
    .option(
      '-w, --workers <n>',
      'worker threads per batch (default: one per 32 MiB of input, up to the number of cores)',
    )
    .addOption(
      new Option(
        '--min-priority <priority>',
        'only emit findings at or above this priority',
      ).choices(PRIORITIES),
    )
    .option('--batch <n>', 'objects hunted and checkpointed together', '50')
    .option('--once', 'run one cycle and exit')
    .addOption(
      new Option('--log-level <level>', 'least level logged')
        .choices(['debug', 'info', 'warn', 'error'])
        .default('info'),
    )
    .action(async (sources: string[], flags: WatchFlags) => {
      process.exitCode = await runWatchCommand(sources, flags);
    });
}

function exitCodeOf(err: unknown): number {
  if (err instanceof TrailhoundError) {
    if (err.code === 'usage' || err.code === 'config' || err.code === 'rule') return 2;
    if (err.code === 'input') return 3;
  }
  return 70;
}

function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof TrailhoundError)
    return {
      code: err.code,
      file: err.location?.file,
      details: err.details.length > 0 ? err.details : undefined,
    };
  return { stack: err instanceof Error ? err.stack : undefined };
}

/** The sinks' structured entries (`level`, `msg`, fields) as lines of this log. */
function sinkLog(log: Logger, entry: Record<string, unknown>): void {
  const { level, msg, ...fields } = entry;
  const text = typeof msg === 'string' ? msg : 'alert sink';
  if (level === 'error') log.error(text, fields);
  else if (level === 'warn') log.warn(text, fields);
  else if (level === 'debug') log.debug(text, fields);
  else log.info(text, fields);
}

async function runWatchCommand(sources: string[], flags: WatchFlags): Promise<number> {
  const log: Logger = jsonLogger(undefined, flags.logLevel);
  // Node's own warnings would break one-JSON-object-per-line on standard error.
  const warningListeners = process.listeners('warning');
  process.removeAllListeners('warning');
  const onWarning = (w: Error) => log.warn(w.message, { warning: w.name });
  process.on('warning', onWarning);

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      log.warn('second signal: exiting without waiting for the batch in hand', { signal });
      process.exit(130);
    }
    log.info('stopping: finishing the batch in hand', { signal });
    stop.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  let store: StateStore | undefined;
  let health: HealthServer | undefined;
  try {
    if (sources.includes('-'))
      throw new TrailhoundError(
        'usage',
        'watch follows directories and S3 prefixes; standard input (-) cannot be watched',
      );
    const intervalMs = number('--interval', flags.interval, 0.05, 86_400, false) * 1000;
    const batchSize = number('--batch', flags.batch ?? '50', 1, 10_000, true);
    const healthPort =
      flags.healthPort === undefined
        ? undefined
        : number('--health-port', flags.healthPort, 0, 65_535, true);
    const runFlags: Parameters<typeof runOptions>[0] = {};
    if (flags.config !== undefined) runFlags.config = flags.config;
    if (flags.workers !== undefined) runFlags.workers = flags.workers;
    if (flags.since !== undefined) runFlags.since = flags.since;
    const { config, workers, filters } = await runOptions(runFlags);

    store = openStateStore(flags.state);
    let output: FindingOutput;
    let outputPath: string | undefined;
    if (flags.out !== undefined) {
      outputPath = path.resolve(flags.out);
      try {
        output = await openFileOutput(outputPath, new Ledger(store).output(outputPath));
      } catch (err) {
        throw new TrailhoundError(
          'usage',
          `--out: cannot use ${flags.out}: ${(err as Error).message}`,
        );
      }
    } else output = streamOutput(process.stdout);

    const sinks = createAlertSinks(config, { log: (entry) => sinkLog(log, entry) });
    const metrics = newMetrics();
    let lastProgress = Date.now();
    if (healthPort !== undefined) {
      health = await startHealthServer(healthPort, {
        metrics: () => metrics,
        lastProgress: () => lastProgress,
        intervalMs,
      });
      log.info('health endpoint listening', { address: '127.0.0.1', port: health.port });
    }

    // From here this process only hunts: nothing reads the rules' examples again.
    releaseExamples(RULES);
    const opts: Parameters<typeof runWatch>[0] = {
      sources,
      store,
      config,
      registry: RULES,
      filters,
      intervalMs,
      output,
      sinks,
      log,
      signal: stop.signal,
      batchSize,
      metrics,
      onProgress: () => {
        lastProgress = Date.now();
      },
    };
    if (outputPath !== undefined) opts.outputPath = outputPath;
    if (workers !== undefined) opts.workers = workers;
    if (flags.minPriority !== undefined) opts.minPriority = flags.minPriority;
    if (flags.once === true) opts.once = true;
    await runWatch(opts);
    // Every batch checkpointed itself; this one makes sure nothing pending is left behind.
    store.checkpoint();
    log.info('watch stopped', {
      files: metrics.filesProcessed,
      events: metrics.events,
      findings: metrics.findings.emitted,
    });
    return 0;
  } catch (err) {
    log.error(err instanceof Error ? err.message : String(err), errorFields(err));
    return exitCodeOf(err);
  } finally {
    // Closing without a checkpoint discards a batch that failed half-way; the restart redoes it.
    store?.close();
    await health?.close();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('warning', onWarning);
    for (const l of warningListeners) process.on('warning', l as (w: Error) => void);
  }
}
