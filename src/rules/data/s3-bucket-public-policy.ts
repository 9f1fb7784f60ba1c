/**
 * `aws.data.s3-bucket-public-policy`: a bucket policy that lets anyone in. A statement with
 * `Effect: Allow` and principal `*` (or `{"AWS": "*"}`, or a `NotPrincipal`) and no condition that
 * narrows who can use it (organisation, VPC endpoint, source address or account) makes the
 * bucket public for the actions it lists.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { actorName, basePriority, ctRecord, did, failed, shift, where } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { actionsOf, publicStatements } from '../lib/resource-policy.js';
import { bucketOf, bucketPolicy } from '../lib/s3-records.js';

function publicActions(e: ApiEvent): string[] {
  const out: string[] = [];
  for (const s of publicStatements(bucketPolicy(e))) {
    for (const a of actionsOf(s)) if (!out.includes(a)) out.push(a);
  }
  return out;
}

function writes(actions: readonly string[]): boolean {
  return actions.some((a) => /^(\*|s3:\*|s3:(Put|Delete|Restore|Replicate)[A-Za-z*]*)$/i.test(a));
}

function policyRecord(bucket: string, policy: JsonObject, extra: Partial<CtRecordInput> = {}) {
  return ctRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketPolicy',
    requestParameters: {
      bucketPolicy: policy,
      bucketName: bucket,
      Host: `${bucket}.s3.us-east-1.amazonaws.com`,
      policy: '',
    },
    resources: [
      { accountId: '123456789012', type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    host: `${bucket}.s3.us-east-1.amazonaws.com`,
    requestID: 'K7P2R9T4V1X6Z3B8',
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 0,
      AuthenticationMethod: 'AuthHeader',
      bytesTransferredOut: 0,
    },
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.data.s3-bucket-public-policy',
  title: 'S3 bucket policy made public',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1530'],
  description:
    'A PutBucketPolicy call set a policy with an Allow statement for every principal (`"*"`, ' +
    '`{"AWS": "*"}`, or `NotPrincipal`) that has no narrowing condition: no positive ' +
    'aws:PrincipalOrgID / PrincipalOrgPaths / PrincipalAccount / PrincipalArn, aws:SourceVpce / ' +
    'SourceVpc, aws:SourceIp (other than a world-wide block), aws:SourceAccount / SourceArn ' +
    'condition. Negated, IfExists and ForAllValues operators do not narrow (they pass when the ' +
    'key is missing). Public write or delete actions (`s3:*`, `s3:Put*`, `s3:Delete*`) are one ' +
    'level higher. The policy is read from `bucketPolicy` as an object or a JSON string. Failed ' +
    'calls (often blocked by Block Public Access) are one level lower as attempts.',
  falsePositives: [
    'Static website buckets that serve public files on purpose (s3:GetObject for everyone).',
    'Policies whose restriction relies on a condition key not recognised here (check the statement).',
  ],
  response: [
    'Remove or narrow the public statement (PutBucketPolicy or DeleteBucketPolicy) and turn Block Public Access on for the bucket and the account.',
    "Review the bucket's server access logs and S3 data events for anonymous reads since the change.",
    'Find what the bucket holds and whether any of it is sensitive.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['s3.amazonaws.com'], eventNames: ['PutBucketPolicy'] },
  match: (e) => publicActions(e).length > 0,
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), (writes(publicActions(e)) ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'made', 'make')} bucket ${bucketOf(e) ?? '(unnamed)'} public through ` +
    `its bucket policy (${publicActions(e).join(', ')} for everyone) ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'Public read of every object',
        record: policyRecord('acme-reports', {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'PublicRead',
              Effect: 'Allow',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: 'arn:aws:s3:::acme-reports/*',
            },
          ],
        }),
      },
      {
        title: 'Everything for {"AWS": "*"} with a condition that does not narrow',
        record: policyRecord(
          'acme-uploads',
          {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: '*' },
                Action: 's3:*',
                Resource: ['arn:aws:s3:::acme-uploads', 'arn:aws:s3:::acme-uploads/*'],
                Condition: { Bool: { 'aws:SecureTransport': 'true' } },
              },
            ],
          },
          { identity: 'role', userAgent: 'AWS Internal' },
        ),
      },
    ],
    miss: [
      {
        title: 'A CloudTrail delivery policy (as the Invictus dataset records it)',
        record: policyRecord('acme-cloudtrail-logs', {
          Version: '2012-10-17',
          Statement: [
            {
              Action: 's3:GetBucketAcl',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Resource: 'arn:aws:s3:::acme-cloudtrail-logs',
              Sid: 'AWSCloudTrailAclCheck',
            },
            {
              Action: 's3:PutObject',
              Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Resource: 'arn:aws:s3:::acme-cloudtrail-logs/*',
              Sid: 'AWSCloudTrailWrite',
            },
          ],
        }),
      },
      {
        title: 'Everyone, but only from the organisation',
        record: policyRecord('acme-shared', {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: 'arn:aws:s3:::acme-shared/*',
              Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
            },
          ],
        }),
      },
    ],
  },
});
