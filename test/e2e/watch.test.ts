/**
 * `trailhound watch` as a service runs: the built CLI as a child process, killed with SIGKILL in
 * the middle of a stream of files and restarted (nothing lost, nothing twice), stopped with
 * SIGTERM (batch in hand finished and checkpointed, exit 0), and asked for its health on
 * 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, CORPUS, json, ROOT, trailhound } from './cli.js';

const INVICTUS = path.join(CORPUS, 'invictus-aws-dataset/CloudTrail');
const EXAMPLES = [
  path.join(ROOT, 'examples/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/14'),
  path.join(ROOT, 'examples/AWSLogs/111122223333/vpcflowlogs/eu-west-1/2026/03/14'),
].flatMap((d) =>
  readdirSync(d)
    .sort()
    .map((n) => path.join(d, n)),
);

type Log = Record<string, any>;

interface Running {
  child: ChildProcess;
  logs: Log[];
  /** Lines of standard error that were not JSON objects. */
  foreign: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const logs: Log[] = [];
  const foreign: string[] = [];
  let rest = '';
  child.stderr?.on('data', (d: Buffer) => {
    const lines = (rest + d.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) {
      try {
        logs.push(JSON.parse(l) as Log);
      } catch {
        foreign.push(l);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, logs, foreign, exited };
}

async function until(what: string, ok: () => boolean, ms = 45_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Delivers a file the way a sync tool does: written beside, then renamed into place. */
function deliver(file: string, dir: string, staging: string): void {
  const tmp = path.join(staging, path.basename(file));
  copyFileSync(file, tmp);
  renameSync(tmp, path.join(dir, path.basename(file)));
}

function written(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).id as string);
}

function setup(): { root: string; logs: string; staging: string; db: string; out: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'trailhound-watch-e2e-'));
  const logs = path.join(root, 'logs');
  const staging = path.join(root, 'staging');
  mkdirSync(logs);
  mkdirSync(staging);
  return {
    root,
    logs,
    staging,
    db: path.join(root, 'state.db'),
    out: path.join(root, 'findings.jsonl'),
  };
}

async function oneShotIds(dir: string): Promise<string[]> {
  const r = json(await trailhound(['hunt', dir, '--format', 'json', '-w', '1']));
  return r.findings.map((f) => f.id as string).sort();
}

const batches = (r: Running) => r.logs.filter((l) => l.msg === 'batch processed');
const filesDone = (r: Running) => batches(r).reduce((n, l) => n + (l.files as number), 0);

describe('trailhound watch', () => {
  it('loses no finding and writes none twice when killed with SIGKILL mid-stream', async () => {
    const t = setup();
    const files = readdirSync(INVICTUS)
      .sort()
      .slice(0, 30)
      .map((n) => path.join(INVICTUS, n));
    const args = ['watch', t.logs, '--state', t.db, '--out', t.out, '--batch', '3', '-w', '1'];
    // Files keep arriving while the watcher works; it is killed twice, each time once it has
    // logged two more batches (and is busy with the next one), and restarted.
    let fed = 0;
    let logged = 0;
    for (let round = 0; round < 2; round++) {
      const run = start([...args, '--interval', '0.1']);
      while (batches(run).length < 2) {
        if (fed < files.length) deliver(files[fed++] as string, t.logs, t.staging);
        await new Promise((r) => setTimeout(r, 40));
        if (run.child.exitCode !== null) throw new Error(`watch exited: ${run.foreign.join('\n')}`);
      }
      run.child.kill('SIGKILL');
      expect((await run.exited).signal).toBe('SIGKILL');
      logged += filesDone(run);
    }
    for (; fed < files.length; fed++) deliver(files[fed] as string, t.logs, t.staging);

    const last = start([...args, '--once']);
    expect((await last.exited).code).toBe(0);
    // Each restart continued: nothing logged as done (logged after its checkpoint) was read again;
    // a batch checkpointed just before a kill may not have been logged.
    expect(filesDone(last)).toBeGreaterThan(0);
    expect(filesDone(last)).toBeLessThanOrEqual(files.length - logged);

    const ids = written(t.out);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(await oneShotIds(t.logs));
    expect(ids.length).toBeGreaterThan(10);
  });

  it('serves health and metrics on 127.0.0.1, and stops on SIGTERM after checkpointing', async () => {
    const t = setup();
    for (const f of EXAMPLES) deliver(f, t.logs, t.staging);
    const run = start([
      'watch',
      t.logs,
      '--state',
      t.db,
      '--out',
      t.out,
      '--interval',
      '0.2',
      '--health-port',
      '0',
      '-w',
      '1',
    ]);
    await until('the first cycle', () => run.logs.some((l) => l.msg === 'cycle done'));
    const listening = run.logs.find((l) => l.msg === 'health endpoint listening');
    expect(listening).toMatchObject({ address: '127.0.0.1', port: expect.any(Number) });
    const base = `http://127.0.0.1:${listening?.port}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const m = (await (await fetch(`${base}/metrics`)).json()) as Log;
    const lines = written(t.out);
    expect(m).toMatchObject({
      status: 'ok',
      filesProcessed: EXAMPLES.length,
      findings: { emitted: lines.length, duplicates: expect.any(Number) },
      inputProblems: 0,
      sinks: { sent: 0, deadLettered: 0, failures: 0 },
      pending: 0,
      lag: { behindNewestSeconds: 0, oldestPendingSeconds: 0 },
    });
    expect(m.events).toBeGreaterThan(0);
    expect(m.cycles).toBeGreaterThanOrEqual(1);
    expect(Date.parse(m.lag.newestObject as string)).toBeGreaterThan(0);

    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.foreign.filter((l) => l.trim() !== '')).toEqual([]);
    for (const l of run.logs) {
      expect(Object.keys(l).slice(0, 3)).toEqual(['time', 'level', 'msg']);
      expect(Number.isNaN(Date.parse(l.time as string))).toBe(false);
    }
    expect(run.logs.at(-1)).toMatchObject({ msg: 'watch stopped', files: EXAMPLES.length });
    expect(lines.sort()).toEqual(await oneShotIds(t.logs));

    // Everything was checkpointed: a new run finds nothing to do.
    const again = start(['watch', t.logs, '--state', t.db, '--out', t.out, '--once', '-w', '1']);
    const againExit = await again.exited;
    expect(againExit.code, JSON.stringify([again.logs, again.foreign])).toBe(0);
    expect(again.logs.at(-1)).toMatchObject({ msg: 'watch stopped', files: 0 });
  });

  it('on SIGTERM in the middle of a cycle finishes the batch in hand, and the restart does the rest', async () => {
    const t = setup();
    for (const f of EXAMPLES) deliver(f, t.logs, t.staging);
    const args = ['watch', t.logs, '--state', t.db, '--out', t.out, '--batch', '1', '-w', '1'];
    const run = start([...args, '--interval', '60']);
    await until('the first batch', () => batches(run).length >= 1);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    const done = filesDone(run);
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(EXAMPLES.length);
    expect(run.logs.some((l) => l.msg === 'stopping: finishing the batch in hand')).toBe(true);

    const rest = start([...args, '--once']);
    expect((await rest.exited).code).toBe(0);
    expect(filesDone(rest)).toBe(EXAMPLES.length - done);
    const ids = written(t.out);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(await oneShotIds(t.logs));
  });
});
