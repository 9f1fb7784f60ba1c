/**
 * Running a rule's labelled examples the way a hunt would: each record (or flow line) is
 * normalised, enriched under the example's configuration, matched, and, for stateful rules, turned
 * into signals that a fresh in-memory stateful stage consumes in order. Used by the example test
 * and by anything else that needs to show what a rule does with its examples.
 */
import { configSchema } from '../config/schema.js';
import { createEnricher } from '../enrich/index.js';
import { compileRules } from '../engine/compile.js';
import { evaluateMatch, type RuleFailure } from '../engine/evaluate.js';
import type { Example, Rule, Signal } from '../engine/rule.js';
import { collectSignals } from '../engine/signals.js';
import { createStatefulStage } from '../engine/stateful.js';
import type { Hit } from '../findings/finding.js';
import type { Event } from '../model/event.js';
import { MemoryStore } from '../state/memory.js';
import { eventOf } from './user-tests.js';

export interface ExampleRun {
  events: Event[];
  /** Hits of the rule under test only. */
  hits: Hit[];
  failures: string[];
}

function inputs(example: Example): Parameters<typeof eventOf>[0][] {
  if ('record' in example) return [{ kind: 'cloudtrail', record: example.record }];
  if ('records' in example)
    return example.records.map((record) => ({ kind: 'cloudtrail', record }));
  if ('flows' in example) {
    const header = example.header;
    return example.flows.map((line) => ({ kind: 'flow', line, header }));
  }
  return [{ kind: 'flow', line: example.flow, header: example.header }];
}

/** Runs one example of `rule` with every registered rule enabled, as in a hunt. */
export function runExample(registry: readonly Rule[], rule: Rule, example: Example): ExampleRun {
  const config = configSchema.parse(example.config ?? {});
  const enricher = createEnricher(config);
  const set = compileRules(registry, config);
  const hits: Hit[] = [];
  const ruleFailures: RuleFailure[] = [];
  const signals: Signal[] = [];
  const events: Event[] = [];
  const failures: string[] = [];
  inputs(example).forEach((input, i) => {
    const made = eventOf(input, `example:${rule.id}`, i + 1);
    if (!('event' in made)) {
      failures.push(`example input ${i + 1} is not a usable event: ${JSON.stringify(made)}`);
      return;
    }
    enricher.enrich(made.event);
    events.push(made.event);
    evaluateMatch(set, made.event, hits, ruleFailures);
    collectSignals(set, made.event, signals, ruleFailures);
  });
  const stage = createStatefulStage(set, new MemoryStore(), { maxEvidence: 50 });
  stage.observe(signals);
  hits.push(...stage.finish());
  for (const f of ruleFailures) failures.push(`${f.ruleId}: ${f.message}`);
  for (const f of stage.stats().failures) failures.push(`${f.ruleId}: ${f.message}`);
  return { events, hits: hits.filter((h) => h.ruleId === rule.id), failures };
}
