import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CORPUS, json, trailhound } from './cli.js';

const EXAMPLES = 'examples/';
const tmp = () => mkdtempSync(join(tmpdir(), 'trailhound-e2e-'));
const sansTiming = (s: Record<string, any>) => ({
  ...s,
  elapsedMs: 0,
  eventsPerSecond: 0,
  workers: 0,
});

describe('trailhound hunt on the bundled examples', () => {
  it('finds the intrusion with no configuration, and reads every record', async () => {
    const r = await trailhound(['hunt', EXAMPLES, '--format', 'json']);
    expect(r.code).toBe(0);
    const { summary, findings } = json(r);
    expect(summary.files).toEqual({ read: 6, skipped: 0 });
    expect(summary.records).toBe(68);
    expect(summary.events).toEqual({ api: 50, flow: 17 });
    expect(summary.flowStatus).toEqual({ nodata: 1, skipdata: 0 });
    expect(summary.skipped.total).toBe(0);
    const ids = findings.map((f) => f.rule.id);
    for (const id of [
      'aws.evasion.cloudtrail-stopped',
      'aws.evasion.guardduty-detector-disabled',
      'aws.evasion.flow-logs-deleted',
      'aws.evasion.log-group-deleted',
    ])
      expect(ids).toContain(id);
    // The benign morning (UpdateTrail of the SNS topic, a 365-day retention) raises nothing.
    expect(ids).not.toContain('aws.evasion.cloudtrail-weakened');
    expect(ids).not.toContain('aws.evasion.log-retention-shortened');
    const stop = findings.find((f) => f.rule.id === 'aws.evasion.cloudtrail-stopped')!;
    expect(stop).toMatchObject({
      matrix: { category: 'evasion', row: 'EVA-1' },
      account: '111122223333',
      region: 'eu-west-1',
      actor: {
        arn: 'arn:aws:iam::111122223333:user/svc-backup',
        type: 'IAMUser',
        accessKeyId: 'AKIAEXAMPLEBACKUP7Q2',
        sourceIp: '185.220.101.47',
      },
      time: { first: '2026-03-14T13:43:40Z', last: '2026-03-14T13:43:40Z' },
      suppressed: null,
    });
    expect(stop.id).toMatch(/^[0-9a-f]{32}$/);
    expect(stop.evidence.count).toBe(1);
    expect(stop.evidence.origins[0]).toMatch(
      /examples\/AWSLogs\/111122223333\/CloudTrail\/eu-west-1\/2026\/03\/14\/.*_Hn4bV8mCk3GjS0Lf\.json\.gz#\d+$/,
    );
  });

  it('gives the same findings, ids and order for any number of workers and across runs', async () => {
    const one = await trailhound(['hunt', EXAMPLES, '--format', 'json', '--workers', '1']);
    const two = await trailhound(['hunt', EXAMPLES, '--format', 'json', '--workers', '2']);
    const again = await trailhound(['hunt', EXAMPLES, '--format', 'json', '--workers', '2']);
    expect(json(one).summary.workers).toBe(1);
    expect(json(two).summary.workers).toBe(2);
    expect(json(two).findings).toEqual(json(one).findings);
    expect(json(again).findings).toEqual(json(two).findings);
    expect(sansTiming(json(two).summary)).toEqual(sansTiming(json(one).summary));
  });

  it('names the country and network of a caller alike on one worker and on two', async () => {
    // Two files, so two workers each read one; on two, the tables come from the main thread.
    const dir = tmp();
    const login = (n: number, ip: string) => ({
      eventVersion: '1.08',
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDA4XJ7LBQ5EXAMPLE1',
        arn: 'arn:aws:iam::111122223333:user/alice',
        accountId: '111122223333',
        userName: 'alice',
      },
      eventTime: `2026-03-0${n}T09:00:00Z`,
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      awsRegion: 'us-east-1',
      sourceIPAddress: ip,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      errorMessage: 'Failed authentication',
      requestParameters: null,
      responseElements: { ConsoleLogin: 'Failure' },
      additionalEventData: { LoginTo: 'https://console.aws.amazon.com/', MFAUsed: 'No' },
      eventID: `0b6f3c1e-2d4a-4c1b-9e0f-00000000000${n}`,
      readOnly: false,
      eventType: 'AwsConsoleSignIn',
      managementEvent: true,
      recipientAccountId: '111122223333',
      eventCategory: 'Management',
    });
    [login(1, '1.1.1.1'), login(2, '8.8.8.8')].forEach((r, i) =>
      writeFileSync(
        join(dir, `111122223333_CloudTrail_us-east-1_2026030${i + 1}T0905Z_e2e.json.gz`),
        gzipSync(JSON.stringify({ Records: [r] })),
      ),
    );
    const one = json(await trailhound(['hunt', dir, '--format', 'json', '--workers', '1']));
    const two = json(await trailhound(['hunt', dir, '--format', 'json', '--workers', '2']));
    expect(two.summary.workers).toBe(2);
    expect(two.findings).toEqual(one.findings);
    const summaries = two.findings.map((f: any) => f.summary).join('\n');
    expect(summaries).toContain('1.1.1.1 (AU, AS13335 Cloudflare, Inc.)');
    expect(summaries).toContain('8.8.8.8 (US, AS15169 Google LLC)');
  });

  it('writes jsonl, csv and table, to stdout or --out', async () => {
    const full = json(await trailhound(['hunt', EXAMPLES, '--format', 'json']));
    const jl = await trailhound(['hunt', EXAMPLES, '--format', 'jsonl']);
    const lines = jl.stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(full.findings);

    const dir = tmp();
    const out = join(dir, 'f.csv');
    const csv = await trailhound(['hunt', EXAMPLES, '--format', 'csv', '--out', out]);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe('');
    const rows = readFileSync(out, 'utf8').split('\r\n').filter(Boolean);
    expect(rows[0]).toMatch(/^id,rule_id,/);
    expect(rows).toHaveLength(full.findings.length + 1);

    const table = await trailhound(['hunt', EXAMPLES, '--format', 'table']);
    expect(table.stdout).toContain('EVASION');
    expect(table.stdout).toContain('Run summary');
    expect(table.stdout).not.toContain('\u001b[');
  });

  it('defaults to jsonl when standard output is not a terminal', async () => {
    const r = await trailhound(['hunt', EXAMPLES]);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .every((l) => JSON.parse(l).rule.id),
    ).toBe(true);
  });

  it('filters by time, account, region and priority', async () => {
    const since = json(
      await trailhound(['hunt', EXAMPLES, '--format', 'json', '--since', '2026-03-14T13:43:00Z']),
    );
    expect(since.findings.length).toBeGreaterThan(0);
    expect(since.findings.every((f) => f.time.first >= '2026-03-14T13:43:00Z')).toBe(true);
    expect(since.summary.filteredOut).toBeGreaterThan(0);

    const until = json(
      await trailhound(['hunt', EXAMPLES, '--format', 'json', '--until', '2026-03-14']),
    );
    expect(until.findings).toEqual([]);

    const acct = json(
      await trailhound(['hunt', EXAMPLES, '--format', 'json', '--account', '999999999999']),
    );
    expect(acct.findings).toEqual([]);
    expect(acct.summary.filteredOut).toBe(67);

    const region = json(
      await trailhound(['hunt', EXAMPLES, '--format', 'json', '--region', 'us-east-1,eu-west-1']),
    );
    expect(region.summary.filteredOut).toBe(0);

    const crit = json(
      await trailhound(['hunt', EXAMPLES, '--format', 'json', '--min-priority', 'critical']),
    );
    const all = json(await trailhound(['hunt', EXAMPLES, '--format', 'json']));
    expect(crit.findings).toEqual(all.findings.filter((f) => f.priority === 'critical'));
  });

  it('reads standard input', async () => {
    const dir = 'examples/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/14/';
    const file = readdirSync(dir).find((f) => f.includes('1345Z'))!;
    const r = await trailhound(['hunt', '-', '--format', 'json'], {
      input: readFileSync(join(dir, file)),
    });
    const { findings } = json(r);
    expect(findings.map((f) => f.rule.id)).toContain('aws.evasion.cloudtrail-stopped');
    expect(findings[0]!.evidence.origins[0]).toMatch(/^-#\d+$/);
  });
});

describe('exit codes', () => {
  it('--fail-on exits 1 at or above the priority, 0 below it', async () => {
    expect((await trailhound(['hunt', EXAMPLES, '--fail-on', 'high'])).code).toBe(1);
    const dir = tmp();
    writeFileSync(
      join(dir, 'quiet.jsonl'),
      '{"eventVersion":"1.08","eventTime":"2026-03-14T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"eu-west-1","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/a"}}\n',
    );
    expect((await trailhound(['hunt', dir, '--fail-on', 'info'])).code).toBe(0);
  });

  it('usage and configuration errors exit 2 with a message and no stack trace', async () => {
    const badSince = await trailhound(['hunt', EXAMPLES, '--since', 'last tuesday']);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since');
    const badFormat = await trailhound(['hunt', EXAMPLES, '--format', 'xml']);
    expect(badFormat.code).toBe(2);
    const dir = tmp();
    const cfg = join(dir, 'trailhound.yaml');
    writeFileSync(cfg, 'organisation:\n  acounts: ["111122223333"]\n');
    const badConfig = await trailhound(['hunt', EXAMPLES, '--config', cfg]);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('acounts');
    for (const r of [badSince, badFormat, badConfig]) expect(r.stderr).not.toMatch(/\n\s+at /);
    const noRule = join(dir, 'rules.yaml');
    writeFileSync(noRule, 'rules:\n  aws.evasion.no-such-rule:\n    enabled: false\n');
    const unknownRule = await trailhound(['hunt', EXAMPLES, '--config', noRule]);
    expect(unknownRule.code).toBe(2);
    expect(unknownRule.stderr).toContain('aws.evasion.no-such-rule');
  });
});

describe('bad input', () => {
  it('reports every bad file with its place and reason, counts it, and goes on; --strict exits 3', async () => {
    const dir = tmp();
    const good = readFileSync('test/fixtures/cloudtrail/s3-records.json');
    writeFileSync(join(dir, 'good.json'), good);
    const records = JSON.parse(good.toString()).Records as unknown[];
    const gz = gzipSync(Buffer.from(JSON.stringify({ Records: records })));
    writeFileSync(
      join(dir, 'corrupt.json.gz'),
      Buffer.concat([gz.subarray(0, 20), Buffer.alloc(40, 7), gz.subarray(60)]),
    );
    const lines = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    writeFileSync(join(dir, 'truncated.jsonl.gz'), gzipSync(Buffer.from(lines)).subarray(0, -12));
    const r = await trailhound([
      'hunt',
      dir,
      'test/fixtures/bad',
      'no/such/path',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const { summary } = json(r);
    const reasons = summary.skipped.byReason;
    for (const code of [
      'empty-file',
      'binary-file',
      'unknown-format',
      'gzip-corrupt',
      'gzip-truncated',
      'invalid-json',
      'truncated-json',
      'unreadable-file',
    ])
      expect(reasons[code], code).toBeGreaterThan(0);
    const placed = summary.problems.find((p: any) => p.code === 'invalid-json');
    expect(placed.file).toContain('invalid-line.jsonl');
    expect(placed.line).toBe(3);
    expect(summary.events.api).toBeGreaterThan(records.length);
    expect(summary.files.skipped).toBeGreaterThan(0);

    const strict = await trailhound([
      'hunt',
      dir,
      'test/fixtures/bad',
      '--strict',
      '--format',
      'jsonl',
    ]);
    expect(strict.code).toBe(3);
    expect(strict.stderr).toContain('input problem');
  });

  it('keeps __proto__ and constructor keys as data', async () => {
    const r = await trailhound(['hunt', 'test/fixtures/bad/proto-keys.jsonl', '--format', 'json']);
    expect(r.code).toBe(0);
    const { summary } = json(r);
    expect(summary.events.api).toBeGreaterThan(0);
  });
});

describe('real data', () => {
  it('parses the whole Invictus dataset with no record skipped', async () => {
    const r = await trailhound([
      'hunt',
      `${CORPUS}/invictus-aws-dataset/CloudTrail`,
      '--format',
      'json',
      '--strict',
    ]);
    const { summary } = json(r);
    expect(summary.files).toEqual({ read: 55, skipped: 0 });
    expect(summary.events.api).toBe(2900);
    expect(summary.skipped.total).toBe(0);
    expect(r.code).toBe(0);
  });

  it('parses the OTRF recording (@timestamp instead of eventTime)', async () => {
    const r = await trailhound([
      'hunt',
      `${CORPUS}/otrf-ec2-proxy-s3-exfiltration/ec2_proxy_s3_exfiltration_2020-09-14011940.json`,
      '--format',
      'json',
      '--strict',
    ]);
    const { summary } = json(r);
    expect(summary.events.api).toBe(103);
    expect(r.code).toBe(0);
  });
});
