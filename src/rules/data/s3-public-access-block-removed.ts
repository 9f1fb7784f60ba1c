/**
 * `aws.data.s3-public-access-block-removed`: S3 Block Public Access deleted or weakened, for one
 * bucket or for the whole account. It is the switch that overrides public bucket policies and
 * ACLs; attackers turn it off before making data public.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  at,
  basePriority,
  bool,
  ctRecord,
  did,
  failed,
  names,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { bucketOf } from '../lib/s3-records.js';

const FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'];

function isAccountLevel(e: ApiEvent): boolean {
  return e.eventName.includes('Account') || bucketOf(e) === undefined;
}

function isDelete(e: ApiEvent): boolean {
  return e.eventName.startsWith('Delete');
}

/** The flags a Put* call turns off (logged as booleans or "false" strings). */
function flagsOff(e: ApiEvent): string[] {
  const conf = at(e.request, 'PublicAccessBlockConfiguration');
  return FLAGS.filter((f) => bool(conf, f) === false);
}

function scope(e: ApiEvent): string {
  return isAccountLevel(e)
    ? `for the whole account ${e.account ?? ''}`.trimEnd()
    : `on bucket ${bucketOf(e) as string}`;
}

function pabRecord(
  eventName: string,
  request: JsonObject,
  extra: Partial<CtRecordInput> = {},
): JsonObject {
  return ctRecord({
    eventSource: 's3.amazonaws.com',
    eventName,
    requestParameters: request,
    requestID: 'C8E1G4J7L0N3Q6S9',
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.data.s3-public-access-block-removed',
  title: 'S3 Block Public Access removed or weakened',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1530', 'T1562'],
  description:
    'S3 Block Public Access was deleted (DeleteBucketPublicAccessBlock, ' +
    'DeleteAccountPublicAccessBlock, or DeletePublicAccessBlock as S3 Control names it) or set ' +
    'with at least one of BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy or ' +
    'RestrictPublicBuckets false (PutBucketPublicAccessBlock, PutAccountPublicAccessBlock, ' +
    'PutPublicAccessBlock). Block Public Access overrides public ACLs and policies, so removing ' +
    'it is the step before a bucket is made public. Account-level changes affect every bucket ' +
    'and are one level higher. CloudTrail logs both levels with eventSource s3.amazonaws.com. ' +
    'Failed calls are one level lower as attempts.',
  falsePositives: [
    'Buckets that host public websites and need public policies (set the exception per bucket, not for the account).',
  ],
  response: [
    'Restore all four settings to true (PutPublicAccessBlock at the bucket and account level).',
    'Check whether a public bucket policy or ACL followed (aws.data.s3-bucket-public-policy, aws.data.s3-public-acl).',
    'Consider an SCP that denies s3:PutAccountPublicAccessBlock and s3:PutBucketPublicAccessBlock outside a break-glass role.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_PutPublicAccessBlock.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['s3.amazonaws.com'],
    eventNames: [
      'DeleteBucketPublicAccessBlock',
      'DeleteAccountPublicAccessBlock',
      'DeletePublicAccessBlock',
      'PutBucketPublicAccessBlock',
      'PutAccountPublicAccessBlock',
      'PutPublicAccessBlock',
    ],
  },
  match: (e) => isDelete(e) || flagsOff(e).length > 0,
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), (isAccountLevel(e) ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e) =>
    isDelete(e)
      ? `${actorName(e)} ${did(e, 'removed', 'remove')} S3 Block Public Access ${scope(e)} ${where(e)}`
      : `${actorName(e)} ${did(e, 'turned off', 'turn off')} ${names(flagsOff(e), 4)} of S3 Block Public Access ${scope(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'Every flag turned off on one bucket',
        record: pabRecord(
          'PutBucketPublicAccessBlock',
          {
            publicAccessBlock: '',
            bucketName: 'acme-backups',
            Host: 'acme-backups.s3.us-east-1.amazonaws.com',
            PublicAccessBlockConfiguration: {
              xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
              RestrictPublicBuckets: false,
              BlockPublicPolicy: false,
              BlockPublicAcls: false,
              IgnorePublicAcls: false,
            },
          },
          {
            host: 'acme-backups.s3.us-east-1.amazonaws.com',
            resources: [
              {
                accountId: '123456789012',
                type: 'AWS::S3::Bucket',
                ARN: 'arn:aws:s3:::acme-backups',
              },
            ],
          },
        ),
      },
      {
        title: 'The account-level block deleted',
        record: pabRecord(
          'DeleteAccountPublicAccessBlock',
          { Host: '123456789012.s3-control.us-east-1.amazonaws.com' },
          {
            identity: 'role',
            userAgent: USER_AGENTS.cli,
            host: '123456789012.s3-control.us-east-1.amazonaws.com',
          },
        ),
      },
      {
        title: 'Only the public-policy flag turned off, logged as strings',
        record: pabRecord(
          'PutBucketPublicAccessBlock',
          {
            publicAccessBlock: '',
            bucketName: 'acme-site',
            Host: 'acme-site.s3.us-east-1.amazonaws.com',
            PublicAccessBlockConfiguration: {
              xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
              RestrictPublicBuckets: 'true',
              BlockPublicPolicy: 'false',
              BlockPublicAcls: 'true',
              IgnorePublicAcls: 'true',
            },
          },
          { host: 'acme-site.s3.us-east-1.amazonaws.com' },
        ),
      },
    ],
    miss: [
      {
        title: 'Every flag turned on',
        record: pabRecord(
          'PutBucketPublicAccessBlock',
          {
            publicAccessBlock: '',
            bucketName: 'acme-backups',
            Host: 'acme-backups.s3.us-east-1.amazonaws.com',
            PublicAccessBlockConfiguration: {
              xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
              RestrictPublicBuckets: true,
              BlockPublicPolicy: true,
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
            },
          },
          { host: 'acme-backups.s3.us-east-1.amazonaws.com' },
        ),
      },
    ],
  },
});
