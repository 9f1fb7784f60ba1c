/**
 * Priorities and edge cases of the service-misuse rules beyond the matrix that the labelled
 * examples cannot assert: public SSM shares above foreign ones, a share that names own and foreign
 * accounts reported for the foreign one only, and SES verifications below account-level switches.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { Rule } from '../../engine/rule.js';
import type { Hit } from '../../findings/finding.js';
import type { JsonObject } from '../../model/event.js';
import { ctRecord } from '../lib.js';
import { replay } from '../lib/replay.js';
import sesSendingEnabled from './ses-sending-enabled.js';
import ssmDocumentSharedPublicly from './ssm-document-shared-publicly.js';

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

describe('aws.service-misuse.ssm-document-shared-publicly', () => {
  const share = (accountIdsToAdd: string[]): JsonObject =>
    ctRecord({
      eventSource: 'ssm.amazonaws.com',
      eventName: 'ModifyDocumentPermission',
      requestParameters: { name: 'db-maintenance', permissionType: 'Share', accountIdsToAdd },
    });

  it('ranks a public share above a share with a foreign account', () => {
    expect(hits(ssmDocumentSharedPublicly, share(['All']))[0]?.priority).toBe('high');
    expect(hits(ssmDocumentSharedPublicly, share(['444455556666']))[0]?.priority).toBe('medium');
  });

  it('names only the foreign accounts of a mixed share', () => {
    const config = { organisation: { accounts: ['210987654321'] } };
    const [hit] = hits(ssmDocumentSharedPublicly, share(['210987654321', '444455556666']), config);
    expect(hit?.summary).toContain('foreign account 444455556666 ');
    expect(hit?.summary).not.toContain('210987654321');
  });

  it('does not report a share with the recording account itself', () => {
    expect(hits(ssmDocumentSharedPublicly, share(['123456789012']))).toEqual([]);
  });
});

describe('aws.service-misuse.ses-sending-enabled', () => {
  const ses = (eventName: string, requestParameters: JsonObject): JsonObject =>
    ctRecord({
      eventSource: 'ses.amazonaws.com',
      eventName,
      requestParameters,
      host: 'email.us-east-1.amazonaws.com',
    });

  it('ranks identity verification one level below turning sending on', () => {
    expect(
      hits(sesSendingEnabled, ses('VerifyEmailAddress', { emailAddress: 'a@b.example' }))[0]
        ?.priority,
    ).toBe('low');
    expect(
      hits(sesSendingEnabled, ses('PutAccountSendingAttributes', { sendingEnabled: true }))[0]
        ?.priority,
    ).toBe('medium');
  });

  it('ignores account calls that turn sending or production access off', () => {
    expect(
      hits(sesSendingEnabled, ses('PutAccountSendingAttributes', { sendingEnabled: false })),
    ).toEqual([]);
    expect(
      hits(
        sesSendingEnabled,
        ses('PutAccountDetails', { mailType: 'TRANSACTIONAL', productionAccessEnabled: false }),
      ),
    ).toEqual([]);
  });

  it('matches approved identities without regard to case', () => {
    const config = {
      rules: {
        'aws.service-misuse.ses-sending-enabled': {
          knobs: { approvedIdentities: ['*.example.com'] },
        },
      },
    };
    expect(
      hits(sesSendingEnabled, ses('VerifyDomainIdentity', { domain: 'Mail.Example.com' }), config),
    ).toEqual([]);
    expect(
      hits(sesSendingEnabled, ses('VerifyDomainIdentity', { domain: 'example.net' }), config),
    ).toHaveLength(1);
  });
});
