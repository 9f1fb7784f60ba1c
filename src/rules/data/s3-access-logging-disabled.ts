/**
 * `aws.data.s3-access-logging-disabled`: server access logging turned off for a bucket
 * (PutBucketLogging with an empty BucketLoggingStatus). Access logs are, with S3 data events, the
 * only record of who read which object; turning them off hides the reads that follow.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { actorName, at, ctRecord, did, tamperPriority, where } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { bucketOf } from '../lib/s3-records.js';

function disables(e: ApiEvent): boolean {
  const status = at(e.request, 'BucketLoggingStatus');
  // The request body is <BucketLoggingStatus/> with no LoggingEnabled element; CloudTrail writes
  // it as an object holding only its XML namespace, or as an empty string.
  if (status === undefined || status === null) return false;
  if (typeof status === 'string') return true;
  return at(status, 'LoggingEnabled') === undefined;
}

function loggingRecord(bucket: string, status: JsonObject, extra: Partial<CtRecordInput> = {}) {
  return ctRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketLogging',
    requestParameters: {
      bucketName: bucket,
      Host: `${bucket}.s3.us-east-1.amazonaws.com`,
      logging: '',
      BucketLoggingStatus: status,
    },
    resources: [
      { accountId: '123456789012', type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    host: `${bucket}.s3.us-east-1.amazonaws.com`,
    requestID: 'E4G7J0L3N6Q9S2U5',
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.data.s3-access-logging-disabled',
  title: 'S3 server access logging disabled',
  category: 'data',
  row: null,
  priority: 'medium',
  mitre: ['T1562.008'],
  description:
    'A PutBucketLogging call sent a BucketLoggingStatus without a LoggingEnabled element, which ' +
    'turns server access logging off for the bucket. Reads and writes of its objects stop being ' +
    'recorded outside CloudTrail data events (which many accounts do not collect). Changing the ' +
    'target bucket or prefix does not match. Failed calls are one level lower as attempts.',
  falsePositives: [
    'Decommissioning a bucket, or moving it to CloudTrail data events for object-level logging.',
  ],
  response: [
    'Turn logging back on (PutBucketLogging with the previous target bucket and prefix).',
    'Review other evidence of object access for the gap (CloudTrail data events, GuardDuty S3 protection).',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['s3.amazonaws.com'], eventNames: ['PutBucketLogging'] },
  match: disables,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'medium'),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'disabled', 'disable')} server access logging of bucket ${bucketOf(e) ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'Logging turned off with an empty BucketLoggingStatus',
        record: loggingRecord('acme-app-data', {
          xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
        }),
      },
    ],
    miss: [
      {
        title: 'Logging pointed at the log archive bucket',
        record: loggingRecord('acme-app-data', {
          xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
          LoggingEnabled: { TargetBucket: 'acme-access-logs', TargetPrefix: 'acme-app-data/' },
        }),
      },
    ],
  },
});
