/**
 * The helpers of the stateful rules: the stable identity state is kept for, how facts of a signal
 * read in a summary, and what an IAM call grants (admin-grant.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { normaliseCloudTrail } from '../../normalise/cloudtrail.js';
import { IDENTITIES } from '../lib.js';
import { DEFAULT_ADMIN_GROUPS, DEFAULT_ADMIN_POLICIES, grantOf } from './admin-grant.js';
import { assumedRoleArn, maskKey, placeOf, span, stablePrincipal } from './behaviour.js';
import { IAM_IDENTITIES } from './iam-principals.js';
import { attachPolicyRecord, addUserToGroupRecord, putPolicyRecord } from './iam-fixtures.js';
import { assumeRoleRecord } from './sts-fixtures.js';

function event(record: JsonObject): ApiEvent {
  const n = normaliseCloudTrail(record, { file: 'test' });
  if (!n.ok) throw new Error(n.reason);
  return n.event;
}

const CALL = { eventTime: '2026-01-02T03:04:05Z' };
const LISTS = { adminPolicies: DEFAULT_ADMIN_POLICIES, adminGroups: DEFAULT_ADMIN_GROUPS };

function signal(facts: Signal['facts']): Signal {
  return { ruleId: 'r', key: 'k', time: 0, facts, origin: { file: 'f' }, actor: {} };
}

describe('stablePrincipal', () => {
  it('keys role sessions by their role, Identity Center sessions by the person, users by ARN', () => {
    const assume = (identity: JsonObject): ApiEvent =>
      event(
        assumeRoleRecord({
          ...CALL,
          identity,
          roleArn: 'arn:aws:iam::123456789012:role/x',
          roleSessionName: 's',
        }),
      );
    expect(stablePrincipal(assume(IAM_IDENTITIES.instanceRole))).toBe(
      'arn:aws:iam::123456789012:role/webapp-ec2',
    );
    // One Identity Center role serves every person with the permission set.
    expect(stablePrincipal(assume(IDENTITIES.role))).toBe(
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40/bob@example.com',
    );
    expect(stablePrincipal(assume(IDENTITIES.user))).toBe('arn:aws:iam::123456789012:user/alice');
  });

  it('gives no key for identities named only by account or service', () => {
    const e = event(
      assumeRoleRecord({
        ...CALL,
        identity: {
          type: 'AWSAccount',
          principalId: 'AIDAQRSTUVWXYZEXAMPLE',
          accountId: '777788889999',
        },
        roleArn: 'arn:aws:iam::123456789012:role/x',
        roleSessionName: 's',
      }),
    );
    expect(stablePrincipal(e)).toBeUndefined();
  });
});

describe('assumedRoleArn', () => {
  it('reads the role of a denied call from its error message', () => {
    const e = event(
      assumeRoleRecord({
        ...CALL,
        identity: IDENTITIES.user,
        roleArn: 'arn:aws:iam::111122223333:role/Admin',
        roleSessionName: 's',
        denied: true,
      }),
    );
    expect(e.request).toBeUndefined();
    expect(assumedRoleArn(e)).toBe('arn:aws:iam::111122223333:role/Admin');
  });
});

describe('summary words', () => {
  it('masks keys, names places and spans', () => {
    expect(maskKey('AKIA4XJ7LBQ5EXAMPL7Q')).toBe('AKIA…7Q');
    expect(placeOf(signal({ ip: '45.133.1.20', class: 'public', country: 'NL', asn: 1234 }))).toBe(
      '45.133.1.20 (NL, AS1234)',
    );
    expect(placeOf(signal({ ip: '10.0.1.5', class: 'private' }))).toBe(
      '10.0.1.5 (private address)',
    );
    expect(placeOf(signal({}))).toBe('an unknown address');
    expect(span(40_000)).toBe('40 seconds');
    expect(span(12 * 60_000)).toBe('12 minutes');
    expect(span(143 * 86_400_000)).toBe('143 days');
  });
});

describe('grantOf', () => {
  it('tells a self-grant from a grant to someone else', () => {
    const self = grantOf(
      event(
        attachPolicyRecord(
          { ...CALL, identity: IDENTITIES.user },
          { userName: 'alice' },
          'arn:aws:iam::aws:policy/AdministratorAccess',
        ),
      ),
      LISTS,
    );
    expect(self).toEqual({
      target: 'user alice',
      self: true,
      what: 'managed policy AdministratorAccess',
      admin: true,
    });
    const other = grantOf(
      event(
        attachPolicyRecord(
          { ...CALL, identity: IDENTITIES.user },
          { userName: 'bob' },
          'arn:aws:iam::aws:policy/ReadOnlyAccess',
        ),
      ),
      LISTS,
    );
    expect(other).toMatchObject({ self: false, admin: false });
  });

  it('recognises a role session changing its own role, and judges inline documents by content', () => {
    const escalate = grantOf(
      event(
        putPolicyRecord(
          { ...CALL, identity: IAM_IDENTITIES.instanceRole },
          { roleName: 'webapp-ec2' },
          'p',
          {
            Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
          },
        ),
      ),
      LISTS,
    );
    expect(escalate).toMatchObject({ self: true, admin: true });
    const narrow = grantOf(
      event(
        putPolicyRecord(
          { ...CALL, identity: IAM_IDENTITIES.instanceRole },
          { roleName: 'webapp-ec2' },
          'p',
          {
            Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
          },
        ),
      ),
      LISTS,
    );
    expect(narrow).toMatchObject({ self: true, admin: false });
  });

  it('does not take a customer policy named like an AWS one for administrator access', () => {
    const g = grantOf(
      event(
        attachPolicyRecord(
          { ...CALL, identity: IDENTITIES.user },
          { userName: 'bob' },
          'arn:aws:iam::123456789012:policy/AdministratorAccess',
        ),
      ),
      LISTS,
    );
    expect(g?.admin).toBe(false);
  });

  it('judges groups by name', () => {
    expect(
      grantOf(
        event(addUserToGroupRecord({ ...CALL, identity: IDENTITIES.user }, 'alice', 'Admins')),
        LISTS,
      ),
    ).toMatchObject({ self: true, admin: true });
    expect(
      grantOf(
        event(addUserToGroupRecord({ ...CALL, identity: IDENTITIES.user }, 'bob', 'developers')),
        LISTS,
      ),
    ).toMatchObject({ self: false, admin: false });
  });
});
