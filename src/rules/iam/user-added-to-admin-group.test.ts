/**
 * Priorities and edge cases of `aws.iam.user-added-to-admin-group` that the labelled examples
 * cannot assert: an IAM user adding itself ranks above adding someone else, group names match
 * without regard to case, and the `adminGroups` knob replaces the default patterns.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { Hit } from '../../findings/finding.js';
import type { JsonObject } from '../../model/event.js';
import { ctRecord, IDENTITIES } from '../lib.js';
import { replay } from '../lib/replay.js';
import rule from './user-added-to-admin-group.js';

function hits(record: JsonObject, config: Record<string, unknown> = {}): Hit[] {
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

function add(
  groupName: string,
  userName: string,
  identity: JsonObject = IDENTITIES.user,
): JsonObject {
  return ctRecord({
    eventSource: 'iam.amazonaws.com',
    eventName: 'AddUserToGroup',
    identity,
    requestParameters: { groupName, userName },
    host: 'iam.amazonaws.com',
  });
}

describe('aws.iam.user-added-to-admin-group', () => {
  it('ranks an IAM user adding itself one level above adding another user', () => {
    expect(hits(add('Admins', 'alice')).map((h) => h.priority)).toEqual(['critical']);
    expect(hits(add('Admins', 'mallory')).map((h) => h.priority)).toEqual(['high']);
  });

  it('does not treat a role session as adding itself, whatever the user name', () => {
    const [hit] = hits(add('Admins', 'bob@example.com', IDENTITIES.role));
    expect(hit?.priority).toBe('high');
    expect(hit?.summary).toContain('added IAM user bob@example.com');
  });

  it('matches group names without regard to case', () => {
    expect(hits(add('PLATFORM-ADMINISTRATORS', 'erin'))).toHaveLength(1);
    expect(hits(add('db-SuperUsers', 'erin'))).toHaveLength(1);
  });

  it('uses the configured group patterns instead of the defaults', () => {
    const config = {
      rules: { 'aws.iam.user-added-to-admin-group': { knobs: { adminGroups: ['ops-*'] } } },
    };
    expect(hits(add('ops-oncall', 'erin'), config)).toHaveLength(1);
    expect(hits(add('Admins', 'erin'), config)).toEqual([]);
  });
});
