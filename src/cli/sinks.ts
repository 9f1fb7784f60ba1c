/**
 * `trailhound sinks list`, `sinks test` and `sinks replay`: show the configured alert destinations
 * and what waits in their dead-letter files, send a test alert, and send dead-lettered alerts again
 * once a destination is back. Replay exits 0 when every entry was delivered and 1 when some remain
 * (with the reason on standard error), so a timer or cron job can retry it; test exits 1 when a
 * destination failed. Also the two steps of `hunt --send`.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { resolveSinkPaths } from '../config/sinks.js';
import { TrailhoundError } from '../errors.js';
import { clean } from '../sinks/text.js';
import type { Finding } from '../findings/finding.js';
import type { RunSummary } from '../hunt/summary.js';
import {
  createAlertSinks,
  probeSinks,
  replayDeadLetters,
  type AlertSinks,
  type ReplayReport,
} from '../sinks/alerts/index.js';
import { deadLetterFile, deadLetterSinks } from '../sinks/alerts/dead-letter.js';

interface SinksFlags {
  config?: string;
  deadLetter?: string;
  sink?: string;
  /** Log lines (JSON) on standard error. */
  verbose?: boolean;
}

async function sinksConfig(flags: SinksFlags): Promise<{ config: Config; dir: string }> {
  const loaded = await loadConfig(flags.config);
  const config = resolveSinkPaths(loaded.config, loaded.path);
  const dir =
    flags.deadLetter === undefined ? config.sinks.deadLetterDir : resolve(flags.deadLetter);
  return { config, dir };
}

export function registerSinks(program: Command): void {
  const sinks = program
    .command('sinks')
    .description('alert destinations: list, test, and replay alerts they did not take');
  sinks
    .command('list')
    .description('show configured destinations and how many alerts wait in each dead-letter file')
    .option('-c, --config <file>', 'configuration file (default: ./trailhound.yaml when present)')
    .option('--dead-letter <dir>', 'dead-letter folder (default: sinks.deadLetterDir)')
    .action(async (flags: SinksFlags) => {
      const { config, dir } = await sinksConfig(flags);
      process.stdout.write(await describeSinks(config, dir));
    });
  sinks
    .command('test')
    .description('send a test alert to each destination, to check URLs, secrets and permissions')
    .option('-c, --config <file>', 'configuration file (default: ./trailhound.yaml when present)')
    .option('--sink <name>', 'only this destination')
    .action(async (flags: SinksFlags) => {
      const { config } = await sinksConfig(flags);
      const opts: Parameters<typeof probeSinks>[1] = {};
      if (flags.sink !== undefined) opts.sink = flags.sink;
      const results = await probeSinks(config, opts);
      if (results.length === 0) process.stdout.write('no alert destinations configured\n');
      for (const r of results)
        process.stdout.write(
          `${r.sink}: ${r.ok ? 'delivered' : 'FAILED'} after ${r.attempts} ${r.attempts === 1 ? 'try' : 'tries'}${r.detail === undefined ? '' : ` (${r.detail})`}\n`,
        );
      process.exitCode = results.every((r) => r.ok) ? 0 : 1;
    });
  sinks
    .command('replay')
    .description(
      'send dead-lettered alerts again; delivered ones leave the file (exit 1 if any remain)',
    )
    .option('-c, --config <file>', 'configuration file (default: ./trailhound.yaml when present)')
    .option('--dead-letter <dir>', 'dead-letter folder (default: sinks.deadLetterDir)')
    .option('--sink <name>', 'only this destination')
    .option('-v, --verbose', 'log each try as JSON on standard error')
    .action(async (flags: SinksFlags) => {
      const { config, dir } = await sinksConfig(flags);
      const opts: Parameters<typeof replayDeadLetters>[1] = { deadLetterDir: dir };
      if (flags.sink !== undefined) opts.sink = flags.sink;
      if (flags.verbose)
        opts.log = (e) =>
          process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`);
      const report = await replayDeadLetters(config, opts);
      const { out, err, remaining } = renderReplay(report);
      process.stdout.write(out);
      process.stderr.write(err);
      process.exitCode = remaining > 0 ? 1 : 0;
    });
}

/** The replay report as lines for standard output and standard error. */
export function renderReplay(report: ReplayReport): {
  out: string;
  err: string;
  remaining: number;
} {
  if (report.sinks.length === 0)
    return { out: `nothing to replay in ${report.deadLetterDir}\n`, err: '', remaining: 0 };
  let out = '';
  let err = '';
  let remaining = 0;
  for (const s of report.sinks) {
    remaining += s.remaining;
    out += `${s.sink}: ${s.delivered} delivered, ${s.remaining} left\n`;
    if (s.problem !== undefined)
      err += `trailhound: ${s.sink}: ${s.remaining} alert(s) kept in ${deadLetterFile(report.deadLetterDir, s.sink)}: ${s.problem}\n`;
  }
  return { out, err, remaining };
}

async function describeSinks(config: Config, dir: string): Promise<string> {
  const pending = async (name: string): Promise<string> => {
    const text = await readFile(deadLetterFile(dir, name), 'utf8').catch(() => '');
    return String(text.split('\n').filter((l) => l.trim() !== '').length);
  };
  const { destinations, windowMinutes } = config.sinks;
  const rows: string[][] = [['name', 'type', 'sends to', 'priority', 'rules', 'dead letters']];
  for (const d of destinations) {
    const where =
      d.type === 'file'
        ? d.path
        : d.type === 'jira'
          ? `${new URL(d.url).host} project ${d.project}, token from $${d.tokenEnv}`
          : `URL from $${d.urlEnv}${d.type === 'webhook' ? `, secret from $${d.secretEnv}` : ''}`;
    const rules = d.rules.length === 0 ? 'all' : d.rules.join(', ');
    rows.push([d.name, d.type, where, `${d.minPriority}+`, rules, await pending(d.name)]);
  }
  const configured = new Set(destinations.map((d) => d.name));
  for (const name of await deadLetterSinks(dir))
    if (!configured.has(name))
      rows.push([name, '-', 'not configured any more', '-', '-', await pending(name)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => clean(r[i] ?? '').length)));
  const lines =
    rows.length === 1
      ? ['no alert destinations configured (sinks.destinations)']
      : rows.map((r) =>
          r
            .map((cell, i) => clean(cell).padEnd(widths[i] ?? 0))
            .join('  ')
            .trimEnd(),
        );
  lines.push(
    `one alert per rule and principal per ${windowMinutes} minutes; dead letters in ${dir}`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * For `hunt --send`: sets up the destinations before the run, so a missing secret stops it at
 * once rather than after an hour of hunting.
 */
export function prepareSend(config: Config): AlertSinks {
  if (config.sinks.destinations.length === 0)
    throw new TrailhoundError(
      'usage',
      '--send: no alert destinations in the configuration (add sinks.destinations; see trailhound config example)',
    );
  return createAlertSinks(config);
}

/**
 * For `hunt --send`: sends the run's unsuppressed findings and returns the summary's `alerts`
 * part and the lines for standard error.
 */
export async function sendFindings(
  sinks: AlertSinks,
  findings: readonly Finding[],
): Promise<{ alerts: NonNullable<RunSummary['alerts']>; stderr: string }> {
  const delivery = await sinks.send(findings.filter((f) => f.suppressed === null));
  const alerts = { sinks: [...sinks.names], ...delivery };
  let stderr = `trailhound: alerts: ${delivery.sent} sent to ${sinks.names.join(', ')}${delivery.deadLettered > 0 ? `, ${delivery.deadLettered} dead-lettered` : ''}\n`;
  for (const f of delivery.failures) stderr += `trailhound: alerts: ${f.sink}: ${f.message}\n`;
  return { alerts, stderr };
}
