/**
 * The evasion rules on real records: the Invictus dataset (a recorded Stratus Red Team run against
 * one account) holds CloudTrail tampering, flow-log deletion and log-group deletion as AWS logged
 * them. Each technique must be found, and nothing else in its 2,900 events may fire the evasion
 * rules.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { compileRules } from '../engine/compile.js';
import { evaluateMatch } from '../engine/evaluate.js';
import type { RuleFailure } from '../engine/evaluate.js';
import type { Hit } from '../findings/finding.js';
import type { JsonObject } from '../model/event.js';
import { normaliseCloudTrail } from '../normalise/cloudtrail.js';
import { RULES } from './registry.js';

const DIR = fileURLToPath(
  new URL('../../../shared/corpus/invictus-aws-dataset/CloudTrail/', import.meta.url),
);

function hunt(config: Record<string, unknown> = {}): { hits: Hit[]; failures: RuleFailure[] } {
  const set = compileRules(RULES, configSchema.parse(config));
  const hits: Hit[] = [];
  const failures: RuleFailure[] = [];
  for (const file of readdirSync(DIR).sort()) {
    const records = (JSON.parse(readFileSync(DIR + file, 'utf8')) as { Records: JsonObject[] })
      .Records;
    records.forEach((record, index) => {
      const n = normaliseCloudTrail(record, { file, index });
      if (n.ok) evaluateMatch(set, n.event, hits, failures);
    });
  }
  return { hits, failures };
}

const short = (h: Hit): string =>
  `${h.ruleId.replace('aws.evasion.', '')} ${h.priority} ${h.eventIds.join(',')}`;

describe('evasion rules on the Invictus dataset', () => {
  it('find each tampering technique, attempts one level lower, and nothing else', () => {
    const { hits, failures } = hunt();
    expect(failures).toEqual([]);
    const evasion = hits.filter((h) => h.ruleId.startsWith('aws.evasion.'));
    expect(evasion.map(short).sort()).toEqual(
      [
        // DeleteTrail on a trail that did not exist, then two successful deletions at tear-down.
        'cloudtrail-deleted medium b7e19efd-92be-4182-bbbc-b6468296710b',
        'cloudtrail-deleted high fcec2e46-3cc3-4ac2-8144-3674f06990e4',
        'cloudtrail-deleted high c0057a42-1625-4b1d-9db5-352f931f790a',
        // PutEventSelectors with includeManagementEvents false; the restoring call does not match.
        'cloudtrail-management-events-dropped high 076e96d5-2983-473f-920a-2fc2d7e02777',
        // Three StopLogging attempts that failed with TrailNotFoundException.
        'cloudtrail-stopped medium 9790ee84-ed2b-4866-83d1-f32af0dd4cd2',
        'cloudtrail-stopped medium b4610d54-efe9-40b0-b9f9-71156081d520',
        'cloudtrail-stopped medium f6e10706-705c-47f2-94d4-112a9527ab8b',
        'flow-logs-deleted high de58d903-38d7-4f30-a84b-b79d858e8376',
        'log-group-deleted high 349b65f9-1932-4258-a52e-476cf4fcf6d7',
        // LeaveOrganization, denied: an attempt.
        'organization-left high be7f89b5-d456-4423-b3e6-0fb0b19bad7c',
      ].sort(),
    );
  });

  it('find the lifecycle expiration once the trail bucket is named', () => {
    const without = hunt().hits.filter((h) => h.ruleId.endsWith('lifecycle-expiration'));
    expect(without).toEqual([]);
    const { hits } = hunt({
      rules: {
        'aws.evasion.cloudtrail-bucket-lifecycle-expiration': {
          knobs: { trailBuckets: ['stratus-red-team-ctlr-bucket-*'] },
        },
      },
    });
    expect(hits.filter((h) => h.ruleId.endsWith('lifecycle-expiration')).map(short)).toEqual([
      'cloudtrail-bucket-lifecycle-expiration high 7823c70d-f7f9-4a04-b4c0-baa8fbe09ea3',
    ]);
  });
});
