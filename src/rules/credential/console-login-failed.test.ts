/**
 * Failed console sign-ins in the shapes CloudTrail writes that the labelled examples cannot show:
 * an unknown user name (AWS hides it and logs no ARN or principal id), and failures of different
 * users from one address, which must stay separate findings.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { Hit } from '../../findings/finding.js';
import type { JsonObject } from '../../model/event.js';
import { signinRecord } from '../lib/iam-signin.js';
import { replay } from '../lib/replay.js';
import consoleLoginFailed from './console-login-failed.js';

function hits(...records: JsonObject[]): Hit[] {
  const out = replay(
    [consoleLoginFailed],
    configSchema.parse({}),
    records.map((record, index) => ({ record, origin: { file: 'test', index } })),
    { enrich: false },
  );
  expect(out.failures).toEqual([]);
  return out.hits;
}

const HIDDEN_USER: JsonObject = {
  type: 'IAMUser',
  accountId: '123456789012',
  accessKeyId: '',
  userName: 'HIDDEN_DUE_TO_SECURITY_REASONS',
};

describe('aws.credential.console-login-failed', () => {
  it('reports a failure for an unknown user name with a readable actor', () => {
    const [hit, ...rest] = hits(
      signinRecord({
        eventName: 'ConsoleLogin',
        identity: HIDDEN_USER,
        outcome: 'Failure',
        errorMessage: 'No username found in supplied account',
        sourceIPAddress: '192.0.2.101',
      }),
    );
    expect(rest).toEqual([]);
    expect(hit?.summary).toBe(
      'an unknown user name (hidden by AWS) in account 123456789012 failed to sign in to the ' +
        'console from 192.0.2.101 (No username found in supplied account) in us-east-1',
    );
    expect(hit?.priority).toBe('low');
  });

  it('keys findings by user and address, so guesses at two users stay apart', () => {
    const jane = (ip: string): JsonObject =>
      signinRecord({
        eventName: 'ConsoleLogin',
        identity: {
          type: 'IAMUser',
          principalId: 'AIDA4XJ7LBQ5EXAMPLE18',
          arn: 'arn:aws:iam::123456789012:user/jane',
          accountId: '123456789012',
          userName: 'jane',
        },
        outcome: 'Failure',
        errorMessage: 'Failed authentication',
        sourceIPAddress: ip,
      });
    const keys = hits(
      jane('198.51.100.14'),
      jane('198.51.100.14'),
      jane('198.51.100.99'),
      signinRecord({
        eventName: 'ConsoleLogin',
        identity: HIDDEN_USER,
        outcome: 'Failure',
        errorMessage: 'No username found in supplied account',
        sourceIPAddress: '198.51.100.14',
      }),
    ).map((h) => h.key);
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toBe(keys[1]);
  });

  it('ignores a successful sign-in, even of an unnamed user', () => {
    expect(
      hits(
        signinRecord({
          eventName: 'ConsoleLogin',
          identity: HIDDEN_USER,
          outcome: 'Success',
        }),
      ),
    ).toEqual([]);
  });
});
