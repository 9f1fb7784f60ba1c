/**
 * Folding signals within a chunk must not change what the stateful stage finds. These tests run
 * the real rules over the Invictus recording and the bundled examples twice, once with every
 * signal (`collectSignals`) and once folded in chunks (`createSignalBatcher`), and compare the
 * hits; then they pin down each fold on hand-made events.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/schema.js';
import type { Hit } from '../findings/finding.js';
import { decodeFile } from '../formats/detect.js';
import { createProcessor } from '../hunt/process.js';
import { inTimeOrder } from '../hunt/run.js';
import type { Event } from '../model/event.js';
import { normaliseCloudTrail } from '../normalise/cloudtrail.js';
import { RULES } from '../rules/registry.js';
import { expandInputs } from '../sources/index.js';
import { MemoryStore } from '../state/memory.js';
import type { RuleFailure } from './evaluate.js';
import type { Signal } from './rule.js';
import { collectSignals, createSignalBatcher } from './signals.js';
import { createStatefulStage } from './stateful.js';

const INVICTUS = fileURLToPath(
  new URL('../../../shared/corpus/invictus-aws-dataset/CloudTrail/', import.meta.url),
);
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

/** Every file's events, enriched, in the order a hunt reads them. */
async function eventsByFile(inputs: string[]): Promise<Event[][]> {
  const proc = createProcessor(RULES, defaultConfig(), {});
  const files = inTimeOrder((await expandInputs(inputs)).files);
  const out: Event[][] = [];
  for (const f of files) {
    const events: Event[] = [];
    for await (const item of decodeFile(f, proc.decode)) {
      let e: Event | undefined;
      if (item.type === 'flow') e = item.event;
      else if (item.type === 'cloudtrail') {
        const n = normaliseCloudTrail(item.record, item.origin);
        if (n.ok) e = n.event;
      }
      if (e === undefined) continue;
      proc.enricher.enrich(e);
      events.push(e);
    }
    out.push(events);
  }
  return out;
}

function stateful(files: Event[][], chunk: number | 'unfolded') {
  const proc = createProcessor(RULES, defaultConfig(), {});
  const stage = createStatefulStage(proc.rules, new MemoryStore(), { maxEvidence: 20 });
  const failures: RuleFailure[] = [];
  let signals = 0;
  const observe = (s: Signal[]) => {
    signals += s.length;
    stage.observe(s);
  };
  for (const events of files) {
    if (chunk === 'unfolded') {
      for (const e of events) {
        const out: Signal[] = [];
        collectSignals(proc.rules, e, out, failures);
        observe(out);
      }
      continue;
    }
    const b = createSignalBatcher(proc.rules, failures);
    for (const e of events) {
      b.add(e);
      if (b.events >= chunk) observe(b.flush());
    }
    observe(b.flush());
  }
  return { hits: stage.finish(), signals, failures };
}

const describeHit = (h: Hit) => `${h.ruleId} | ${h.key} | ${h.time} | ${h.priority} | ${h.summary}`;

describe('folding signals', () => {
  it('finds the same as every signal unfolded, on the Invictus recording and the examples', async () => {
    const files = await eventsByFile([INVICTUS, EXAMPLES]);
    const all = stateful(files, 'unfolded');
    const folded = stateful(files, 4096);
    const small = stateful(files, 7);
    expect(all.failures).toEqual([]);
    expect(all.hits.length).toBeGreaterThan(20);
    const expected = all.hits.map(describeHit).sort();
    expect(folded.hits.map(describeHit).sort()).toEqual(expected);
    expect(small.hits.map(describeHit).sort()).toEqual(expected);
    // Folding is worth having: far fewer signals cross to the stage.
    expect(folded.signals).toBeLessThan(all.signals * 0.5);
    expect(small.signals).toBeLessThan(all.signals);
  });
});
