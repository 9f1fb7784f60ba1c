/**
 * `trailhound baseline learn PATH… --state FILE`: builds detection state from history (first-seen
 * sets, last use of keys and principals, per-principal habits and baselines) without reporting
 * findings, so the first real hunt with the same `--state` starts from what is normal.
 */
import type { Command } from 'commander';
import { TrailhoundError } from '../errors.js';
import { hunt } from '../hunt/run.js';
import { RULES } from '../rules/registry.js';
import { openStateStore } from '../state/index.js';
import { runOptions, type HuntFlags } from './hunt.js';

type LearnFlags = Pick<
  HuntFlags,
  'config' | 'workers' | 'since' | 'until' | 'account' | 'region'
> & {
  state?: string;
};

export function registerBaseline(program: Command): void {
  const baseline = program
    .command('baseline')
    .description('build detection state from history, without reporting findings');
  baseline
    .command('learn')
    .description('learn what is normal from past logs into a state file used by later hunts')
    .argument('<paths...>', 'files, directories, globs, or - for standard input')
    .requiredOption('--state <file>', 'SQLite state file to create or extend')
    .option('-c, --config <file>', 'configuration file (default: ./trailhound.yaml when present)')
    .option('--since <time>', 'only events at or after this time')
    .option('--until <time>', 'only events at or before this time')
    .option(
      '-w, --workers <n>',
      'worker threads (default: one per 32 MiB of input, up to the number of cores)',
    )
    .action(async (paths: string[], flags: LearnFlags) => {
      if (flags.state === undefined) throw new TrailhoundError('usage', '--state is required');
      const { config, workers, filters } = await runOptions(flags);
      const store = openStateStore(flags.state);
      try {
        const opts: Parameters<typeof hunt>[0] = {
          inputs: paths,
          config,
          registry: RULES,
          filters,
          state: store,
          learnOnly: true,
        };
        if (workers !== undefined) opts.workers = workers;
        const { summary } = await hunt(opts);
        const events = summary.events.api + summary.events.flow;
        process.stdout.write(
          `learned from ${events} events in ${summary.files.read} files: ` +
            `${summary.state.tracked} keys tracked, ${summary.state.evicted} evicted; ` +
            `state saved to ${flags.state}\n`,
        );
        const problems = summary.skipped.total + summary.warnings.total;
        if (problems > 0)
          process.stderr.write(
            `trailhound: ${problems} input problem(s); run hunt --format json for the details\n`,
          );
      } finally {
        store.close();
      }
    });
}
