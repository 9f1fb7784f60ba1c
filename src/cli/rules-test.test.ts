/**
 * In-process tests of `trailhound rules test`, through the program's own entry point so that the
 * exit codes (0 all pass, 1 a case fails, 2 a malformed file) are the ones a user gets.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ctRecord } from '../rules/lib.js';
import { main } from './program.js';

const SAMPLE = 'test/fixtures/rules-test/cases.yaml';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function trailhound(...argv: string[]): Promise<Run> {
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
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = before;
  }
}

const STOP = JSON.stringify(
  ctRecord({
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    requestParameters: { name: 'org-trail' },
  }),
);

describe('trailhound rules test', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trailhound-rules-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 and prints a line per case and the totals when every case passes', async () => {
    const r = await trailhound('rules', 'test', SAMPLE);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines.slice(0, 9).every((l) => l.startsWith('PASS  aws.'))).toBe(true);
    expect(lines[0]).toBe(
      'PASS  aws.evasion.cloudtrail-stopped  The production trail stopped from a laptop',
    );
    // The sample's stateful cases: a story of records, run through the stateful stage.
    expect(lines[7]).toMatch(/^PASS {2}aws\.time-geo\.new-service-for-principal {2}/);
    expect(lines[9]).toBe('9 passed, 0 failed');
  });

  it('exits 1 when a case fails, saying which rules fired instead', async () => {
    const file = join(dir, 'cases.yaml');
    await writeFile(
      file,
      [
        'cases:',
        '  - title: stopping is not deleting',
        '    rule: aws.evasion.cloudtrail-deleted',
        '    expect: fire',
        `    record: ${STOP}`,
        '  - title: stopping fires',
        '    rule: aws.evasion.cloudtrail-stopped',
        '    expect: fire',
        `    record: ${STOP}`,
        '',
      ].join('\n'),
    );
    const r = await trailhound('rules', 'test', SAMPLE, file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `FAIL  aws.evasion.cloudtrail-deleted  stopping is not deleting (${file}:2): expected aws.evasion.cloudtrail-deleted to fire; it did not (fired instead: aws.evasion.cloudtrail-stopped (high))\n`,
    );
    expect(r.stdout).toContain('PASS  aws.evasion.cloudtrail-stopped  stopping fires\n');
    expect(r.stdout.endsWith('10 passed, 1 failed\n')).toBe(true);
  });

  it('exits 2 for a malformed file, naming the file, path and line, and runs nothing', async () => {
    const file = join(dir, 'cases.yaml');
    await writeFile(
      file,
      [
        'cases:',
        '  - title: typo',
        '    rule: aws.evasion.cloudtrail-stoped',
        '    expect: fire',
        `    record: ${STOP}`,
        '',
      ].join('\n'),
    );
    const r = await trailhound('rules', 'test', SAMPLE, file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}:3: 1 problem in the rules test file`);
    expect(r.stderr).toContain(
      '  - cases[0].rule: no rule with id "aws.evasion.cloudtrail-stoped"; did you mean aws.evasion.cloudtrail-stopped? (line 3)',
    );
    expect(r.stderr).not.toContain('    at ');
  });

  it('exits 1 when a story makes a stateful rule fire that should not, with its line', async () => {
    const read = (eventTime: string, eventSource: string, eventName: string): string =>
      JSON.stringify(ctRecord({ eventSource, eventName, eventTime, readOnly: true }));
    const file = join(dir, 'cases.yaml');
    await writeFile(
      file,
      [
        'cases:',
        '  - title: quota checks are routine',
        '    rule: aws.time-geo.new-service-for-principal',
        '    expect: miss',
        '    config:',
        '      rules:',
        '        aws.time-geo.new-service-for-principal: { knobs: { learningDays: 1 } }',
        '    records:',
        `      - ${read('2026-03-02T06:10:44Z', 'ec2.amazonaws.com', 'DescribeRegions')}`,
        `      - ${read('2026-03-04T06:10:44Z', 'ses.amazonaws.com', 'GetSendQuota')}`,
        '',
      ].join('\n'),
    );
    const r = await trailhound('rules', 'test', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `FAIL  aws.time-geo.new-service-for-principal  quota checks are routine (${file}:2): expected aws.time-geo.new-service-for-principal not to fire; it fired at low: arn:aws:iam::123456789012:user/alice called ses:GetSendQuota`,
    );
    expect(r.stdout.endsWith('0 passed, 1 failed\n')).toBe(true);
  });

  it('exits 2 for a file that does not exist', async () => {
    const r = await trailhound('rules', 'test', join(dir, 'missing.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'missing.yaml')}: no such file`);
  });

  it('starts every case from --config when given', async () => {
    const config = join(dir, 'trailhound.yaml');
    await writeFile(config, 'rules:\n  aws.evasion.cloudtrail-stopped:\n    priority: critical\n');
    const file = join(dir, 'cases.yaml');
    await writeFile(
      file,
      [
        'cases:',
        '  - title: stopping is critical here',
        '    rule: aws.evasion.cloudtrail-stopped',
        '    expect: fire',
        '    priority: critical',
        `    record: ${STOP}`,
        '',
      ].join('\n'),
    );
    expect((await trailhound('rules', 'test', file)).code).toBe(1);
    const r = await trailhound('rules', 'test', '--config', config, file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 passed, 0 failed');
  });

  it('documents the file format and exit codes in its help', async () => {
    const r = await trailhound('rules', 'test', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: trailhound rules test [options] <files...>');
    expect(r.stdout).toContain('Test file format');
    expect(r.stdout).toContain('expect: fire');
    expect(r.stdout).toContain('records:');
    expect(r.stdout).toContain('exactly one of record, records, flow and flows');
    expect(r.stdout).toContain('Exit codes: 0 every case passed; 1 a case failed; 2 a file');
  });
});
