import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject, Origin } from '../model/event.js';
import { normaliseCloudTrail } from '../normalise/cloudtrail.js';
import { decodeFile, decodeStream } from './detect.js';
import type { Decoded, DecodeOptions, InputProblem } from './types.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const ct = (name: string) => path.join(FIXTURES, 'cloudtrail', name);
const bad = (name: string) => path.join(FIXTURES, 'bad', name);
const OPTS: DecodeOptions = { maxRecordBytes: 64 * 1024 * 1024 };

interface Result {
  records: { record: JsonObject; origin: Origin }[];
  problems: InputProblem[];
  other: Decoded[];
}

function sort(items: Decoded[]): Result {
  const r: Result = { records: [], problems: [], other: [] };
  for (const d of items) {
    if (d.type === 'cloudtrail') r.records.push({ record: d.record, origin: d.origin });
    else if (d.type === 'problem') r.problems.push(d.problem);
    else r.other.push(d);
  }
  return r;
}

async function decode(file: string, opts: DecodeOptions = OPTS): Promise<Result> {
  const items: Decoded[] = [];
  for await (const d of decodeFile({ path: file, display: file }, opts)) items.push(d);
  return sort(items);
}

/** Feeds `bytes` as a stream in pieces of `size` bytes, the way standard input arrives. */
async function decodeBytes(bytes: Buffer, size: number, opts: DecodeOptions = OPTS) {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  const items: Decoded[] = [];
  for await (const d of decodeStream(Readable.from(pieces), '-', opts)) items.push(d);
  return sort(items);
}

const names = (r: Result) => r.records.map((x) => x.record.eventName);
const codes = (r: Result) => r.problems.map((p) => p.code);
const NAMES = ['StopLogging', 'CreateAccessKey', 'AssumeRole'];

let tmp: string;
let originals: JsonObject[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'trailhound-detect-'));
  originals = (
    JSON.parse(await readFile(ct('s3-records.json'), 'utf8')) as { Records: JsonObject[] }
  ).Records;
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function temp(name: string, content: string | Buffer): Promise<string> {
  const p = path.join(tmp, name);
  await writeFile(p, content);
  return p;
}

describe('CloudTrail layouts', () => {
  const byIndex = (n: number) => Array.from({ length: n }, (_, i) => i);

  it.each([
    ['s3-records.json', (o: Origin) => o.index],
    ['records.jsonl', (o: Origin) => o.line],
    ['records-array.json', (o: Origin) => o.index],
    ['cloudwatch-events.jsonl', (o: Origin) => o.line],
    ['cloudwatch-filter-log-events.json', (o: Origin) => o.index],
    ['cloudwatch-export.txt', (o: Origin) => o.line],
    ['eventbridge.jsonl', (o: Origin) => o.line],
    ['lookup-events.json', (o: Origin) => o.index],
  ])('%s gives the three records unchanged, envelopes removed', async (name, pos) => {
    const r = await decode(ct(name));
    expect(r.problems).toEqual([]);
    expect(r.records.map((x) => x.record)).toEqual(originals);
    const expected = name.endsWith('.json') ? byIndex(3) : [1, 2, 3];
    expect(r.records.map((x) => pos(x.origin))).toEqual(expected);
    for (const x of r.records) expect(x.origin.file).toBe(ct(name));
  });

  it('reads a Records document without line numbers, by position in Records', async () => {
    const r = await decode(ct('s3-records.json'));
    expect(r.records.map((x) => x.origin)).toEqual(
      byIndex(3).map((index) => ({ file: ct('s3-records.json'), index })),
    );
  });

  it('reads pretty-printed records one after another, each at the line it starts on', async () => {
    const text = await readFile(ct('records-pretty-stream.json'), 'utf8');
    const starts = text.split('\n').flatMap((l, i) => (l === '{' ? [i + 1] : []));
    const r = await decode(ct('records-pretty-stream.json'));
    expect(r.problems).toEqual([]);
    expect(r.records.map((x) => x.record)).toEqual(originals);
    expect(r.records.map((x) => x.origin.line)).toEqual(starts);
  });

  it('takes a single EventBridge event apart: the record is its detail', async () => {
    const r = await decode(ct('eventbridge.json'));
    expect(r.problems).toEqual([]);
    expect(r.records).toEqual([{ record: originals[0], origin: { file: ct('eventbridge.json') } }]);
  });

  it('reads subscription payloads and ignores their health-check control messages', async () => {
    const r = await decode(ct('cloudwatch-subscription.jsonl'));
    expect(r.problems).toEqual([]);
    expect(r.records.map((x) => x.record)).toEqual(originals);
    expect(r.records.map((x) => x.origin)).toEqual(
      byIndex(3).map((index) => ({ file: ct('cloudwatch-subscription.jsonl'), line: 2, index })),
    );
  });

  it('recognises gzip by its magic bytes, not by the file name', async () => {
    const gz = zlib.gzipSync(await readFile(ct('s3-records.json')));
    const disguised = await decode(await temp('delivered.json', gz));
    expect(disguised.problems).toEqual([]);
    expect(disguised.records.map((x) => x.record)).toEqual(originals);
    const plain = await decode(await temp('plain.json.gz', await readFile(ct('records.jsonl'))));
    expect(plain.problems).toEqual([]);
    expect(names(plain)).toEqual(NAMES);
  });

  it('reads concatenated gzip members and concatenated Records documents', async () => {
    const doc = await readFile(ct('s3-records.json'));
    const r = await decode(
      await temp('two.json.gz', Buffer.concat([zlib.gzipSync(doc), zlib.gzipSync(doc)])),
    );
    expect(r.problems).toEqual([]);
    expect(names(r)).toEqual([...NAMES, ...NAMES]);
    // The first document's records by index; the second's by its line and index.
    expect(r.records.map((x) => x.origin)).toEqual([
      ...[0, 1, 2].map((index) => ({ file: path.join(tmp, 'two.json.gz'), index })),
      ...[0, 1, 2].map((index) => ({ file: path.join(tmp, 'two.json.gz'), line: 2, index })),
    ]);
  });

  it.each([1, 7, 64, 4096])(
    'gives the same records whatever the chunk size (%i bytes)',
    async (size) => {
      for (const name of ['s3-records.json', 'records-array.json', 'records-pretty-stream.json']) {
        const r = await decodeBytes(await readFile(ct(name)), size);
        expect(r.problems).toEqual([]);
        expect(r.records.map((x) => x.record)).toEqual(originals);
      }
      const gz = await decodeBytes(zlib.gzipSync(await readFile(ct('records.jsonl'))), size);
      expect(gz.records.map((x) => x.origin.line)).toEqual([1, 2, 3]);
    },
  );

  it('ignores a UTF-8 byte-order mark', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    for (const name of ['records.jsonl', 's3-records.json']) {
      const r = await decodeBytes(Buffer.concat([bom, await readFile(ct(name))]), 4096);
      expect(r.problems).toEqual([]);
      expect(r.records.map((x) => x.record)).toEqual(originals);
    }
  });

  it('names standard input as given in origins', async () => {
    const r = await decodeBytes(await readFile(ct('records.jsonl')), 100);
    expect(r.records.map((x) => x.origin)).toEqual([1, 2, 3].map((line) => ({ file: '-', line })));
  });
});

describe('CloudTrail Lake and Athena exports', () => {
  /** The fields rules read, which must come out the same as from the original record. */
  function essentials(record: JsonObject) {
    const n = normaliseCloudTrail(record, { file: 'x' });
    if (!n.ok) throw new Error(n.reason);
    // Everything but where it came from and the raw record, which differ by layout.
    return { ...n.event, origin: undefined, raw: undefined };
  }

  it('turns CloudTrail Lake rows into records in CloudTrail shape', async () => {
    const r = await decode(ct('lake-query-results.json'));
    expect(r.problems).toEqual([]);
    expect(r.records.map((x) => x.origin.index)).toEqual([0, 1, 2]);
    const [stop, key, assume] = r.records.map((x) => x.record) as JsonObject[];
    expect(stop?.eventTime).toBe('2024-03-14 09:05:12.000');
    expect(stop?.userIdentity).toMatchObject({
      type: 'AssumedRole',
      principalId: 'AROA3EXAMPLEROLEID123:mallory',
      sessionContext: {
        sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/OpsAdmin', userName: 'OpsAdmin' },
        attributes: { mfaAuthenticated: 'false', creationDate: '2024-03-14 09:01:44.000' },
      },
      invokedBy: null,
    });
    expect(stop?.readOnly).toBe(false);
    expect(stop?.managementEvent).toBe(true);
    expect(stop?.tlsDetails).toEqual({
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'cloudtrail.eu-west-1.amazonaws.com',
    });
    expect(key?.responseElements).toEqual(originals[1]?.responseElements);
    expect(assume?.resources).toEqual([
      {
        accountId: '111122223333',
        type: 'AWS::IAM::Role',
        ARN: 'arn:aws:iam::111122223333:role/PartnerAudit',
        ARNPrefix: null,
      },
    ]);
    // Lake keeps map values as strings: the number 3600 comes back as text.
    expect(assume?.requestParameters).toEqual({
      ...(originals[2]?.requestParameters as JsonObject),
      durationSeconds: '3600',
    });
    for (let i = 0; i < 3; i++) {
      const want = essentials(structuredClone(originals[i]) as JsonObject);
      if (i === 2) {
        (want.request as JsonObject).durationSeconds = '3600';
        // Lake fills every field of a struct; CloudTrail leaves absent ones out.
        (want.resources[0] as JsonObject).ARNPrefix = null;
      }
      expect(essentials(r.records[i]?.record as JsonObject)).toEqual(want);
    }
  });

  it('turns Athena UNLOAD JSON rows into records in CloudTrail shape', async () => {
    const r = await decode(ct('athena-unload.json'));
    expect(r.problems).toEqual([]);
    expect(r.records.map((x) => x.origin.line)).toEqual([1, 2, 3]);
    const assume = r.records[2]?.record;
    expect(assume?.resources).toEqual(originals[2]?.resources);
    expect(assume?.requestParameters).toEqual(originals[2]?.requestParameters);
    expect(assume?.sharedEventID).toBe(originals[2]?.sharedEventID);
    for (let i = 0; i < 3; i++)
      expect(essentials(r.records[i]?.record as JsonObject)).toEqual(
        essentials(originals[i] as JsonObject),
      );
  });

  it('reads Athena get-query-results, skipping the header row and keeping NULL as null', async () => {
    const r = await decode(ct('athena-query-results.json'));
    expect(r.problems).toEqual([]);
    expect(r.records.map((x) => x.origin.index)).toEqual([1, 2]);
    expect(names(r)).toEqual(['StopLogging', 'AssumeRole']);
    const [stop, assume] = r.records.map((x) => x.record);
    expect(stop?.errorCode).toBeNull();
    expect(stop?.resources).toBeNull();
    expect(assume?.resources).toEqual(originals[2]?.resources);
    expect(essentials(stop as JsonObject)).toMatchObject({
      eventName: 'StopLogging',
      time: Date.parse('2024-03-14T09:05:12Z'),
      actor: {
        sessionIssuerArn: 'arn:aws:iam::111122223333:role/OpsAdmin',
        mfaAuthenticated: false,
      },
      request: originals[0]?.requestParameters,
      readOnly: false,
    });
  });
});

describe('bad input', () => {
  it('reports a path that cannot be read, and nothing else about it', async () => {
    for (const p of [path.join(tmp, 'missing.json'), tmp]) {
      const r = await decode(p);
      expect(r.records).toEqual([]);
      expect(r.problems).toEqual([
        expect.objectContaining({ code: 'unreadable-file', severity: 'skip', file: p }),
      ]);
    }
  });

  it('reports an empty file', async () => {
    const r = await decode(bad('empty.json'));
    expect(r.records).toEqual([]);
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'empty-file', severity: 'skip', file: bad('empty.json') }),
    ]);
    const blank = await decode(await temp('blank.json', '  \n\n \t\n'));
    expect(codes(blank)).toEqual(['empty-file']);
    const emptyGzip = await decode(await temp('empty.json.gz', zlib.gzipSync('')));
    expect(codes(emptyGzip)).toEqual(['empty-file']);
    expect(emptyGzip.problems[0]?.reason).toMatch(/decompresses to nothing/);
  });

  it('skips one invalid line of JSON lines and reads the rest', async () => {
    const r = await decode(bad('invalid-line.jsonl'));
    expect(r.records.map((x) => x.origin.line)).toEqual([1, 2, 4]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'invalid-json', line: 3, severity: 'skip' });
    expect(r.problems[0]?.reason).toMatch(/^line 3 is not valid JSON .*expected one JSON object/);
  });

  it('reports a JSON-lines file whose last line is cut off', async () => {
    const text = await readFile(ct('records.jsonl'), 'utf8');
    const r = await decode(await temp('cut.jsonl', text.slice(0, text.length - 300)));
    expect(names(r)).toEqual(['StopLogging', 'CreateAccessKey']);
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'truncated-json', line: 3, severity: 'skip' }),
    ]);
  });

  it('reads the records of a truncated Records document before the cut', async () => {
    const r = await decode(bad('truncated-records.json'));
    expect(r.records.map((x) => x.origin.index)).toEqual([0, 1]);
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'truncated-json', index: 2, severity: 'skip' }),
    ]);
    expect(r.problems[0]?.reason).toMatch(/entry 2 is cut off/);
  });

  it('reports a document cut between records, and a truncated pretty-printed document', async () => {
    const doc = await readFile(ct('s3-records.json'), 'utf8');
    const between = await decode(await temp('between.json', doc.slice(0, doc.indexOf('},{') + 2)));
    expect(between.records).toHaveLength(1);
    expect(between.problems).toEqual([
      expect.objectContaining({ code: 'truncated-json', severity: 'skip' }),
    ]);
    expect(between.problems[0]?.index).toBeUndefined();

    const pretty = await readFile(ct('cloudwatch-filter-log-events.json'), 'utf8');
    const cut = await decode(await temp('cut-pretty.json', pretty.slice(0, 3000)));
    expect(cut.records).toEqual([]);
    expect(cut.problems).toEqual([
      expect.objectContaining({ code: 'truncated-json', line: 1, severity: 'skip' }),
    ]);
  });

  it('reports a binary file, Parquet, and text in no known layout', async () => {
    const bin = await decode(bad('binary.bin'));
    expect(bin.problems).toEqual([
      expect.objectContaining({ code: 'binary-file', severity: 'skip' }),
    ]);
    expect(bin.problems[0]?.reason).toMatch(/NUL byte at offset 3/);
    const pq = await decode(bad('export.parquet'));
    expect(pq.problems).toEqual([expect.objectContaining({ code: 'unknown-format' })]);
    expect(pq.problems[0]?.reason).toMatch(/Parquet.*not supported/);
    const txt = await decode(bad('unknown.txt'));
    expect(txt.problems).toEqual([expect.objectContaining({ code: 'unknown-format' })]);
    expect(txt.problems[0]?.reason).toMatch(/line 1 starts "These are the notes/);
    const gzBinary = await decode(await temp('bin.gz', zlib.gzipSync(Buffer.from([1, 0, 2, 0]))));
    expect(codes(gzBinary)).toEqual(['binary-file']);
    const twice = zlib.gzipSync(zlib.gzipSync(await readFile(ct('s3-records.json'))));
    const gzGz = await decode(await temp('twice.json.gz', twice));
    expect(codes(gzGz)).toEqual(['unknown-format']);
    expect(gzGz.problems[0]?.reason).toMatch(/gzip data inside gzip/);
  });

  it('reports values that are not records, with their lines, and reads the records around them', async () => {
    const r = await decode(bad('not-a-record.jsonl'));
    expect(r.records.map((x) => x.origin.line)).toEqual([1, 4]);
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([
      ['not-a-record', 2],
      ['not-a-record', 3],
    ]);
    expect(r.problems[0]?.reason).toMatch(/object with keys "level", "msg", "ts"/);
    expect(r.problems[1]?.reason).toMatch(/detail-type "EC2 Instance State-change Notification"/);
  });

  it('says a digest file holds no events', async () => {
    const r = await decode(bad('digest.json'));
    expect(r.records).toEqual([]);
    expect(codes(r)).toEqual(['not-a-record']);
    expect(r.problems[0]?.reason).toMatch(/CloudTrail digest/);
  });

  describe('gzip', () => {
    let lines: string;
    beforeAll(() => {
      lines = Array.from({ length: 400 }, (_, i) =>
        JSON.stringify({
          ...originals[i % 3],
          eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        }),
      ).join('\n');
      lines += '\n';
    });

    it('reads what a truncated gzip file still holds and reports the truncation', async () => {
      const gz = zlib.gzipSync(lines);
      const r = await decode(
        await temp('cut.jsonl.gz', gz.subarray(0, Math.floor(gz.length * 0.6))),
      );
      const got = r.records.map((x) => x.origin.line);
      expect(got.length).toBeGreaterThan(100);
      expect(got.length).toBeLessThan(400);
      expect(got).toEqual(got.map((_, i) => i + 1));
      const gzipProblem = r.problems.find((p) => p.code === 'gzip-truncated');
      expect(gzipProblem).toMatchObject({ severity: 'skip', file: path.join(tmp, 'cut.jsonl.gz') });
      expect(gzipProblem?.reason).toMatch(/gave \d+ bytes/);
      // The line the cut went through, if any, is reported on its own.
      for (const p of r.problems.filter((p) => p.code !== 'gzip-truncated'))
        expect(p).toMatchObject({ code: 'truncated-json', line: got.length + 1 });
    });

    it('recovers the whole content when only the gzip trailer is missing', async () => {
      const gz = zlib.gzipSync(lines);
      const r = await decode(await temp('no-trailer.jsonl.gz', gz.subarray(0, gz.length - 8)));
      expect(r.records).toHaveLength(400);
      expect(codes(r)).toEqual(['gzip-truncated']);
    });

    it('reads the records of a truncated gzip Records document up to the cut', async () => {
      const doc = JSON.stringify({
        Records: lines
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      });
      const gz = zlib.gzipSync(doc);
      const r = await decode(await temp('cut-records.json.gz', gz.subarray(0, gz.length >> 1)));
      const got = r.records.map((x) => x.origin.index);
      expect(got.length).toBeGreaterThan(50);
      expect(got).toEqual(got.map((_, i) => i));
      expect(codes(r)).toEqual(['truncated-json', 'gzip-truncated']);
      expect(r.problems[0]?.index).toBe(got.length);
    });

    it('reports corrupt gzip data and keeps what came before it', async () => {
      const gz = Buffer.from(zlib.gzipSync(lines));
      for (let i = gz.length >> 1; i < (gz.length >> 1) + 64; i++) gz[i] = (gz[i] as number) ^ 0x5a;
      const r = await decode(await temp('corrupt.jsonl.gz', gz));
      // Damaged deflate data may still inflate, to garbage, until the checksum fails at the end:
      // the lines before the damage are records, the garbage after it is reported line by line.
      expect(r.records.length).toBeGreaterThan(50);
      expect(r.records.length).toBeLessThan(400);
      expect(r.records.slice(0, 50).map((x) => x.origin.line)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      const p = r.problems.find((x) => x.code === 'gzip-corrupt');
      expect(p).toMatchObject({ severity: 'skip' });
      expect(p?.reason).toMatch(/corrupt/);
    });

    it('reports gzip that is corrupt from its header on, and nothing else', async () => {
      const r = await decode(
        await temp('junk.gz', Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])),
      );
      expect(r.records).toEqual([]);
      expect(codes(r)).toEqual(['gzip-corrupt']);
    });
  });

  describe('a single huge record', () => {
    let hugeLines: string;
    let hugeDoc: string;
    const big = 'A'.repeat(5 * 1024 * 1024);
    beforeAll(async () => {
      const huge = { ...originals[1], requestParameters: { policyDocument: big } };
      hugeLines = await temp(
        'huge.jsonl',
        [originals[0], huge, originals[2]].map((r) => JSON.stringify(r)).join('\n') + '\n',
      );
      hugeDoc = await temp(
        'huge.json',
        JSON.stringify({ Records: [originals[0], huge, originals[2]] }),
      );
    });

    it('skips it over the limit and reads the records around it', async () => {
      const small = { maxRecordBytes: 1024 * 1024 };
      const lines = await decode(hugeLines, small);
      expect(lines.records.map((x) => x.origin.line)).toEqual([1, 3]);
      expect(lines.problems).toEqual([
        expect.objectContaining({ code: 'record-too-large', line: 2, severity: 'skip' }),
      ]);
      expect(lines.problems[0]?.reason).toMatch(/over the limit of 1048576 bytes/);
      const doc = await decode(hugeDoc, small);
      expect(doc.records.map((x) => x.origin.index)).toEqual([0, 2]);
      expect(doc.problems).toEqual([
        expect.objectContaining({ code: 'record-too-large', index: 1, severity: 'skip' }),
      ]);
    });

    it('reads it whole under the default limit', async () => {
      for (const file of [hugeLines, hugeDoc]) {
        const r = await decode(file);
        expect(r.problems).toEqual([]);
        expect(names(r)).toEqual(NAMES);
        const params = r.records[1]?.record.requestParameters as JsonObject;
        expect(params.policyDocument).toBe(big);
      }
    });
  });

  it('lets no record key change a prototype', async () => {
    const r = await decode(bad('proto-keys.jsonl'));
    expect(r.problems).toEqual([]);
    expect(r.records).toHaveLength(3);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const [a, b, c] = r.records.map((x) => x.record) as JsonObject[];
    for (const rec of [a, b, c]) expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
    expect(Object.hasOwn(a as object, '__proto__')).toBe(true);
    expect(Object.hasOwn(a?.requestParameters as object, '__proto__')).toBe(true);
    expect(Object.hasOwn(b as object, 'constructor')).toBe(true);
    expect(Object.hasOwn(b as object, 'prototype')).toBe(true);
    expect((b as { constructor: unknown }).constructor).toEqual({ prototype: { polluted: 'yes' } });
    // The Athena-style row is rebuilt by trailhound's own code: keys must stay data there too.
    expect(c?.eventName).toBe('GetObject');
    expect(Object.hasOwn(c as object, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(c?.userIdentity)).toBe(Object.prototype);
    expect(Object.hasOwn(c?.userIdentity as object, '__proto__')).toBe(true);
    expect(Object.hasOwn(c?.requestParameters as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('flow logs', () => {
  it('hands lines with a flow-log header to the flow parser', async () => {
    const file = await temp(
      'flow.log',
      [
        'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
        '2 111122223333 eni-0a1b2c3d4e5f60718 10.0.1.5 198.51.100.7 49152 443 6 10 840 1710407100 1710407160 ACCEPT OK',
        '2 111122223333 eni-0a1b2c3d4e5f60718 - - - - - - - 1710407100 1710407160 - NODATA',
      ].join('\n') + '\n',
    );
    const r = await decode(file);
    expect(r.problems).toEqual([]);
    expect(r.other.map((d) => d.type)).toEqual(['flow', 'flow-status']);
    const flow = r.other[0];
    expect(flow?.type === 'flow' && flow.event.origin).toEqual({ file, line: 2 });
    expect(flow?.type === 'flow' && flow.event.dstPort).toBe(443);
  });

  it('reads headerless default records, also inside a CloudWatch Logs text export', async () => {
    const rec =
      '2 111122223333 eni-0a1b2c3d4e5f60718 10.0.1.5 198.51.100.7 49152 443 6 10 840 1710407100 1710407160 REJECT OK';
    const plain = await decode(await temp('headerless.log', `${rec}\n${rec}\n`));
    expect(plain.problems).toEqual([]);
    expect(plain.other.map((d) => d.type === 'flow' && d.event.origin.line)).toEqual([1, 2]);
    const cwl = await decode(await temp('cwl-flow.txt', `2024-03-14T09:05:00.000Z ${rec}\n`));
    expect(cwl.problems).toEqual([]);
    expect(cwl.other.map((d) => d.type === 'flow' && d.event.action)).toEqual(['REJECT']);
  });
});
