/**
 * Enrichment inside a hunt: every event is enriched before rules see it, and the problems found
 * reading threat-intelligence lists are reported once in the run summary.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { defineApiRule } from '../engine/rule.js';
import { hunt } from '../hunt/run.js';
import { resolveEnrichPaths } from './index.js';

const record = (eventID: string, sourceIPAddress: string) => ({
  eventVersion: '1.09',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEALICE00001',
    arn: 'arn:aws:iam::123456789012:user/alice',
    accountId: '123456789012',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    userName: 'alice',
  },
  eventTime: '2026-04-09T10:11:12Z',
  eventSource: 'sts.amazonaws.com',
  eventName: 'GetCallerIdentity',
  awsRegion: 'us-east-1',
  sourceIPAddress,
  userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22',
  requestParameters: null,
  responseElements: null,
  requestID: `req-${eventID}`,
  eventID,
  readOnly: true,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: '123456789012',
  eventCategory: 'Management',
});

/** A rule that only an enriched event can match: the caller is on the `tor` list. */
const torCaller = defineApiRule({
  id: 'aws.credential.test-tor-caller',
  title: 'Call from a TOR exit node',
  category: 'credential',
  row: null,
  priority: 'high',
  mitre: ['T1090.003'],
  description: 'Test rule.',
  falsePositives: [],
  response: [],
  references: [],
  knobs: {},
  kind: 'match',
  on: { eventNames: '*' },
  match: (e) => e.source?.intel?.includes('tor') === true,
  summary: (e) =>
    `alice called ${e.eventName} from TOR exit ${e.sourceIp ?? ''} (${e.source?.country ?? '?'})`,
  examples: { fire: [], miss: [] },
});

describe('enrichment in a hunt', () => {
  it('enriches events before rules and reports bad list lines once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-pipeline-'));
    writeFileSync(join(dir, 'tor.txt'), '185.220.101.47\nnot-an-address\n');
    const configFile = join(dir, 'trailhound.yaml');
    writeFileSync(configFile, 'intel:\n  lists:\n    - name: tor\n      file: tor.txt\n');
    writeFileSync(
      join(dir, 'trail.json'),
      JSON.stringify({
        Records: [
          record('e-1', '185.220.101.47'),
          record('e-2', '8.8.8.8'),
          record('e-3', 'AWS Internal'),
        ],
      }),
    );
    // As the CLI does: the list path is relative to the configuration file's folder.
    const config = resolveEnrichPaths(
      parseConfig(readFileSync(configFile, 'utf8'), configFile),
      configFile,
    );
    // Two inputs: list problems belong to the run, not to each file read.
    const { findings, summary } = await hunt({
      inputs: [join(dir, 'trail.json'), join(dir, 'trail.json')],
      config,
      registry: [torCaller],
      workers: 1,
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.summary).toBe(
      'alice called GetCallerIdentity from TOR exit 185.220.101.47 (DE)',
    );
    expect(findings[0]?.evidence.eventIds).toEqual(['e-1']);
    expect(summary.warnings.byReason['intel-bad-line']).toBe(1);
    expect(summary.problems).toContainEqual({
      code: 'intel-bad-line',
      severity: 'warning',
      file: join(dir, 'tor.txt'),
      line: 2,
      reason: 'expected an IP address or CIDR block, found "not-an-address"',
    });
  });
});
