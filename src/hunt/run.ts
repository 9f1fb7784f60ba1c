/**
 * The hunt: inputs → findings and a run summary. Files are spread over worker threads (one file at
 * a time per worker, so a slow file never holds up the rest); results are merged in input order so
 * the output is the same whatever the number of workers or the order in which they finish.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config, Priority } from '../config/schema.js';
import type { Rule } from '../engine/rule.js';
import { buildFindings, PRIORITY_RANK } from '../findings/build.js';
import type { Finding } from '../findings/finding.js';
import { decodeFile, decodeStream } from '../formats/detect.js';
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
import type { WorkerInit, WorkerTask } from './worker.js';

/** At most this many problems are listed one by one in the summary; all are counted. */
export const PROBLEMS_LISTED = 1000;

export interface HuntOptions {
  inputs: readonly string[];
  config: Config;
  registry: readonly Rule[];
  filters?: EventFilters;
  /** Worker threads; defaults to the number of cores. 1 processes on the main thread. */
  workers?: number;
  minPriority?: Priority;
  /** Standard input, read when an input is `-`. */
  stdin?: NodeJS.ReadableStream;
  onProgress?: (filesDone: number, totalFiles: number, events: number) => void;
  /** Where stateful rules keep state; in memory for this run when omitted. */
  state?: StateStore;
  /** Build state (baselines, first-seen sets, last use) without reporting findings. */
  learnOnly?: boolean;
}

export interface HuntResult {
  findings: Finding[];
  summary: RunSummary;
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

async function processOnMain(file: InputFile, proc: Processor, stdin?: NodeJS.ReadableStream) {
  try {
    const items =
      file.path === '-'
        ? decodeStream(stdin ?? process.stdin, file.display, proc.decode)
        : decodeFile(file, proc.decode);
    return await processDecoded(items, proc);
  } catch (err) {
    const r = emptyResult();
    r.problems.push(internalProblem(file, err));
    return r;
  }
}

function runPool(
  files: readonly InputFile[],
  count: number,
  init: WorkerInit,
  onResult: (seq: number, r: FileResult) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed = false;
    const workers: Worker[] = [];
    const finish = () => {
      for (const w of workers) void w.terminate();
      resolve();
    };
    const feed = (w: Worker) => {
      if (next < files.length) {
        const task: WorkerTask = { seq: next, file: files[next] as InputFile };
        next++;
        w.postMessage(task);
      }
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(compiledWorker as URL, { workerData: init });
      workers.push(w);
      w.on('message', (msg: { seq: number; result?: FileResult; error?: string }) => {
        const file = files[msg.seq] as InputFile;
        if (msg.result !== undefined) onResult(msg.seq, msg.result);
        else {
          const r = emptyResult();
          r.problems.push(internalProblem(file, msg.error));
          onResult(msg.seq, r);
        }
        done++;
        if (done === files.length) finish();
        else feed(w);
      });
      w.on('error', (err) => {
        if (!failed) {
          failed = true;
          for (const x of workers) void x.terminate();
          reject(err);
        }
      });
      feed(w);
    }
  });
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

/** Runs a hunt. Throws only for problems with the options; bad input is reported in the summary. */
export async function hunt(opts: HuntOptions): Promise<HuntResult> {
  const started = performance.now();
  const filters = opts.filters ?? {};
  const proc = createProcessor(opts.registry, opts.config, filters);
  const expanded = await expandInputs([...opts.inputs]);
  const { problems: sourceProblems, notices } = expanded;
  const files = inTimeOrder(expanded.files);
  const store = opts.state ?? new MemoryStore();
  const stage = createStatefulStage(proc.rules, store, {
    maxEvidence: opts.config.findings.maxEvidence,
  });

  const diskFiles = files.filter((f) => f.path !== '-');
  const wanted = Math.max(1, opts.workers ?? availableParallelism());
  const workerCount =
    compiledWorker === undefined ? 1 : Math.min(wanted, Math.max(diskFiles.length, 1));
  const results: (FileResult | undefined)[] = new Array<FileResult | undefined>(files.length);
  let filesDone = 0;
  let eventsSoFar = 0;
  // The stateful stage takes files strictly in order, whichever worker finishes first; signals
  // are dropped once consumed so only out-of-turn files wait in memory.
  let nextForStage = 0;
  const record = (seq: number, r: FileResult) => {
    results[seq] = r;
    filesDone++;
    eventsSoFar += r.api + r.flow;
    while (nextForStage < files.length && results[nextForStage] !== undefined) {
      const ready = results[nextForStage] as FileResult;
      stage.observe(ready.signals);
      ready.signals = [];
      nextForStage++;
    }
    opts.onProgress?.(filesDone, files.length, eventsSoFar);
  };

  if (workerCount > 1) {
    const seqs = files.map((f, i) => (f.path === '-' ? -1 : i)).filter((i) => i >= 0);
    const init: WorkerInit = { config: opts.config, filters };
    await runPool(
      seqs.map((i) => files[i] as InputFile),
      workerCount,
      init,
      (k, r) => record(seqs[k] as number, r),
    );
  }
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as InputFile;
    if (results[i] === undefined) record(i, await processOnMain(f, proc, opts.stdin));
  }

  const summary = newSummary(workerCount);
  summary.notices = notices;
  // Bad lines of threat-intelligence lists: every worker reads the lists, this reports them once.
  for (const p of proc.enricher.problems) addProblem(summary, p);
  for (const p of sourceProblems) {
    addProblem(summary, p);
    summary.files.skipped++;
  }
  const hits = stage.finish();
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
  for (const r of results) {
    if (r === undefined) continue;
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
    for (const h of r.hits) hits.push(h);
  }

  if (opts.learnOnly === true) hits.length = 0;
  let findings = buildFindings(hits, proc.rules, {
    windowMs: opts.config.findings.windowMinutes * 60_000,
    maxEvidence: opts.config.findings.maxEvidence,
  });
  if (opts.minPriority !== undefined) {
    const min = PRIORITY_RANK[opts.minPriority];
    findings = findings.filter((f) => PRIORITY_RANK[f.priority] >= min);
  }
  for (const f of findings) {
    summary.findings.total++;
    summary.findings.byPriority[f.priority]++;
    if (f.suppressed !== null) summary.findings.suppressed++;
  }
  summary.elapsedMs = Math.round(performance.now() - started);
  const events = summary.events.api + summary.events.flow;
  summary.eventsPerSecond =
    summary.elapsedMs > 0 ? Math.round((events * 1000) / summary.elapsedMs) : events;
  return { findings, summary };
}
