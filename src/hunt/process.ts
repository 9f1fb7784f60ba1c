/**
 * One input, start to end: decode, normalise, filter, match. Runs inside a worker thread (one file
 * at a time) or on the main thread (standard input, single files, `--workers 1`). Its result is
 * plain data so it can cross a thread boundary unchanged.
 */
import type { Config } from '../config/schema.js';
import { createEnricher, type Enricher } from '../enrich/index.js';
import { compileRules, type CompiledRuleSet } from '../engine/compile.js';
import { evaluateMatch, type RuleFailure } from '../engine/evaluate.js';
import { createSignalBatcher } from '../engine/signals.js';
import { foldHits, type BuildOptions } from '../findings/build.js';
import type { Hit } from '../findings/finding.js';
import type { Decoded, DecodeOptions, InputProblem } from '../formats/types.js';
import type { Event } from '../model/event.js';
import { normaliseCloudTrail } from '../normalise/cloudtrail.js';
import type { Rule, Signal } from '../engine/rule.js';

/** Event filters from the command line; all optional. */
export interface EventFilters {
  since?: number;
  until?: number;
  accounts?: readonly string[];
  regions?: readonly string[];
}

export interface FileResult {
  hits: Hit[];
  problems: InputProblem[];
  records: number;
  api: number;
  flow: number;
  filteredOut: number;
  nodata: number;
  skipdata: number;
}

export function emptyResult(): FileResult {
  return {
    hits: [],
    problems: [],
    records: 0,
    api: 0,
    flow: 0,
    filteredOut: 0,
    nodata: 0,
    skipdata: 0,
  };
}

/** Everything a processor needs, built once per thread. */
export interface Processor {
  rules: CompiledRuleSet;
  decode: DecodeOptions;
  /** How a file's hits are folded before they leave the thread (see `foldHits`). */
  fold: BuildOptions;
  filters: EventFilters;
  /** Adds address classes, places and threat intelligence before rules see an event. */
  enricher: Enricher;
}

/**
 * Builds a processor. The enricher defaults to one built from `config`, whose list and snapshot
 * paths must then be absolute or relative to the working directory (see `resolveEnrichPaths`).
 */
export function createProcessor(
  registry: readonly Rule[],
  config: Config,
  filters: EventFilters,
  enricher: Enricher = createEnricher(config),
): Processor {
  return {
    rules: compileRules(registry, config),
    decode: { maxRecordBytes: config.input.maxRecordBytes },
    fold: {
      windowMs: config.findings.windowMinutes * 60_000,
      maxEvidence: config.findings.maxEvidence,
    },
    filters,
    enricher,
  };
}

const NO_EXAMPLES: Rule['examples'] = Object.freeze({
  fire: Object.freeze([]),
  miss: Object.freeze([]),
});

/**
 * Lets the rules' examples go, for a thread that only hunts: they are records for the docs and
 * `trailhound rules test`, built when the rule modules load (about 6.6 MiB of heap for the whole
 * registry), and compiled rules never read them. Mutates the rules: use it only where nothing else
 * will want the examples.
 */
export function releaseExamples(registry: readonly Rule[]): void {
  for (const rule of registry) rule.examples = NO_EXAMPLES;
}

function passes(e: Event, f: EventFilters): boolean {
  if (f.since !== undefined && e.time < f.since) return false;
  if (f.until !== undefined && e.time > f.until) return false;
  if (f.accounts !== undefined && (e.account === undefined || !f.accounts.includes(e.account)))
    return false;
  if (f.regions !== undefined && (e.region === undefined || !f.regions.includes(e.region)))
    return false;
  return true;
}

function failureProblem(f: RuleFailure): InputProblem {
  const p: InputProblem = {
    code: 'rule-error',
    severity: 'warning',
    file: f.event.origin.file,
    reason: `rule ${f.ruleId} failed on this record: ${f.message}`,
  };
  if (f.event.origin.line !== undefined) p.line = f.event.origin.line;
  if (f.event.origin.index !== undefined) p.index = f.event.origin.index;
  return p;
}

/**
 * Flow-log records before version 4 carry no region, and the account only from version 2's
 * `account-id`; S3 deliveries name both in the path (`AWSLogs/<account>/vpcflowlogs/<region>/…`),
 * so a record that lacks them takes them from there.
 */
const FLOW_PATH = /AWSLogs\/(?:o-[a-z0-9]+\/)?(\d{12})\/vpcflowlogs\/([a-z]{2}(?:-[a-z]+)+-\d+)\//;

function flowPlace(file: string): { account?: string; region?: string } {
  const m = FLOW_PATH.exec(file.replaceAll('\\', '/'));
  return m ? { account: m[1] as string, region: m[2] as string } : {};
}

/**
 * Events per chunk of signals. Signals fold within a chunk (see `createSignalBatcher`), and a
 * chunk is what crosses to the stateful stage at a time, so this bounds the memory a file's
 * signals take however large the file.
 */
export const SIGNAL_CHUNK_EVENTS = 4096;

/**
 * Consumes one decoded stream, in batches (`decodeFileBatches`), into a result. The stateful stage's input goes to `onSignals`, in
 * chunks, in record order, as the file is read; without it, stateful rules are not evaluated.
 */
export async function processDecoded(
  batches: AsyncIterable<readonly Decoded[]>,
  proc: Processor,
  onSignals?: (signals: Signal[]) => void,
): Promise<FileResult> {
  const r = emptyResult();
  const failures: RuleFailure[] = [];
  const batcher =
    onSignals !== undefined && proc.rules.stateful.length > 0
      ? createSignalBatcher(proc.rules, failures)
      : undefined;
  let place: { account?: string; region?: string } | undefined;
  for await (const batch of batches)
    for (const item of batch) {
      let event: Event;
      switch (item.type) {
        case 'problem':
          r.problems.push(item.problem);
          if (
            item.problem.severity === 'skip' &&
            (item.problem.line ?? item.problem.index) !== undefined
          )
            r.records++;
          continue;
        case 'flow-status':
          r.records++;
          if (item.status === 'NODATA') r.nodata++;
          else r.skipdata++;
          continue;
        case 'flow':
          r.records++;
          event = item.event;
          if (event.region === undefined || event.account === undefined) {
            place ??= flowPlace(event.origin.file);
            event.region ??= place.region;
            event.account ??= place.account;
          }
          break;
        case 'cloudtrail': {
          r.records++;
          const n = normaliseCloudTrail(item.record, item.origin);
          if (!n.ok) {
            const p: InputProblem = {
              code: n.code,
              severity: 'skip',
              file: item.origin.file,
              reason: n.reason,
            };
            if (item.origin.line !== undefined) p.line = item.origin.line;
            if (item.origin.index !== undefined) p.index = item.origin.index;
            r.problems.push(p);
            continue;
          }
          event = n.event;
          break;
        }
      }
      if (!passes(event, proc.filters)) {
        r.filteredOut++;
        continue;
      }
      if (event.kind === 'api') r.api++;
      else r.flow++;
      proc.enricher.enrich(event);
      evaluateMatch(proc.rules, event, r.hits, failures);
      if (batcher !== undefined) {
        batcher.add(event);
        if (batcher.events >= SIGNAL_CHUNK_EVENTS) onSignals?.(batcher.flush());
      }
    }
  if (batcher !== undefined && batcher.events > 0) onSignals?.(batcher.flush());
  for (const f of failures) r.problems.push(failureProblem(f));
  r.hits = foldHits(r.hits, proc.fold);
  return r;
}
