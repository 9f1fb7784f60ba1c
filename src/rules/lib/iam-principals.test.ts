/**
 * Tests of the actor/target helpers: whose key or password a call touches, which accounts are
 * known, and when a source address counts as the internet.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { ApiEvent, IpInfo, JsonObject } from '../../model/event.js';
import { normaliseCloudTrail } from '../../normalise/cloudtrail.js';
import { ctRecord, IDENTITIES } from '../lib.js';
import {
  accountKnown,
  accountOfArn,
  actorUserName,
  actsOnAnotherUser,
  IAM_IDENTITIES,
  internetSource,
} from './iam-principals.js';

function event(over: Partial<Parameters<typeof ctRecord>[0]> = {}, source?: IpInfo): ApiEvent {
  const n = normaliseCloudTrail(
    ctRecord({
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateAccessKey',
      ...over,
    }) as JsonObject,
    { file: 'test', index: 0 },
  );
  if (!n.ok) throw new Error(n.reason);
  return source === undefined ? n.event : { ...n.event, source };
}

describe('actsOnAnotherUser', () => {
  it('is false for a user acting on itself, with or without a userName', () => {
    expect(actsOnAnotherUser(event({ requestParameters: null }))).toBe(false);
    expect(actsOnAnotherUser(event({ requestParameters: { userName: 'alice' } }))).toBe(false);
  });

  it('is true for another user, and for any user named by a role', () => {
    expect(actsOnAnotherUser(event({ requestParameters: { userName: 'bob' } }))).toBe(true);
    expect(
      actsOnAnotherUser(event({ identity: 'role', requestParameters: { userName: 'alice' } })),
    ).toBe(true);
  });

  it('falls back to the user in the response', () => {
    const e = event({
      requestParameters: null,
      responseElements: { accessKey: { userName: 'bob' } },
    });
    expect(actsOnAnotherUser(e)).toBe(true);
  });

  it('takes the user name from the ARN when userName is missing', () => {
    const identity: JsonObject = { ...IAM_IDENTITIES.admin };
    delete identity.userName;
    expect(actorUserName(event({ identity }))).toBe('dave');
  });
});

describe('accounts', () => {
  it('knows the event account and the configured ones', () => {
    const org = configSchema.parse({
      organisation: { trustedAccounts: ['444455556666'] },
    }).organisation;
    const known = accountKnown(event({ identity: IDENTITIES.user }), org);
    expect(known('123456789012')).toBe(true);
    expect(known('444455556666')).toBe(true);
    expect(known('111122223333')).toBe(false);
  });

  it('reads the account of ARNs and nothing else', () => {
    expect(accountOfArn('arn:aws:lambda:us-east-1:111122223333:layer:x:1')).toBe('111122223333');
    expect(accountOfArn('arn:aws:s3:::bucket')).toBeUndefined();
    expect(accountOfArn('not-an-arn')).toBeUndefined();
  });
});

describe('internetSource', () => {
  it('follows enrichment when there is some', () => {
    expect(internetSource(event({}, { address: '52.95.110.1', class: 'aws' }))).toBeUndefined();
    expect(internetSource(event({}, { address: '185.220.101.47', class: 'public' }))).toBe(
      'public',
    );
  });

  it('falls back to the address itself, leaving private, documentation and malformed ones out', () => {
    expect(internetSource(event({ sourceIPAddress: '185.220.101.47' }))).toBe('unenriched-public');
    expect(internetSource(event({ sourceIPAddress: '2a01:4f8::1' }))).toBe('unenriched-public');
    for (const ip of [
      '10.1.2.3',
      '192.168.10.20',
      '172.20.0.1',
      '100.64.1.1',
      '203.0.113.24',
      'fd00::1',
      '211.9.016.253',
      'AWS Internal',
    ]) {
      expect(internetSource(event({ sourceIPAddress: ip })), ip).toBeUndefined();
    }
  });
});
