/**
 * The compute rules on the Invictus dataset (a Stratus Red Team run against one account, set up
 * and torn down with Terraform). Without configuration every launch, deployment and command by
 * a person is reported; once the Terraform set-up is declared as CI/CD only the attack steps
 * remain: the GPU launch, the Lambda code overwrite and the Run Command.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { Hit } from '../../findings/finding.js';
import { cloudTrailDir, replay } from '../lib/replay.js';
import { COMPUTE_RULES } from './index.js';

const DIR = fileURLToPath(
  new URL('../../../../shared/corpus/invictus-aws-dataset/CloudTrail/', import.meta.url),
);
const TERRAFORM_IS_CI = { organisation: { automationUserAgents: ['*HashiCorp-terraform-exec*'] } };

function hunt(config: Record<string, unknown> = {}): Hit[] {
  const { hits, failures } = replay(COMPUTE_RULES, configSchema.parse(config), cloudTrailDir(DIR));
  expect(failures).toEqual([]);
  return hits;
}

const short = (h: Hit): string =>
  `${h.ruleId.replace('aws.compute.', '')} ${h.priority} ${h.eventIds.join(',')}`;

// The two RunInstances calls for ten p2.xlarge each, refused on the vCPU quota.
const GPU_LAUNCHES = [
  '2f4876ba-b0fc-4a24-b406-bef4dcc9656f',
  '8e865acb-b1e1-41d1-bdf3-47462f79d24c',
];
// UpdateFunctionCode20150331v2 by the lambda-overwrite-code technique.
const CODE_OVERWRITES = [
  '0ea8187c-26a8-425d-8daf-48479996e44d',
  'e01946e6-d206-4927-b90a-9ae3b723b9e6',
];
// SendCommand AWS-RunShellScript: one that ran, one refused with InvalidInstanceId.
const SHELL_COMMANDS = [
  '99b46479-d5c7-4384-b342-006ece8c36a0',
  '22d1e206-17fd-4a52-9923-e86605f3dd7f',
];

describe('compute rules on the Invictus dataset', () => {
  it('without configuration, report every launch, deployment and command, attempts lower', () => {
    const hits = hunt();
    const launches = hits.filter((h) => h.ruleId.endsWith('instances-launched-outside-ci'));
    // 8 RunInstances calls: 2 created instances (medium: no CI/CD known), 6 failed (low).
    expect(launches.map((h) => h.priority).sort()).toEqual([
      'low',
      'low',
      'low',
      'low',
      'low',
      'low',
      'medium',
      'medium',
    ]);
    expect(
      hits
        .filter((h) => h.ruleId.endsWith('unusual-instance-type'))
        .map(short)
        .sort(),
    ).toEqual(GPU_LAUNCHES.map((id) => `unusual-instance-type high ${id}`).sort());
    const lambda = hits.filter((h) => h.ruleId.endsWith('lambda-deployed-outside-ci'));
    // 2 created functions and 2 code updates (medium), 4 creations refused by Lambda (low).
    expect(lambda.filter((h) => h.priority === 'medium')).toHaveLength(4);
    expect(lambda.filter((h) => h.priority === 'low')).toHaveLength(4);
    expect(
      hits
        .filter((h) => h.ruleId.endsWith('run-command-outside-jump-users'))
        .map(short)
        .sort(),
    ).toEqual([
      `run-command-outside-jump-users info ${SHELL_COMMANDS[1]}`,
      `run-command-outside-jump-users low ${SHELL_COMMANDS[0]}`,
    ]);
    // No region list, no Session Manager, Instance Connect or serial console in the run.
    const quiet = ['unapproved-region', 'ssm-session', 'instance-connect', 'serial-console'];
    expect(hits.filter((h) => quiet.some((q) => h.ruleId.includes(q)))).toEqual([]);
  });

  it('with the Terraform set-up declared as CI/CD, report only the attack steps', () => {
    expect(hunt(TERRAFORM_IS_CI).map(short).sort()).toEqual(
      [
        ...GPU_LAUNCHES.map((id) => `instances-launched-outside-ci medium ${id}`),
        ...GPU_LAUNCHES.map((id) => `unusual-instance-type high ${id}`),
        ...CODE_OVERWRITES.map((id) => `lambda-deployed-outside-ci high ${id}`),
        `run-command-outside-jump-users low ${SHELL_COMMANDS[0]}`,
        `run-command-outside-jump-users info ${SHELL_COMMANDS[1]}`,
      ].sort(),
    );
  });

  it('report launches and functions outside the approved regions once those are configured', () => {
    const hits = hunt({ organisation: { approvedRegions: ['eu-west-1'] } }).filter((h) =>
      h.ruleId.endsWith('unapproved-region'),
    );
    // Every RunInstances and CreateFunction of the run happened in us-east-1.
    expect(hits).toHaveLength(8 + 6);
    expect(
      hunt({ organisation: { approvedRegions: ['us-east-1'] } }).some((h) =>
        h.ruleId.endsWith('unapproved-region'),
      ),
    ).toBe(false);
  });
});
