/**
 * S3 as a source: turns `s3://bucket/prefix` into the objects to read, and opens one object as a
 * byte stream for the formats stage. Listing knows the layouts AWS delivers in
 * (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`, organisation trails under
 * `AWSLogs/o-xxxx/<account>/…`, `vpcflowlogs/` beside `CloudTrail/`): account, organisation and
 * region levels are listed one level at a time (Delimiter `/`), in parallel with a bound on
 * requests in flight, and with `since` only the date prefixes from that day on are listed — days
 * before it are never walked. Below a region, and under any prefix of unknown shape, objects are
 * listed flat, page by page; keys dated before `since` (`…/YYYY/MM/DD/…`, or Hive-style
 * `year=/month=/day=`) are dropped. A folder date is the day AWS wrote the file, never before the
 * events in it, so nothing at or after `since` is pruned.
 *
 * Access goes through the AWS SDK's own defaults: the default credential chain (environment,
 * shared config and SSO profiles, web identity, container and instance metadata), region from the
 * environment or profile (us-east-1 when none is set; requests follow a bucket's region redirect),
 * and the SDK's endpoint overrides (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, `endpoint_url` in the
 * profile). With an endpoint override in the environment, requests use path-style addressing
 * (what S3-compatible servers expect); `TRAILHOUND_S3_PATH_STYLE=true|false` decides explicitly.
 * The SDK is loaded on first use, so runs over local files never pay for it. Each thread keeps its
 * own client (module state is per thread).
 *
 * Failures are input problems (the s3:// URL and the reason), never exceptions: a missing bucket,
 * a denied listing or a denied object is reported and the run goes on.
 */
import type { Readable } from 'node:stream';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { InputProblem } from '../formats/types.js';
import type { InputFile, InputNotice } from './index.js';

export interface S3Location {
  bucket: string;
  /** Object key, or key prefix ('' for the whole bucket). */
  key: string;
}

/** One object as listed. */
export interface S3Object {
  bucket: string;
  key: string;
  size: number;
  /** As S3 returns it (quotes included); changes when the content does. */
  etag: string;
  /** Epoch ms. */
  lastModified: number;
}

export interface S3ListOptions {
  /** Epoch ms: list only date prefixes from this day (UTC) on. */
  since?: number;
  /** Epoch ms, for "today" (tests). */
  now?: number;
  /** List requests in flight at most (default 8). */
  concurrency?: number;
  /** A client to use instead of this thread's shared one (tests). */
  client?: S3Client;
  /** Keys per listing page (MaxKeys; S3's default and maximum is 1000). */
  pageSize?: number;
}

export interface S3Listing {
  /** Sorted by key. */
  objects: S3Object[];
  problems: InputProblem[];
  notices: InputNotice[];
}

const DEFAULT_REGION = 'us-east-1';
const DEFAULT_CONCURRENCY = 8;
const DAY_MS = 86_400_000;
const DIGEST_DIR = 'CloudTrail-Digest';

export function isS3Url(arg: string): boolean {
  return arg.startsWith('s3://');
}

export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** `s3://bucket/prefix` → bucket and key prefix; undefined when it is not a valid S3 URL. */
export function parseS3Url(url: string): S3Location | undefined {
  if (!isS3Url(url)) return undefined;
  const rest = url.slice(5);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  // Bucket naming rules (3–63 characters of lower-case letters, digits, dots and hyphens).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) return undefined;
  return { bucket, key };
}

/**
 * The input for a URL that names one object, without a request: a key whose last part has a dot
 * (`…/file.json.gz`), as no folder of AWS's layouts does. Undefined for anything else, which is
 * then listed. A wrong guess shows when the object is read (NoSuchKey), naming the fix.
 */
export function namedObject(url: string): InputFile | undefined {
  const loc = parseS3Url(url);
  if (loc === undefined || loc.key === '' || loc.key.endsWith('/')) return undefined;
  const last = loc.key.split('/').at(-1) ?? '';
  return last.includes('.') ? s3InputFile(loc) : undefined;
}

/** The input of one listed object; reading it opens a GetObject stream (see detect.ts). */
export function s3InputFile(o: Pick<S3Object, 'bucket' | 'key'>): InputFile {
  const url = s3Url(o.bucket, o.key);
  return { path: url, display: url, s3: { bucket: o.bucket, key: o.key } };
}

type Sdk = typeof S3Sdk;
let sdkModule: Promise<Sdk> | undefined;

function sdk(): Promise<Sdk> {
  // The SDK warns on every Node older than the one it will require next year; trailhound supports
  // Node 20, and the warning would break `watch`'s one-JSON-object-per-line standard error.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  sdkModule ??= import('@aws-sdk/client-s3');
  return sdkModule;
}

function endpointOverride(env: NodeJS.ProcessEnv): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
}

/** Path-style addressing: asked for explicitly, or implied by an endpoint override. */
export function usesPathStyle(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.TRAILHOUND_S3_PATH_STYLE?.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return endpointOverride(env) !== undefined;
}

let shared: { signature: string; client: Promise<S3Client> } | undefined;

async function createClient(env: NodeJS.ProcessEnv): Promise<S3Client> {
  const { S3Client: Client } = await sdk();
  // The SDK's own region chain (environment, then profile); it rejects when none is set, and a
  // bucket's own region is then found through S3's redirect.
  const probe = new Client({});
  let region: string;
  try {
    region = await probe.config.region();
  } catch {
    region = DEFAULT_REGION;
  } finally {
    probe.destroy();
  }
  return new Client({ region, forcePathStyle: usesPathStyle(env), followRegionRedirects: true });
}

/** This thread's client, rebuilt only when the settings that shape it change. */
export function s3Client(): Promise<S3Client> {
  const env = process.env;
  const signature = JSON.stringify([
    endpointOverride(env),
    env.TRAILHOUND_S3_PATH_STYLE,
    env.AWS_REGION,
    env.AWS_DEFAULT_REGION,
    env.AWS_PROFILE,
  ]);
  if (shared?.signature !== signature) shared = { signature, client: createClient(env) };
  return shared.client;
}

/** What went wrong, as S3 said it: `AccessDenied (HTTP 403): Access Denied`. */
export function s3ErrorText(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const name = 'name' in err && typeof err.name === 'string' ? err.name : 'Error';
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const message = err instanceof Error ? err.message : '';
  const hint =
    name === 'CredentialsProviderError'
      ? ' (no AWS credentials were found in the environment, the shared config and SSO profiles, or instance metadata)'
      : '';
  return `${name}${status === undefined ? '' : ` (HTTP ${status})`}${message && message !== name ? `: ${message}` : ''}${hint}`;
}

function problem(file: string, reason: string): InputProblem {
  return { code: 'unreadable-file', severity: 'skip', file, reason };
}

/**
 * Opens one object for reading. Never throws: a failure is the reason to report.
 *
 * @example
 * const o = await openS3Object({ bucket: 'trail-logs', key: 'AWSLogs/…/file.json.gz' });
 * if ('reason' in o) console.error(o.reason);
 * else for await (const chunk of o.body) …; // then o.close()
 */
export async function openS3Object(
  loc: S3Location,
): Promise<{ body: AsyncIterable<Buffer>; close(): void } | { reason: string }> {
  try {
    const client = await s3Client();
    const { GetObjectCommand } = await sdk();
    const out = await client.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key }));
    const body = out.Body as Readable | undefined;
    if (body === undefined) return { reason: 'S3 returned no content for this object' };
    return { body, close: () => body.destroy() };
  } catch (err) {
    const name = typeof err === 'object' && err !== null && 'name' in err ? err.name : undefined;
    return {
      reason:
        `could not be read from S3: ${s3ErrorText(err)}; expected an object this identity may read (s3:GetObject)` +
        (name === 'NoSuchKey' ? '; to name a folder, end the URL with /' : ''),
    };
  }
}

/** At most `n` tasks at a time, the rest waiting in order. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

const ORG = 'o-[a-z0-9]{10,32}';
const SERVICES = 'CloudTrail|CloudTrail-Insight|vpcflowlogs';
const LAYOUT: { level: Level; re: RegExp }[] = [
  { level: 'logs', re: /(?:^|\/)AWSLogs\/$/ },
  { level: 'org', re: new RegExp(`(?:^|/)AWSLogs/${ORG}/$`) },
  { level: 'account', re: new RegExp(`(?:^|/)AWSLogs/(?:${ORG}/)?\\d{12}/$`) },
  { level: 'service', re: new RegExp(`(?:^|/)AWSLogs/(?:${ORG}/)?\\d{12}/(?:${SERVICES})/$`) },
  {
    level: 'region',
    re: new RegExp(`(?:^|/)AWSLogs/(?:${ORG}/)?\\d{12}/(?:${SERVICES})/[a-z0-9-]+/$`),
  },
];
type Level = 'logs' | 'org' | 'account' | 'service' | 'region';

function levelOf(prefix: string): Level | undefined {
  return LAYOUT.find((l) => l.re.test(prefix))?.level;
}

function lastSegment(prefix: string): string {
  return prefix.slice(0, -1).split('/').at(-1) ?? '';
}

const pad = (n: number) => String(n).padStart(2, '0');

function dayOf(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS;
}

/**
 * The date prefixes from `since`'s day to tomorrow (a clock a little behind AWS's must not miss
 * today's folder): the days left in `since`'s month one by one, then whole months.
 *
 * @example
 * datePrefixes(Date.parse('2026-03-30'), Date.parse('2026-05-02')); // 2026/03/30/, 2026/03/31/, 2026/04/, 2026/05/
 */
export function datePrefixes(since: number, now: number): string[] {
  const end = dayOf(now) + DAY_MS;
  const out: string[] = [];
  const d = new Date(dayOf(since));
  if (d.getUTCDate() !== 1) {
    const month = d.getUTCMonth();
    while (d.getUTCMonth() === month && d.getTime() <= end) {
      out.push(`${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/`);
      d.setUTCDate(d.getUTCDate() + 1);
    }
  }
  while (d.getTime() <= end) {
    out.push(`${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/`);
    d.setUTCMonth(d.getUTCMonth() + 1, 1);
  }
  return out;
}

const KEY_DATE = /(?:^|\/)(?:year=)?(\d{4})\/(?:month=)?(\d{1,2})\/(?:day=)?(\d{1,2})\//;

/** The UTC day a key's date folders name, or undefined when it has none. */
export function keyDay(key: string): number | undefined {
  const m = KEY_DATE.exec(key);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? undefined : t;
}

class Lister {
  readonly objects = new Map<string, S3Object>();
  readonly problems: InputProblem[] = [];
  readonly notices: InputNotice[] = [];
  private readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  private readonly sinceDay: number | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly Command: Sdk['ListObjectsV2Command'],
    private readonly bucket: string,
    private readonly opts: S3ListOptions,
  ) {
    this.limit = limiter(opts.concurrency ?? DEFAULT_CONCURRENCY);
    this.sinceDay = opts.since === undefined ? undefined : dayOf(opts.since);
  }

  private add(o: {
    Key?: string | undefined;
    Size?: number | undefined;
    ETag?: string | undefined;
    LastModified?: Date | undefined;
  }): void {
    if (o.Key === undefined || o.Key.endsWith('/')) return;
    if (this.sinceDay !== undefined) {
      const day = keyDay(o.Key);
      if (day !== undefined && day < this.sinceDay) return;
    }
    this.objects.set(o.Key, {
      bucket: this.bucket,
      key: o.Key,
      size: o.Size ?? 0,
      etag: o.ETag ?? '',
      lastModified: o.LastModified?.getTime() ?? 0,
    });
  }

  /**
   * Every page of one listing; objects are added as they come, sub-prefixes returned. A failure
   * is a problem for this prefix and the objects listed before it stay.
   */
  async list(prefix: string, delimited: boolean): Promise<string[]> {
    const prefixes: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.limit(() =>
          this.client.send(
            new this.Command({
              Bucket: this.bucket,
              Prefix: prefix,
              ...(delimited ? { Delimiter: '/' } : {}),
              ...(this.opts.pageSize === undefined ? {} : { MaxKeys: this.opts.pageSize }),
              ...(token === undefined ? {} : { ContinuationToken: token }),
            }),
          ),
        );
        for (const o of page.Contents ?? []) this.add(o);
        for (const p of page.CommonPrefixes ?? [])
          if (p.Prefix !== undefined) prefixes.push(p.Prefix);
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (err) {
      this.problems.push(
        problem(
          s3Url(this.bucket, prefix),
          `cannot be listed: ${s3ErrorText(err)}; expected a bucket and prefix this identity may list (s3:ListBucket)`,
        ),
      );
    }
    return prefixes;
  }

  /** A prefix ending in `/`: by layout where it is known, flat where not. */
  async walk(prefix: string): Promise<void> {
    const level = levelOf(prefix);
    if (level === 'region') return this.dated(prefix);
    const children = await this.list(prefix, true);
    await Promise.all(children.map((child) => this.child(child, level !== undefined)));
  }

  private child(prefix: string, inLayout: boolean): Promise<void> {
    if (lastSegment(prefix) === DIGEST_DIR) {
      this.notices.push({
        path: s3Url(this.bucket, prefix),
        files: 0,
        reason:
          'CloudTrail digest files hold hashes of delivered log files for integrity validation, not events (not listed, so not counted)',
      });
      return Promise.resolve();
    }
    // Under a prefix of unknown shape only an `AWSLogs/` folder is worth listing level by level.
    if (levelOf(prefix) !== undefined && (inLayout || lastSegment(prefix) === 'AWSLogs'))
      return this.walk(prefix);
    return this.list(prefix, false).then(() => undefined);
  }

  /** A region folder: with `since`, only its date prefixes from that day on. */
  private async dated(prefix: string): Promise<void> {
    if (this.opts.since === undefined) {
      await this.list(prefix, false);
      return;
    }
    const dates = datePrefixes(this.opts.since, this.opts.now ?? Date.now());
    await Promise.all(dates.map((d) => this.list(prefix + d, false)));
  }
}

/**
 * Lists the objects an `s3://` URL names: a prefix ending in `/` (or the bucket) is walked; any
 * other key is that object when it exists, else the folder of that name, else every key that
 * starts with it.
 *
 * @example
 * const { objects, problems } = await listS3('s3://org-trail/AWSLogs/', { since: Date.parse('2026-03-01') });
 */
export async function listS3(url: string, opts: S3ListOptions = {}): Promise<S3Listing> {
  const loc = parseS3Url(url);
  if (loc === undefined) {
    return {
      objects: [],
      notices: [],
      problems: [
        problem(
          url,
          'is not a valid S3 URL; expected s3://bucket/prefix with a bucket name of 3 to 63 lower-case letters, digits, dots or hyphens',
        ),
      ],
    };
  }
  let client: S3Client;
  let Command: Sdk['ListObjectsV2Command'];
  try {
    client = opts.client ?? (await s3Client());
    Command = (await sdk()).ListObjectsV2Command;
  } catch (err) {
    return {
      objects: [],
      notices: [],
      problems: [problem(url, `cannot be listed: ${s3ErrorText(err)}`)],
    };
  }
  const l = new Lister(client, Command, loc.bucket, opts);
  if (loc.key === '' || loc.key.endsWith('/')) await l.walk(loc.key);
  else {
    const prefixes = await l.list(loc.key, true);
    const exact = l.objects.get(loc.key);
    if (exact !== undefined) {
      l.objects.clear();
      l.objects.set(loc.key, exact);
    } else if (prefixes.includes(`${loc.key}/`)) {
      l.objects.clear();
      await l.walk(`${loc.key}/`);
    } else await Promise.all(prefixes.map((p) => l.list(p, false)));
  }
  if (l.objects.size === 0 && l.problems.length === 0) {
    l.notices.push({
      path: url,
      files: 0,
      reason:
        opts.since === undefined
          ? 'no objects under this prefix'
          : `no objects under this prefix dated ${new Date(dayOf(opts.since)).toISOString().slice(0, 10)} or later`,
    });
  }
  const objects = [...l.objects.values()].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  return { objects, problems: l.problems, notices: l.notices };
}
