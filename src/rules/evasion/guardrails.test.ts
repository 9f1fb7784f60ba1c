/**
 * Priorities of `aws.evasion.scp-removed` and `aws.evasion.inspector-disabled` that the labelled
 * examples cannot assert: guardrail policy types above the others, AWS's allow-all policies never
 * reported, deletes below detaches, and partial Inspector changes below turning it off.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { Rule } from '../../engine/rule.js';
import type { Hit } from '../../findings/finding.js';
import type { JsonObject } from '../../model/event.js';
import { ctRecord, IDENTITIES } from '../lib.js';
import { replay } from '../lib/replay.js';
import inspectorDisabled from './inspector-disabled.js';
import scpRemoved from './scp-removed.js';

function priorities(
  rule: Rule,
  record: JsonObject,
  config: Record<string, unknown> = {},
): string[] {
  const out = replay(
    [rule],
    configSchema.parse(config),
    [{ record, origin: { file: 't', index: 0 } }],
    {
      enrich: false,
    },
  );
  expect(out.failures).toEqual([]);
  return out.hits.map((h: Hit) => h.priority);
}

const org = (
  eventName: string,
  requestParameters: JsonObject | null,
  identity: JsonObject = IDENTITIES.role,
): JsonObject =>
  ctRecord({ eventSource: 'organizations.amazonaws.com', eventName, requestParameters, identity });

describe('aws.evasion.scp-removed', () => {
  it('ranks disabling guardrail policy types above other policy types', () => {
    const disable = (policyType: string): string[] =>
      priorities(scpRemoved, org('DisablePolicyType', { rootId: 'r-bmrv', policyType }));
    expect(disable('SERVICE_CONTROL_POLICY')).toEqual(['critical']);
    expect(disable('RESOURCE_CONTROL_POLICY')).toEqual(['critical']);
    expect(disable('TAG_POLICY')).toEqual(['medium']);
  });

  it('never reports detaching the allow-all policies, in any case', () => {
    for (const policyId of ['p-FullAWSAccess', 'p-fullawsaccess', 'p-RCPFullAWSAccess']) {
      expect(priorities(scpRemoved, org('DetachPolicy', { targetId: 'r-bmrv', policyId }))).toEqual(
        [],
      );
    }
  });

  it('ranks a delete below a detach unless the policy is a known guardrail', () => {
    const del = org('DeletePolicy', { policyId: 'p-bvdv3rx3' });
    expect(priorities(scpRemoved, del)).toEqual(['medium']);
    const config = {
      rules: { 'aws.evasion.scp-removed': { knobs: { guardrailPolicies: ['p-bvdv*'] } } },
    };
    expect(priorities(scpRemoved, del, config)).toEqual(['high']);
  });

  it('reports the configured automation one level lower', () => {
    const detach = org(
      'DetachPolicy',
      { targetId: 'ou-bmrv-5k2x9q7d', policyId: 'p-bvdv3rx3' },
      IDENTITIES.ci,
    );
    expect(priorities(scpRemoved, detach)).toEqual(['high']);
    const config = { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } };
    expect(priorities(scpRemoved, detach, config)).toEqual(['medium']);
  });
});

describe('aws.evasion.inspector-disabled', () => {
  const disable = (requestParameters: JsonObject | null): JsonObject =>
    ctRecord({ eventSource: 'inspector2.amazonaws.com', eventName: 'Disable', requestParameters });

  it('treats a Disable without resource types as turning Inspector off', () => {
    expect(priorities(inspectorDisabled, disable({}))).toEqual(['high']);
    expect(priorities(inspectorDisabled, disable(null))).toEqual(['high']);
  });

  it('ranks disabling only add-on or some scan types one level lower', () => {
    expect(priorities(inspectorDisabled, disable({ resourceTypes: ['LAMBDA_CODE'] }))).toEqual([
      'medium',
    ]);
    expect(priorities(inspectorDisabled, disable({ resourceTypes: ['EC2', 'ECR'] }))).toEqual([
      'medium',
    ]);
  });

  it('reports a filter only when it suppresses', () => {
    const update = (action: string): JsonObject =>
      ctRecord({
        eventSource: 'inspector2.amazonaws.com',
        eventName: 'UpdateFilter',
        requestParameters: {
          filterArn:
            'arn:aws:inspector2:us-east-1:123456789012:owner/123456789012/filter/8d1c6e0a2f4b7c93',
          action,
        },
      });
    expect(priorities(inspectorDisabled, update('SUPPRESS'))).toEqual(['medium']);
    expect(priorities(inspectorDisabled, update('NONE'))).toEqual([]);
  });
});
