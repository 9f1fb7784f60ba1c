/**
 * Running labelled events the way a hunt would: each record (or flow line) is normalised,
 * enriched, matched against rules compiled under the example's configuration, and, for stateful
 * rules, turned into signals that a fresh in-memory stateful stage consumes in order. It is the
 * one path for a rule's own examples (the example test) and for a user's cases (`trailhound rules
 * test`, which brings its own layered configuration and enricher), so a story behaves the same in
 * both.
 */
import { configSchema } from '../config/schema.js';
import { createEnricher, type Enricher } from '../enrich/index.js';
import { compileRules, type CompiledRuleSet } from '../engine/compile.js';
import { evaluateMatch, type RuleFailure } from '../engine/evaluate.js';
import type { Example, Rule, Signal } from '../engine/rule.js';
import { collectSignals } from '../engine/signals.js';
import { createStatefulStage } from '../engine/stateful.js';
import type { Hit } from '../findings/finding.js';
import { createFlowParser } from '../formats/flow.js';
import type { Event, JsonObject } from '../model/event.js';
import { normaliseCloudTrail } from '../normalise/cloudtrail.js';
import { MemoryStore } from '../state/memory.js';

/** One input of an example: a CloudTrail record, or a flow-log line with its file's header. */
export type ExampleInput =
  | { kind: 'cloudtrail'; record: JsonObject }
  | { kind: 'flow'; line: string; header: string | undefined };

export type Made =
  | { event: Event }
  /** A flow-log NODATA or SKIPDATA line: read, but no traffic for a rule to see. */
  | { quiet: string }
  | { unusable: string };

/** The input as the pipeline reads it: a normalised record or a parsed flow line. */
export function eventOf(input: ExampleInput, file: string, line: number | undefined): Made {
  if (input.kind === 'cloudtrail') {
    const n = normaliseCloudTrail(input.record, line === undefined ? { file } : { file, line });
    return n.ok ? { event: n.event } : { unusable: `not a usable CloudTrail record: ${n.reason}` };
  }
  const decoded = createFlowParser(file, input.header).parse(input.line, line ?? 1);
  if (decoded === null) return { unusable: 'an empty flow-log line' };
  if (decoded.type === 'flow') return { event: decoded.event };
  if (decoded.type === 'flow-status') {
    return { quiet: `the flow line is a ${decoded.status} record, which carries no traffic` };
  }
  if (decoded.type === 'problem') {
    return { unusable: `not a usable flow-log line: ${decoded.problem.reason}` };
  }
  return { unusable: 'not a flow-log record' };
}

/** The inputs of an example in order: one for `record` / `flow`, the story for `records` / `flows`. */
export function exampleInputs(example: Example): ExampleInput[] {
  if ('record' in example) return [{ kind: 'cloudtrail', record: example.record }];
  if ('records' in example)
    return example.records.map((record) => ({ kind: 'cloudtrail', record }));
  if ('flows' in example) {
    const header = example.header;
    return example.flows.map((line) => ({ kind: 'flow', line, header }));
  }
  return [{ kind: 'flow', line: example.flow, header: example.header }];
}

/** What a run is made with: rules compiled under one configuration, and its enricher. */
export interface ExampleStages {
  rules: CompiledRuleSet;
  enricher: Enricher;
  /** Evidence kept per stateful finding (`findings.maxEvidence`). */
  maxEvidence: number;
}

/** The stages of an example run on its own: every registered rule under the example's config. */
export function exampleStages(registry: readonly Rule[], example: Example): ExampleStages {
  const config = configSchema.parse(example.config ?? {});
  return {
    rules: compileRules(registry, config),
    enricher: createEnricher(config),
    maxEvidence: config.findings.maxEvidence,
  };
}

export interface RunOptions {
  /** Stages to run with instead of compiling the registry under `example.config`. */
  stages?: ExampleStages;
  /** The file the events' origins name; default `example:<rule id>`. */
  file?: string;
  /** The line of each input in that file; default its position in the example, from 1. */
  lines?: readonly (number | undefined)[];
}

export interface ExampleRun {
  events: Event[];
  /** Hits of the rule under test only. */
  hits: Hit[];
  /** Hits of every other rule. */
  others: Hit[];
  /** Rule functions that threw (any rule), match and stateful. */
  ruleFailures: { ruleId: string; message: string }[];
  /** Inputs the pipeline would skip, with why: `input 3 is not a usable CloudTrail record: …`. */
  unusable: string[];
  /** Flow lines that carry no traffic (NODATA, SKIPDATA), with why. */
  quiet: string[];
  /** Everything above that makes a rule's own example wrong, one sentence each. */
  failures: string[];
}

/**
 * Runs one example (a single event or a story) of `rule`, with every rule of `registry` enabled
 * as in a hunt under the example's configuration, or with the `stages` given (which already hold
 * their compiled rules; the registry is then not read).
 *
 * @example
 * const { hits } = runExample(RULES, rule, rule.examples.fire[0]);
 */
export function runExample(
  registry: readonly Rule[],
  rule: Pick<Rule, 'id'>,
  example: Example,
  opts: RunOptions = {},
): ExampleRun {
  const stages = opts.stages ?? exampleStages(registry, example);
  const file = opts.file ?? `example:${rule.id}`;
  const hits: Hit[] = [];
  const matchFailures: RuleFailure[] = [];
  const signals: Signal[] = [];
  const run: ExampleRun = {
    events: [],
    hits: [],
    others: [],
    ruleFailures: [],
    unusable: [],
    quiet: [],
    failures: [],
  };
  const inputs = exampleInputs(example);
  inputs.forEach((input, i) => {
    const line = opts.lines === undefined ? i + 1 : opts.lines[i];
    const made = eventOf(input, file, line);
    const which = inputs.length === 1 ? 'the input' : `input ${i + 1}`;
    if ('unusable' in made) {
      run.unusable.push(`${which} is ${made.unusable}`);
      return;
    }
    if ('quiet' in made) {
      run.quiet.push(made.quiet);
      return;
    }
    stages.enricher.enrich(made.event);
    run.events.push(made.event);
    evaluateMatch(stages.rules, made.event, hits, matchFailures);
    collectSignals(stages.rules, made.event, signals, matchFailures);
  });
  const stage = createStatefulStage(stages.rules, new MemoryStore(), {
    maxEvidence: stages.maxEvidence,
  });
  stage.observe(signals);
  hits.push(...stage.finish());
  for (const f of [...matchFailures, ...stage.stats().failures]) {
    run.ruleFailures.push({ ruleId: f.ruleId, message: f.message });
  }
  for (const h of hits) (h.ruleId === rule.id ? run.hits : run.others).push(h);
  run.failures = [
    ...run.unusable,
    // A rule's own example should not rely on lines that carry nothing.
    ...run.quiet.map((q) => `an input carries no traffic: ${q}`),
    ...run.ruleFailures.map((f) => `${f.ruleId}: ${f.message}`),
  ];
  return run;
}
