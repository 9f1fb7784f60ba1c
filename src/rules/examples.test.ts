/**
 * Runs every registered rule's labelled examples through the real pipeline stages a record meets
 * in a hunt (see examples.ts): normalisation or flow-log parsing, enrichment, rule compilation
 * under the example's configuration, match evaluation and, for stateful rules, the stateful stage.
 * Each `fire` example must produce a hit of its rule with a usable summary; each `miss` example
 * must produce none.
 */
import { describe, expect, it } from 'vitest';
import type { Hit } from '../findings/finding.js';
import type { Event } from '../model/event.js';
import { runExample } from './examples.js';
import { actorName } from './lib.js';
import { RULES } from './registry.js';

/** Who the summary must name: the principal of an API event, the source of a flow. */
function who(event: Event): string {
  return event.kind === 'api' ? actorName(event) : (event.srcAddr ?? 'an unknown source');
}

describe.each(RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
  it.each(rule.examples.fire.map((x) => [x.title, x] as const))('fires: %s', (_title, example) => {
    const { events, hits, failures } = runExample(RULES, rule, example);
    expect(failures).toEqual([]);
    if (rule.kind === 'match') expect(hits).toHaveLength(1);
    else expect(hits.length).toBeGreaterThanOrEqual(1);
    const hit = hits[0] as Hit;
    // A match rule names the actor of its event; a stateful one the actor of some contributing event.
    const names = events.map(who);
    expect(names.some((n) => n !== 'an unknown principal' && hit.summary.includes(n))).toBe(true);
    // One sentence a responder can read: a single line, no unfilled placeholders.
    expect(hit.summary.trim().length).toBeGreaterThan(20);
    expect(hit.summary).not.toMatch(/\n|undefined|\[object Object\]|NaN/);
    const first = events[0];
    if (rule.kind === 'match' && first?.kind === 'api')
      expect(hit.eventIds).toEqual([first.eventId]);
  });

  it.each(rule.examples.miss.map((x) => [x.title, x] as const))('misses: %s', (_title, example) => {
    const { hits, failures } = runExample(RULES, rule, example);
    expect(failures).toEqual([]);
    expect(hits).toEqual([]);
  });
});
