import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3, type TestS3 } from '../../test/helpers/s3rver.js';
import { parseConfig } from '../config/load.js';
import type { Finding } from '../findings/finding.js';
import { hunt } from '../hunt/run.js';
import { RULES } from '../rules/registry.js';
import type { AlertSinks } from '../sinks/alerts/index.js';
import { SqliteStore } from '../state/sqlite.js';
import { newMetrics, startHealthServer } from './health.js';
import { Ledger, WATCH_NS } from './ledger.js';
import { jsonLogger, logLine } from './log.js';
import { openFileOutput } from './output.js';
import { runWatch, type WatchOptions } from './run.js';

const CT = path.resolve('examples/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/14');
const FLOW = path.resolve('examples/AWSLogs/111122223333/vpcflowlogs/eu-west-1/2026/03/14');
const EXAMPLES = [
  ...readdirSync(CT)
    .sort()
    .map((n) => path.join(CT, n)),
  ...readdirSync(FLOW).map((n) => path.join(FLOW, n)),
];
const config = parseConfig('', 'test.yaml');

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'trailhound-watch-'));
}

function collectingSinks(): AlertSinks & { got: Finding[] } {
  const got: Finding[] = [];
  return {
    names: ['test'],
    got,
    send(findings) {
      got.push(...findings);
      return Promise.resolve({ sent: findings.length, deadLettered: 0, failures: [] });
    },
  };
}

function ids(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as Finding).id);
}

async function once(
  store: SqliteStore,
  sources: string[],
  out: string,
  extra: Partial<WatchOptions> = {},
): Promise<{ logs: Record<string, unknown>[]; metrics: ReturnType<typeof newMetrics> }> {
  const logs: Record<string, unknown>[] = [];
  const metrics = await runWatch({
    sources,
    store,
    config,
    registry: RULES,
    filters: {},
    intervalMs: 50,
    output: await openFileOutput(out, new Ledger(store).output(out)),
    outputPath: out,
    sinks: collectingSinks(),
    log: jsonLogger((l) => logs.push(JSON.parse(l) as Record<string, unknown>), 'debug'),
    signal: new AbortController().signal,
    once: true,
    ...extra,
  });
  return { logs, metrics };
}

let oneShot: Finding[];
beforeAll(async () => {
  const dir = tmp();
  const all = new SqliteStore(path.join(dir, 'oneshot.db'));
  oneShot = (await hunt({ inputs: EXAMPLES, config, registry: RULES, state: all })).findings;
  all.close();
  expect(oneShot.length).toBeGreaterThan(5);
});

describe('watch over a local directory', () => {
  it('processes files added between cycles once, and gives the one-shot findings in all', async () => {
    const root = tmp();
    const watched = path.join(root, 'logs');
    mkdirSync(watched);
    const out = path.join(root, 'findings.jsonl');
    const db = path.join(root, 'state.db');
    let store = new SqliteStore(db);
    const sinks = collectingSinks();
    const add = (files: string[]) => {
      for (const f of files) copyFileSync(f, path.join(watched, path.basename(f)));
    };
    add(EXAMPLES.slice(0, 3));
    const first = await once(store, [watched], out, { sinks });
    expect(first.metrics.filesProcessed).toBe(3);
    const again = await once(store, [watched], out, { sinks });
    expect(again.metrics.filesProcessed).toBe(0);
    add(EXAMPLES.slice(3));
    const second = await once(store, [watched], out, { sinks, batchSize: 2 });
    expect(second.metrics.filesProcessed).toBe(EXAMPLES.length - 3);
    expect(second.logs.filter((l) => l.msg === 'batch processed')).toHaveLength(2);
    store.close();

    // A restart continues: nothing is read again.
    store = new SqliteStore(db);
    const restarted = await once(store, [watched], out, { sinks });
    expect(restarted.metrics.filesProcessed).toBe(0);
    expect(store.count(WATCH_NS.objects)).toBe(EXAMPLES.length);
    store.close();

    const written = ids(out);
    expect(new Set(written).size).toBe(written.length);
    expect(written.sort()).toEqual(oneShot.map((f) => f.id).sort());
    expect(sinks.got.map((f) => f.id).sort()).toEqual(
      oneShot
        .filter((f) => f.suppressed === null)
        .map((f) => f.id)
        .sort(),
    );
  });

  it('hunts a file again when its content changes, without emitting a finding twice', async () => {
    const root = tmp();
    const watched = path.join(root, 'logs');
    mkdirSync(watched);
    const out = path.join(root, 'findings.jsonl');
    const store = new SqliteStore(path.join(root, 'state.db'));
    const target = path.join(watched, path.basename(EXAMPLES[3] as string));
    copyFileSync(EXAMPLES[3] as string, target);
    const first = await once(store, [watched], out);
    const before = ids(out);
    expect(before.length).toBeGreaterThan(0);
    // Same content rewritten (a re-sync): new mtime, so read again; every finding is a duplicate.
    writeFileSync(target, readFileSync(EXAMPLES[3] as string));
    utimesSync(target, new Date(), new Date(Date.now() + 5000));
    const second = await once(store, [watched], out);
    expect(first.metrics.filesProcessed).toBe(1);
    expect(second.metrics.filesProcessed).toBe(1);
    expect(second.metrics.findings.emitted).toBe(0);
    expect(second.metrics.findings.duplicates).toBe(before.length);
    expect(ids(out)).toEqual(before);
    store.close();
  });

  it('after a kill between writing and checkpointing, the replay adds no line twice', async () => {
    const root = tmp();
    const watched = path.join(root, 'logs');
    mkdirSync(watched);
    for (const f of EXAMPLES) copyFileSync(f, path.join(watched, path.basename(f)));
    const out = path.join(root, 'findings.jsonl');
    const db = path.join(root, 'state.db');
    // The first run dies right after the output of its second batch: its checkpoint never happens.
    let store = new SqliteStore(db);
    let checkpoints = 0;
    const { checkpoint } = store;
    store.checkpoint = () => {
      if (++checkpoints === 2) throw new Error('killed before the checkpoint');
      checkpoint.call(store);
    };
    await expect(once(store, [watched], out, { batchSize: 2 })).rejects.toThrow(/killed/);
    store.close();
    const linesBefore = ids(out);
    // Both batches reached the output; only the first was checkpointed.
    expect(linesBefore.length).toBeGreaterThan(0);
    // A half-written last line, as a kill in the middle of a write would leave.
    writeFileSync(out, '{"id":"half-writ', { flag: 'a' });

    store = new SqliteStore(db);
    const resumed = await once(store, [watched], out, { batchSize: 2 });
    expect(resumed.metrics.filesProcessed).toBe(EXAMPLES.length - 2);
    store.close();
    const written = ids(out);
    expect(new Set(written).size).toBe(written.length);
    expect(written.sort()).toEqual(oneShot.map((f) => f.id).sort());
  });
});

describe('watch over an S3 prefix', () => {
  let s3: TestS3;
  const saved = { ...process.env };
  beforeAll(async () => {
    s3 = await startS3();
    Object.assign(process.env, s3.env);
    await s3.createBucket('watch-trail');
  });
  afterAll(async () => {
    await s3.stop();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('processes objects delivered between cycles once, listing only recent days', async () => {
    const root = tmp();
    const out = path.join(root, 'findings.jsonl');
    const store = new SqliteStore(path.join(root, 'state.db'));
    const keyOf = (f: string) =>
      path.relative(path.resolve('examples'), f).split(path.sep).join('/');
    for (const f of EXAMPLES.slice(0, 4)) await s3.put('watch-trail', keyOf(f), readFileSync(f));
    const source = 's3://watch-trail/AWSLogs/';
    const first = await once(store, [source], out);
    expect(first.metrics.filesProcessed).toBe(4);
    for (const f of EXAMPLES.slice(4)) await s3.put('watch-trail', keyOf(f), readFileSync(f));
    const before = s3.requests.length;
    const second = await once(store, [source], out);
    expect(second.metrics.filesProcessed).toBe(EXAMPLES.length - 4);
    // The cursor (newest object processed, less a day) prunes the second listing to date folders.
    const listed = s3.requests
      .slice(before)
      .filter((r) => r.query.get('list-type') === '2')
      .map((r) => r.query.get('prefix') ?? '');
    expect(listed.some((p) => /\/eu-west-1\/\d{4}\/\d{2}\/(\d{2}\/)?$/.test(p))).toBe(true);
    expect(listed.filter((p) => /\/eu-west-1\/$/.test(p))).toEqual([]);
    const third = await once(store, [source], out);
    expect(third.metrics.filesProcessed).toBe(0);
    store.close();
    const written = ids(out);
    expect(new Set(written).size).toBe(written.length);
    expect(written.sort()).toEqual(oneShot.map((f) => f.id).sort());
  });
});

describe('operations', () => {
  it('logs one JSON object per line, never letting a field replace time, level or msg', () => {
    const line = logLine('info', 'cycle done', { files: 2, msg: 'x' }, new Date(0));
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'info',
      msg: 'cycle done',
      files: 2,
      'field.msg': 'x',
    });
  });

  it('serves /healthz and /metrics on 127.0.0.1 only', async () => {
    const metrics = newMetrics();
    metrics.filesProcessed = 7;
    metrics.sinks.failures = 1;
    let progress = Date.now();
    const h = await startHealthServer(0, {
      metrics: () => metrics,
      lastProgress: () => progress,
      intervalMs: 1000,
    });
    try {
      const base = `http://127.0.0.1:${h.port}`;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
      const m = (await (await fetch(`${base}/metrics`)).json()) as Record<string, unknown>;
      expect(m).toMatchObject({ filesProcessed: 7, sinks: { failures: 1 }, status: 'ok' });
      progress = Date.now() - 10 * 60_000;
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});
