/**
 * Replaying CloudTrail records through the stages a hunt runs them through (normalise, enrich,
 * compile, match) without workers or sinks, for tests that check what rules find in a recorded
 * dataset such as the Invictus corpus.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/schema.js';
import { createEnricher } from '../../enrich/index.js';
import { compileRules } from '../../engine/compile.js';
import { evaluateMatch } from '../../engine/evaluate.js';
import type { RuleFailure } from '../../engine/evaluate.js';
import type { Rule } from '../../engine/rule.js';
import type { Hit } from '../../findings/finding.js';
import type { JsonObject, Origin } from '../../model/event.js';
import { normaliseCloudTrail } from '../../normalise/cloudtrail.js';

export interface Replay {
  hits: Hit[];
  failures: RuleFailure[];
  /** Records that did not normalise (not CloudTrail, bad time). */
  skipped: number;
}

/**
 * Runs `records` through `rules` under `config`, enriching addresses as a hunt does (with the
 * data shipped in the package) unless `enrich` is false.
 */
export function replay(
  rules: readonly Rule[],
  config: Config,
  records: Iterable<{ record: JsonObject; origin: Origin }>,
  opts: { enrich?: boolean } = {},
): Replay {
  const set = compileRules(rules, config);
  const enricher = opts.enrich === false ? undefined : createEnricher(config);
  const out: Replay = { hits: [], failures: [], skipped: 0 };
  for (const { record, origin } of records) {
    const n = normaliseCloudTrail(record, origin);
    if (!n.ok) {
      out.skipped += 1;
      continue;
    }
    enricher?.enrich(n.event);
    evaluateMatch(set, n.event, out.hits, out.failures);
  }
  return out;
}

/**
 * The records of every `{"Records":[…]}` file in `dir` (not recursive), in file-name order, each
 * with its origin.
 */
export function* cloudTrailDir(dir: string): Generator<{ record: JsonObject; origin: Origin }> {
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue;
    const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { Records?: unknown };
    const records = Array.isArray(parsed.Records) ? parsed.Records : [];
    for (let index = 0; index < records.length; index++) {
      const record: unknown = records[index];
      if (typeof record === 'object' && record !== null && !Array.isArray(record)) {
        yield { record: record as JsonObject, origin: { file, index } };
      }
    }
  }
}
