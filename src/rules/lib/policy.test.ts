/**
 * Tests of policy-document reading and judging: every shape CloudTrail and exports use for the
 * document, every spelling of a grant, and the trust-policy cases that must and must not count.
 */
import { describe, expect, it } from 'vitest';
import {
  judgePolicy,
  judgeTrust,
  permissionGrants,
  readPolicy,
  trustGrants,
  wildcardMatch,
} from './policy.js';
import type { Statement } from './policy.js';

const ADMIN = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

function statements(v: unknown): Statement[] {
  const r = readPolicy(v as never);
  if (r === undefined || !r.ok) throw new Error(`not read: ${JSON.stringify(r)}`);
  return r.statements;
}

describe('readPolicy', () => {
  it('reads a JSON string, a URL-encoded string, an object and a double-encoded string alike', () => {
    const json = JSON.stringify(ADMIN);
    for (const shape of [json, encodeURIComponent(json), ADMIN, JSON.stringify(json)]) {
      expect(statements(shape)).toHaveLength(1);
      expect(statements(shape)[0]?.actions).toEqual(['*']);
    }
  });

  it('reads form-encoded documents where spaces became "+"', () => {
    const form = encodeURIComponent(
      '{ "Statement": { "Effect": "Allow", "Action": "*", "Resource": "*" } }',
    ).replace(/%20/g, '+');
    expect(statements(form)[0]?.effect).toBe('Allow');
  });

  it('accepts Statement as one object and element names in any case', () => {
    const s = statements('{"statement":{"effect":"allow","action":"IAM:*","resource":"*"}}');
    expect(s[0]?.effect).toBe('Allow');
    expect(s[0]?.actions).toEqual(['IAM:*']);
  });

  it('says undefined for no document and why for an unreadable one', () => {
    expect(readPolicy(undefined)).toBeUndefined();
    expect(readPolicy(null)).toBeUndefined();
    expect(readPolicy('  ')).toBeUndefined();
    expect(readPolicy('{"Statement": [')).toEqual({ ok: false, reason: 'not JSON' });
    expect(readPolicy('%E0%A4%A')).toEqual({ ok: false, reason: 'not JSON' });
    expect(readPolicy('{"Version":"2012-10-17"}')).toEqual({
      ok: false,
      reason: 'no Statement element',
    });
  });

  it('keeps a __proto__ key as data', () => {
    const s = statements(
      '{"__proto__":{"polluted":true},"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
    );
    expect(s).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('wildcardMatch', () => {
  it('matches IAM wildcards case-insensitively', () => {
    expect(wildcardMatch('iam:*', 'iam:PutUserPolicy')).toBe(true);
    expect(wildcardMatch('IAM:put*', 'iam:PutUserPolicy')).toBe(true);
    expect(wildcardMatch('iam:?utUserPolicy', 'iam:PutUserPolicy')).toBe(true);
    expect(wildcardMatch('iam:Get*', 'iam:PutUserPolicy')).toBe(false);
    expect(wildcardMatch('*a*b*c*', 'xaybzc')).toBe(true);
    expect(wildcardMatch('*a*b*c*', 'xaybz')).toBe(false);
  });

  it('stays fast on patterns built to backtrack', () => {
    const value = 'a'.repeat(5000);
    expect(wildcardMatch(`${'*a'.repeat(40)}b`, value)).toBe(false);
  });
});

describe('permissionGrants', () => {
  it('finds admin in "*", "*:*" and NotAction with Allow', () => {
    expect(permissionGrants(statements(ADMIN)).map((g) => g.kind)).toEqual(['admin']);
    expect(
      permissionGrants(
        statements('{"Statement":[{"Effect":"Allow","Action":["*:*"],"Resource":["*"]}]}'),
      ).map((g) => g.kind),
    ).toEqual(['admin']);
    expect(
      permissionGrants(
        statements('{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}'),
      ).map((g) => g.kind),
    ).toEqual(['not-action']);
  });

  it('finds escalation through iam:* and narrower wildcards, and assume-role on any role', () => {
    const doc = {
      Statement: [
        { Effect: 'Allow', Action: 'iam:Attach*', Resource: 'arn:aws:iam::123456789012:user/*' },
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
      ],
    };
    expect(permissionGrants(statements(doc)).map((g) => g.kind)).toEqual([
      'iam-escalation',
      'assume-any-role',
    ]);
  });

  it('ignores Deny, specific resources and harmless wildcards', () => {
    const doc = {
      Statement: [
        { Effect: 'Deny', Action: '*', Resource: '*' },
        { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/*' },
        { Effect: 'Allow', Action: 'iam:Get*', Resource: '*' },
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: 'arn:aws:iam::123456789012:role/reader',
        },
      ],
    };
    expect(permissionGrants(statements(doc))).toEqual([]);
  });

  it('ranks the strongest grant first in a verdict', () => {
    const v = judgePolicy(
      JSON.stringify({
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
          {
            Effect: 'Allow',
            Action: '*',
            Resource: '*',
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
          },
        ],
      }),
      ['iam:PutUserPolicy'],
    );
    expect(v?.kind).toBe('grants');
    if (v?.kind === 'grants') {
      expect(v.grants[0]?.kind).toBe('admin');
      expect(v.grants[0]?.conditional).toBe(true);
    }
  });
});

describe('trustGrants', () => {
  const known = (a: string): boolean => a === '123456789012';
  const trust = (statement: object): string[] =>
    trustGrants(
      statements({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', ...statement }] }),
      known,
    ).map((g) => `${g.kind} ${g.account ?? ''}`.trim());

  it('flags everyone unless a restricting condition names the organisation or caller', () => {
    expect(trust({ Principal: '*' })).toEqual(['everyone']);
    expect(trust({ Principal: { AWS: ['*'] } })).toEqual(['everyone']);
    expect(
      trust({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } }),
    ).toEqual([]);
    expect(
      trust({
        Principal: '*',
        Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' } },
      }),
    ).toEqual([]);
    expect(
      trust({ Principal: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
    ).toEqual(['everyone']);
  });

  it('flags accounts that are not known, in every spelling', () => {
    expect(trust({ Principal: { AWS: '444455556666' } })).toEqual(['foreign-account 444455556666']);
    expect(trust({ Principal: { AWS: 'arn:aws:iam::444455556666:role/x' } })).toEqual([
      'foreign-account 444455556666',
    ]);
    expect(
      trust({ Principal: { AWS: ['123456789012', 'arn:aws:iam::123456789012:root'] } }),
    ).toEqual([]);
    expect(trust({ Principal: { AWS: 'AROA4XJ7LBQ5EXAMPLE02' } })).toEqual([]);
    expect(trust({ Principal: { Service: 'ec2.amazonaws.com' } })).toEqual([]);
  });

  it('flags OIDC providers without a pinned subject and unknown federated principals', () => {
    const gh = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    expect(trust({ Principal: { Federated: gh } })).toEqual(['open-oidc']);
    expect(
      trust({
        Principal: { Federated: gh },
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:*'] } },
      }),
    ).toEqual(['open-oidc']);
    expect(
      trust({
        Principal: { Federated: gh },
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:*' } },
      }),
    ).toEqual([]);
    expect(
      trust({ Principal: { Federated: 'arn:aws:iam::123456789012:saml-provider/Okta' } }),
    ).toEqual([]);
    expect(
      trust({ Principal: { Federated: 'arn:aws:iam::444455556666:saml-provider/Okta' } }),
    ).toEqual(['unknown-idp 444455556666']);
    expect(trust({ Principal: { Federated: 'cognito-identity.amazonaws.com' } })).toEqual([
      'open-oidc',
    ]);
    expect(trust({ Principal: { Federated: 'idp.example.net' } })).toEqual(['unknown-idp']);
  });

  it('reads the URL-encoded copy IAM returns and reports an unreadable one', () => {
    const doc = encodeURIComponent(
      '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}',
    );
    expect(judgeTrust(doc, known)).toEqual({
      kind: 'grants',
      grants: [{ kind: 'everyone', principal: '*' }],
    });
    expect(judgeTrust('not a policy', known)?.kind).toBe('unreadable');
    expect(judgeTrust(undefined, known)).toBeUndefined();
  });
});
