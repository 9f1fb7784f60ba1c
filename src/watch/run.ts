/**
 * `watch`: follows local directories and S3 prefixes, and hunts each object once, as it arrives,
 * with detection state that persists between runs. A cycle lists every source, keeps the objects
 * the ledger has not seen (or whose content changed), and processes them oldest delivery first in
 * batches. A batch is all or nothing, in this order:
 *
 * 1. hunt the batch against the state database, holding back the hunt's checkpoint;
 * 2. drop findings whose id was already emitted (the ledger); append the rest to the output,
 *    synced, skipping ids the output file already holds (written before a kill);
 * 3. hand the unsuppressed ones to the alert sinks (which retry and dead-letter on their own);
 * 4. record the objects, the finding ids and the output's size, then checkpoint: detection state
 *    and the record of what was emitted become durable in one SQLite transaction.
 *
 * A kill before step 4 leaves the state as before the batch, so the restart hunts the same objects
 * again and finds the same findings (ids are stable): the output file skips those it holds, and
 * sinks may get them a second time (at least once). A kill after step 4 loses nothing. A stop
 * request (SIGTERM) is honoured between batches, after the checkpoint.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config, Priority } from '../config/schema.js';
import type { Rule } from '../engine/rule.js';
import type { Finding } from '../findings/finding.js';
import { hunt } from '../hunt/run.js';
import type { EventFilters } from '../hunt/process.js';
import type { AlertSinks } from '../sinks/alerts/index.js';
import { isS3Url, keyDay } from '../sources/s3.js';
import type { StateStore } from '../state/store.js';
import { newMetrics, type WatchMetrics } from './health.js';
import { DeferredCheckpoint, Ledger } from './ledger.js';
import type { Logger } from './log.js';
import type { FindingOutput } from './output.js';
import { deliveryOrder, listSource, type WatchObject } from './sources.js';

/** Objects per batch: one hunt, one checkpoint. */
export const DEFAULT_BATCH = 50;
/**
 * S3 listings start this long before the newest date folder already processed: AWS writes into
 * the folder of the delivery day, so a day back covers a delivery that straddles midnight.
 */
export const LOOKBACK_MS = 86_400_000;

export interface WatchOptions {
  sources: readonly string[];
  store: StateStore;
  config: Config;
  registry: readonly Rule[];
  /** Event filters; `since` also prunes S3 listings. */
  filters: EventFilters;
  workers?: number;
  minPriority?: Priority;
  intervalMs: number;
  output: FindingOutput;
  /** The output file's path (the ledger key of its size), undefined for standard output. */
  outputPath?: string;
  sinks: AlertSinks;
  log: Logger;
  /** Aborted to stop: the batch in hand is finished and checkpointed first. */
  signal: AbortSignal;
  /** One cycle, then return. */
  once?: boolean;
  batchSize?: number;
  metrics?: WatchMetrics;
  /** Called after each completed batch and cycle (health). */
  onProgress?: () => void;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

/**
 * Runs until `signal` is aborted (or one cycle with `once`). Throws only for failures of the state
 * database or the output, after which nothing of the batch in hand was checkpointed.
 */
export async function runWatch(opts: WatchOptions): Promise<WatchMetrics> {
  const m = opts.metrics ?? newMetrics();
  const ledger = new Ledger(opts.store);
  const deferred = new DeferredCheckpoint(opts.store);
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const { log } = opts;
  let newestSeen: number | undefined;
  let newestProcessed: number | undefined;
  let pending: WatchObject[] = [];

  const updateLag = () => {
    const now = Date.now();
    m.pending = pending.length;
    m.lag.newestObject = iso(newestSeen);
    m.lag.newestProcessed = iso(newestProcessed);
    m.lag.behindNewestSeconds =
      pending.length === 0 || newestSeen === undefined
        ? 0
        : Math.max(
            0,
            Math.round((newestSeen - (newestProcessed ?? pending[0]?.mtime ?? newestSeen)) / 1000),
          );
    const oldest = pending.reduce((t, o) => Math.min(t, o.mtime), Infinity);
    m.lag.oldestPendingSeconds =
      pending.length === 0 ? 0 : Math.max(0, Math.round((now - oldest) / 1000));
  };

  const processBatch = async (batch: WatchObject[]): Promise<number> => {
    const started = performance.now();
    const huntOpts: Parameters<typeof hunt>[0] = {
      inputs: batch.map((o) => o.input),
      config: opts.config,
      registry: opts.registry,
      filters: opts.filters,
      state: deferred,
    };
    if (opts.workers !== undefined) huntOpts.workers = opts.workers;
    if (opts.minPriority !== undefined) huntOpts.minPriority = opts.minPriority;
    const { findings, summary } = await hunt(huntOpts);

    const problems = summary.skipped.total + summary.warnings.total;
    m.inputProblems += problems;
    for (const p of summary.problems) {
      log.warn('input problem', {
        file: p.file,
        line: p.line,
        index: p.index,
        code: p.code,
        severity: p.severity,
        reason: p.reason,
      });
    }
    if (summary.problemsOmitted > 0)
      log.warn('more input problems not listed', { omitted: summary.problemsOmitted });

    const fresh: Finding[] = findings.filter((f) => !ledger.hasFinding(f.id));
    m.findings.duplicates += findings.length - fresh.length;
    const written = await opts.output.write(fresh);
    const alerts = fresh.filter((f) => f.suppressed === null);
    if (alerts.length > 0) {
      try {
        const d = await opts.sinks.send(alerts);
        m.sinks.sent += d.sent;
        m.sinks.deadLettered += d.deadLettered;
        // The sinks log each failure themselves; here they are counted.
        m.sinks.failures += d.failures.length;
      } catch (err) {
        // The sinks dead-letter what they cannot send; an exception here is theirs to fix, and
        // the findings are in the output either way.
        m.sinks.failures++;
        log.error('alert sinks failed', { error: err });
      }
    }

    const now = Date.now();
    for (const f of fresh) ledger.markFinding(f.id, now);
    for (const o of batch) {
      const mark =
        o.etag === undefined
          ? { size: o.size, mtime: o.mtime }
          : { size: o.size, mtime: o.mtime, etag: o.etag };
      ledger.markObject(o.key, mark);
    }
    const outMark = opts.output.mark();
    if (opts.outputPath !== undefined && outMark !== undefined)
      ledger.setOutput(opts.outputPath, outMark);
    ledger.trim();
    opts.store.checkpoint();

    const events = summary.events.api + summary.events.flow;
    m.filesProcessed += batch.length;
    m.events += events;
    m.findings.emitted += fresh.length;
    m.findings.suppressed += fresh.length - alerts.length;
    for (const o of batch) newestProcessed = Math.max(newestProcessed ?? 0, o.mtime);
    log.info('batch processed', {
      files: batch.length,
      events,
      findings: fresh.length,
      written,
      alerts: alerts.length,
      duplicates: findings.length - fresh.length,
      problems,
      ms: Math.round(performance.now() - started),
    });
    return fresh.length;
  };

  const cycle = async (): Promise<void> => {
    const started = Date.now();
    const listed: WatchObject[] = [];
    const clean = new Map<string, number | undefined>();
    for (const source of opts.sources) {
      let since = opts.filters.since;
      if (isS3Url(source)) {
        const cursor = ledger.cursor(source);
        if (cursor !== undefined) since = Math.max(since ?? -Infinity, cursor - LOOKBACK_MS);
      }
      const l = await listSource(source, since);
      for (const p of l.problems) {
        m.inputProblems++;
        log.warn('listing problem', { source, file: p.file, code: p.code, reason: p.reason });
      }
      for (const n of l.notices)
        log.debug('left out', { source, path: n.path, files: n.files, reason: n.reason });
      listed.push(...l.objects);
      let newest: number | undefined;
      for (const o of l.objects) {
        const day = keyDay(o.key);
        if (day !== undefined) newest = Math.max(newest ?? 0, day);
      }
      if (l.problems.length === 0 && isS3Url(source)) clean.set(source, newest);
    }
    for (const o of listed) newestSeen = Math.max(newestSeen ?? 0, o.mtime);
    pending = deliveryOrder(listed.filter((o) => ledger.isNew(o.key, o)));
    updateLag();
    let files = 0;
    let findings = 0;
    for (const batch of chunks(pending, batchSize)) {
      if (opts.signal.aborted) break;
      findings += await processBatch(batch);
      files += batch.length;
      pending = pending.slice(batch.length);
      updateLag();
      opts.onProgress?.();
    }
    // A source's cursor moves only once everything it listed was listed cleanly and processed.
    if (pending.length === 0) {
      let moved = false;
      for (const [source, newest] of clean) {
        if (newest === undefined || newest <= (ledger.cursor(source) ?? -Infinity)) continue;
        ledger.setCursor(source, newest);
        moved = true;
      }
      if (moved) opts.store.checkpoint();
    }
    m.cycles++;
    m.lastCycle = {
      at: new Date().toISOString(),
      durationMs: Date.now() - started,
      files,
      findings,
    };
    opts.onProgress?.();
    if (files > 0 || listed.length === 0)
      log.info('cycle done', { listed: listed.length, files, findings, pending: pending.length });
    else log.debug('cycle done', { listed: listed.length, files, findings });
  };

  log.info('watch started', {
    sources: opts.sources,
    intervalSeconds: opts.intervalMs / 1000,
    state: opts.store.kind,
  });
  while (!opts.signal.aborted) {
    await cycle();
    if (opts.once === true) break;
    try {
      await sleep(opts.intervalMs, undefined, { signal: opts.signal });
    } catch {
      // Aborted: stop below.
    }
  }
  return m;
}
