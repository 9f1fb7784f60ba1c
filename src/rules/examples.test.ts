/**
 * Runs every registered rule's labelled examples through the real pipeline stages a record meets
 * in a hunt: CloudTrail normalisation or flow-log parsing, enrichment and rule compilation under the example's
 * configuration, and match evaluation. Each `fire` example must produce a hit of its rule with a
 * usable summary; each `miss` example must produce none.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { createEnricher } from '../enrich/index.js';
import { compileRules } from '../engine/compile.js';
import { evaluateMatch } from '../engine/evaluate.js';
import type { RuleFailure } from '../engine/evaluate.js';
import type { Example, Rule } from '../engine/rule.js';
import type { Hit } from '../findings/finding.js';
import type { Event } from '../model/event.js';
import { actorName } from './lib.js';
import { RULES } from './registry.js';
import { eventOf } from './user-tests.js';

function run(rule: Rule, example: Example): { event: Event; hits: Hit[] } {
  const made = eventOf(
    'record' in example
      ? { kind: 'cloudtrail', record: example.record }
      : { kind: 'flow', line: example.flow, header: example.header },
    `example:${rule.id}`,
    undefined,
  );
  if (!('event' in made)) throw new Error(`example is not a usable event: ${JSON.stringify(made)}`);
  const config = configSchema.parse(example.config ?? {});
  createEnricher(config).enrich(made.event);
  const set = compileRules(RULES, config);
  const hits: Hit[] = [];
  const failures: RuleFailure[] = [];
  evaluateMatch(set, made.event, hits, failures);
  expect(failures.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
  return { event: made.event, hits: hits.filter((h) => h.ruleId === rule.id) };
}

/** Who the summary must name: the principal of an API event, the source of a flow. */
function who(event: Event): string {
  return event.kind === 'api' ? actorName(event) : (event.srcAddr ?? 'an unknown source');
}

describe.each(RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
  it.each(rule.examples.fire.map((x) => [x.title, x] as const))('fires: %s', (_title, example) => {
    const { event, hits } = run(rule, example);
    expect(hits).toHaveLength(1);
    const hit = hits[0] as Hit;
    const actor = who(event);
    expect(actor).not.toBe('an unknown principal');
    expect(hit.summary).toContain(actor);
    // One sentence a responder can read: a single line, no unfilled placeholders.
    expect(hit.summary.trim().length).toBeGreaterThan(actor.length + 10);
    expect(hit.summary).not.toMatch(/\n|undefined|\[object Object\]|NaN/);
    if (event.kind === 'api') expect(hit.eventIds).toEqual([event.eventId]);
  });

  it.each(rule.examples.miss.map((x) => [x.title, x] as const))('misses: %s', (_title, example) => {
    const { hits } = run(rule, example);
    expect(hits).toEqual([]);
  });
});
