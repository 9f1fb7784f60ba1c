/**
 * `aws.credential.caller-identity-long-term-key`: `sts:GetCallerIdentity` called with a long-term
 * access key from a public address outside AWS. "Whose key is this?" is the first call made with
 * a key found in a repository, a paste or a laptop backup, and the call cannot be denied by any
 * policy. On its own it is also what every developer runs, hence the low priority; whether the
 * address or key is new for the principal is for the stateful rules.
 */
import { defineApiRule } from '../../engine/rule.js';
import { actorName, basePriority, ctRecord, isAutomation, shift, where } from '../lib.js';
import { isLongTermKey } from '../lib/caller.js';
import { describeSource } from '../lib/caller-source.js';

export default defineApiRule({
  id: 'aws.credential.caller-identity-long-term-key',
  title: 'Long-term access key checked with GetCallerIdentity from outside AWS',
  category: 'credential',
  row: 'CRED-1',
  priority: 'low',
  mitre: ['T1087.004', 'T1078.004'],
  description:
    'GetCallerIdentity signed with a long-term access key (`AKIA…`, an IAM user or the root user) ' +
    'from an address the enrich stage classes as `public` (not AWS, not the configured internal ' +
    'networks). Whoever finds a key calls this first to learn the account and user it belongs to; ' +
    'secret scanners (TruffleHog and others) do the same to verify what they found. The same call ' +
    'is routine for people checking which profile they are using, so a single event is low ' +
    'priority, root keys one level higher; the signal becomes strong together with a source ' +
    'address the principal has not used before, which the stateful rules track. The configured ' +
    'CI/CD is ignored. GetCallerIdentity cannot fail for a valid key, so there are no attempts; ' +
    'an invalid key is not logged at all. Without enrichment the source class is unknown and ' +
    'nothing is reported.',
  falsePositives: [
    'Developers and scripts that check their identity before working (aws sts get-caller-identity).',
    'Monitoring or key-inventory tools run from outside AWS.',
  ],
  response: [
    'Ask the key’s owner whether the call and address are theirs.',
    'If not: deactivate the key at once, search public repositories and pastes for it, and review everything the key did afterwards.',
    'Replace long-term keys with role credentials (IAM Identity Center, OIDC federation) where possible.',
  ],
  references: [
    'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#securing_access-keys',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['sts.amazonaws.com'], eventNames: ['GetCallerIdentity'] },
  match: (e, ctx) => isLongTermKey(e) && e.source?.class === 'public' && !isAutomation(e, ctx.org),
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'low'), e.actor.type === 'Root' ? 1 : 0),
  summary: (e) =>
    `${actorName(e)} checked its identity with long-term key ${e.actor.accessKeyId ?? '(unknown)'} ` +
    `from ${describeSource(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'An IAM user’s key checked from a hosting provider',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetCallerIdentity',
          sourceIPAddress: '37.120.186.1',
          readOnly: true,
          userAgent:
            'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 cfg/retry-mode#legacy Botocore/1.34.69',
          host: 'sts.amazonaws.com',
        }),
      },
      {
        title: 'The root user’s access key checked from a public address',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetCallerIdentity',
          identity: {
            type: 'Root',
            principalId: '123456789012',
            arn: 'arn:aws:iam::123456789012:root',
            accountId: '123456789012',
            accessKeyId: 'AKIA4XJ7LBQ5EXAMPL16',
          },
          sourceIPAddress: '198.51.100.77',
          readOnly: true,
          host: 'sts.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'An SSO session (temporary key) checks its identity from the same address',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetCallerIdentity',
          identity: 'role',
          sourceIPAddress: '37.120.186.1',
          readOnly: true,
          host: 'sts.amazonaws.com',
        }),
      },
      {
        title: 'A long-term key checked from a private address (Invictus set-up)',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetCallerIdentity',
          sourceIPAddress: '192.168.10.20',
          readOnly: true,
          host: 'sts.amazonaws.com',
        }),
      },
    ],
  },
});
