/**
 * Hits → findings. Hits of one rule with the same key whose event times fall in the same window
 * (tumbling windows aligned to the epoch, so a window never depends on where a run started) become
 * one finding. The finding id hashes rule id, key and window start, so the same input gives the
 * same ids in every run, and a later run can recognise a finding it has already sent.
 */
import { createHash } from 'node:crypto';
import type { Priority } from '../config/schema.js';
import type { CompiledRuleSet } from '../engine/compile.js';
import { formatLocation } from '../errors.js';
import type { Origin } from '../model/event.js';
import type { Finding, Hit } from './finding.js';

export const PRIORITY_RANK: Readonly<Record<Priority, number>> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

export function formatOrigin(o: Origin): string {
  return formatLocation(o);
}

/** Deterministic order of hits: event time, then where the event came from, then rule. */
export function compareHits(a: Hit, b: Hit): number {
  if (a.time !== b.time) return a.time - b.time;
  const oa = a.origins[0];
  const ob = b.origins[0];
  if (oa && ob) {
    if (oa.file !== ob.file) return oa.file < ob.file ? -1 : 1;
    const pa = oa.line ?? oa.index ?? 0;
    const pb = ob.line ?? ob.index ?? 0;
    if (pa !== pb) return pa - pb;
  }
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function findingId(ruleId: string, key: string, windowStart: number): string {
  return createHash('sha256')
    .update(`${ruleId}\n${key}\n${new Date(windowStart).toISOString()}`)
    .digest('hex')
    .slice(0, 32);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * Folds the hits of one input file into one hit per rule, key and window, so a worker sends its
 * findings-to-be rather than one message per matching event. `buildFindings` merges these partial
 * groups exactly as it merges single hits; the result does not depend on how files were spread
 * over workers, because each file is folded on its own and files are merged in a fixed order.
 */
export function foldHits(hits: readonly Hit[], opts: BuildOptions): Hit[] {
  const sorted = [...hits].sort(compareHits);
  const groups = new Map<string, Hit>();
  for (const h of sorted) {
    const gk = `${h.ruleId}\u0000${h.key}\u0000${windowOf(h.time, opts.windowMs)}`;
    const g = groups.get(gk);
    if (g === undefined) {
      const copy: Hit = { ...h, eventIds: [...h.eventIds], origins: [...h.origins] };
      if (h.actions !== undefined) copy.actions = [...h.actions];
      groups.set(gk, copy);
      continue;
    }
    if (PRIORITY_RANK[h.priority] > PRIORITY_RANK[g.priority]) g.priority = h.priority;
    g.lastTime = Math.max(g.lastTime ?? g.time, h.lastTime ?? h.time);
    g.count += h.count;
    for (const id of h.eventIds) if (g.eventIds.length < opts.maxEvidence) g.eventIds.push(id);
    for (const o of h.origins) if (g.origins.length < opts.maxEvidence) g.origins.push(o);
    const actions = mergeActions(g.actions, h.actions, opts.maxEvidence);
    if (actions === undefined) delete g.actions;
    else g.actions = actions;
  }
  return [...groups.values()];
}

/**
 * The distinct actions of two groups of events, or undefined when either group's are unknown or
 * there are more than `max`: a partial list must never read as "these are all the actions", since
 * approved-change correlation relies on it being complete.
 */
function mergeActions(
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
  max: number,
): string[] | undefined {
  if (a === undefined || b === undefined) return undefined;
  const out = [...a];
  for (const x of b) if (!out.includes(x)) out.push(x);
  return out.length > max ? undefined : out;
}

export interface BuildOptions {
  windowMs: number;
  maxEvidence: number;
}

/** Start of the tumbling window (aligned to the epoch) that `time` falls in. */
export function windowOf(time: number, windowMs: number): number {
  return Math.floor(time / windowMs) * windowMs;
}

/**
 * The finding one group of hits stands for: `hits` share rule, key and window and come in
 * `compareHits` order. Undefined when the rule is not in the set.
 */
export function findingOf(
  windowStart: number,
  hits: readonly Hit[],
  rules: CompiledRuleSet,
  opts: BuildOptions,
): Finding | undefined {
  const first = hits[0];
  if (first === undefined) return undefined;
  const compiled = rules.byId.get(first.ruleId);
  if (compiled === undefined) return undefined;
  const rule = compiled.rule;
  let priority: Priority = first.priority;
  let last = first.lastTime ?? first.time;
  let count = 0;
  const eventIds: string[] = [];
  const origins: string[] = [];
  let actions: string[] | undefined = first.actions === undefined ? undefined : [];
  for (const h of hits) {
    actions = mergeActions(actions, h.actions, opts.maxEvidence);
    if (PRIORITY_RANK[h.priority] > PRIORITY_RANK[priority]) priority = h.priority;
    last = Math.max(last, h.lastTime ?? h.time);
    count += h.count;
    for (const id of h.eventIds) {
      if (eventIds.length < opts.maxEvidence) eventIds.push(id);
    }
    for (const o of h.origins) {
      if (origins.length < opts.maxEvidence) origins.push(formatOrigin(o));
    }
  }
  // A match rule's summary describes one event; say how many the finding stands for, however
  // they were spread over files. A stateful group's summary states its own count.
  const several = rule.kind === 'match' ? count > 1 : hits.length > 1;
  const summary = several
    ? `${first.summary} (${count} matching events in this window)`
    : first.summary;
  const finding: Finding = {
    id: findingId(rule.id, first.key, windowStart),
    rule: { id: rule.id, title: rule.title },
    matrix: { category: rule.category, row: rule.row },
    priority,
    mitre: [...rule.mitre],
    time: { first: iso(first.time), last: iso(last) },
    account: first.account ?? null,
    region: first.region ?? null,
    actor: first.actor,
    summary,
    evidence: { count, eventIds, origins },
    suppressed: null,
  };
  // Every event contributes one origin, so fewer origins than events means the list was capped.
  if (count > origins.length) finding.evidence.truncated = true;
  if (first.figures !== undefined) finding.evidence.figures = first.figures;
  if (actions !== undefined) finding.evidence.actions = actions.sort();
  if (compiled.assumptions.length > 0) finding.assumptions = [...compiled.assumptions];
  return finding;
}

/**
 * Output order of findings: first time, then priority (highest first), rule and id. Times are
 * compared as instants: `time.first` drops a zero fraction (`…:00Z`), so comparing the strings
 * would put `…:00.500Z` before `…:00Z`.
 */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.time.first !== b.time.first) {
    const ta = Date.parse(a.time.first);
    const tb = Date.parse(b.time.first);
    if (ta !== tb) return ta - tb;
  }
  const pr = PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority];
  if (pr !== 0) return pr;
  if (a.rule.id !== b.rule.id) return a.rule.id < b.rule.id ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
