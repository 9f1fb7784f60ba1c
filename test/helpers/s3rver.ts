/**
 * An S3-compatible server for tests: s3rver on 127.0.0.1, on a port the system picks, storing in a
 * temporary folder that is removed on stop. It sits behind a small front that records every
 * request (so tests can count listings without looking inside trailhound) and can refuse chosen
 * keys with S3's own `AccessDenied` answer, which s3rver has no way to do itself (and one listing
 * bug and its paging under OpenSSL 3 are corrected, see `fixDelimitedListing` and
 * `enableSingleDes`). Clients talk to
 * it through the real AWS SDK with path-style addressing and s3rver's fixed credentials.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type * as NodeCrypto from 'node:crypto';
import { createRequire } from 'node:module';

interface ListOptions {
  delimiter?: string;
  prefix?: string;
  maxKeys?: number;
  startAfter?: string;
}
interface ListResult {
  objects: { key: string }[];
  commonPrefixes: string[];
  isTruncated: boolean;
}
interface S3rverInstance {
  /** The request handler, for a server of our own. */
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  store: { listObjects(bucket: string, options: ListOptions): Promise<ListResult> };
}

/**
 * s3rver 3.7 stops walking its folders one level below a delimited listing's prefix, so
 * `Prefix=AWSLogs/, Delimiter=/` finds no common prefix when every key lies deeper (real S3 returns
 * `AWSLogs/<account>/`). This lists without the delimiter and groups the keys as S3 does.
 */
function fixDelimitedListing(instance: S3rverInstance): void {
  const store = instance.store;
  const original = store.listObjects.bind(store);
  store.listObjects = async (bucket, options) => {
    const delimiter = options.delimiter ?? '';
    if (delimiter === '') return original(bucket, options);
    const prefix = options.prefix ?? '';
    const all = await original(bucket, { ...options, delimiter: '', maxKeys: Infinity });
    const maxKeys = options.maxKeys ?? 1000;
    const objects: ListResult['objects'] = [];
    const commonPrefixes = new Set<string>();
    let isTruncated = false;
    for (const o of all.objects) {
      const at = o.key.slice(prefix.length).indexOf(delimiter);
      if (at >= 0) commonPrefixes.add(o.key.slice(0, prefix.length + at + delimiter.length));
      else if (objects.length < maxKeys) objects.push(o);
      else isTruncated = true;
    }
    return { objects, commonPrefixes: [...commonPrefixes].sort(), isTruncated };
  };
}
// The SDK's warning about Node versions it will drop next year is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// s3rver ships no type declarations; this is the part of it used here.
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: {
  directory: string;
  silent: boolean;
}) => S3rverInstance;

/** s3rver accepts requests signed with these and refuses others. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Request {
  method: string;
  /** Path without the query string, decoded: `/bucket/key`. */
  path: string;
  query: URLSearchParams;
}

export interface TestS3 {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** Every request received, oldest first. */
  requests: S3Request[];
  /** Keys (`bucket/key`) answered with 403 AccessDenied on GET. */
  denied: Set<string>;
  /** A client of the real SDK pointed at this server. */
  client: S3Client;
  /** The environment a trailhound process needs to use this server. */
  env: Record<string, string>;
  createBucket(bucket: string): Promise<void>;
  put(bucket: string, key: string, body: Buffer | string): Promise<void>;
  /** Uploads every file under `dir`, keyed by its path relative to `dir` under `prefix`. */
  upload(bucket: string, dir: string, prefix?: string): Promise<string[]>;
  /** ListObjectsV2 requests so far, as their `prefix` parameters. */
  listings(): string[];
  stop(): Promise<void>;
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

function accessDenied(res: ServerResponse, key: string): void {
  res.writeHead(403, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><Key>${key}</Key><RequestId>TESTREQUEST0001</RequestId></Error>`,
  );
}

/**
 * s3rver signs its continuation tokens with single DES, which OpenSSL 3 (Node 17 on) no longer
 * offers, so every truncated listing answers 500. Triple DES with one key three times is single
 * DES; this maps the one name s3rver uses onto it. Nothing else asks for plain `des`.
 */
function enableSingleDes(): void {
  const c = createRequire(import.meta.url)('node:crypto') as typeof NodeCrypto;
  const marker = Symbol.for('trailhound.test.des');
  if ((c as unknown as Record<symbol, boolean>)[marker]) return;
  (c as unknown as Record<symbol, boolean>)[marker] = true;
  const cipher = c.createCipheriv;
  const decipher = c.createDecipheriv;
  const map = (alg: string, key: unknown): [string, Buffer] | undefined =>
    alg === 'des' && Buffer.isBuffer(key) && key.length === 8
      ? ['des-ede3-cbc', Buffer.concat([key, key, key])]
      : undefined;
  const patched = (original: typeof cipher) =>
    ((alg: string, key: Buffer, iv: Buffer, ...rest: unknown[]) => {
      const m = map(alg, key);
      return (original as (...a: unknown[]) => unknown)(
        ...(m ? [m[0], m[1]] : [alg, key]),
        iv,
        ...rest,
      );
    }) as typeof cipher;
  c.createCipheriv = patched(cipher);
  c.createDecipheriv = patched(decipher as unknown as typeof cipher) as unknown as typeof decipher;
}

/** Starts a server; call `stop()` when done. */
export async function startS3(): Promise<TestS3> {
  const directory = mkdtempSync(path.join(tmpdir(), 'trailhound-s3rver-'));
  enableSingleDes();
  const instance = new S3rver({ directory, silent: true });
  fixDelimitedListing(instance);
  const handle = instance.callback();
  const requests: S3Request[] = [];
  const denied = new Set<string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const p = decodeURIComponent(url.pathname);
    requests.push({ method: req.method ?? 'GET', path: p, query: url.searchParams });
    if (req.method === 'GET' && denied.has(p.slice(1))) {
      accessDenied(res, p.slice(1));
      return;
    }
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    // s3rver predates the SDK's default CRC checksums on upload.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const env = {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    // Keep any profile of the machine running the tests out of the picture.
    AWS_CONFIG_FILE: path.join(directory, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(directory, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const put = async (bucket: string, key: string, body: Buffer | string) => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  };
  return {
    endpoint,
    requests,
    denied,
    client,
    env,
    async createBucket(bucket) {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    put,
    async upload(bucket, dir, prefix = '') {
      const keys: string[] = [];
      for (const f of files(dir)) {
        const key = prefix + path.relative(dir, f).split(path.sep).join('/');
        await put(bucket, key, readFileSync(f));
        keys.push(key);
      }
      return keys;
    },
    listings() {
      return requests
        .filter((r) => r.method === 'GET' && r.query.get('list-type') === '2')
        .map((r) => r.query.get('prefix') ?? '');
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
