/**
 * The benchmark's data set: one organisation's CloudTrail (cloudtrail.ts) and VPC Flow Logs
 * (flows.ts) over 30 days, written as gzip files in the S3 delivery layout and cached under
 * `.bench/`. Everything comes from a seeded generator, so every machine measures the same
 * records; bump `GENERATOR_VERSION` whenever the output changes and the cache is rebuilt.
 * Writing is streamed through gzip, so memory stays flat whatever the size.
 *
 * Each log is one delivery stream (one account and region for CloudTrail, one flow log for the
 * VPC). At 1 million events in 30 days a file of 1,000–2,000 records already spans an hour or
 * more; with several streams, files of different streams would overlap by hours, and a hunt that
 * takes files in the order of their delivery time would see most of its signals hours out of
 * order. With one stream, files follow each other in time, as short real deliveries do.
 */
import { once } from 'node:events';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import { CloudTrailSource, PROD, REGION } from './cloudtrail.js';
import { FLOW_HEADER, FLOW_LOG, FlowSource } from './flows.js';
import { DAY, DAYS, Rng, SEED, START, dayPath, iso, stamp } from './random.js';

/** Bump when anything changes what is written: cached data sets are then regenerated. */
export const GENERATOR_VERSION = 1;

export type Kind = 'ct' | 'flow';
export type Size = 'full' | 'quick' | 'large';

export const RECORDS: Record<Size, Record<Kind, number>> = {
  full: { ct: 1_000_000, flow: 5_000_000 },
  quick: { ct: 100_000, flow: 500_000 },
  /** Ten times the full set over the same 30 days and organisation: does memory stay flat? */
  large: { ct: 10_000_000, flow: 50_000_000 },
};

export interface DatasetFile {
  /** Relative to the part's directory. */
  path: string;
  records: number;
  bytes: number;
  rawBytes: number;
}

export interface DatasetPart {
  generatorVersion: number;
  seed: number;
  kind: Kind;
  size: Size;
  /** Directory holding `AWSLogs/…` (absolute). */
  dir: string;
  records: number;
  bytes: number;
  rawBytes: number;
  /** The period the records cover. */
  from: string;
  to: string;
  generatedMs: number;
  files: DatasetFile[];
}

/** One gzip file being written: text in, batched, through gzip, to disk. */
class GzipFile {
  readonly gz: Gzip;
  private readonly done: Promise<void>;
  private parts: string[] = [];
  private pending = 0;
  rawBytes = 0;
  records = 0;

  constructor(readonly path: string) {
    this.gz = createGzip({ level: 6 });
    this.done = pipeline(this.gz, createWriteStream(path));
  }
  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= 256 * 1024) await this.flush();
  }
  private async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = Buffer.from(this.parts.join(''));
    this.parts = [];
    this.pending = 0;
    this.rawBytes += chunk.length;
    // Let gzip (on the thread pool) fall a few chunks behind before waiting, so compressing
    // overlaps with building the next records.
    this.gz.write(chunk);
    if (this.gz.writableLength > 8 * 1024 * 1024) await once(this.gz, 'drain');
  }
  async close(): Promise<number> {
    await this.flush();
    this.gz.end();
    await this.done;
    return statSync(this.path).size;
  }
}

/** How one delivery stream's files look. */
interface Layout {
  /** Records in the next file. */
  size: () => number;
  head: string;
  separator: string;
  tail: string;
  /** Path under the data directory of a file delivered at this time. */
  name: (deliveredAt: number, names: Rng) => string;
}

/**
 * Writes one delivery stream: records go to a temporary file, which gets its real name (with the
 * delivery time, known only at the end) when it is full.
 */
class Deliveries {
  private current: GzipFile | undefined;
  private target = 0;
  private seq = 0;
  /** Latest event time written so far: the delivery time follows it. */
  private last = 0;
  private readonly names = new Rng(SEED ^ 0x5f3759df);
  readonly files: DatasetFile[] = [];

  constructor(
    private readonly root: string,
    private readonly layout: Layout,
  ) {}

  async add(record: string, time: number): Promise<void> {
    if (this.current === undefined) {
      this.current = new GzipFile(join(this.root, `.partial-${this.seq++}`));
      this.target = this.layout.size();
      await this.current.write(this.layout.head);
    }
    const f = this.current;
    await f.write(f.records === 0 ? record : this.layout.separator + record);
    f.records++;
    this.last = Math.max(this.last, time);
    if (f.records >= this.target) await this.finish();
  }

  async finish(): Promise<void> {
    const f = this.current;
    if (f === undefined) return;
    this.current = undefined;
    await f.write(this.layout.tail);
    const bytes = await f.close();
    // AWS names a file after its delivery, a few minutes after its last record, in 5-minute steps.
    const delivered = Math.floor((this.last + 5 * 60_000) / 300_000) * 300_000;
    const rel = this.layout.name(delivered, this.names);
    mkdirSync(dirname(join(this.root, rel)), { recursive: true });
    renameSync(f.path, join(this.root, rel));
    this.files.push({ path: rel, records: f.records, bytes, rawBytes: f.rawBytes });
  }
}

async function writeCloudTrail(dir: string, total: number): Promise<DatasetFile[]> {
  const sizes = new Rng(SEED + 2);
  const out = new Deliveries(dir, {
    size: () => sizes.range(1000, 2000),
    head: '{"Records":[',
    separator: ',',
    tail: ']}',
    name: (t, names) =>
      `AWSLogs/${PROD}/CloudTrail/${REGION}/${dayPath(t)}/${PROD}_CloudTrail_${REGION}_${stamp(t)}_${names.alnum(16)}.json.gz`,
  });
  for (const [text, t] of new CloudTrailSource(total).records()) await out.add(text, t);
  await out.finish();
  return out.files;
}

async function writeFlows(dir: string, total: number): Promise<DatasetFile[]> {
  const sizes = new Rng(SEED + 12);
  const out = new Deliveries(dir, {
    size: () => sizes.range(90_000, 110_000),
    head: FLOW_HEADER + '\n',
    separator: '\n',
    tail: '\n',
    name: (t, names) =>
      `AWSLogs/${PROD}/vpcflowlogs/${REGION}/${dayPath(t)}/${PROD}_vpcflowlogs_${REGION}_${FLOW_LOG}_${stamp(t)}_${names.hex(8)}.log.gz`,
  });
  for (const [line, t] of new FlowSource(total).lines()) await out.add(line, t);
  await out.finish();
  return out.files;
}

function manifestPath(benchDir: string, size: Size, kind: Kind): string {
  return join(benchDir, `data-${size}`, `${kind}.manifest.json`);
}

/** The cached part when it was written by this generator version and all its files are there. */
function cached(benchDir: string, size: Size, kind: Kind): DatasetPart | undefined {
  const path = manifestPath(benchDir, size, kind);
  if (!existsSync(path)) return undefined;
  let part: DatasetPart;
  try {
    part = JSON.parse(readFileSync(path, 'utf8')) as DatasetPart;
  } catch {
    return undefined;
  }
  if (part.generatorVersion !== GENERATOR_VERSION || part.seed !== SEED) return undefined;
  if (part.records !== RECORDS[size][kind]) return undefined;
  // The data set may have moved with the checkout.
  part.dir = join(benchDir, `data-${size}`, kind);
  for (const f of part.files) {
    const p = join(part.dir, f.path);
    if (!existsSync(p) || statSync(p).size !== f.bytes) return undefined;
  }
  return part;
}

/**
 * The data set part, generated when it is missing, incomplete or from another generator version.
 * Files are written under `<kind>.partial/` and moved into place once complete, so an
 * interrupted generation is never mistaken for a data set.
 */
export async function ensureDataset(
  benchDir: string,
  size: Size,
  kind: Kind,
  opts: { regenerate?: boolean; log?: (msg: string) => void } = {},
): Promise<{ part: DatasetPart; generated: boolean }> {
  const have = opts.regenerate === true ? undefined : cached(benchDir, size, kind);
  if (have !== undefined) return { part: have, generated: false };
  const base = join(benchDir, `data-${size}`);
  const dir = join(base, kind);
  const partial = join(base, `${kind}.partial`);
  rmSync(manifestPath(benchDir, size, kind), { force: true });
  rmSync(dir, { recursive: true, force: true });
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const total = RECORDS[size][kind];
  opts.log?.(
    `generating ${total.toLocaleString('en-US')} ${kind === 'ct' ? 'CloudTrail events' : 'flow records'} in ${dir} (generator v${GENERATOR_VERSION}, seed ${SEED})…`,
  );
  const started = performance.now();
  const files =
    kind === 'ct' ? await writeCloudTrail(partial, total) : await writeFlows(partial, total);
  renameSync(partial, dir);
  const sum = (k: 'records' | 'bytes' | 'rawBytes') => files.reduce((s, f) => s + f[k], 0);
  const part: DatasetPart = {
    generatorVersion: GENERATOR_VERSION,
    seed: SEED,
    kind,
    size,
    dir,
    records: sum('records'),
    bytes: sum('bytes'),
    rawBytes: sum('rawBytes'),
    from: iso(START),
    to: iso(START + DAYS * DAY),
    generatedMs: Math.round(performance.now() - started),
    files,
  };
  writeFileSync(manifestPath(benchDir, size, kind), JSON.stringify(part, null, 1) + '\n');
  return { part, generated: true };
}
