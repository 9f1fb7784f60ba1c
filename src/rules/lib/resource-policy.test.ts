import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../model/event.js';
import {
  grantedAccounts,
  hasNarrowingCondition,
  parsePolicy,
  principalsOf,
  publicStatements,
} from './resource-policy.js';

const allow = (extra: JsonObject): JsonObject => ({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: '*',
  ...extra,
});

describe('parsePolicy', () => {
  it('reads objects, JSON strings and URL-encoded JSON, and nothing else', () => {
    const doc = { Version: '2012-10-17', Statement: [] };
    expect(parsePolicy(doc)).toEqual(doc);
    expect(parsePolicy(JSON.stringify(doc))).toEqual(doc);
    expect(parsePolicy(encodeURIComponent(JSON.stringify(doc)))).toEqual(doc);
    expect(parsePolicy('{not json')).toBeUndefined();
    expect(parsePolicy('%E0%A4%A')).toBeUndefined();
    expect(parsePolicy(42)).toBeUndefined();
  });
});

describe('principalsOf', () => {
  it('treats "*", {"AWS": "*"} and NotPrincipal as everyone', () => {
    expect(principalsOf(allow({ Principal: '*' })).everyone).toBe(true);
    expect(
      principalsOf(allow({ Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'] } })).everyone,
    ).toBe(true);
    expect(
      principalsOf(allow({ NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } })).everyone,
    ).toBe(true);
    expect(
      principalsOf(allow({ Principal: { Service: 'cloudtrail.amazonaws.com' } })).everyone,
    ).toBe(false);
  });
});

describe('hasNarrowingCondition', () => {
  it('counts positive conditions on who may call', () => {
    expect(
      hasNarrowingCondition(
        allow({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }),
      ),
    ).toBe(true);
    expect(
      hasNarrowingCondition(allow({ Condition: { StringEquals: { 'AWS:SourceVpce': 'vpce-1' } } })),
    ).toBe(true);
    expect(
      hasNarrowingCondition(
        allow({ Condition: { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } }),
      ),
    ).toBe(true);
  });

  it('does not count negations, IfExists, ForAllValues, wildcards or world-wide addresses', () => {
    for (const cond of [
      { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } },
      { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } },
      { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-abc' } },
      { StringLike: { 'aws:PrincipalArn': '*' } },
      { IpAddress: { 'aws:SourceIp': ['0.0.0.0/1', '128.0.0.0/1'] } },
      { Bool: { 'aws:SecureTransport': 'true' } },
    ]) {
      expect(hasNarrowingCondition(allow({ Condition: cond })), JSON.stringify(cond)).toBe(false);
    }
  });
});

describe('publicStatements and grantedAccounts', () => {
  const doc: JsonObject = {
    Statement: [
      allow({ Principal: '*' }),
      { ...allow({ Principal: '*' }), Effect: 'Deny' },
      allow({ Principal: { AWS: ['arn:aws:iam::444455556666:role/reader', '111122223333'] } }),
      allow({
        Principal: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      }),
    ],
  };

  it('keep only unconditioned Allow statements for everyone', () => {
    expect(publicStatements(doc)).toHaveLength(1);
  });

  it('list the accounts named by AWS principals', () => {
    expect(grantedAccounts(doc)).toEqual(['444455556666', '111122223333']);
    expect(grantedAccounts({ Statement: allow({ Principal: { AWS: '999988887777' } }) })).toEqual([
      '999988887777',
    ]);
  });
});
