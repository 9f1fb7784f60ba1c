/**
 * The IAM and persistence rules on real records: the Invictus dataset (a recorded Stratus Red Team
 * run against one account) holds backdoor users, keys and passwords, an administrator policy
 * attachment, a role trust backdoor, a public Lambda permission and a Roles Anywhere trust anchor
 * as AWS logged them. Each must be found at its priority, and nothing else in the 2,900 events may
 * fire these rules; telling the rules which user agents are automation removes the set-up noise.
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
import { PERSISTENCE_RULES } from '../persistence/index.js';
import { IAM_RULES } from './index.js';

const DIR = fileURLToPath(
  new URL('../../../../shared/corpus/invictus-aws-dataset/CloudTrail/', import.meta.url),
);

function hunt(config: Record<string, unknown> = {}): { hits: Hit[]; failures: RuleFailure[] } {
  const set = compileRules([...IAM_RULES, ...PERSISTENCE_RULES], configSchema.parse(config));
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
  `${h.ruleId.replace(/^aws\./, '')} ${h.priority} ${h.eventIds.join(',')}`;

/** Findings of the attack steps themselves (calls made by Stratus Red Team, not by Terraform). */
const ATTACKS = [
  // iam:create-admin-user: the user, its key, AdministratorAccess.
  'iam.user-created medium 85c89720-8103-4281-9e0e-8977b52bcdbe',
  'iam.access-key-created high 8c282c0b-00d1-4369-95b7-cb50b6eee620',
  'iam.admin-policy-attached high f4923a37-92d5-4dfd-9786-6caef2b5f33c',
  // iam:create-backdoor-user (access key) and iam:create-user-login-profile.
  'iam.access-key-created high 64b7de64-bf53-47ae-b7e3-d30cb1b5136e',
  'iam.login-profile-changed high f0d7bb15-75c8-4770-a500-92d1f71b948c',
  // iam:backdoor-role: a foreign account added to the trust policy, and the restore at clean-up.
  'persistence.role-trust-policy-changed high d96d75c7-e715-44ff-9735-9dc51afbd774',
  'persistence.role-trust-policy-changed low 059cf0ed-af91-40a6-9c89-a8a4fb81dc65',
  // lambda:backdoor-function: principal "*".
  'persistence.lambda-permission-opened high b1f37249-bb39-4b9c-a302-e6d0f807d70c',
  // iam:rolesanywhere: a trust anchor for a CA bundle and a profile for the role.
  'persistence.roles-anywhere-trust-anchor high 2950830a-24ae-4565-bfab-74d3be4ad0d0',
  'persistence.roles-anywhere-trust-anchor medium 782bc4f5-53eb-4072-ac09-070425df6eef',
  // console-login-without-mfa: the backdoor user signs in with its password alone.
  'iam.console-login-without-mfa medium 70e5932e-9022-4b38-837e-ca10dad94eb7',
];

/** Findings of the set-up Stratus Red Team runs through Terraform before each attack. */
const SETUP = [
  'iam.user-created medium 66d008e1-12cf-4a45-99e7-0be67fc70d71',
  'iam.login-profile-changed high 1170c908-ce8d-4c6f-bc65-cf43aae5235b',
  'iam.user-created medium 648d0a9c-6d07-4c99-bd4e-9a27b3ad45d2',
  'iam.user-created medium 564ee71e-5934-49b7-8a5f-d6f4d9248018',
  // The backdoor-role set-up attaches AdministratorAccess to the role it will backdoor.
  'iam.admin-policy-attached high 493e08b7-63e4-49a4-832a-1a7598ce78e5',
];

describe('IAM and persistence rules on the Invictus dataset', () => {
  it('find every attack step and the set-up, and nothing else, with no configuration', () => {
    const { hits, failures } = hunt();
    expect(failures).toEqual([]);
    expect(hits.map(short).sort()).toEqual([...ATTACKS, ...SETUP].sort());
  });

  it('drop or lower the Terraform set-up once its user agent is configured as automation', () => {
    const { hits } = hunt({
      organisation: { automationUserAgents: ['*HashiCorp-terraform-exec*'] },
    });
    expect(hits.map(short).sort()).toEqual(
      [
        ...ATTACKS,
        // Attaching an administrator policy is reported even from automation, one level lower.
        'iam.admin-policy-attached medium 493e08b7-63e4-49a4-832a-1a7598ce78e5',
      ].sort(),
    );
  });

  it('say which assumptions they made about the organisation', () => {
    const set = compileRules([...IAM_RULES, ...PERSISTENCE_RULES], configSchema.parse({}));
    const trust = set.byId.get('aws.persistence.role-trust-policy-changed');
    expect(trust?.assumptions.join(' ')).toMatch(/every identity is treated as a person/);
    expect(trust?.assumptions.join(' ')).toMatch(/counts as foreign/);
    const configured = compileRules(
      [...IAM_RULES, ...PERSISTENCE_RULES],
      configSchema.parse({
        organisation: {
          automationArns: ['arn:aws:iam::*:role/deploy-*'],
          accounts: ['123837392027'],
        },
      }),
    );
    expect(configured.byId.get('aws.persistence.role-trust-policy-changed')?.assumptions).toEqual(
      [],
    );
  });
});
