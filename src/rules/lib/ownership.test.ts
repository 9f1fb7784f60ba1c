import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { normaliseCloudTrail } from '../../normalise/cloudtrail.js';
import { ctRecord } from '../lib.js';
import {
  accountOf,
  isForeignAccount,
  isSensitiveSecret,
  kmsKeyNames,
  secretName,
} from './ownership.js';

describe('accountOf', () => {
  it('reads bare ids and the account field of ARNs', () => {
    expect(accountOf('444455556666')).toBe('444455556666');
    expect(accountOf('arn:aws:iam::444455556666:root')).toBe('444455556666');
    expect(accountOf('arn:aws:s3:::bucket')).toBeUndefined();
    expect(accountOf('alias/key')).toBeUndefined();
  });
});

describe('isForeignAccount', () => {
  const n = normaliseCloudTrail(ctRecord({ eventSource: 'ec2.amazonaws.com', eventName: 'X' }), {
    file: 't',
  });
  if (!n.ok) throw new Error(n.reason);
  const e = n.event;
  it('knows the recording account and the configured ones', () => {
    const org = configSchema.parse({
      organisation: { accounts: ['210987654321'], trustedAccounts: ['111122223333'] },
    }).organisation;
    expect(isForeignAccount('123456789012', e, org)).toBe(false);
    expect(isForeignAccount('210987654321', e, org)).toBe(false);
    expect(isForeignAccount('111122223333', e, org)).toBe(false);
    expect(isForeignAccount('444455556666', e, org)).toBe(true);
    expect(isForeignAccount(undefined, e, org)).toBe(false);
  });
});

describe('secrets and keys', () => {
  it('names a secret without the ARN suffix', () => {
    expect(secretName('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf')).toBe(
      'prod/db',
    );
    expect(secretName('prod/db')).toBe('prod/db');
    const org = configSchema.parse({
      organisation: { sensitive: { secrets: ['prod/*'] } },
    }).organisation;
    expect(
      isSensitiveSecret(org, 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf'),
    ).toBe(true);
    expect(isSensitiveSecret(org, 'dev/db')).toBe(false);
  });

  it("collects a key's id, ARN and alias forms from request and resources", () => {
    const n = normaliseCloudTrail(
      ctRecord({
        eventSource: 'kms.amazonaws.com',
        eventName: 'Decrypt',
        requestParameters: { keyId: 'alias/pii-data' },
        resources: [
          {
            accountId: '123456789012',
            type: 'AWS::KMS::Key',
            ARN: 'arn:aws:kms:us-east-1:123456789012:key/0f8e',
          },
        ],
      }),
      { file: 't' },
    );
    if (!n.ok) throw new Error(n.reason);
    expect(kmsKeyNames(n.event).sort()).toEqual(
      ['0f8e', 'alias/pii-data', 'arn:aws:kms:us-east-1:123456789012:key/0f8e'].sort(),
    );
  });
});
