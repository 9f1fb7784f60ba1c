/**
 * `trailhound simulate --out DIR`: writes a synthetic organisation's CloudTrail and VPC Flow Logs
 * in the S3 delivery layout, with attacks for every matrix row mixed in and labelled
 * (`labels.jsonl`), and the organisation's profile as a configuration (`trailhound.yaml`). The same
 * options always give the same files, so a simulation can be named by its seed and regenerated.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import type { Command } from 'commander';
import { TrailhoundError } from '../errors.js';
import { RULES } from '../rules/registry.js';
import { writeSimulation } from '../simulate/index.js';

interface SimulateFlags {
  out: string;
  days: string;
  principals: string;
  seed: string;
  attacks: string;
  start: string;
  learningDays: string;
  force?: boolean;
}

function whole(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new TrailhoundError('usage', `${flag}: expected a whole number; found "${value}"`);
  }
  return Number(value);
}

/** `2026-03-02` as epoch ms at 00:00 UTC. */
export function parseStartDate(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const t = m === null ? Number.NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (m === null || new Date(t).toISOString().slice(0, 10) !== value) {
    throw new TrailhoundError(
      'usage',
      `--start: expected a date such as 2026-03-02; found "${value}"`,
    );
  }
  return t;
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      "write a labelled synthetic organisation's CloudTrail and flow logs (S3 layout), attacks for every matrix row mixed in, and its configuration",
    )
    .requiredOption(
      '-o, --out <dir>',
      'folder to write AWSLogs/…, labels.jsonl and trailhound.yaml to',
    )
    .option('--days <n>', 'days of logs', '30')
    .option('--principals <n>', 'people in the organisation (machines come with its shape)', '40')
    .option('--seed <seed>', 'seed: the same seed and options give the same files', '1')
    .option(
      '--attacks <rows>',
      'all, none, or matrix rows / scenario ids separated by commas',
      'all',
    )
    .option('--start <date>', 'first day (UTC)', '2026-03-02')
    .option('--learning-days <n>', 'days of normal activity before the first attack', '14')
    .option('--force', 'write into a folder that is not empty')
    .action((flags: SimulateFlags) => {
      const out = flags.out;
      if (existsSync(out) && readdirSync(out).length > 0 && flags.force !== true) {
        throw new TrailhoundError(
          'usage',
          `--out: ${out} is not empty; choose an empty folder or pass --force`,
        );
      }
      mkdirSync(out, { recursive: true });
      const m = writeSimulation(
        {
          seed: flags.seed,
          days: whole('--days', flags.days),
          principals: whole('--principals', flags.principals),
          start: parseStartDate(flags.start),
          learningDays: whole('--learning-days', flags.learningDays),
          attacks: flags.attacks,
        },
        out,
        RULES,
      );
      process.stdout.write(
        `Wrote ${m.stats.events.toLocaleString('en')} CloudTrail events and ` +
          `${m.stats.flows.toLocaleString('en')} flow records in ` +
          `${m.stats.files.toLocaleString('en')} files to ${out}/AWSLogs; ` +
          `${m.scenarios} attack scenarios in ${out}/labels.jsonl; ` +
          `configuration in ${out}/trailhound.yaml\n`,
      );
    });
}
