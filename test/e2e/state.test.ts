import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, trailhound } from './cli.js';

/** One CloudTrail record by a long-term key, shaped as AWS logs it. */
function call(time: string, id: string, eventName: string, ip: string): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEREPORTS01',
      arn: 'arn:aws:iam::111122223333:user/svc-reports',
      accountId: '111122223333',
      accessKeyId: 'AKIAEXAMPLEREPORTS01',
      userName: 'svc-reports',
    },
    eventTime: time,
    eventSource: 'sts.amazonaws.com',
    eventName,
    awsRegion: 'eu-west-1',
    sourceIPAddress: ip,
    userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9 exe/x86_64.ubuntu.22',
    requestParameters: null,
    responseElements: null,
    requestID: `req-${id}`,
    eventID: `8c1e6f7a-0000-4000-8000-${id.padStart(12, '0')}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
  };
}

function trail(dir: string, name: string, records: Record<string, unknown>[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), JSON.stringify({ Records: records }));
  return dir;
}

describe('state that survives between runs (--state)', () => {
  const root = mkdtempSync(join(tmpdir(), 'trailhound-state-'));
  // January: the key is in daily use. March: after seven quiet weeks it is used again.
  const january = trail(
    join(root, 'january'),
    '111122223333_CloudTrail_eu-west-1_20260105T0900Z_a.json',
    [
      call('2026-01-05T09:00:00Z', '1', 'GetCallerIdentity', '198.51.100.10'),
      call('2026-01-06T09:00:00Z', '2', 'GetCallerIdentity', '198.51.100.10'),
    ],
  );
  const march = trail(
    join(root, 'march'),
    '111122223333_CloudTrail_eu-west-1_20260301T0400Z_b.json',
    [call('2026-03-01T04:00:00Z', '3', 'GetSessionToken', '185.220.101.47')],
  );
  const dormant = (r: ReturnType<typeof json>) =>
    r.findings.filter((f) => f.rule.id === 'aws.iam.dormant-access-key-used');

  it('finds a dormant key within one run that holds its history', async () => {
    const r = json(await trailhound(['hunt', january, march, '--format', 'json']));
    expect(dormant(r)).toHaveLength(1);
    expect(dormant(r)[0]!.summary).toMatch(/unused for 5\d(\.\d)? days/);
  });

  it('does not find it in the March logs alone', async () => {
    const r = json(await trailhound(['hunt', march, '--format', 'json']));
    expect(dormant(r)).toEqual([]);
    expect(r.summary.state.store).toBe('memory');
  });

  it('finds it in the March logs once baseline learn has read January into the state file', async () => {
    const db = join(root, 'state.db');
    const learn = await trailhound(['baseline', 'learn', january, '--state', db]);
    expect(learn.code).toBe(0);
    expect(learn.stdout).toMatch(/learned from 2 events in 1 files: \d+ keys tracked/);
    const r = json(await trailhound(['hunt', march, '--state', db, '--format', 'json']));
    expect(r.summary.state.store).toBe('sqlite');
    expect(dormant(r)).toHaveLength(1);
    // The second hunt learned March too: a third hunt of the same file finds the key recently used.
    const again = json(await trailhound(['hunt', march, '--state', db, '--format', 'json']));
    expect(dormant(again)).toEqual([]);
  });

  it('refuses a state file that is not one, with exit code 3 and no stack trace', async () => {
    const bad = join(root, 'not-state.db');
    writeFileSync(bad, 'this is not a database\n');
    const r = await trailhound(['hunt', march, '--state', bad, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('not-state.db');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
