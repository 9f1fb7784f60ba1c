/**
 * The network rules on real records: the Invictus dataset (a recorded Stratus Red Team run against
 * one account) builds VPCs with internet and NAT gateways, default routes and a security group
 * opened to the internet. Each of those must be found with the priority the rules promise, and
 * telling the rules which user agent is the organisation's automation must quieten the set-up.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { compileRules } from '../../engine/compile.js';
import { evaluateMatch } from '../../engine/evaluate.js';
import type { RuleFailure } from '../../engine/evaluate.js';
import type { Hit } from '../../findings/finding.js';
import type { JsonObject } from '../../model/event.js';
import { normaliseCloudTrail } from '../../normalise/cloudtrail.js';
import { RULES } from '../registry.js';

const DIR = fileURLToPath(
  new URL('../../../../shared/corpus/invictus-aws-dataset/CloudTrail/', import.meta.url),
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
  return {
    hits: hits.filter((h) => h.ruleId.startsWith('aws.network.')),
    failures: failures.filter((f) => f.ruleId.startsWith('aws.network.')),
  };
}

const short = (h: Hit): string =>
  `${h.ruleId.replace('aws.network.', '')} ${h.priority} ${h.eventIds.join(',')}`;

describe('network rules on the Invictus dataset', () => {
  it('find every perimeter change of the set-up, with the documented priorities', () => {
    const { hits, failures } = hunt();
    expect(failures).toEqual([]);
    expect(hits.map(short).sort()).toEqual(
      [
        // Four gateways created (one level lower) and four attached.
        'internet-gateway-attached low e40431f7-07bc-4d9a-a5cb-07e28107babb',
        'internet-gateway-attached low 20b08a2b-2596-4d59-8f37-abacfe9343a0',
        'internet-gateway-attached low bc855137-7ad6-4176-bb78-dc276fd918fa',
        'internet-gateway-attached low 50710688-f9d8-45de-ae64-48c941499130',
        'internet-gateway-attached medium 2b4e0526-7813-410b-b6a5-366704c3b0d3',
        'internet-gateway-attached medium 9e870431-ccb9-405a-92fc-cfd0631827e9',
        'internet-gateway-attached medium 88d25a5c-afd8-4a01-8084-a28ea962b0d0',
        'internet-gateway-attached medium b1ea8577-789c-43a0-bd1b-beba2b507dd8',
        'nat-gateway-created medium dbb3b16e-549e-48bc-bfa6-9ca4c2845e43',
        'nat-gateway-created medium f94192be-ac87-46a2-9b88-ffb245b37ec6',
        // Default routes to internet gateways; the two to NAT gateways do not match.
        'route-to-internet-gateway medium 6445452c-c6df-4ebf-a1ed-2890f5aa7107',
        'route-to-internet-gateway medium 1b76cc2d-e491-47db-81c3-210ae1879f41',
        'route-to-internet-gateway medium 6b32c7fc-c0ea-4f20-aac3-4c0e4796f686',
        'route-to-internet-gateway medium 435a9d98-4ffd-4c9e-8e65-6af0337d6238',
        // Stratus "open security group": SSH from anywhere (flat legacy shape) at full priority,
        // HTTPS from anywhere one level lower, the allow-all egress rule two levels lower.
        'security-group-opened-to-world high 74bd84b4-6729-4895-b2a4-e2beb7c6b377',
        'security-group-opened-to-world medium 7e96f0e7-4d78-423d-b3f5-391370685b30',
        'security-group-opened-to-world low 914469fc-c658-434c-a560-0219c0ac3b55',
      ].sort(),
    );
  });

  it('quieten the Terraform set-up once Terraform is named as automation', () => {
    const { hits } = hunt({ organisation: { automationUserAgents: ['*Terraform/*'] } });
    const ids = hits.map(short);
    expect(ids.filter((s) => s.startsWith('internet-gateway') || s.startsWith('nat-'))).toEqual([]);
    // The SSH rule was added with the Stratus tool itself, not Terraform: still reported.
    expect(ids).toContain(
      'security-group-opened-to-world high 74bd84b4-6729-4895-b2a4-e2beb7c6b377',
    );
    expect(ids).toContain('route-to-internet-gateway low 6445452c-c6df-4ebf-a1ed-2890f5aa7107');
  });
});
