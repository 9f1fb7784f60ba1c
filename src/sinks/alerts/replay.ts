/**
 * `trailhound sinks replay`: sends dead-lettered alerts again, destination by destination, with the
 * destination's current configuration and secrets (a fixed token or URL takes effect). An entry
 * leaves the file only once delivered; one that fails again stays with its try count and last error
 * updated. When a destination turns out to be still down, the rest of its entries are kept untried.
 */
import { readFile } from 'node:fs/promises';
import type { Config } from '../../config/schema.js';
import { TrailhoundError } from '../../errors.js';
import {
  claimDeadLetters,
  deadLetterFile,
  deadLetterSinks,
  releaseClaim,
  rewriteClaim,
  type ClaimedLine,
} from './dead-letter.js';
import { realDeps, withRetries, type DeliveryDeps } from './deliver.js';
import { setUpDrivers, type SinkDriver } from './driver.js';
import type { AlertSinkOptions } from './index.js';

export interface ReplayReport {
  deadLetterDir: string;
  sinks: {
    sink: string;
    delivered: number;
    /** Entries still in the dead-letter file afterwards. */
    remaining: number;
    /** Why entries remain (the last error, or that the sink is no longer configured). */
    problem?: string;
  }[];
}

/**
 * Replays the dead-letter files in `deadLetterDir` (default `sinks.deadLetterDir`), or only the one
 * of `sink`.
 *
 * @example
 * const report = await replayDeadLetters(config, { sink: 'soc-slack' });
 */
export async function replayDeadLetters(
  config: Config,
  opts: AlertSinkOptions & { sink?: string } = {},
): Promise<ReplayReport> {
  const dir = opts.deadLetterDir ?? config.sinks.deadLetterDir;
  const deps: DeliveryDeps = { ...realDeps, ...opts.deps };
  const log = opts.log ?? (() => {});
  const configured = new Set(config.sinks.destinations.map((d) => d.name));
  if (opts.sink !== undefined && !configured.has(opts.sink))
    throw new TrailhoundError(
      'usage',
      `--sink: no destination named "${opts.sink}" in the configuration (configured: ${[...configured].join(', ') || 'none'})`,
    );
  let names = await deadLetterSinks(dir);
  if (opts.sink !== undefined) names = names.filter((n) => n === opts.sink);

  // Secrets are needed only for the destinations that have something to replay.
  const wanted = config.sinks.destinations.filter((d) => names.includes(d.name));
  const drivers = new Map(
    setUpDrivers({ ...config, sinks: { ...config.sinks, destinations: wanted } }, opts, deps).map(
      (d) => [d.sink.name, d],
    ),
  );

  const report: ReplayReport = { deadLetterDir: dir, sinks: [] };
  for (const name of names) {
    const driver = drivers.get(name);
    if (driver === undefined) {
      report.sinks.push({
        sink: name,
        delivered: 0,
        remaining: await countEntries(dir, name),
        problem: 'no destination of this name in the configuration; entries kept',
      });
      continue;
    }
    report.sinks.push(await replaySink(driver, dir, config, deps, log));
  }
  return report;
}

async function countEntries(dir: string, sink: string): Promise<number> {
  const text = await readFile(deadLetterFile(dir, sink), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.trim() !== '').length;
}

async function replaySink(
  d: SinkDriver,
  dir: string,
  config: Config,
  deps: DeliveryDeps,
  log: (entry: Record<string, unknown>) => void,
): Promise<ReplayReport['sinks'][number]> {
  const name = d.sink.name;
  const claim = await claimDeadLetters(dir, name);
  if (claim === undefined) return { sink: name, delivered: 0, remaining: 0 };
  let delivered = 0;
  let down: string | undefined;
  let problem: string | undefined;
  const kept: ClaimedLine[] = [];
  const pending = [...claim.lines];
  try {
    while (pending.length > 0) {
      const line = pending.shift() as ClaimedLine;
      if (!('entry' in line)) {
        kept.push(line);
        problem ??= `unreadable line kept (${line.problem})`;
        continue;
      }
      const e = line.entry;
      if (e.type !== d.sink.type) {
        kept.push(line);
        problem = `entries of type ${e.type} kept: the destination is now of type ${d.sink.type}`;
        continue;
      }
      if (down !== undefined) {
        kept.push(line);
        continue;
      }
      const base = { sink: name, type: d.sink.type, target: d.target, alert: e.alertId };
      const outcome = await withRetries(
        () => d.attempt(e.payload),
        config.sinks.retry,
        deps,
        (r) =>
          log({
            level: 'warn',
            msg: 'replay failed, retrying',
            ...base,
            ...r,
            error: d.redact(r.error),
          }),
      );
      if (outcome.ok) {
        delivered++;
        log({
          level: 'info',
          msg: 'dead-lettered alert delivered',
          ...base,
          attempts: outcome.attempts,
        });
        // Delivered entries leave the claim at once, so a replay that dies does not resend them.
        claim.lines = [...kept, ...pending];
        await rewriteClaim(claim);
        continue;
      }
      const error = d.redact(outcome.error);
      kept.push({
        entry: {
          ...e,
          attempts: e.attempts + outcome.attempts,
          lastError: error,
          lastFailure: new Date(deps.now()).toISOString(),
        },
      });
      problem = error;
      if (outcome.down) down = error;
      log({ level: 'error', msg: 'replay failed; entry kept', ...base, error });
    }
  } finally {
    claim.lines = [...kept, ...pending];
    await releaseClaim(claim, dir, name);
  }
  const remaining = claim.lines.length;
  return problem === undefined || remaining === 0
    ? { sink: name, delivered, remaining }
    : { sink: name, delivered, remaining, problem };
}
