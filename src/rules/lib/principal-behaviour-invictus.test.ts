/**
 * The stateful principal-behaviour rules (REC-1, DATA-1, COMP-1, GEO-1 over time) on the Invictus
 * recording, run through normalisation, enrichment, signals and the stateful stage as a hunt runs
 * them. Stratus Red Team's secret and parameter harvesting and its user-data sweep must be found
 * with default knobs; with Terraform configured as automation, the set-up's own reads and
 * enumeration must drop out while the attacks stay.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { createEnricher } from '../../enrich/index.js';
import { compileRules } from '../../engine/compile.js';
import type { RuleFailure } from '../../engine/evaluate.js';
import type { Signal } from '../../engine/rule.js';
import { collectSignals } from '../../engine/signals.js';
import { createStatefulStage } from '../../engine/stateful.js';
import type { Hit } from '../../findings/finding.js';
import type { Event } from '../../model/event.js';
import { normaliseCloudTrail } from '../../normalise/cloudtrail.js';
import { MemoryStore } from '../../state/memory.js';
import { RULES } from '../registry.js';
import { cloudTrailDir } from './replay.js';

const DIR = fileURLToPath(
  new URL('../../../../shared/corpus/invictus-aws-dataset/CloudTrail/', import.meta.url),
);

const MINE = [
  'aws.recon.bulk-enumeration',
  'aws.recon.access-denied-burst',
  'aws.recon.user-data-enumeration',
  'aws.data.secret-read-burst',
  'aws.data.parameter-decrypt-burst',
  'aws.data.object-download-spike',
  'aws.data.object-bytes-spike',
  'aws.data.kms-decrypt-spike',
  'aws.compute.instance-launch-burst',
  'aws.compute.new-instance-type-for-account',
  'aws.compute.new-region-for-account',
  'aws.time-geo.new-country-for-principal',
  'aws.time-geo.new-asn-for-principal',
  'aws.time-geo.impossible-travel',
  'aws.time-geo.unusual-hour-for-principal',
  'aws.time-geo.console-brute-force',
  'aws.time-geo.password-spraying',
];

const TERRAFORM = { organisation: { automationUserAgents: ['*Terraform/*'] } };

function hunt(config: Record<string, unknown> = {}): Hit[] {
  const parsed = configSchema.parse(config);
  const set = compileRules(
    RULES.filter((r) => MINE.includes(r.id)),
    parsed,
  );
  const enricher = createEnricher(parsed);
  const events: Event[] = [];
  for (const { record, origin } of cloudTrailDir(DIR)) {
    const n = normaliseCloudTrail(record, origin);
    if (!n.ok) continue;
    enricher.enrich(n.event);
    events.push(n.event);
  }
  events.sort((a, b) => a.time - b.time);
  const signals: Signal[] = [];
  const failures: RuleFailure[] = [];
  for (const e of events) collectSignals(set, e, signals, failures);
  expect(failures).toEqual([]);
  const stage = createStatefulStage(set, new MemoryStore(), { maxEvidence: 1_000 });
  stage.observe(signals);
  const hits = stage.finish();
  expect(stage.stats().failures).toEqual([]);
  return hits;
}

/** User agents of the records with these event ids, read from the files independently. */
function userAgentsOf(ids: readonly string[]): Set<string> {
  const wanted = new Set(ids);
  const out = new Set<string>();
  for (const file of readdirSync(DIR)) {
    const { Records } = JSON.parse(readFileSync(DIR + file, 'utf8')) as {
      Records: { eventID: string; userAgent?: string }[];
    };
    for (const r of Records) if (wanted.has(r.eventID)) out.add(r.userAgent ?? '');
  }
  return out;
}

const of = (hits: Hit[], id: string): Hit[] => hits.filter((h) => h.ruleId === id);

describe('principal-behaviour rules on the Invictus dataset', () => {
  const defaults = hunt();
  const withTerraform = hunt(TERRAFORM);

  it('find the secret harvest with default knobs', () => {
    const secrets = of(defaults, 'aws.data.secret-read-burst');
    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.figures?.observed).toBeGreaterThanOrEqual(10);
    expect(secrets[0]?.summary).toContain('user/bert-jan');
  });

  it('attribute the secret harvest to Stratus Red Team once Terraform is automation', () => {
    const secrets = of(withTerraform, 'aws.data.secret-read-burst');
    expect(secrets).toHaveLength(1);
    const agents = [...userAgentsOf(secrets[0]?.eventIds ?? [])];
    expect(agents.length).toBeGreaterThan(0);
    expect(agents.every((a) => a.startsWith('stratus-red-team_'))).toBe(true);
  });

  it('find the batched parameter harvest (five GetParameters calls) once Terraform is automation', () => {
    const params = of(withTerraform, 'aws.data.parameter-decrypt-burst');
    expect(params).toHaveLength(1);
    expect(params[0]?.figures?.observed).toBe(5);
    expect([...userAgentsOf(params[0]?.eventIds ?? [])].every((a) => a.startsWith('stratus'))).toBe(
      true,
    );
  });

  it('find the user-data sweep of the get-user-data role', () => {
    const sweep = of(defaults, 'aws.recon.user-data-enumeration');
    expect(sweep).toHaveLength(1);
    expect(sweep[0]?.key).toBe('arn:aws:iam::123837392027:role/stratus-red-team-get-usr-data-role');
    expect(sweep[0]?.priority).toBe('high');
  });

  it('find the denied bursts of both Stratus role sessions', () => {
    const keys = of(defaults, 'aws.recon.access-denied-burst').map((h) => h.key);
    expect(keys).toContain(
      'arn:aws:iam::123837392027:role/stratus-red-team-ec2-get-password-data-role',
    );
    expect(keys).toContain('arn:aws:iam::123837392027:role/stratus-red-team-get-usr-data-role');
  });

  it('report the Terraform set-up as bulk enumeration only while it is not automation', () => {
    expect(of(defaults, 'aws.recon.bulk-enumeration').length).toBeGreaterThan(0);
    expect(of(withTerraform, 'aws.recon.bulk-enumeration')).toEqual([]);
  });

  it('report no time or place findings: one day of history is all learning, no address is public', () => {
    const geo = defaults.filter((h) => h.ruleId.startsWith('aws.time-geo.'));
    expect(geo).toEqual([]);
  });
});
