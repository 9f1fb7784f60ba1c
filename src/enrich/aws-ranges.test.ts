import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TrailhoundError } from '../errors.js';
import { parseAddress } from './address.js';
import {
  AwsRanges,
  SNAPSHOT_FORMAT,
  defaultSnapshotPath,
  fromAwsIpRanges,
  loadAwsRanges,
  readJsonFile,
  serialiseSnapshot,
  toSnapshot,
  type AwsRangesSnapshot,
} from './aws-ranges.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/enrich/${name}`, import.meta.url));
const at = (v: string) => parseAddress(v) ?? { family: 4 as const, value: -1n };

function goodSnapshot(): AwsRangesSnapshot {
  const r = fromAwsIpRanges(readJsonFile(fixture('ip-ranges-good.json')));
  if ('errors' in r) throw new Error(r.errors.join('\n'));
  return r.snapshot;
}

describe('fromAwsIpRanges', () => {
  it('keeps one entry per prefix, naming the specific service over AMAZON', () => {
    const s = goodSnapshot();
    expect(s.syncToken).toBe('1775692025');
    expect(s.createDate).toBe('2026-04-08-23-47-05');
    expect(s.prefixes).toHaveLength(8);
    expect(s.prefixes).toContainEqual(['3.5.140.0/22', 'ap-northeast-2', 'S3']);
    expect(s.prefixes).toContainEqual(['13.32.0.0/15', 'GLOBAL', 'CLOUDFRONT']);
    expect(s.prefixes).toContainEqual(['18.34.0.0/19', 'us-east-1', 'AMAZON']);
    expect(s.prefixes).toContainEqual(['2a05:d018::/35', 'eu-west-1', 'EC2']);
    // IPv4 before IPv6, each in address order.
    expect(s.prefixes[0]).toEqual(['3.5.140.0/22', 'ap-northeast-2', 'S3']);
    expect(s.prefixes[s.prefixes.length - 1]?.[0]).toBe('2a05:d018::/35');
  });

  it('lists every problem with its place in the file', () => {
    const r = fromAwsIpRanges(readJsonFile(fixture('ip-ranges-bad.json')));
    expect('errors' in r).toBe(true);
    const errors = 'errors' in r ? r.errors : [];
    expect(errors).toEqual([
      'createDate: expected YYYY-MM-DD-hh-mm-ss, found "2026-04-08T23:47:05Z"',
      'prefixes[1].ip_prefix: expected an IPv4 CIDR block, found "300.1.2.0/24"',
      'prefixes[2].service: expected a service name, found nothing',
      'ipv6_prefixes[0].ipv6_prefix: expected an IPv6 CIDR block, found "18.34.0.0/19"',
    ]);
  });

  it('rejects shapes that are not ip-ranges.json at all', () => {
    expect(fromAwsIpRanges([])).toEqual({
      errors: ['(top level): expected an object, found a list'],
    });
    const empty = fromAwsIpRanges({
      syncToken: '1',
      createDate: '2026-01-01-00-00-00',
      prefixes: [],
      ipv6_prefixes: [],
    });
    expect(empty).toEqual({ errors: ['prefixes: no prefixes at all'] });
    const missing = fromAwsIpRanges({ syncToken: '1', createDate: '2026-01-01-00-00-00' });
    expect('errors' in missing && missing.errors).toEqual([
      'prefixes: expected a list, found nothing',
      'ipv6_prefixes: expected a list, found nothing',
    ]);
  });

  it('caps a long list of problems', () => {
    const prefixes = Array.from({ length: 30 }, () => ({
      ip_prefix: 'x',
      region: 'r',
      service: 's',
    }));
    const r = fromAwsIpRanges({
      syncToken: '1',
      createDate: '2026-01-01-00-00-00',
      prefixes,
      ipv6_prefixes: [],
    });
    const errors = 'errors' in r ? r.errors : [];
    expect(errors).toHaveLength(21);
    expect(errors[20]).toBe('... and 10 more problems');
  });
});

describe('AwsRanges', () => {
  it('answers the narrowest published block, with its region and service', () => {
    const aws = new AwsRanges(goodSnapshot());
    expect(aws.lookup(at('18.34.20.1'))).toEqual({ region: 'us-east-1', service: 'EC2' });
    expect(aws.lookup(at('18.34.1.1'))).toEqual({ region: 'us-east-1', service: 'AMAZON' });
    expect(aws.lookup(at('2600:1f18:4000::10'))).toEqual({ region: 'us-east-1', service: 'EC2' });
    expect(aws.lookup(at('2600:1f18:1::1'))).toEqual({ region: 'us-east-1', service: 'AMAZON' });
    expect(aws.lookup(at('8.8.8.8'))).toBeUndefined();
    expect(aws.prefixCount).toBe(8);
  });
});

describe('snapshots on disk', () => {
  it('round-trip through gzip JSON, one prefix per line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-aws-'));
    const file = join(dir, 'snap.json.gz');
    writeFileSync(file, serialiseSnapshot(goodSnapshot()));
    const text = gunzipSync(readFileSync(file)).toString('utf8');
    expect(text).toContain('\n  ["3.5.140.0/22","ap-northeast-2","S3"],\n');
    expect(toSnapshot(readJsonFile(file), file)).toEqual(goodSnapshot());
  });

  it('accept an ip-ranges.json as AWS publishes it in place of a snapshot', () => {
    const file = fixture('ip-ranges-good.json');
    const aws = loadAwsRanges(file);
    expect(aws.createDate).toBe('2026-04-08-23-47-05');
    expect(aws.lookup(at('13.33.0.1'))).toEqual({ region: 'GLOBAL', service: 'CLOUDFRONT' });
  });

  it('name the file and every problem when a snapshot is invalid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-aws-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: SNAPSHOT_FORMAT,
        syncToken: '1',
        createDate: 'x',
        source: 's',
        prefixes: ['10.0.0.0/8', 'nope', ['1.2.3.0/24', 'r']],
      }),
    );
    let err: unknown;
    try {
      loadAwsRanges(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrailhoundError);
    expect(err).toMatchObject({ code: 'input', location: { file } });
    expect((err as TrailhoundError).details).toEqual([
      'prefixes[1]: expected a CIDR block or [cidr, region, service], found "nope"',
      'prefixes[2]: expected a CIDR block or [cidr, region, service], found a list',
    ]);
    expect(() => loadAwsRanges(fixture('ip-ranges-bad.json'))).toThrow(
      /not a valid AWS ip-ranges.json/,
    );
  });

  it('report unreadable, truncated and non-JSON files as input errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-aws-'));
    expect(() => readJsonFile(join(dir, 'missing.json'))).toThrow(/no such file/);
    const gz = join(dir, 'cut.json.gz');
    writeFileSync(gz, serialiseSnapshot(goodSnapshot()).subarray(0, 40));
    expect(() => readJsonFile(gz)).toThrow(/gzip/);
    const text = join(dir, 'text.json');
    writeFileSync(text, '{"syncToken": ');
    expect(() => readJsonFile(text)).toThrow(/not valid JSON/);
  });
});

describe('the shipped snapshot', () => {
  const shipped = loadAwsRanges(defaultSnapshotPath());

  it('is dated and complete as its source says (1,719 IPv4 and 1,897 IPv6 blocks)', () => {
    expect(shipped.createDate).toBe('2026-04-08-23-47-05');
    expect(shipped.syncToken).toBe('1775692025');
    expect(shipped.prefixCount).toBe(1719 + 1897);
    expect(shipped.source).toMatch(/roycewilliams\/aws-ip-cidr-ranges-compacted/);
  });

  it.each([
    '52.94.76.10',
    '3.5.140.2',
    '54.239.28.85',
    '13.32.0.1',
    '2600:1f18:4000::1',
    '2a05:d018::1',
  ])('holds the AWS address %s', (v) => {
    expect(shipped.lookup(at(v))).toBeDefined();
  });

  it.each(['8.8.8.8', '1.1.1.1', '185.220.101.47', '2001:4860:4860::8888'])(
    'does not hold %s',
    (v) => {
      expect(shipped.lookup(at(v))).toBeUndefined();
    },
  );
});
