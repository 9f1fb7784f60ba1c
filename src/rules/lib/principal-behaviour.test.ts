/**
 * The principal-behaviour helpers: which identity state is kept for, which calls the console
 * made, and the time helpers the rule stories are built with.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../model/event.js';
import { normaliseCloudTrail } from '../../normalise/cloudtrail.js';
import type { ApiEvent } from '../../model/event.js';
import { ctRecord, IDENTITIES } from '../lib.js';
import {
  consoleCall,
  credentialKind,
  hourly,
  principalKey,
  timeline,
} from './principal-behaviour.js';

function event(record: JsonObject): ApiEvent {
  const n = normaliseCloudTrail(record, { file: 'test', index: 0 });
  if (!n.ok) throw new Error('record did not normalise');
  return n.event;
}

const call = (extra: Partial<Parameters<typeof ctRecord>[0]> = {}): ApiEvent =>
  event(ctRecord({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', ...extra }));

describe('principalKey', () => {
  it('is the role for an assumed-role session, whatever the session name', () => {
    expect(principalKey(call({ identity: 'ci' }))).toBe(
      'arn:aws:iam::123456789012:role/deploy-terraform',
    );
  });

  it('is the person’s session for IAM Identity Center roles, shared by everyone with the permission set', () => {
    expect(principalKey(call({ identity: 'role' }))).toBe(IDENTITIES.role.arn);
  });

  it('is the ARN of an IAM user, else its principal id', () => {
    expect(principalKey(call())).toBe('arn:aws:iam::123456789012:user/alice');
    const saml = call({
      identity: {
        type: 'SAMLUser',
        principalId: 'SAMPLEMAUOHfPdTx3LZESHc6fE=:alice@example.com',
        userName: 'alice@example.com',
        identityProvider: 'SAMPLEMAUOHfPdTx3LZESHc6fE=',
      },
    });
    expect(principalKey(saml)).toBe('SAMPLEMAUOHfPdTx3LZESHc6fE=:alice@example.com');
  });
});

describe('consoleCall', () => {
  it('recognises the console’s own back ends by their aws-internal user agents', () => {
    expect(
      consoleCall(
        call({ userAgent: '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.184]' }),
      ),
    ).toBe(true);
    expect(
      consoleCall(call({ userAgent: 'RDS Console, aws-internal/3 aws-sdk-java/1.11.975' })),
    ).toBe(true);
    expect(consoleCall(call({ userAgent: 'AWS Internal' }))).toBe(true);
  });

  it('does not take SDKs and tools for the console', () => {
    expect(consoleCall(call())).toBe(false);
    expect(consoleCall(call({ userAgent: 'Boto3/1.34.69 aws-internalx/3' }))).toBe(false);
  });
});

describe('credentialKind', () => {
  it('tells session credentials from long-term keys', () => {
    expect(credentialKind(call({ identity: 'ci' }))).toBe('temporary');
    expect(credentialKind(call())).toBe('long-term');
  });
});

describe('story times', () => {
  it('spaces a timeline evenly in CloudTrail’s time format', () => {
    expect(timeline('2026-03-01T00:00:00Z', 3, 90_000)).toEqual([
      '2026-03-01T00:00:00Z',
      '2026-03-01T00:01:30Z',
      '2026-03-01T00:03:00Z',
    ]);
  });

  it('puts perHour events in each hour', () => {
    const times = hourly('2026-03-01T00:00:00Z', 3, 2);
    expect(times).toHaveLength(6);
    expect(times.map((t) => t.slice(11, 13))).toEqual(['00', '00', '01', '01', '02', '02']);
  });
});
