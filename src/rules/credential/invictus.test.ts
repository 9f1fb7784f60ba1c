/**
 * The credential rules on the Invictus dataset: Stratus Red Team's ec2-steal-instance-credentials
 * uses an instance role's credentials from the operator's machine (a private address in this
 * anonymised dataset, with no VPC endpoint), while the SSM agent on the instance uses the same
 * role from AWS addresses; ec2-get-password-data tries GetPasswordData 29 times and is refused.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { Hit } from '../../findings/finding.js';
import { cloudTrailDir, replay } from '../lib/replay.js';
import { CREDENTIAL_RULES } from './index.js';

const DIR = fileURLToPath(
  new URL('../../../../shared/corpus/invictus-aws-dataset/CloudTrail/', import.meta.url),
);

function hunt(config: Record<string, unknown> = {}, enrich = true): Hit[] {
  const { hits, failures } = replay(
    CREDENTIAL_RULES,
    configSchema.parse(config),
    cloudTrailDir(DIR),
    { enrich },
  );
  expect(failures).toEqual([]);
  return hits;
}

const of = (hits: Hit[], rule: string): Hit[] => hits.filter((h) => h.ruleId.endsWith(rule));

const STOLEN_USE = [
  'medium bf68f8c0-590b-4740-ac89-aad0ed5dfe4f', // GetCallerIdentity
  'medium d3d5fd99-faa9-4959-a464-56fba613cc2e', // DescribeInstances
];

describe('credential rules on the Invictus dataset', () => {
  it('find the stolen instance credentials and not the instance’s own use of them', () => {
    const hits = of(hunt(), 'instance-credentials-outside-aws');
    expect(hits.map((h) => `${h.priority} ${h.eventIds[0]}`).sort()).toEqual(STOLEN_USE);
    expect(hits.every((h) => h.actor.sourceIp === '192.168.10.20')).toBe(true);
  });

  it('keep the lower priority when the address is declared internal, and say nothing unenriched', () => {
    const internal = of(
      hunt({ organisation: { internalCidrs: ['192.168.10.0/24'] } }),
      'instance-credentials-outside-aws',
    );
    expect(internal.map((h) => `${h.priority} ${h.eventIds[0]}`).sort()).toEqual(STOLEN_USE);
    expect(of(hunt({}, false), 'instance-credentials-outside-aws')).toEqual([]);
  });

  it('report each refused GetPasswordData one level lower, and nothing else', () => {
    const hits = hunt();
    const passwords = of(hits, 'windows-password-retrieved');
    expect(passwords).toHaveLength(29);
    expect(new Set(passwords.map((h) => h.priority))).toEqual(new Set(['low']));
    // Both console sign-ins succeeded; all GetCallerIdentity calls came from private addresses;
    // no federation tokens or sign-in tokens were requested.
    expect(
      hits.filter(
        (h) => !/instance-credentials-outside-aws|windows-password-retrieved/.test(h.ruleId),
      ),
    ).toEqual([]);
  });
});
