/**
 * Findings from real hunts, for tests of the output formats: the bundled examples (the intrusion
 * story) and the Invictus CloudTrail dataset in `../shared/corpus` (real records, other principals,
 * a service name as source address). One hunt per input per test file, on the main thread.
 */
import path from 'node:path';
import { defaultConfig } from '../../src/config/schema.js';
import type { Finding } from '../../src/findings/finding.js';
import { hunt } from '../../src/hunt/run.js';
import { RULES } from '../../src/rules/registry.js';

export const EXAMPLES = 'examples/';
export const INVICTUS = path.resolve('../shared/corpus/invictus-aws-dataset/CloudTrail');

const cache = new Map<string, Promise<Finding[]>>();

/** The findings of `trailhound hunt INPUT` with no configuration. */
export function huntFindings(input: string): Promise<Finding[]> {
  let run = cache.get(input);
  if (!run) {
    run = hunt({ inputs: [input], config: defaultConfig(), registry: RULES, workers: 1 }).then(
      (r) => r.findings,
    );
    cache.set(input, run);
  }
  return run;
}

/** `f` as a suppression or an approved change would leave it. */
export function suppressedCopy(f: Finding, by = 'suppression'): Finding {
  return {
    ...f,
    suppressed: { by, reason: 'scheduled red-team exercise', ticket: 'CHG-123' },
  };
}
