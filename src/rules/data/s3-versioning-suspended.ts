/**
 * `aws.data.s3-versioning-suspended`: S3 versioning suspended or MFA delete disabled on a bucket.
 * Versioning is what lets a bucket owner recover objects that were overwritten or deleted;
 * ransomware operators suspend it before they encrypt or delete.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { actorName, basePriority, ctRecord, failed, shift, str, where } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { bucketOf } from '../lib/s3-records.js';

/** Each weakening as [past tense, infinitive]. */
function changes(e: ApiEvent): [string, string][] {
  const out: [string, string][] = [];
  const status = str(e.request, 'VersioningConfiguration', 'Status');
  if (status !== undefined && status.toLowerCase() === 'suspended') {
    out.push(['suspended versioning', 'suspend versioning']);
  }
  const mfa = str(e.request, 'VersioningConfiguration', 'MfaDelete');
  if (mfa !== undefined && mfa.toLowerCase() === 'disabled') {
    out.push(['disabled MFA delete', 'disable MFA delete']);
  }
  return out;
}

function versioningRecord(
  bucket: string,
  configuration: Record<string, string>,
  extra: Partial<CtRecordInput> = {},
) {
  return ctRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketVersioning',
    requestParameters: {
      bucketName: bucket,
      Host: `${bucket}.s3.us-east-1.amazonaws.com`,
      versioning: '',
      VersioningConfiguration: {
        xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
        ...configuration,
      },
    },
    resources: [
      { accountId: '123456789012', type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    host: `${bucket}.s3.us-east-1.amazonaws.com`,
    requestID: 'D2F5H8K1M4P7R0T3',
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.data.s3-versioning-suspended',
  title: 'S3 versioning suspended or MFA delete disabled',
  category: 'data',
  row: null,
  priority: 'medium',
  mitre: ['T1490'],
  description:
    'A PutBucketVersioning call set VersioningConfiguration.Status to Suspended or MfaDelete to ' +
    'Disabled. Without versioning, overwritten and deleted objects cannot be restored; without ' +
    'MFA delete, versions can be removed with an access key alone. Both are preparation for ' +
    'destroying or ransoming data. Enabling versioning does not match. Failed calls are one ' +
    'level lower.',
  falsePositives: ['Cost clean-up of buckets holding temporary or reproducible data.'],
  response: [
    'Re-enable versioning (and MFA delete where it was used) and confirm no object versions have been deleted since.',
    'Check for lifecycle rules or mass deletions on the bucket by the same identity.',
    'Consider S3 Object Lock or AWS Backup for buckets whose data must survive a compromised account.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['s3.amazonaws.com'], eventNames: ['PutBucketVersioning'] },
  match: (e) => changes(e).length > 0,
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'medium'), failed(e) ? -1 : 0),
  summary: (e) => {
    const c = changes(e);
    const what = failed(e)
      ? `tried to ${c.map((x) => x[1]).join(' and ')}`
      : c.map((x) => x[0]).join(' and ');
    return `${actorName(e)} ${what} on bucket ${bucketOf(e) ?? '(unnamed)'} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'Versioning suspended',
        record: versioningRecord('acme-app-data', { Status: 'Suspended' }),
      },
      {
        title: 'MFA delete disabled while keeping versioning on',
        record: versioningRecord(
          'acme-ledger',
          { Status: 'Enabled', MfaDelete: 'Disabled' },
          { identity: 'role' },
        ),
      },
    ],
    miss: [
      {
        title: 'Versioning enabled',
        record: versioningRecord('acme-app-data', { Status: 'Enabled' }),
      },
    ],
  },
});
