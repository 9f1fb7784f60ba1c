/**
 * `trailhound hunt s3://…` and `watch s3://…` as a user runs them: the built CLI (worker threads
 * included, each with its own S3 client) through the real AWS SDK against s3rver on 127.0.0.1.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3, type TestS3 } from '../helpers/s3rver.js';
import { json, ROOT, trailhound } from './cli.js';

const CT = 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/14/';
const ORG_CT = 'AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/us-east-1/2026/03/14/';
const BUCKET = 'org-trail-logs';

let s3: TestS3;
let local: string;
const saved = { ...process.env };

/** The same finding, wherever its events were read from (origins name the file or object). */
function comparable(f: Record<string, any>) {
  return {
    id: f.id,
    rule: f.rule.id,
    priority: f.priority,
    summary: f.summary,
    time: f.time,
    count: f.evidence.count,
    eventIds: f.evidence.eventIds,
  };
}

beforeAll(async () => {
  // A local tree holding the examples plus one organisation-trail delivery, uploaded as it is.
  local = mkdtempSync(path.join(tmpdir(), 'trailhound-s3-e2e-'));
  cpSync(path.join(ROOT, 'examples/AWSLogs'), path.join(local, 'AWSLogs'), { recursive: true });
  const name = readdirSync(path.join(local, CT)).sort()[3] as string;
  const text = gunzipSync(readFileSync(path.join(local, CT, name)))
    .toString('utf8')
    .replaceAll('111122223333', '444455556666')
    .replaceAll('eu-west-1', 'us-east-1');
  mkdirSync(path.join(local, ORG_CT), { recursive: true });
  writeFileSync(
    path.join(
      local,
      ORG_CT,
      name.replace('111122223333', '444455556666').replace('eu-west-1', 'us-east-1'),
    ),
    gzipSync(text),
  );
  s3 = await startS3();
  Object.assign(process.env, s3.env);
  await s3.createBucket(BUCKET);
  await s3.upload(BUCKET, local);
});

afterAll(async () => {
  await s3?.stop();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe('hunt s3://', () => {
  it('gives the same findings as hunting the same tree on disk', async () => {
    const fromDisk = json(
      await trailhound(['hunt', path.join(local, 'AWSLogs'), '--format', 'json', '-w', '1']),
    );
    const fromS3r = await trailhound([
      'hunt',
      `s3://${BUCKET}/AWSLogs/`,
      '--format',
      'json',
      '-w',
      '2',
    ]);
    expect(fromS3r.code).toBe(0);
    const fromS3 = json(fromS3r);
    expect(fromS3.summary.problems).toEqual([]);
    expect(fromS3.summary.files.read).toBe(fromDisk.summary.files.read);
    expect(fromS3.summary.events).toEqual(fromDisk.summary.events);
    expect(fromS3.findings.length).toBeGreaterThan(5);
    expect(fromS3.findings.map(comparable)).toEqual(fromDisk.findings.map(comparable));
    // The organisation account's delivery was found and read.
    expect(fromS3.findings.some((f) => f.account === '444455556666')).toBe(true);
    expect(fromS3.findings.flatMap((f) => f.evidence.origins)).toContainEqual(
      expect.stringMatching(new RegExp(`^s3://${BUCKET}/AWSLogs/o-a1b2c3d4e5/444455556666/`)),
    );
  });

  it('reports a missing bucket as an input problem, not a crash', async () => {
    const r = await trailhound(['hunt', 's3://no-such-trail-bucket/AWSLogs/', '--format', 'json']);
    expect(r.code).toBe(0);
    const { summary } = json(r);
    expect(summary.skipped.byReason).toEqual({ 'unreadable-file': 1 });
    expect(summary.problems[0]).toMatchObject({
      file: 's3://no-such-trail-bucket/AWSLogs/',
      reason: expect.stringMatching(/NoSuchBucket/),
    });
    const strict = await trailhound(['hunt', 's3://no-such-trail-bucket/AWSLogs/', '--strict']);
    expect(strict.code).toBe(3);
  });

  it('reports a denied object and hunts the rest', async () => {
    const denied = `${CT}${readdirSync(path.join(local, CT)).sort()[4]}`;
    s3.denied.add(`${BUCKET}/${denied}`);
    try {
      const r = await trailhound([
        'hunt',
        `s3://${BUCKET}/AWSLogs/111122223333/`,
        '--format',
        'json',
        '-w',
        '1',
      ]);
      expect(r.code).toBe(0);
      const { summary, findings } = json(r);
      expect(summary.problems).toEqual([
        expect.objectContaining({
          code: 'unreadable-file',
          file: `s3://${BUCKET}/${denied}`,
          reason: expect.stringMatching(/AccessDenied \(HTTP 403\)/),
        }),
      ]);
      expect(summary.files.skipped).toBe(1);
      expect(findings.length).toBeGreaterThan(0);
    } finally {
      s3.denied.clear();
    }
  });
});

describe('watch s3://', () => {
  it('with --since lists no day before it, and processes each object once across runs', async () => {
    await s3.put(
      BUCKET,
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/10/111122223333_CloudTrail_eu-west-1_20260310T0905Z_Old0ld0ld0ld0ld.json.gz',
      gzipSync(JSON.stringify({ Records: [] })),
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'trailhound-s3-watch-'));
    const args = [
      'watch',
      `s3://${BUCKET}/AWSLogs/`,
      '--state',
      path.join(dir, 'state.db'),
      '--out',
      path.join(dir, 'findings.jsonl'),
      '--since',
      '2026-03-14',
      '--once',
      '-w',
      '1',
    ];
    const before = s3.requests.length;
    const first = await trailhound(args);
    expect(first.code).toBe(0);
    const listed = s3.requests
      .slice(before)
      .filter((r) => r.query.get('list-type') === '2')
      .map((r) => r.query.get('prefix') ?? '');
    expect(listed).toContain(CT);
    expect(listed.filter((p) => /\/20\d\d\/(0[1-2]\/|03\/(0\d|1[0-3])\/)/.test(p))).toEqual([]);
    const logs = first.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    const stopped = logs.find((l) => l.msg === 'watch stopped');
    expect(stopped?.files).toBe(readdirSync(path.join(local, CT)).length + 2);

    const oneShot = json(
      await trailhound(['hunt', path.join(local, 'AWSLogs'), '--format', 'json', '-w', '1']),
    );
    const written = readFileSync(path.join(dir, 'findings.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).id as string);
    expect(written.sort()).toEqual(oneShot.findings.map((f) => f.id as string).sort());

    const second = await trailhound(args);
    expect(second.code).toBe(0);
    const again = second.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    expect(again.find((l) => l.msg === 'watch stopped')?.files).toBe(0);
  });
});
