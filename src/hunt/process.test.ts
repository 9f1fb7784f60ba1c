import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/schema.js';
import type { Rule, Signal } from '../engine/rule.js';
import type { Hit } from '../findings/finding.js';
import { decodeFileBatches } from '../formats/detect.js';
import { RULES } from '../rules/registry.js';
import { expandInputs } from '../sources/index.js';
import { createProcessor, processDecoded, releaseExamples } from './process.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

/** What a processor built from `registry` makes of the bundled examples: hits and signals. */
async function hunt(registry: readonly Rule[], release: boolean) {
  const proc = createProcessor(registry, defaultConfig(), {});
  if (release) releaseExamples(registry);
  const hits: Hit[] = [];
  const signals: Signal[] = [];
  for (const f of (await expandInputs([EXAMPLES])).files) {
    const r = await processDecoded(decodeFileBatches(f, proc.decode), proc, (s) =>
      signals.push(...s),
    );
    hits.push(...r.hits);
  }
  return { hits, signals };
}

describe('releaseExamples', () => {
  it('lets every rule example go, and a processor built before finds the same', async () => {
    const copies = RULES.map((r) => ({ ...r }));
    const kept = await hunt(RULES, false);
    const released = await hunt(copies, true);
    expect(copies.every((r) => r.examples.fire.length === 0 && r.examples.miss.length === 0)).toBe(
      true,
    );
    // The registry's own rules keep theirs.
    expect(RULES.filter((r) => r.examples.fire.length > 0).length).toBe(RULES.length);
    expect(kept.hits.length).toBeGreaterThan(10);
    expect(kept.signals.length).toBeGreaterThan(10);
    expect(released).toEqual(kept);
  });
});
