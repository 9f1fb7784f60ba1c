/**
 * `aws.data.s3-copy-to-foreign-bucket`: an object copied server-side into a bucket owned by an
 * account the configuration does not know. CopyObject (and UploadPartCopy for large objects)
 * moves data between accounts inside S3, without it ever passing the caller's network.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { actorName, basePriority, did, failed, shift, USER_AGENTS, where } from '../lib.js';
import { accountsAssumption, isForeignAccount } from '../lib/ownership.js';
import { bucketOf, bucketOwner, copySource, s3Record } from '../lib/s3-records.js';

function destination(e: ApiEvent): { bucket: string; owner: string } | undefined {
  const bucket = bucketOf(e);
  const owner = bucketOwner(e, bucket);
  return bucket === undefined || owner === undefined ? undefined : { bucket, owner };
}

export default defineApiRule({
  id: 'aws.data.s3-copy-to-foreign-bucket',
  title: "S3 object copied into a foreign account's bucket",
  category: 'data',
  row: 'DATA-1',
  priority: 'high',
  mitre: ['T1537'],
  description:
    'A CopyObject or UploadPartCopy wrote into a bucket whose owner, as CloudTrail lists it in ' +
    '`resources[]` (the `accountId` of the AWS::S3::Bucket entry for the destination bucket), is ' +
    'neither the account that recorded the event nor in organisation.accounts / trustedAccounts. ' +
    "The source (`x-amz-copy-source`) is typically one of the organisation's buckets, readable " +
    "by the attacker's principal through a stolen key or a backdoored bucket policy. Records " +
    "that do not list the destination bucket's owner cannot be judged and do not match. " +
    'Failed copies are one level lower as attempts.',
  falsePositives: [
    "Replication-like jobs that deliver data to a partner's bucket (list the partner in trustedAccounts).",
    "Copies between the organisation's own accounts while organisation.accounts is empty.",
  ],
  response: [
    'Identify the destination account and the objects copied (key, x-amz-copy-source) and treat them as disclosed.',
    "Revoke the caller's access: its keys or sessions, and any bucket policy statement that lets it read the source.",
    'Add a bucket policy or SCP condition (aws:ResourceAccount / s3:ResourceAccount) that forbids writes to buckets outside the organisation.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html',
  ],
  knobs: {},
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['s3.amazonaws.com'], eventNames: ['CopyObject', 'UploadPartCopy'] },
  match: (e, ctx) => {
    const d = destination(e);
    return d !== undefined && isForeignAccount(d.owner, e, ctx.org);
  },
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'high'), failed(e) ? -1 : 0),
  summary: (e) => {
    const d = destination(e);
    const src = copySource(e) ?? 'an object';
    return (
      `${actorName(e)} ${did(e, 'copied', 'copy')} ${src} into bucket ${d?.bucket ?? '(unnamed)'} ` +
      `owned by unknown account ${d?.owner ?? ''} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: "A customer export copied into an outside account's bucket",
        record: s3Record({
          eventName: 'CopyObject',
          bucket: 'drop-7f3a9c',
          key: 'x/customers.csv',
          bucketOwner: '444455556666',
          userAgent: USER_AGENTS.cli,
          requestParameters: {
            bucketName: 'drop-7f3a9c',
            Host: 'drop-7f3a9c.s3.us-east-1.amazonaws.com',
            'x-amz-copy-source': 'acme-exports/2026/customers.csv',
            key: 'x/customers.csv',
          },
          responseElements: {
            CopyObjectResult: {
              LastModified: '2026-01-02T03:04:05Z',
              ETag: '"2a7b3c9d1e5f60718293a4b5c6d7e8f9"',
            },
          },
          additionalEventData: {
            SignatureVersion: 'SigV4',
            CipherSuite: 'TLS_AES_128_GCM_SHA256',
            bytesTransferredIn: 0,
            AuthenticationMethod: 'AuthHeader',
            bytesTransferredOut: 0,
          },
          extraResources: [
            { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::acme-exports/2026/customers.csv' },
            {
              accountId: '123456789012',
              type: 'AWS::S3::Bucket',
              ARN: 'arn:aws:s3:::acme-exports',
            },
          ],
        }),
      },
    ],
    miss: [
      {
        title: 'A copy between two buckets of the same account',
        record: s3Record({
          eventName: 'CopyObject',
          bucket: 'acme-archive',
          key: '2026/customers.csv',
          requestParameters: {
            bucketName: 'acme-archive',
            Host: 'acme-archive.s3.us-east-1.amazonaws.com',
            'x-amz-copy-source': 'acme-exports/2026/customers.csv',
            key: '2026/customers.csv',
          },
        }),
      },
      {
        title: "A copy into the organisation's log archive account",
        config: { organisation: { accounts: ['123456789012', '210987654321'] } },
        record: s3Record({
          eventName: 'CopyObject',
          bucket: 'acme-log-archive',
          key: 'app/2026/01/02/app.log.gz',
          bucketOwner: '210987654321',
          requestParameters: {
            bucketName: 'acme-log-archive',
            Host: 'acme-log-archive.s3.us-east-1.amazonaws.com',
            'x-amz-copy-source': 'acme-app-logs/2026/01/02/app.log.gz',
            key: 'app/2026/01/02/app.log.gz',
          },
        }),
      },
    ],
  },
});
