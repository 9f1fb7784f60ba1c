/**
 * `aws.data.kms-decrypt-spike`: one principal calling KMS Decrypt far more often in an hour than
 * its own history says it does. Encrypted data is only useful to a thief once decrypted, so a
 * sudden run of Decrypt calls is how bulk theft of envelope-encrypted data (exported tables,
 * encrypted files, secrets kept outside Secrets Manager) shows in the trail.
 */
import { defineBaselineRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { basePriority, ctRecord, shift, USER_AGENTS } from '../lib.js';
import { isSensitiveKey, kmsKeyNames } from '../lib/ownership.js';
import {
  asApi,
  baselineKnobs,
  baselineText,
  callerFacts,
  describePlace,
  fact,
  groupActor,
  hourly,
  MINUTE,
  principalKey,
  serviceCall,
  sourceFacts,
  timeline,
} from '../lib/principal-behaviour.js';

const { least, ...shared } = baselineKnobs('Decrypt counts', 'Decrypt', {
  default: 100,
  description: 'A period with fewer Decrypt calls than this never fires, however unusual.',
});
const knobs = { ...shared, minAmount: least };

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/0f8e7d6c-5b4a-4938-8271-6a5b4c3d2e1f';

/** True for a Decrypt the caller made itself, not one an AWS service made on its behalf. */
function ownDecrypt(e: ApiEvent): boolean {
  return e.errorCode === undefined && e.actor.invokedBy === undefined && !serviceCall(e);
}

/** The key a Decrypt used, by ARN where CloudTrail lists it. */
function keyOf(e: ApiEvent): string | undefined {
  const names = kmsKeyNames(e);
  return names.find((n) => n.startsWith('arn:')) ?? names[0];
}

/** An IAM user's Decrypt calls, or, with `viaS3`, the Decrypts S3 makes for the user's GetObject. */
function decrypts(times: readonly string[], viaS3 = false): JsonObject[] {
  return times.map((eventTime, i) =>
    ctRecord({
      eventSource: 'kms.amazonaws.com',
      eventName: 'Decrypt',
      identity: viaS3
        ? {
            type: 'IAMUser',
            principalId: 'AIDA4XJ7LBQ5EXAMPLE01',
            arn: 'arn:aws:iam::123456789012:user/alice',
            accountId: '123456789012',
            accessKeyId: 'AKIA4XJ7LBQ5EXAMPLE1',
            userName: 'alice',
            invokedBy: 's3.amazonaws.com',
          }
        : 'user',
      eventTime,
      readOnly: true,
      sourceIPAddress: viaS3 ? 's3.amazonaws.com' : '41.203.64.1',
      userAgent: viaS3 ? 's3.amazonaws.com' : USER_AGENTS.boto3,
      requestParameters: {
        encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        encryptionContext: viaS3
          ? { 'aws:s3:arn': `arn:aws:s3:::acme-ledger/2026/03/batch-${i}.csv` }
          : { app: 'ledger-export', record: `ledger-${String(i).padStart(6, '0')}` },
      },
      resources: [{ accountId: '123456789012', type: 'AWS::KMS::Key', ARN: KEY_ARN }],
    }),
  );
}

const HISTORY = hourly('2026-03-05T00:00:00Z', 26, 2);
const SPIKE_HOUR = '2026-03-06T02:00:00Z';

export default defineBaselineRule({
  id: 'aws.data.kms-decrypt-spike',
  title: 'KMS Decrypt calls far above the principal’s baseline',
  category: 'data',
  row: 'DATA-1',
  priority: 'medium',
  mitre: ['T1530', 'T1005'],
  description:
    'Counts, per principal, its successful KMS Decrypt calls over periods of `bucketMinutes` and ' +
    'compares each closed period with the principal’s own history by robust statistics: it ' +
    'fires when the count exceeds the median by more than `deviations` scaled median absolute ' +
    'deviations, reaches `minAmount`, and at least `minHistory` periods of history exist (quiet ' +
    'periods count as zero). Only Decrypts the principal made itself count: when an AWS service ' +
    'decrypts for a caller (S3 for SSE-KMS objects, Secrets Manager, EBS, RDS) CloudTrail ' +
    'records the caller with `invokedBy` set and the service as the source, and those calls ' +
    'follow the caller’s use of that service, which other rules judge. Failed calls and AWS ' +
    'services are left out. The principal is the stable identity (the role of an assumed-role ' +
    'session). One level higher when the key is in organisation.sensitive.kmsKeys. A principal ' +
    'with no history cannot fire. State per principal is the recent period totals and the open ' +
    'period; with `--state` the baseline carries across runs.',
  falsePositives: [
    'Batch jobs, re-encryption and data migrations that decrypt far more than usual.',
    'A new application version that stops caching data keys (the AWS Encryption SDK’s caching).',
  ],
  response: [
    'Find the key and the encryption context of the calls (the finding’s evidence): they say what was decrypted.',
    'Ask the owner of the principal about the job; check its source address and user agent.',
    'If not explained: revoke the sessions or keys, and restrict kms:Decrypt in the key policy to the roles that need it.',
  ],
  references: [
    'https://docs.aws.amazon.com/kms/latest/developerguide/ct-decrypt.html',
    'https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html',
  ],
  knobs,
  kind: 'baseline',
  on: { eventSource: ['kms.amazonaws.com'], eventNames: ['Decrypt'] },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && ownDecrypt(e);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : principalKey(e);
  },
  amount: () => 1,
  facts: (ev) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    const key = keyOf(e);
    return { ...sourceFacts(e), ...callerFacts(e), ...(key === undefined ? {} : { key }) };
  },
  bucketMs: (ctx) => ctx.knobs.bucketMinutes * MINUTE,
  minHistory: (ctx) => ctx.knobs.minHistory,
  deviations: (ctx) => ctx.knobs.deviations,
  minAmount: (ctx) => ctx.knobs.minAmount,
  priorityOf: (group, ctx) => {
    const keys = [fact(group.first, 'key'), fact(group.last, 'key')].filter(
      (k): k is string => k !== undefined,
    );
    return shift(basePriority(ctx, 'medium'), isSensitiveKey(ctx.org, keys) ? 1 : 0);
  },
  summary: (group) => {
    const key = fact(group.last, 'key');
    return (
      `${groupActor(group)} called KMS Decrypt ` +
      `${baselineText(group, (n) => `${n} ${n === 1 ? 'time' : 'times'}`)}` +
      `${key === undefined ? '' : `, last with key ${key}`}, from ${describePlace(group.last)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Two Decrypts an hour for 26 hours, then 140 in one hour',
        records: decrypts([...HISTORY, ...timeline(SPIKE_HOUR, 140, 25_000)]),
      },
      {
        title: 'The same spike under a key configured as sensitive',
        config: { organisation: { sensitive: { kmsKeys: [KEY_ARN] } } },
        records: decrypts([...HISTORY, ...timeline(SPIKE_HOUR, 140, 25_000)]),
      },
    ],
    miss: [
      {
        title: 'The same counts made by S3 for the user’s SSE-KMS downloads (invokedBy)',
        records: decrypts([...HISTORY, ...timeline(SPIKE_HOUR, 140, 25_000)], true),
      },
      {
        title: '90 Decrypts in the hour: below minAmount',
        records: decrypts([...HISTORY, ...timeline(SPIKE_HOUR, 90, 35_000)]),
      },
      {
        title: 'Only 12 hours of history before the spike',
        records: decrypts([
          ...hourly('2026-03-05T14:00:00Z', 12, 2),
          ...timeline(SPIKE_HOUR, 140, 25_000),
        ]),
      },
    ],
  },
});
