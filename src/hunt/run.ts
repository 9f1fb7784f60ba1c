/**
 * The hunt: inputs → findings and a run summary. Files are spread over worker threads (one file at
 * a time per worker, so a slow file never holds up the rest); results are merged in input order so
 * the output is the same whatever the number of workers or the order in which they finish.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config, Priority } from '../config/schema.js';
import type { Rule, Signal } from '../engine/rule.js';
import { PRIORITY_RANK } from '../findings/build.js';
import { loadChangeFeeds } from '../findings/changes.js';
import { createHitSpool } from '../findings/spool.js';
import { createSuppressor } from '../findings/suppress.js';
import type { Finding } from '../findings/finding.js';
import { sharedGeo } from '../enrich/geo.js';
import { decodeFileBatches, decodeStreamBatches } from '../formats/detect.js';
import type { InputProblem } from '../formats/types.js';
import { expandInputs, type InputFile } from '../sources/index.js';
import {
  createProcessor,
  emptyResult,
  processDecoded,
  type EventFilters,
  type FileResult,
  type Processor,
} from './process.js';
import type { RunSummary } from './summary.js';
import { createStatefulStage } from '../engine/stateful.js';
import { MemoryStore } from '../state/memory.js';
import type { StateStore } from '../state/store.js';
import type { WorkerInit, WorkerMessage, WorkerTask } from './worker.js';
import { unpackSignals, type SignalPacket } from './signal-packet.js';

/** At most this many problems are listed one by one in the summary; all are counted. */
export const PROBLEMS_LISTED = 1000;

export interface HuntOptions {
  inputs: readonly string[];
  config: Config;
  registry: readonly Rule[];
  filters?: EventFilters;
  /**
   * Worker threads; by default one per `BYTES_PER_WORKER` of input, up to the number of cores
   * (see `defaultWorkers`). 1 processes on the main thread.
   */
  workers?: number;
  minPriority?: Priority;
  /** Standard input, read when an input is `-`. */
  stdin?: NodeJS.ReadableStream;
  onProgress?: (filesDone: number, totalFiles: number, events: number) => void;
  /** Where stateful rules keep state; in memory for this run when omitted. */
  state?: StateStore;
  /** Build state (baselines, first-seen sets, last use) without reporting findings. */
  learnOnly?: boolean;
  /** The configuration file, named in warnings about its suppressions. */
  configFile?: string | undefined;
}

export interface HuntResult {
  findings: Finding[];
  summary: RunSummary;
}

export interface HuntStream {
  /**
   * The findings in output order, built one at a time as they are read (see src/findings/spool.ts),
   * suppressions marked and `minPriority` applied. Read it once. The summary's finding counts,
   * suppression warnings and elapsed time are complete when it ends.
   */
  findings: Generator<Finding, void, undefined>;
  summary: RunSummary;
  /** Frees what the findings are built from; needed only when `findings` is not read to its end. */
  close(): void;
}

const compiledWorker = ((): URL | undefined => {
  const url = new URL('./worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
})();

function internalProblem(file: InputFile, err: unknown): InputProblem {
  const msg = err instanceof Error ? err.message : String(err);
  return {
    code: 'unreadable-file',
    severity: 'skip',
    file: file.display,
    reason: `could not be read: ${msg}`,
  };
}

async function processOnMain(
  file: InputFile,
  proc: Processor,
  onSignals: (signals: Signal[]) => void,
  stdin?: NodeJS.ReadableStream,
) {
  try {
    const items =
      file.path === '-'
        ? decodeStreamBatches(stdin ?? process.stdin, file.display, proc.decode)
        : decodeFileBatches(file, proc.decode);
    return await processDecoded(items, proc, onSignals);
  } catch (err) {
    const r = emptyResult();
    r.problems.push(internalProblem(file, err));
    return r;
  }
}

interface PoolCallbacks {
  /** A chunk of the stateful stage's input from file `seq`, in record order, as packed. */
  signals(seq: number, packet: SignalPacket): void;
  /** File `seq` is done; every chunk of it came before. */
  result(seq: number, r: FileResult): void;
  /** Whether file `seq` may start now (bounds how far workers run ahead of the stage). */
  mayStart(seq: number): boolean;
}

interface Pool {
  done: Promise<void>;
  /** Hands waiting files to idle workers; call when `mayStart` may have changed. */
  wake(): void;
}

function startPool(
  files: readonly InputFile[],
  count: number,
  init: WorkerInit,
  on: PoolCallbacks,
): Pool {
  let wake = (): void => {};
  const done = new Promise<void>((resolve, reject) => {
    let next = 0;
    let finished = 0;
    let failed = false;
    const workers: Worker[] = [];
    const idle: Worker[] = [];
    const finish = () => {
      for (const w of workers) void w.terminate();
      resolve();
    };
    const feed = (w: Worker): boolean => {
      if (next >= files.length || !on.mayStart(next)) return false;
      const task: WorkerTask = { seq: next, file: files[next] as InputFile };
      next++;
      w.postMessage(task);
      return true;
    };
    wake = () => {
      while (idle.length > 0 && feed(idle[idle.length - 1] as Worker)) idle.pop();
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(compiledWorker as URL, { workerData: init });
      workers.push(w);
      w.on('message', (msg: WorkerMessage) => {
        if ('signals' in msg) {
          on.signals(msg.seq, msg.signals);
          return;
        }
        if ('result' in msg) on.result(msg.seq, msg.result);
        else {
          const r = emptyResult();
          r.problems.push(internalProblem(files[msg.seq] as InputFile, msg.error));
          on.result(msg.seq, r);
        }
        finished++;
        if (finished === files.length) finish();
        else if (!feed(w)) idle.push(w);
      });
      w.on('error', (err) => {
        if (!failed) {
          failed = true;
          for (const x of workers) void x.terminate();
          reject(err);
        }
      });
      if (!feed(w)) idle.push(w);
    }
  });
  return { done, wake: () => wake() };
}

/**
 * Input (as stored, compressed or not) worth a worker thread of its own. Each thread first loads
 * the rules and enrichment data (about half a second of CPU), so on small inputs a second thread
 * costs more than it saves: measured on 2 cores, 18 MB of gzip CloudTrail ran faster on one
 * thread, 180 MB 1.3× faster on two.
 */
export const BYTES_PER_WORKER = 32 * 2 ** 20;

/**
 * Worker threads when the caller does not say: one per `BYTES_PER_WORKER` of local input, at least
 * one, at most the number of cores. S3 objects (no size known without asking) count as large.
 */
export function defaultWorkers(
  files: readonly InputFile[],
  cores = availableParallelism(),
): number {
  let bytes = 0;
  for (const f of files) {
    if (f.path === '-') continue;
    if (f.s3 !== undefined) return cores;
    try {
      bytes += statSync(f.path).size;
    } catch {
      // Unreadable files are reported when read; they weigh nothing here.
    }
    if (bytes >= cores * BYTES_PER_WORKER) return cores;
  }
  return Math.max(1, Math.min(cores, Math.floor(bytes / BYTES_PER_WORKER)));
}

/** `…_20230710T1145Z_…`: the delivery time AWS puts in CloudTrail and flow-log file names. */
const STAMP = /_(\d{8}T\d{4}Z)_/;

/**
 * Files in the order the stateful stage should see them: by the time in their names (so
 * `AWSLogs/<account>/<region>/…` trees interleave by time instead of region by region), then by
 * path. Files without a time in the name keep path order, ahead of the rest. Standard input last.
 */
export function inTimeOrder(files: readonly InputFile[]): InputFile[] {
  const key = (f: InputFile) => STAMP.exec(f.display)?.[1] ?? '';
  return files
    .map((f, i) => ({ f, i, k: f.path === '-' ? '\uffff' : key(f) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map(({ f }) => f);
}

function newSummary(workers: number): RunSummary {
  return {
    files: { read: 0, skipped: 0 },
    records: 0,
    events: { api: 0, flow: 0 },
    filteredOut: 0,
    flowStatus: { nodata: 0, skipdata: 0 },
    skipped: { total: 0, byReason: {} },
    warnings: { total: 0, byReason: {} },
    notices: [],
    problems: [],
    problemsOmitted: 0,
    findings: {
      total: 0,
      suppressed: 0,
      byPriority: { info: 0, low: 0, medium: 0, high: 0, critical: 0 },
    },
    state: { store: 'memory', tracked: 0, evicted: 0, late: 0 },
    elapsedMs: 0,
    eventsPerSecond: 0,
    workers,
  };
}

function addProblem(s: RunSummary, p: InputProblem): void {
  const bucket = p.severity === 'skip' ? s.skipped : s.warnings;
  bucket.total++;
  bucket.byReason[p.code] = (bucket.byReason[p.code] ?? 0) + 1;
  if (s.problems.length < PROBLEMS_LISTED) s.problems.push(p);
  else s.problemsOmitted++;
}

/**
 * Runs a hunt and returns every finding at once. Throws only for problems with the options; bad
 * input is reported in the summary. For output written while findings are built, `huntStream`.
 */
export async function hunt(opts: HuntOptions): Promise<HuntResult> {
  const run = await huntStream(opts);
  const findings = [...run.findings];
  return { findings, summary: run.summary };
}

/**
 * Runs a hunt over all input; the findings are then built as the caller reads them, so memory does
 * not grow with their number. Throws only for problems with the options.
 */
export async function huntStream(opts: HuntOptions): Promise<HuntStream> {
  const started = performance.now();
  const filters = opts.filters ?? {};
  const proc = createProcessor(opts.registry, opts.config, filters);
  // Feeds are read before any log: a missing feed file fails the run at once, not at its end.
  const feeds = await loadChangeFeeds(opts.config.changes);
  // S3 listings skip date folders before --since; local files are filtered by event time only.
  const expanded = await expandInputs(
    [...opts.inputs],
    filters.since === undefined ? {} : { since: filters.since },
  );
  const { problems: sourceProblems, notices } = expanded;
  const files = inTimeOrder(expanded.files);
  const store = opts.state ?? new MemoryStore();
  const spool = createHitSpool(proc.rules, {
    windowMs: opts.config.findings.windowMinutes * 60_000,
    maxEvidence: opts.config.findings.maxEvidence,
  });
  // A run that only learns keeps no hits.
  const learnOnly = opts.learnOnly === true;
  const stage = createStatefulStage(proc.rules, store, {
    maxEntities: opts.config.state.maxKeysPerRule,
    maxEvidence: opts.config.findings.maxEvidence,
    onHit: (h) => {
      if (!learnOnly) spool.add(h);
    },
  });

  const summary = newSummary(1);
  summary.notices = notices;
  // Bad lines of threat-intelligence lists: every worker reads the lists, this reports them once.
  for (const p of proc.enricher.problems) addProblem(summary, p);
  for (const p of sourceProblems) {
    addProblem(summary, p);
    summary.files.skipped++;
  }
  const absorb = (r: FileResult) => {
    const fileLevelSkip = r.problems.some(
      (p) => p.severity === 'skip' && p.line === undefined && p.index === undefined,
    );
    if (r.records === 0 && fileLevelSkip) summary.files.skipped++;
    else summary.files.read++;
    summary.records += r.records;
    summary.events.api += r.api;
    summary.events.flow += r.flow;
    summary.filteredOut += r.filteredOut;
    summary.flowStatus.nodata += r.nodata;
    summary.flowStatus.skipdata += r.skipdata;
    for (const p of r.problems) addProblem(summary, p);
    if (!learnOnly) for (const h of r.hits) spool.add(h);
  };

  const diskFiles = files.filter((f) => f.path !== '-');
  const wanted = Math.max(1, opts.workers ?? defaultWorkers(diskFiles));
  const workerCount =
    compiledWorker === undefined ? 1 : Math.min(wanted, Math.max(diskFiles.length, 1));
  summary.workers = workerCount;
  let filesDone = 0;
  let eventsSoFar = 0;
  // The stateful stage takes files strictly in order, whichever worker finishes first. A file's
  // signals arrive in chunks while it is read; chunks of a file ahead of the stage's turn wait,
  // and workers may run at most `lookahead` files ahead, so what waits stays bounded. A worker's
  // chunk waits as it came, packed, and is unpacked when its turn comes: a packet is a fraction
  // of the size of its signals, and signals unpacked only to wait would outlive young-generation
  // collections, to be promoted and then collected with the state.
  const lookahead = 2 * workerCount;
  let nextForStage = 0;
  type Chunk = Signal[] | SignalPacket;
  const observe = (c: Chunk) => stage.observe(Array.isArray(c) ? c : unpackSignals(c));
  const waiting = new Map<number, Chunk[]>();
  const finished = new Map<number, FileResult>();
  let pool: Pool | undefined;
  const onSignals = (seq: number, signals: Chunk) => {
    if (seq === nextForStage) observe(signals);
    else {
      let w = waiting.get(seq);
      if (w === undefined) waiting.set(seq, (w = []));
      w.push(signals);
    }
  };
  const onResult = (seq: number, r: FileResult) => {
    filesDone++;
    eventsSoFar += r.api + r.flow;
    finished.set(seq, r);
    const before = nextForStage;
    for (let ready = finished.get(nextForStage); ready !== undefined;) {
      finished.delete(nextForStage);
      absorb(ready);
      nextForStage++;
      for (const chunk of waiting.get(nextForStage) ?? []) observe(chunk);
      waiting.delete(nextForStage);
      ready = finished.get(nextForStage);
    }
    if (nextForStage !== before) pool?.wake();
    opts.onProgress?.(filesDone, files.length, eventsSoFar);
  };

  try {
    if (workerCount > 1) {
      const seqs = files.map((f, i) => (f.path === '-' ? -1 : i)).filter((i) => i >= 0);
      const init: WorkerInit = { config: opts.config, filters, geo: sharedGeo() };
      pool = startPool(
        seqs.map((i) => files[i] as InputFile),
        workerCount,
        init,
        {
          signals: (k, s) => onSignals(seqs[k] as number, s),
          result: (k, r) => onResult(seqs[k] as number, r),
          mayStart: (k) => (seqs[k] as number) < nextForStage + lookahead,
        },
      );
      await pool.done;
      pool = undefined;
    }
    for (let i = nextForStage; i < files.length; i++) {
      const f = files[i] as InputFile;
      if (finished.has(i) || i < nextForStage) continue;
      onResult(i, await processOnMain(f, proc, (s) => onSignals(i, s), opts.stdin));
    }

    stage.finish();
  } catch (err) {
    spool.close();
    throw err;
  }
  store.checkpoint();
  const st = stage.stats();
  summary.state = { store: store.kind, tracked: st.tracked, evicted: st.evicted, late: st.late };
  for (const f of st.failures) {
    addProblem(summary, {
      code: 'rule-error',
      severity: 'warning',
      file: '(stateful stage)',
      reason: `rule ${f.ruleId} failed to describe a finding: ${f.message}`,
    });
  }

  const suppressor = createSuppressor({
    config: opts.config,
    windows: feeds.windows,
    now: Date.now(),
    configFile: opts.configFile,
  });
  const min = opts.minPriority === undefined ? 0 : PRIORITY_RANK[opts.minPriority];
  function* findings(): Generator<Finding, void, undefined> {
    for (const built of spool.findings()) {
      const f = suppressor.mark(built);
      if (PRIORITY_RANK[f.priority] < min) continue;
      summary.findings.total++;
      summary.findings.byPriority[f.priority]++;
      if (f.suppressed !== null) summary.findings.suppressed++;
      yield f;
    }
    for (const p of [...feeds.problems, ...suppressor.warnings()]) addProblem(summary, p);
    summary.elapsedMs = Math.round(performance.now() - started);
    const events = summary.events.api + summary.events.flow;
    summary.eventsPerSecond =
      summary.elapsedMs > 0 ? Math.round((events * 1000) / summary.elapsedMs) : events;
  }
  return { findings: findings(), summary, close: () => spool.close() };
}
