/**
 * Scoring a hunt against a simulation's labels. An attack scenario is detected for one of its
 * matrix rows when a finding of a rule of that row names, in its evidence, one of the scenario's
 * events (CloudTrail event ids, or flow records by file and line). Every finding that names no
 * labelled event is a finding on benign activity; those after the learning period are what the
 * noise figure counts, per million benign events.
 */
import type { Row } from '../engine/rule.js';
import type { Finding } from '../findings/finding.js';
import type { Label } from './index.js';

export interface RowResult {
  row: Row;
  detected: boolean;
  scenarios: { scenario: string; detected: boolean; rules: string[] }[];
  /** Rules of other rows (or beyond the matrix) that also fired on the row's attacks. */
  otherRules: string[];
}

export interface Score {
  rows: RowResult[];
  rowsDetected: number;
  benign: {
    /** All findings that name no labelled event. */
    findings: number;
    /** Those whose first event is after the learning period. */
    afterLearning: number;
    /** Benign events after the learning period (the denominator). */
    events: number;
    perMillion: number;
    byRule: Record<string, number>;
    examples: { rule: string; summary: string; time: string }[];
  };
}

/** `…/AWSLogs/x/y.log.gz#12` → `AWSLogs/x/y.log.gz#12`, so origins match labels whatever the input path. */
function flowKey(origin: string): string {
  const i = origin.indexOf('AWSLogs/');
  return i < 0 ? origin : origin.slice(i);
}

export function score(
  findings: readonly Finding[],
  labels: readonly Label[],
  rows: readonly Row[],
  opts: { learningEnds: number; benignEventsAfterLearning: number },
): Score {
  const owner = new Map<string, string>();
  for (const l of labels) {
    for (const id of l.eventIds) owner.set(id, l.scenario);
    for (const k of l.flows) owner.set(k, l.scenario);
  }
  const hitsBy = new Map<string, Map<string, Set<string>>>();
  const benignByRule: Record<string, number> = Object.create(null) as Record<string, number>;
  let benign = 0;
  let after = 0;
  const examples: Score['benign']['examples'] = [];
  for (const f of findings) {
    const touched = new Set<string>();
    for (const id of f.evidence.eventIds) {
      const s = owner.get(id);
      if (s !== undefined) touched.add(s);
    }
    for (const o of f.evidence.origins) {
      const s = owner.get(flowKey(o));
      if (s !== undefined) touched.add(s);
    }
    if (touched.size === 0) {
      benign++;
      if (Date.parse(f.time.first) >= opts.learningEnds) {
        after++;
        benignByRule[f.rule.id] = (benignByRule[f.rule.id] ?? 0) + 1;
        // A few examples of each rule, for whoever tunes the configuration.
        if ((benignByRule[f.rule.id] ?? 0) <= 5) {
          examples.push({ rule: f.rule.id, summary: f.summary, time: f.time.first });
        }
      }
      continue;
    }
    for (const s of touched) {
      let byRow = hitsBy.get(s);
      if (byRow === undefined) hitsBy.set(s, (byRow = new Map()));
      const row = f.matrix.row ?? '(beyond the matrix)';
      let rules = byRow.get(row);
      if (rules === undefined) byRow.set(row, (rules = new Set()));
      rules.add(f.rule.id);
    }
  }
  const results: RowResult[] = rows.map((row) => {
    const scen = labels.filter((l) => l.rows.includes(row));
    const other = new Set<string>();
    const scenarios = scen.map((l) => {
      const byRow = hitsBy.get(l.scenario);
      const rules = [...(byRow?.get(row) ?? [])].sort();
      for (const [r, ids] of byRow ?? []) if (r !== row) for (const id of ids) other.add(id);
      return { scenario: l.scenario, detected: rules.length > 0, rules };
    });
    return {
      row,
      detected: scenarios.some((s) => s.detected),
      scenarios,
      otherRules: [...other].sort(),
    };
  });
  const events = opts.benignEventsAfterLearning;
  return {
    rows: results,
    rowsDetected: results.filter((r) => r.detected).length,
    benign: {
      findings: benign,
      afterLearning: after,
      events,
      perMillion: events > 0 ? (after * 1e6) / events : 0,
      byRule: benignByRule,
      examples,
    },
  };
}
