/**
 * The `trailhound` program: sub-commands are declared in their own modules and registered here in
 * one explicit list. This is the one place that decides how errors print and which exit code is
 * used: 0 success, 1 findings at or above `--fail-on`, 2 usage or configuration error, 3 input
 * problems under `--strict`. Input and configuration errors never print a stack trace.
 */
import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { TrailhoundError, formatLocation } from '../errors.js';
import { registerBaseline } from './baseline.js';
import { registerConfig } from './config.js';
import { registerDocs } from './docs.js';
import { registerHunt } from './hunt.js';
import { registerMatrix, registerRules } from './rules.js';
import { registerUpdateData } from './update-data.js';
import { registerSimulate } from './simulate.js';
import { registerSinks } from './sinks.js';
import { registerWatch } from './watch.js';

export const EXIT = { ok: 0, findings: 1, usage: 2, input: 3, internal: 70 } as const;

export function buildProgram(): Command {
  const program = new Command('trailhound')
    .description('Hunt attacker behaviour in AWS CloudTrail and VPC Flow Logs.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerHunt(program);
  registerBaseline(program);
  registerConfig(program);
  registerRules(program);
  registerMatrix(program);
  registerDocs(program);
  registerUpdateData(program);
  registerSimulate(program);
  registerSinks(program);
  registerWatch(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Prints an error the way users see it; returns the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
    if (err.code === 'commander.help') return EXIT.ok;
    return EXIT.usage;
  }
  if (err instanceof TrailhoundError) {
    const where = err.location ? formatLocation(err.location) : '';
    process.stderr.write(`${pc.red('trailhound:')} ${where ? `${where}: ` : ''}${err.message}\n`);
    for (const d of err.details) process.stderr.write(`  - ${d}\n`);
    if (err.code === 'usage' || err.code === 'config' || err.code === 'rule') return EXIT.usage;
    if (err.code === 'input') return EXIT.input;
    return EXIT.internal;
  }
  process.stderr.write(`${pc.red('trailhound: internal error')}\n`);
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.internal;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = buildProgram();
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    return reportError(err);
  }
}
