/**
 * Suppression end to end: a hunt over the bundled examples with a configuration that suppresses
 * one finding, an approved-change feed that covers another, a deploy-run feed that covers a third,
 * one expired entry and one bad feed row; then the output as `hunt` writes it, with and without
 * `--show-suppressed`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOptions } from '../cli/hunt.js';
import { hunt, type HuntResult } from '../hunt/run.js';
import { RULES } from '../rules/registry.js';
import { writeOutput, type OutputFormat } from '../sinks/index.js';
import type { Finding } from './finding.js';
import { visibleFindings } from './suppress.js';

const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;

const CONFIG = `
suppressions:
  - rule: aws.network.flow-beaconing
    sourceIp: 10.20.0.0/16
    reason: the monitoring agent polls its collector every five minutes
    ticket: SEC-77
    expires: '2099-12-31'
  - rule: aws.credential.*
    reason: old exception for the backup user
    expires: '2026-01-31'
changes:
  tickets: [changes.csv]
`;

const CHANGES = `ticket,principal,actions,start,end,summary
CHG-123,arn:aws:iam::111122223333:user/svc-backup,iam:CreateUser,2026-03-14T13:30:00Z,2026-03-14T13:40:00Z,"Create the reporting user"
CHG-124,arn:aws:iam::111122223333:user/svc-backup,iam:*,2026-03-14T14:00:00Z,13:00,"window typed wrong"
`;

const DEPLOYS = JSON.stringify(
  [
    {
      pipeline: 'infra-deploy',
      run: 4711,
      role: 'arn:aws:iam::111122223333:role/github-deploy',
      start: '2026-03-14T10:00:00Z',
      end: '2026-03-14T10:15:00Z',
    },
  ],
  null,
  2,
);

async function render(
  findings: Iterable<Finding>,
  r: HuntResult,
  format: OutputFormat,
): Promise<string> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  await writeOutput(findings, r.summary, { format, out, color: false, width: 200 });
  return text;
}

describe('hunt with suppressions, approved changes and deploy runs', () => {
  let dir: string;
  let configFile: string | undefined;
  let result: HuntResult;
  const byRule = (id: string): Finding => {
    const f = result.findings.find((x) => x.rule.id === id);
    if (f === undefined) throw new Error(`no finding of ${id}`);
    return f;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trailhound-suppress-'));
    writeFileSync(join(dir, 'trailhound.yaml'), CONFIG);
    writeFileSync(join(dir, 'changes.csv'), CHANGES);
    writeFileSync(join(dir, 'deploys.json'), DEPLOYS);
    // As `hunt --config DIR/trailhound.yaml --deploys DIR/deploys.json` reads its options.
    const opts = await runOptions({
      config: join(dir, 'trailhound.yaml'),
      deploys: [join(dir, 'deploys.json')],
    });
    configFile = opts.configFile;
    // `configFile` names the file in expiry warnings (HuntOptions.configFile).
    const huntOpts = {
      inputs: [EXAMPLES],
      config: opts.config,
      registry: RULES,
      workers: 1,
      configFile,
    };
    result = await hunt(huntOpts);
  });

  it('marks the finding a configured entry matches, with its reason and ticket', () => {
    expect(byRule('aws.network.flow-beaconing').suppressed).toEqual({
      by: 'suppression',
      reason: 'the monitoring agent polls its collector every five minutes',
      ticket: 'SEC-77',
    });
  });

  it('marks the finding whose events all fall inside an approved change', () => {
    const created = byRule('aws.iam.user-created');
    expect(created.evidence.actions).toEqual(['iam:CreateUser']);
    expect(created.suppressed).toEqual({ by: 'change', ticket: 'CHG-123' });
  });

  it('marks the finding of a deploy role inside its run', () => {
    expect(byRule('aws.compute.lambda-deployed-outside-ci').suppressed).toEqual({
      by: 'deploy',
      ticket: 'infra-deploy#4711',
    });
  });

  it('keeps partly overlapping findings at their priority and names the ticket', () => {
    const attached = byRule('aws.iam.admin-policy-attached');
    expect(attached.suppressed).toBeNull();
    expect(attached.priority).toBe('high');
    expect(attached.changes).toEqual([
      {
        by: 'change',
        ticket: 'CHG-123',
        overlap: 'partial',
        reason: 'actions not allowed: iam:AttachUserPolicy',
      },
    ]);
    // A behaviour-over-time finding carries no per-event actions: never wholly inside.
    const sequence = byRule('aws.iam.backdoor-user-sequence');
    expect(sequence.suppressed).toBeNull();
    expect(sequence.changes?.map((c) => c.reason)).toEqual([
      'the actions of its events are not known, so not known to be allowed',
    ]);
    // The cloudtrail-stopped call came after the change window: no relation at all.
    expect(byRule('aws.evasion.cloudtrail-stopped').changes).toBeUndefined();
  });

  it('stops applying the expired entry, and the summary counts and warns', () => {
    expect(byRule('aws.credential.caller-identity-long-term-key').suppressed).toBeNull();
    const s = result.summary;
    expect(s.findings.total).toBe(result.findings.length);
    expect(s.findings.suppressed).toBe(3);
    expect(s.warnings.byReason['suppression-expired']).toBe(1);
    expect(s.warnings.byReason['feed-bad-record']).toBe(1);
    expect(s.problems).toContainEqual({
      code: 'suppression-expired',
      severity: 'warning',
      file: configFile,
      reason:
        'suppressions[1] (rule aws.credential.*: old exception for the backup user) expired on 2026-01-31 and no longer applies; 1 finding it matches is reported',
    });
    expect(s.problems).toContainEqual({
      code: 'feed-bad-record',
      severity: 'warning',
      file: join(dir, 'changes.csv'),
      line: 3,
      reason:
        'end: expected a date (2026-03-14) or an ISO 8601 time (2026-03-14T13:30:00Z), found "13:00"',
    });
  });

  it('leaves suppressed findings out of the output unless --show-suppressed', async () => {
    const hidden = await render(visibleFindings(result.findings, false), result, 'jsonl');
    const ids = hidden
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as Finding).rule.id);
    expect(ids).toHaveLength(result.findings.length - 3);
    expect(ids).not.toContain('aws.iam.user-created');
    expect(ids).not.toContain('aws.network.flow-beaconing');
    expect(ids).toContain('aws.iam.admin-policy-attached');

    const shown = await render(visibleFindings(result.findings, true), result, 'jsonl');
    expect(shown.trim().split('\n')).toHaveLength(result.findings.length);

    const table = await render(visibleFindings(result.findings, true), result, 'table');
    expect(table).toContain('[suppressed: CHG-123]');
    expect(table).toContain('[partly in CHG-123]');
    expect(table).toMatch(/findings\s+\d+ \(.*\), 3 suppressed/);
    const defaultTable = await render(visibleFindings(result.findings, false), result, 'table');
    expect(defaultTable).not.toContain('[suppressed');
    expect(defaultTable).toMatch(/3 suppressed/);
  });
});
