/**
 * AWS's published IP ranges: validating the `ip-ranges.json` AWS publishes, turning it into
 * trailhound's snapshot (one entry per distinct prefix, with its region and services), reading
 * and writing snapshots (gzip or plain JSON), and answering "is this address AWS's, and whose?"
 * in O(log n). A dated snapshot ships in the package's `data/` folder; `trailhound update-data`
 * replaces it from a file the user downloaded, and `intel.awsIpRanges` in the configuration can
 * name another snapshot or an `ip-ranges.json` directly. Nothing is downloaded.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { TrailhoundError } from '../errors.js';
import { formatAddress, parseCidr, type ParsedAddress, type ParsedCidr } from './address.js';
import { RangeMap, type Interval } from './ranges.js';

export const SNAPSHOT_FORMAT = 'trailhound-aws-ip-ranges/1';

/**
 * The snapshot as stored. A prefix is `[cidr, region, services]`, or the bare CIDR when the source
 * did not say (the shipped snapshot comes from a copy that merged neighbouring blocks).
 */
export interface AwsRangesSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  /** `syncToken` of the `ip-ranges.json` the snapshot was made from (seconds since the epoch). */
  syncToken: string;
  /** `createDate` of that file, `YYYY-MM-DD-hh-mm-ss` UTC as AWS writes it. */
  createDate: string;
  /** Where the data came from, for people reading the file. */
  source: string;
  prefixes: (string | [string, string, string])[];
}

/** What a lookup says about an AWS address; region and service when the snapshot knows them. */
export interface AwsRange {
  region?: string;
  /** The services AWS lists for the range, most specific first (`EC2`, `S3`, …; `AMAZON` alone when no other). */
  service?: string;
}

/** The folder holding the shipped data (`data/` beside `src/` and `dist/`). */
export function dataDir(): string {
  return fileURLToPath(new URL('../../data/', import.meta.url));
}

/** Where the shipped snapshot lives, and where `update-data` writes by default. */
export function defaultSnapshotPath(): string {
  return `${dataDir()}aws-ip-ranges.json.gz`;
}

const CREATE_DATE = /^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/;
const MAX_LISTED = 20;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Obj, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

/**
 * Checks a parsed `ip-ranges.json` as AWS publishes it (`syncToken`, `createDate`, `prefixes[]`
 * with `ip_prefix`, `ipv6_prefixes[]` with `ipv6_prefix`, each with `region` and `service`) and
 * turns it into a snapshot. Every problem is listed with its place in the file.
 *
 * @example
 * const r = fromAwsIpRanges(JSON.parse(text));
 * if ('errors' in r) console.error(r.errors.join('\n'));
 */
export function fromAwsIpRanges(
  json: unknown,
  source = 'ip-ranges.json as published by AWS',
): { snapshot: AwsRangesSnapshot } | { errors: string[] } {
  const errors: string[] = [];
  if (!isObj(json)) return { errors: [`(top level): expected an object, found ${describe(json)}`] };
  const syncToken = own(json, 'syncToken');
  if (typeof syncToken !== 'string' || !/^\d+$/.test(syncToken)) {
    errors.push(`syncToken: expected a string of digits, found ${describe(syncToken)}`);
  }
  const createDate = own(json, 'createDate');
  if (typeof createDate !== 'string' || !CREATE_DATE.test(createDate)) {
    errors.push(`createDate: expected YYYY-MM-DD-hh-mm-ss, found ${describe(createDate)}`);
  }
  // One entry per distinct prefix: AWS lists a block once per service (AMAZON, then EC2, …).
  const merged = new Map<
    string,
    { cidr: ParsedCidr; regions: Set<string>; services: Set<string> }
  >();
  let count = 0;
  for (const [listKey, prefixKey, family] of [
    ['prefixes', 'ip_prefix', 4],
    ['ipv6_prefixes', 'ipv6_prefix', 6],
  ] as const) {
    const list = own(json, listKey);
    if (!Array.isArray(list)) {
      errors.push(`${listKey}: expected a list, found ${describe(list)}`);
      continue;
    }
    list.forEach((entry: unknown, i) => {
      const at = `${listKey}[${i}]`;
      if (!isObj(entry)) {
        errors.push(`${at}: expected an object, found ${describe(entry)}`);
        return;
      }
      const text = own(entry, prefixKey);
      const cidr = typeof text === 'string' && text.includes('/') ? parseCidr(text) : undefined;
      if (cidr === undefined || cidr.family !== family) {
        errors.push(
          `${at}.${prefixKey}: expected an IPv${family} CIDR block, found ${describe(text)}`,
        );
      }
      const region = own(entry, 'region');
      if (typeof region !== 'string' || region.length === 0) {
        errors.push(`${at}.region: expected a region name, found ${describe(region)}`);
      }
      const service = own(entry, 'service');
      if (typeof service !== 'string' || service.length === 0) {
        errors.push(`${at}.service: expected a service name, found ${describe(service)}`);
      }
      if (cidr === undefined || cidr.family !== family) return;
      if (typeof region !== 'string' || typeof service !== 'string') return;
      count++;
      const key = cidrText(cidr);
      const m = merged.get(key) ?? { cidr, regions: new Set(), services: new Set() };
      m.regions.add(region);
      m.services.add(service);
      merged.set(key, m);
    });
  }
  if (errors.length === 0 && count === 0) errors.push('prefixes: no prefixes at all');
  if (errors.length > 0) return { errors: limit(errors) };
  const prefixes: [string, string, string][] = [...merged.entries()]
    .sort((a, b) => compareCidr(a[1].cidr, b[1].cidr))
    .map(([key, m]) => [key, [...m.regions].sort().join(','), serviceLabel(m.services)]);
  return {
    snapshot: {
      format: SNAPSHOT_FORMAT,
      syncToken: syncToken as string,
      createDate: createDate as string,
      source,
      prefixes,
    },
  };
}

/** `EC2`, or `CLOUDFRONT,ROUTE53` when a block serves several: `AMAZON` (all of AWS) only alone. */
function serviceLabel(services: Set<string>): string {
  const specific = [...services].filter((s) => s !== 'AMAZON').sort();
  return specific.length > 0 ? specific.join(',') : 'AMAZON';
}

function limit(errors: string[]): string[] {
  if (errors.length <= MAX_LISTED) return errors;
  return [...errors.slice(0, MAX_LISTED), `... and ${errors.length - MAX_LISTED} more problems`];
}

/**
 * Reads a snapshot from parsed JSON: trailhound's own format, or an `ip-ranges.json` as AWS
 * publishes it (so the configuration can name a downloaded file directly).
 */
export function toSnapshot(json: unknown, file: string): AwsRangesSnapshot {
  if (isObj(json) && own(json, 'format') === undefined && Object.hasOwn(json, 'syncToken')) {
    const r = fromAwsIpRanges(json, file);
    if ('errors' in r) throw invalid(file, 'not a valid AWS ip-ranges.json', r.errors);
    return r.snapshot;
  }
  const errors: string[] = [];
  if (!isObj(json))
    throw invalid(file, 'not an AWS IP ranges snapshot', [`found ${describe(json)}`]);
  if (own(json, 'format') !== SNAPSHOT_FORMAT) {
    errors.push(`format: expected "${SNAPSHOT_FORMAT}", found ${describe(own(json, 'format'))}`);
  }
  for (const key of ['syncToken', 'createDate', 'source'] as const) {
    if (typeof own(json, key) !== 'string') {
      errors.push(`${key}: expected a string, found ${describe(own(json, key))}`);
    }
  }
  const prefixes = own(json, 'prefixes');
  if (!Array.isArray(prefixes)) {
    errors.push(`prefixes: expected a list, found ${describe(prefixes)}`);
  } else {
    prefixes.forEach((p: unknown, i) => {
      const ok =
        (typeof p === 'string' && parseCidr(p) !== undefined) ||
        (Array.isArray(p) &&
          p.length === 3 &&
          p.every((x) => typeof x === 'string') &&
          parseCidr(p[0] as string) !== undefined);
      if (!ok) {
        errors.push(
          `prefixes[${i}]: expected a CIDR block or [cidr, region, service], found ${describe(p)}`,
        );
      }
    });
  }
  if (errors.length > 0) throw invalid(file, 'not a valid AWS IP ranges snapshot', limit(errors));
  return json as unknown as AwsRangesSnapshot;
}

function invalid(file: string, message: string, details: string[]): TrailhoundError {
  return new TrailhoundError('input', message, { location: { file }, details });
}

/** Reads JSON from a file that may be gzip-compressed (recognised by its magic bytes). */
export function readJsonFile(file: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(err)})`;
    throw new TrailhoundError('input', reason, { location: { file }, cause: err });
  }
  try {
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  } catch (err) {
    throw new TrailhoundError('input', 'corrupt or truncated gzip', {
      location: { file },
      cause: err,
    });
  }
  try {
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) as unknown;
  } catch (err) {
    throw new TrailhoundError('input', 'not valid JSON', {
      location: { file },
      details: [err instanceof Error ? err.message : String(err)],
    });
  }
}

/**
 * The snapshot as gzip-compressed JSON, one prefix per line so `zcat` output reads and diffs well.
 */
export function serialiseSnapshot(s: AwsRangesSnapshot): Buffer {
  const head = JSON.stringify({
    format: s.format,
    syncToken: s.syncToken,
    createDate: s.createDate,
    source: s.source,
  });
  const lines = s.prefixes.map((p) => `  ${JSON.stringify(p)}`);
  const text = `${head.slice(0, -1)},\n"prefixes": [\n${lines.join(',\n')}\n]}\n`;
  return gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
}

/** A loaded snapshot: its metadata and the lookup table. */
export class AwsRanges {
  readonly syncToken: string;
  readonly createDate: string;
  readonly source: string;
  readonly prefixCount: number;
  private readonly table: RangeMap<AwsRange>;

  constructor(s: AwsRangesSnapshot) {
    this.syncToken = s.syncToken;
    this.createDate = s.createDate;
    this.source = s.source;
    this.prefixCount = s.prefixes.length;
    const intervals: Interval<AwsRange>[] = [];
    const unknown: AwsRange = Object.freeze({});
    for (const p of s.prefixes) {
      const text = typeof p === 'string' ? p : p[0];
      const cidr = parseCidr(text);
      if (cidr === undefined) continue;
      const value: AwsRange =
        typeof p === 'string' ? unknown : Object.freeze({ region: p[1], service: p[2] });
      intervals.push({ family: cidr.family, first: cidr.first, last: cidr.last, value });
    }
    this.table = RangeMap.build(intervals);
  }

  /** The published range holding the address, or undefined when it is not AWS's. */
  lookup(a: Pick<ParsedAddress, 'family' | 'value'>): AwsRange | undefined {
    return this.table.get(a);
  }
}

const loaded = new Map<string, AwsRanges>();

/**
 * Loads (once per thread) the snapshot at `file`, by default the shipped one. Throws
 * `TrailhoundError('input')` naming the file and every problem when it is unreadable or invalid.
 */
export function loadAwsRanges(file: string = defaultSnapshotPath()): AwsRanges {
  const cached = loaded.get(file);
  if (cached !== undefined) return cached;
  const ranges = new AwsRanges(toSnapshot(readJsonFile(file), file));
  loaded.set(file, ranges);
  return ranges;
}

/** Canonical text of a block: `3.5.140.0/22`, `2600:1f18::/33`. */
export function cidrText(c: ParsedCidr): string {
  return `${formatAddress(c.family, c.first)}/${c.prefixLength}`;
}

function compareCidr(a: ParsedCidr, b: ParsedCidr): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.first !== b.first) return a.first < b.first ? -1 : 1;
  return a.prefixLength - b.prefixLength;
}
