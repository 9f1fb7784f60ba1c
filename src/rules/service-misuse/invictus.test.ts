/**
 * The service-misuse rules on the Invictus dataset: the Run Command shell script that steals
 * instance credentials, the SecureString parameters and the Secrets Manager secrets that Stratus
 * Red Team retrieves, and the Terraform set-up that reads the same values while creating them.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { Hit } from '../../findings/finding.js';
import { cloudTrailDir, replay } from '../lib/replay.js';
import { SERVICE_MISUSE_RULES } from './index.js';

const DIR = fileURLToPath(
  new URL('../../../../shared/corpus/invictus-aws-dataset/CloudTrail/', import.meta.url),
);
const TERRAFORM = ['*HashiCorp-terraform-exec*'];
const SECRETS = ['stratus-red-team-retrieve-secret-*'];

function hunt(config: Record<string, unknown> = {}): Hit[] {
  const { hits, failures } = replay(
    SERVICE_MISUSE_RULES,
    configSchema.parse(config),
    cloudTrailDir(DIR),
  );
  expect(failures).toEqual([]);
  return hits;
}

const of = (hits: Hit[], rule: string): Hit[] => hits.filter((h) => h.ruleId.endsWith(rule));

describe('service-misuse rules on the Invictus dataset', () => {
  it('without configuration, report the shell command and every decrypted parameter read', () => {
    const hits = hunt();
    expect(
      of(hits, 'shell-command-by-unexpected-principal').map(
        (h) => `${h.priority} ${h.eventIds[0]}`,
      ),
    ).toEqual([
      'medium 99b46479-d5c7-4384-b342-006ece8c36a0',
      'low 22d1e206-17fd-4a52-9923-e86605f3dd7f',
    ]);
    // 82 GetParameter by Terraform and 5 GetParameters by the technique, all /credentials/…:
    // one level down for the missing configuration, one up for the credential-like names.
    const params = of(hits, 'parameter-decrypted-by-unexpected-principal');
    expect(params).toHaveLength(87);
    expect(new Set(params.map((h) => h.priority))).toEqual(new Set(['medium']));
    // No sensitive secrets configured, no Step Functions in the run.
    expect(of(hits, 'sensitive-secret-read')).toEqual([]);
    expect(of(hits, 'step-functions-started-by-unexpected-principal')).toEqual([]);
  });

  it('report the secrets retrieval once the secrets are marked sensitive', () => {
    const hits = of(
      hunt({ organisation: { sensitive: { secrets: SECRETS } } }),
      'sensitive-secret-read',
    );
    // 40 reads by the Terraform set-up and 20 by the technique.
    expect(hits).toHaveLength(60);
    const attack = of(
      hunt({ organisation: { sensitive: { secrets: SECRETS }, automationUserAgents: TERRAFORM } }),
      'sensitive-secret-read',
    );
    expect(attack).toHaveLength(20);
    expect(attack.every((h) => h.actor.userAgent?.startsWith('stratus-red-team_'))).toBe(true);
    expect(new Set(attack.map((h) => h.priority))).toEqual(new Set(['high']));
  });

  it('with the Terraform set-up declared as CI/CD, keep only the technique’s parameter reads', () => {
    const params = of(
      hunt({ organisation: { automationUserAgents: TERRAFORM } }),
      'parameter-decrypted-by-unexpected-principal',
    );
    expect(params).toHaveLength(5);
    expect(params.every((h) => h.summary.includes('read and decrypted parameters'))).toBe(true);
    expect(new Set(params.map((h) => h.priority))).toEqual(new Set(['high']));
  });
});
