import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3, type TestS3 } from '../../test/helpers/s3rver.js';
import { decodeFile } from '../formats/detect.js';
import type { Decoded } from '../formats/types.js';
import { expandInputs } from './index.js';
import { datePrefixes, keyDay, listS3, parseS3Url, s3InputFile, usesPathStyle } from './s3.js';

const EXAMPLES = path.resolve('examples');
const CT_DIR = 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/14/';
const ORG_CT = 'AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/us-east-1/2026/03/14/';
const BUCKET = 'trail-logs';

function exampleFiles(): string[] {
  return readdirSync(path.join(EXAMPLES, CT_DIR)).sort();
}

/** An example file as another account's delivery through an organisation trail. */
function asOrgAccount(name: string): { key: string; body: Buffer } {
  const text = gunzipSync(readFileSync(path.join(EXAMPLES, CT_DIR, name))).toString('utf8');
  const moved = text
    .replaceAll('111122223333', '444455556666')
    .replaceAll('eu-west-1', 'us-east-1');
  return {
    key: ORG_CT + name.replace('111122223333', '444455556666').replace('eu-west-1', 'us-east-1'),
    body: gzipSync(moved),
  };
}

async function collect(items: AsyncIterable<Decoded>): Promise<Decoded[]> {
  const out: Decoded[] = [];
  for await (const d of items) out.push(d);
  return out;
}

let s3: TestS3;
const saved = { ...process.env };

beforeAll(async () => {
  s3 = await startS3();
  Object.assign(process.env, s3.env);
  await s3.createBucket(BUCKET);
  await s3.upload(BUCKET, EXAMPLES);
  const first = exampleFiles()[0] as string;
  const org = asOrgAccount(first);
  await s3.put(BUCKET, org.key, org.body);
  // An older day, to be pruned by `since`, and a digest to be skipped.
  await s3.put(
    BUCKET,
    'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/10/111122223333_CloudTrail_eu-west-1_20260310T0905Z_Old0ld0ld0ld0ld.json.gz',
    readFileSync(path.join(EXAMPLES, CT_DIR, first)),
  );
  await s3.put(
    BUCKET,
    'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/14/111122223333_CloudTrail-Digest_eu-west-1_org-trail_us-east-1_20260314T090444Z.json.gz',
    gzipSync('{}'),
  );
});

afterAll(async () => {
  await s3.stop();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe('S3 URLs and dates', () => {
  it('parses bucket and prefix, and refuses what is not a bucket', () => {
    expect(parseS3Url('s3://trail-logs/AWSLogs/')).toEqual({
      bucket: 'trail-logs',
      key: 'AWSLogs/',
    });
    expect(parseS3Url('s3://trail-logs')).toEqual({ bucket: 'trail-logs', key: '' });
    expect(parseS3Url('s3://Bad_Bucket/x')).toBeUndefined();
    expect(parseS3Url('/local/path')).toBeUndefined();
  });

  it('lists the rest of the first month by day, then whole months, up to tomorrow', () => {
    expect(
      datePrefixes(Date.parse('2026-03-30T17:00:00Z'), Date.parse('2026-05-02T08:00:00Z')),
    ).toEqual(['2026/03/30/', '2026/03/31/', '2026/04/', '2026/05/']);
    expect(
      datePrefixes(Date.parse('2026-03-14T09:00:00Z'), Date.parse('2026-03-15T08:00:00Z')),
    ).toEqual(['2026/03/14/', '2026/03/15/', '2026/03/16/']);
    expect(
      datePrefixes(Date.parse('2025-12-31T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z')),
    ).toEqual(['2025/12/31/', '2026/01/']);
  });

  it('reads the day of dated keys, AWS and Hive style', () => {
    expect(keyDay(CT_DIR + 'x.json.gz')).toBe(Date.parse('2026-03-14'));
    expect(keyDay('AWSLogs/aws-account-id=1/year=2026/month=03/day=09/x.log.gz')).toBe(
      Date.parse('2026-03-09'),
    );
    expect(keyDay('AWSLogs/111122223333/CloudTrail/eu-west-1/x.json')).toBeUndefined();
  });

  it('uses path-style addressing with an endpoint override, unless told otherwise', () => {
    expect(usesPathStyle({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' })).toBe(true);
    expect(usesPathStyle({})).toBe(false);
    expect(
      usesPathStyle({
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9000',
        TRAILHOUND_S3_PATH_STYLE: 'false',
      }),
    ).toBe(false);
    expect(usesPathStyle({ TRAILHOUND_S3_PATH_STYLE: 'true' })).toBe(true);
  });
});

describe('listing s3:// prefixes (real SDK against s3rver)', () => {
  it('walks accounts, organisation accounts, services and regions, skipping digests', async () => {
    const l = await listS3(`s3://${BUCKET}/AWSLogs/`);
    expect(l.problems).toEqual([]);
    const keys = l.objects.map((o) => o.key);
    for (const name of exampleFiles()) expect(keys).toContain(CT_DIR + name);
    expect(keys.some((k) => k.startsWith(ORG_CT))).toBe(true);
    expect(keys.some((k) => k.includes('/vpcflowlogs/eu-west-1/2026/03/14/'))).toBe(true);
    expect(keys.some((k) => k.includes('CloudTrail-Digest'))).toBe(false);
    expect(l.notices.map((n) => n.path)).toEqual([
      `s3://${BUCKET}/AWSLogs/111122223333/CloudTrail-Digest/`,
    ]);
    const o = l.objects.find((x) => x.key === CT_DIR + exampleFiles()[0]);
    expect(o?.size).toBe(
      readFileSync(path.join(EXAMPLES, CT_DIR, exampleFiles()[0] as string)).length,
    );
    expect(o?.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(o?.lastModified).toBeGreaterThan(Date.parse('2026-01-01'));
    // The organisation level and the region levels were listed one level at a time.
    const delimited = s3.requests
      .filter((r) => r.query.get('list-type') === '2' && r.query.get('delimiter') === '/')
      .map((r) => r.query.get('prefix'));
    expect(delimited).toContain('AWSLogs/o-a1b2c3d4e5/');
    expect(delimited).toContain('AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/');
  });

  it('with since, never lists a day before it', async () => {
    const before = s3.requests.length;
    const l = await listS3(`s3://${BUCKET}/AWSLogs/`, {
      since: Date.parse('2026-03-12T10:00:00Z'),
      now: Date.parse('2026-03-15T10:00:00Z'),
    });
    const listed = s3.requests
      .slice(before)
      .filter((r) => r.query.get('list-type') === '2')
      .map((r) => r.query.get('prefix') ?? '');
    const dated = listed.filter((p) => /\/\d{4}\/\d{2}\//.test(p));
    expect(dated).toContain(CT_DIR);
    expect(dated).toContain('AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/12/');
    expect(
      dated.filter((p) => /\/2026\/03\/(0\d|1[01])\//.test(p) || /\/2026\/02\//.test(p)),
    ).toEqual([]);
    // No flat listing of a whole region either.
    expect(listed.filter((p) => /\/(eu-west-1|us-east-1)\/$/.test(p))).toEqual([]);
    const keys = l.objects.map((o) => o.key);
    expect(keys.some((k) => k.includes('/2026/03/10/'))).toBe(false);
    expect(keys).toContain(CT_DIR + exampleFiles()[0]);
    // Without since, the older day is there.
    const all = await listS3(`s3://${BUCKET}/AWSLogs/111122223333/CloudTrail/`);
    expect(all.objects.some((o) => o.key.includes('/2026/03/10/'))).toBe(true);
  });

  it('takes one object by its exact key, and a folder named without the slash', async () => {
    const key = CT_DIR + exampleFiles()[1];
    const one = await listS3(`s3://${BUCKET}/${key}`);
    expect(one.objects.map((o) => o.key)).toEqual([key]);
    const folder = await listS3(`s3://${BUCKET}/AWSLogs/111122223333/vpcflowlogs`);
    expect(folder.objects).toHaveLength(1);
    expect(folder.objects[0]?.key).toMatch(/vpcflowlogs\/eu-west-1\/2026\/03\/14\/.*\.log\.gz$/);
  });

  it('pages through long listings', async () => {
    const paged = await listS3(`s3://${BUCKET}/AWSLogs/`, { pageSize: 2 });
    const whole = await listS3(`s3://${BUCKET}/AWSLogs/`);
    expect(paged.objects.length).toBeGreaterThan(4);
    expect(paged.objects).toEqual(whole.objects);
    expect(s3.requests.some((r) => r.query.has('continuation-token'))).toBe(true);
  });

  it('takes a URL naming a file as that object, without listing', async () => {
    const before = s3.requests.length;
    const key = CT_DIR + exampleFiles()[0];
    const x = await expandInputs([
      `s3://${BUCKET}/${key}`,
      `s3://${BUCKET}/AWSLogs/no-such.json.gz`,
    ]);
    expect(s3.requests.length).toBe(before);
    expect(x.files.map((f) => f.s3)).toEqual([
      { bucket: BUCKET, key },
      { bucket: BUCKET, key: 'AWSLogs/no-such.json.gz' },
    ]);
    const missing = await collect(decodeFile(x.files[1]!, { maxRecordBytes: 1 << 20 }));
    expect(missing[0]?.type === 'problem' && missing[0].problem.reason).toMatch(
      /NoSuchKey.*end the URL with \//,
    );
  });

  it('reports a missing bucket, a bad URL and an empty prefix instead of failing', async () => {
    const missing = await listS3('s3://no-such-bucket-here/AWSLogs/');
    expect(missing.objects).toEqual([]);
    expect(missing.problems).toHaveLength(1);
    expect(missing.problems[0]).toMatchObject({
      code: 'unreadable-file',
      severity: 'skip',
      file: 's3://no-such-bucket-here/AWSLogs/',
    });
    expect(missing.problems[0]?.reason).toMatch(/NoSuchBucket \(HTTP 404\)/);
    const bad = await listS3('s3://A/x');
    expect(bad.problems[0]?.reason).toMatch(/not a valid S3 URL/);
    const empty = await listS3(`s3://${BUCKET}/nothing-here/`);
    expect(empty.problems).toEqual([]);
    expect(empty.notices[0]).toMatchObject({ path: `s3://${BUCKET}/nothing-here/`, files: 0 });
  });

  it('is what expandInputs gives for s3:// inputs, beside local ones', async () => {
    const local = path.join(EXAMPLES, CT_DIR, exampleFiles()[0] as string);
    const x = await expandInputs([`s3://${BUCKET}/AWSLogs/111122223333/`, local], {
      since: Date.parse('2026-03-13'),
    });
    const s3files = x.files.filter((f) => f.s3 !== undefined);
    expect(s3files.map((f) => f.s3?.key).sort()).toEqual(
      [...exampleFiles().map((n) => CT_DIR + n)]
        .concat(
          (await listS3(`s3://${BUCKET}/AWSLogs/111122223333/vpcflowlogs/`)).objects.map(
            (o) => o.key,
          ),
        )
        .sort(),
    );
    expect(s3files[0]?.path).toBe(`s3://${BUCKET}/${s3files[0]?.s3?.key}`);
    expect(x.files.some((f) => f.path === local)).toBe(true);
  });
});

describe('reading S3 objects', () => {
  it('decodes an object (gzip found by content) exactly as the same local file', async () => {
    const name = exampleFiles()[0] as string;
    const opts = { maxRecordBytes: 1 << 20 };
    const remote = await collect(
      decodeFile(s3InputFile({ bucket: BUCKET, key: CT_DIR + name }), opts),
    );
    const localPath = path.join(EXAMPLES, CT_DIR, name);
    const local = await collect(decodeFile({ path: localPath, display: localPath }, opts));
    expect(remote.length).toBeGreaterThan(0);
    expect(remote.every((d) => d.type === 'cloudtrail')).toBe(true);
    const records = (ds: Decoded[]) => ds.map((d) => (d.type === 'cloudtrail' ? d.record : d));
    expect(records(remote)).toEqual(records(local));
    const first = remote[0];
    expect(first?.type === 'cloudtrail' && first.origin.file).toBe(
      `s3://${BUCKET}/${CT_DIR}${name}`,
    );
  });

  it('reports a denied or vanished object as an input problem', async () => {
    const key = CT_DIR + exampleFiles()[2];
    s3.denied.add(`${BUCKET}/${key}`);
    try {
      const denied = await collect(
        decodeFile(s3InputFile({ bucket: BUCKET, key }), { maxRecordBytes: 1 << 20 }),
      );
      expect(denied).toEqual([
        {
          type: 'problem',
          problem: expect.objectContaining({
            code: 'unreadable-file',
            severity: 'skip',
            file: `s3://${BUCKET}/${key}`,
            reason: expect.stringMatching(/AccessDenied \(HTTP 403\).*s3:GetObject/),
          }),
        },
      ]);
    } finally {
      s3.denied.clear();
    }
    const gone = await collect(
      decodeFile(s3InputFile({ bucket: BUCKET, key: 'AWSLogs/none.json' }), {
        maxRecordBytes: 1 << 20,
      }),
    );
    expect(gone).toHaveLength(1);
    expect(gone[0]?.type === 'problem' && gone[0].problem.reason).toMatch(/NoSuchKey/);
  });
});
