/**
 * In-process tests of `trailhound rules`, `trailhound matrix` and `trailhound docs`: each command
 * is registered on a fresh program and run with captured standard output and error.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderMatrixDoc } from '../docs/matrix.js';
import type { RuleDescription } from '../docs/rules.js';
import { TrailhoundError } from '../errors.js';
import { RULES } from '../rules/registry.js';
import { registerDocs } from './docs.js';
import { registerMatrix, registerRules } from './rules.js';

interface Run {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

async function run(...argv: string[]): Promise<Run> {
  const program = new Command('trailhound').exitOverride();
  program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerRules(program);
  registerMatrix(program);
  registerDocs(program);
  for (const c of program.commands) c.exitOverride();
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv, { from: 'user' });
    const code = typeof process.exitCode === 'number' ? process.exitCode : undefined;
    return { stdout, stderr, exitCode: code };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = before;
  }
}

describe('trailhound rules', () => {
  it('lists every rule as JSON', async () => {
    const { stdout } = await run('rules', 'list', '--format', 'json');
    const listed = JSON.parse(stdout) as RuleDescription[];
    expect(listed.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    const retention = listed.find((r) => r.id === 'aws.evasion.log-retention-shortened');
    expect(retention?.knobs.find((k) => k.name === 'minRetentionDays')?.default).toBe(7);
    expect(retention?.row).toBe('EVA-2');
  });

  it('lists every rule as a table', async () => {
    const { stdout } = await run('rules', 'list');
    for (const r of RULES) expect(stdout).toContain(r.id);
    expect(stdout).toContain(`${RULES.length} rules`);
    expect(stdout.includes('\u001b[')).toBe(false);
  });

  it('rejects an unknown format', async () => {
    await expect(run('rules', 'list', '--format', 'yaml')).rejects.toMatchObject({
      code: 'commander.invalidArgument',
    });
  });

  it('shows one rule with its knobs, defaults and example records', async () => {
    const { stdout } = await run(
      'rules',
      'show',
      'aws.evasion.cloudtrail-bucket-lifecycle-expiration',
    );
    expect(stdout).toContain(
      'aws.evasion.cloudtrail-bucket-lifecycle-expiration: Expiration lifecycle rule',
    );
    expect(stdout).toContain('matrix row    EVA-1');
    expect(stdout).toContain('minRetentionDays = 365');
    expect(stdout).toContain('trailBuckets = []');
    expect(stdout).toContain('Examples that fire (2):');
    expect(stdout).toContain('"eventName": "PutBucketLifecycle"');
    expect(stdout).toContain('configuration: {"rules"');
    expect(stdout).toContain('Near misses that must not fire (3):');
  });

  it('shows one rule as JSON with full example records', async () => {
    const { stdout } = await run(
      'rules',
      'show',
      'aws.evasion.cloudtrail-stopped',
      '--format',
      'json',
    );
    const shown = JSON.parse(stdout) as {
      id: string;
      examples: { fire: { record: { eventName: string } }[] };
    };
    expect(shown.id).toBe('aws.evasion.cloudtrail-stopped');
    expect(shown.examples.fire[0]?.record.eventName).toBe('StopLogging');
  });

  it('refuses an unknown id as a usage error, suggesting near ids', async () => {
    const err: unknown = await run('rules', 'show', 'cloudtrail-stopped').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrailhoundError);
    expect((err as TrailhoundError).code).toBe('usage');
    expect((err as TrailhoundError).details).toContain(
      'did you mean aws.evasion.cloudtrail-stopped?',
    );
  });
});

describe('trailhound matrix', () => {
  it('prints the matrix document', async () => {
    const { stdout } = await run('matrix');
    expect(stdout).toBe(renderMatrixDoc(RULES));
  });

  it('prints coverage as JSON', async () => {
    const { stdout } = await run('matrix', '--format', 'json');
    const m = JSON.parse(stdout) as { rows: { row: string; rules: { id: string }[] }[] };
    expect(m.rows).toHaveLength(20);
    const eva1 = m.rows.find((r) => r.row === 'EVA-1');
    expect(eva1?.rules.map((r) => r.id)).toContain('aws.evasion.cloudtrail-stopped');
    expect(m.rows.filter((r) => r.rules.length === 0).map((r) => r.row)).toEqual([]);
  });
});

describe('trailhound docs', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trailhound-cli-docs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the docs, then finds them up to date', async () => {
    const wrote = await run('docs', '--write', '--dir', dir);
    expect(wrote.stdout).toContain(join(dir, 'rules.md'));
    const checked = await run('docs', '--check', '--dir', dir);
    expect(checked.exitCode).toBeUndefined();
    expect(checked.stdout).toContain('up to date');
  });

  it('exits with 1 and names the stale file', async () => {
    await run('docs', '--write', '--dir', dir);
    const matrix = join(dir, 'MATRIX.md');
    await writeFile(matrix, (await readFile(matrix, 'utf8')).replace('EVA-1', 'EVA-9'));
    const checked = await run('docs', '--check', '--dir', dir);
    expect(checked.exitCode).toBe(1);
    expect(checked.stderr).toContain(`${matrix} is stale`);
    expect(checked.stderr).not.toContain('rules.md');
  });

  it('exits with 1 when a doc is missing', async () => {
    const checked = await run('docs', '--check', '--dir', dir);
    expect(checked.exitCode).toBe(1);
    expect(checked.stderr).toContain(`${join(dir, 'rules.md')} is missing`);
  });

  it('needs exactly one of --write and --check', async () => {
    await expect(run('docs', '--dir', dir)).rejects.toMatchObject({ code: 'usage' });
    await expect(run('docs', '--write', '--check', '--dir', dir)).rejects.toMatchObject({
      code: 'usage',
    });
  });
});
