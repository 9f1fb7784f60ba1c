/**
 * Priorities and shapes of the compute rules beyond the matrix that the labelled examples cannot
 * assert: which IMDS change ranks where (and that automation ranks lower rather than vanishing),
 * imported key pairs above created ones, and CloudShell calls that are not sessions.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { Rule } from '../../engine/rule.js';
import type { Hit } from '../../findings/finding.js';
import type { JsonObject } from '../../model/event.js';
import { ctRecord, IDENTITIES } from '../lib.js';
import { replay } from '../lib/replay.js';
import cloudshellUsed from './cloudshell-used.js';
import imdsV1Enabled from './imds-v1-enabled.js';
import keyPairCreated from './key-pair-created-outside-automation.js';

function hits(rule: Rule, record: JsonObject, config: Record<string, unknown> = {}): Hit[] {
  const out = replay(
    [rule],
    configSchema.parse(config),
    [{ record, origin: { file: 't', index: 0 } }],
    {
      enrich: false,
    },
  );
  expect(out.failures).toEqual([]);
  return out.hits;
}

const CI = { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } };

function ec2(
  eventName: string,
  requestParameters: JsonObject,
  identity: JsonObject = IDENTITIES.user,
): JsonObject {
  return ctRecord({ eventSource: 'ec2.amazonaws.com', eventName, requestParameters, identity });
}

describe('aws.compute.imds-v1-enabled', () => {
  const modify = (tokens: string, identity?: JsonObject): JsonObject =>
    ec2(
      'ModifyInstanceMetadataOptions',
      {
        ModifyInstanceMetadataOptionsRequest: {
          HttpTokens: tokens,
          InstanceId: 'i-0c3f5e9a1b2d4c6e8',
        },
      },
      identity,
    );
  const defaults = (tokens: string): JsonObject =>
    ec2('ModifyInstanceMetadataDefaults', {
      ModifyInstanceMetadataDefaultsRequest: { HttpTokens: tokens },
    });

  it('ranks an instance change and an optional account default at the rule priority', () => {
    expect(hits(imdsV1Enabled, modify('optional'))[0]?.priority).toBe('medium');
    expect(hits(imdsV1Enabled, defaults('optional'))[0]?.priority).toBe('medium');
  });

  it('ranks a no-preference account default one level lower and ignores required', () => {
    expect(hits(imdsV1Enabled, defaults('no-preference'))[0]?.priority).toBe('low');
    expect(hits(imdsV1Enabled, defaults('required'))).toEqual([]);
  });

  it('reads the token setting without regard to case', () => {
    expect(hits(imdsV1Enabled, modify('Optional'))).toHaveLength(1);
  });

  it('reports the configured automation one level lower instead of dropping it', () => {
    expect(hits(imdsV1Enabled, modify('optional', IDENTITIES.ci), CI)[0]?.priority).toBe('low');
  });

  it('does not match a change that only touches the hop limit', () => {
    const record = ec2('ModifyInstanceMetadataOptions', {
      ModifyInstanceMetadataOptionsRequest: {
        HttpPutResponseHopLimit: 2,
        InstanceId: 'i-0c3f5e9a1b2d4c6e8',
      },
    });
    expect(hits(imdsV1Enabled, record)).toEqual([]);
  });
});

describe('aws.compute.key-pair-created-outside-automation', () => {
  it('ranks an imported key above a created one', () => {
    const imported = ec2('ImportKeyPair', { keyName: 'k', publicKeyMaterial: 'c3NoLWVkMjU1MTk=' });
    const created = ec2('CreateKeyPair', { keyName: 'k' });
    expect(hits(keyPairCreated, imported)[0]?.priority).toBe('medium');
    expect(hits(keyPairCreated, created)[0]?.priority).toBe('low');
  });

  it('spares the configured automation', () => {
    expect(hits(keyPairCreated, ec2('CreateKeyPair', { keyName: 'k' }, IDENTITIES.ci), CI)).toEqual(
      [],
    );
  });
});

describe('aws.compute.cloudshell-used', () => {
  const shell = (eventName: string): JsonObject =>
    ctRecord({
      eventSource: 'cloudshell.amazonaws.com',
      eventName,
      identity: 'role',
      requestParameters: { EnvironmentId: 'e9e02006-a581-4d3c-b49c-e66712765d4d' },
    });

  it('reports sessions and file transfers but not credential refreshes or status polls', () => {
    expect(hits(cloudshellUsed, shell('CreateSession'))).toHaveLength(1);
    expect(hits(cloudshellUsed, shell('GetFileUploadUrls'))[0]?.summary).toContain(
      'requested a file upload into CloudShell',
    );
    expect(hits(cloudshellUsed, shell('PutCredentials'))).toEqual([]);
    expect(hits(cloudshellUsed, shell('GetEnvironmentStatus'))).toEqual([]);
  });
});
