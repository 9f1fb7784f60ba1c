/**
 * The parsing floor: the least work any tool must do to look at every record. For CloudTrail, read
 * each file, gunzip it and `JSON.parse` the whole document; for flow logs, read, gunzip and split
 * every line into its fields. Nothing is kept but counts. Decompression is synchronous, so one
 * thread really is one core; "all cores" runs one worker thread per core, each taking the next
 * file as it finishes one (as trailhound's workers do).
 *
 * run.ts compiles this module to plain JavaScript (`.bench/floor.mjs`, TypeScript's transpiler)
 * and runs it as a child process, so its peak memory is its own and, like the built trailhound,
 * neither it nor its workers pay for compiling TypeScript on the fly:
 *   node .bench/floor.mjs <ct|flow> <manifest.json> <threads>
 * It prints one line of JSON: `{ files, records, fields, resourceUsage }`.
 *
 * `node .bench/floor.mjs cpu <threads>` is the check that the cores are really free: the same
 * fixed arithmetic on each thread, printing `{ ms }`. On an idle machine N threads take as long as
 * one; on a machine busy with other work they take longer, and the figures are not comparable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import type { DatasetPart, Kind } from './generate.js';

export interface FloorCounts {
  files: number;
  records: number;
  /** Fields split out of flow records (a sum, so the split cannot be optimised away). */
  fields: number;
}

interface WorkerInput {
  kind: Kind | 'cpu';
  paths: string[];
  /** Shared next-file index. */
  next: SharedArrayBuffer;
}

/** About a third of a second of integer arithmetic on one core. */
function spin(): FloorCounts {
  let x = 0;
  for (let i = 0; i < 400_000_000; i++) x = (x + i) | 0;
  return { files: 0, records: 0, fields: x & 1 };
}

export function countCloudTrail(buf: Buffer): FloorCounts {
  const doc = JSON.parse(gunzipSync(buf).toString('utf8')) as { Records?: unknown[] };
  return { files: 1, records: doc.Records?.length ?? 0, fields: 0 };
}

export function countFlows(buf: Buffer): FloorCounts {
  const text = gunzipSync(buf).toString('utf8');
  let records = 0;
  let fields = 0;
  let header = true;
  let from = 0;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    const line = text.slice(from, to);
    from = to + 1;
    if (line.length === 0) continue;
    const parts = line.split(' ');
    if (header) {
      header = false;
      continue;
    }
    records++;
    fields += parts.length;
  }
  return { files: 1, records, fields };
}

function countAll(kind: Kind | 'cpu', paths: readonly string[], take: () => number): FloorCounts {
  if (kind === 'cpu') return spin();
  const count = kind === 'ct' ? countCloudTrail : countFlows;
  const total: FloorCounts = { files: 0, records: 0, fields: 0 };
  for (let i = take(); i < paths.length; i = take()) {
    const c = count(readFileSync(paths[i] as string));
    total.files += c.files;
    total.records += c.records;
    total.fields += c.fields;
  }
  return total;
}

function sharedCounter(buffer: SharedArrayBuffer): () => number {
  const cell = new Int32Array(buffer);
  return () => Atomics.add(cell, 0, 1);
}

/** Counts every file on this thread (1) or on `threads` worker threads. */
export async function floor(
  kind: Kind | 'cpu',
  paths: string[],
  threads: number,
): Promise<FloorCounts> {
  const next = new SharedArrayBuffer(4);
  if (threads <= 1) return countAll(kind, paths, sharedCounter(next));
  const input: WorkerInput = { kind, paths, next };
  const parts = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<FloorCounts>((resolve, reject) => {
          const w = new Worker(new URL(import.meta.url), { workerData: input });
          w.once('message', (c: FloorCounts) => {
            resolve(c);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
  return parts.reduce((a, b) => ({
    files: a.files + b.files,
    records: a.records + b.records,
    fields: a.fields + b.fields,
  }));
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.next instanceof SharedArrayBuffer) {
  const input = workerData as WorkerInput;
  parentPort?.postMessage(countAll(input.kind, input.paths, sharedCounter(input.next)));
} else if (
  isMainThread &&
  process.argv[1] !== undefined &&
  import.meta.filename === process.argv[1]
) {
  const [kind, manifest, threads] = process.argv.slice(2);
  if (kind === 'cpu' && manifest !== undefined) {
    const started = performance.now();
    await floor('cpu', [], Number(manifest));
    process.stdout.write(JSON.stringify({ ms: performance.now() - started }) + '\n');
    process.exit(0);
  }
  if ((kind !== 'ct' && kind !== 'flow') || manifest === undefined || threads === undefined) {
    process.stderr.write('usage: floor.ts <ct|flow> <manifest.json> <threads> | cpu <threads>\n');
    process.exit(2);
  }
  const part = JSON.parse(readFileSync(manifest, 'utf8')) as DatasetPart;
  const counts = await floor(
    kind,
    part.files.map((f) => join(part.dir, f.path)),
    Number(threads),
  );
  process.stdout.write(
    JSON.stringify({ ...counts, resourceUsage: process.resourceUsage() }) + '\n',
  );
}
