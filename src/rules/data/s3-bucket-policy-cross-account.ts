/**
 * `aws.data.s3-bucket-policy-cross-account`: a bucket policy that grants access to an account the
 * configuration does not know. This is the "backdoored bucket policy": the data stays where it
 * is, and the other account reads it whenever it likes with its own credentials.
 */
import type { Organisation } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  isAutomation,
  names,
  shift,
  where,
} from '../lib.js';
import { accountsAssumption, isForeignAccount } from '../lib/ownership.js';
import { grantedAccounts } from '../lib/resource-policy.js';
import { bucketOf, bucketPolicy } from '../lib/s3-records.js';

function foreign(e: ApiEvent, org: Organisation): string[] {
  return grantedAccounts(bucketPolicy(e)).filter((a) => isForeignAccount(a, e, org));
}

export default defineApiRule({
  id: 'aws.data.s3-bucket-policy-cross-account',
  title: 'S3 bucket policy grants an unknown account',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1537', 'T1098'],
  description:
    'A PutBucketPolicy call set a policy with an Allow statement whose AWS principals name an ' +
    'account (a 12-digit id or an ARN such as `arn:aws:iam::444455556666:root`) that is neither ' +
    'the recording account nor in organisation.accounts / trustedAccounts. The other account ' +
    'can then read or write the bucket with its own credentials, a persistent exfiltration path ' +
    'that survives rotating every key of this account. Public policies are covered by ' +
    'aws.data.s3-bucket-public-policy. Failed calls and the configured automation are one level ' +
    'lower.',
  falsePositives: [
    "Buckets shared with the organisation's other accounts while organisation.accounts is empty.",
    'Deliveries to or from vendors (log shippers, backup providers) not yet listed in trustedAccounts.',
  ],
  response: [
    'Identify the account granted and the actions it received; remove the statement if it is not expected.',
    'Review S3 data events and server access logs for requests from that account since the change.',
    "Check the same identity's other recent policy changes (buckets, KMS keys, roles).",
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html',
  ],
  knobs: {},
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['s3.amazonaws.com'], eventNames: ['PutBucketPolicy'] },
  match: (e, ctx) => foreign(e, ctx.org).length > 0,
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), -(failed(e) ? 1 : 0) - (isAutomation(e, ctx.org) ? 1 : 0)),
  summary: (e, ctx) => {
    const accounts = foreign(e, ctx.org);
    return (
      `${actorName(e)} ${did(e, 'granted', 'grant')} unknown account${accounts.length > 1 ? 's' : ''} ` +
      `${names(accounts)} access to bucket ${bucketOf(e) ?? '(unnamed)'} through its bucket policy ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A backdoor policy for another account (as the Invictus dataset records it)',
        record: ctRecord({
          eventSource: 's3.amazonaws.com',
          eventName: 'PutBucketPolicy',
          userAgent: '[stratus-red-team_0362e208-cc47-4ba7-9c39-195518d6e937]',
          requestParameters: {
            bucketPolicy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: 'arn:aws:iam::193672423079:root' },
                  Action: ['s3:GetObject', 's3:GetBucketLocation', 's3:ListBucket'],
                  Resource: [
                    'arn:aws:s3:::stratus-red-team-bdbp-lhfzvgcamn/*',
                    'arn:aws:s3:::stratus-red-team-bdbp-lhfzvgcamn',
                  ],
                },
              ],
            },
            bucketName: 'stratus-red-team-bdbp-lhfzvgcamn',
            Host: 'stratus-red-team-bdbp-lhfzvgcamn.s3.us-east-1.amazonaws.com',
            policy: '',
          },
          resources: [
            {
              accountId: '123456789012',
              type: 'AWS::S3::Bucket',
              ARN: 'arn:aws:s3:::stratus-red-team-bdbp-lhfzvgcamn',
            },
          ],
          host: 'stratus-red-team-bdbp-lhfzvgcamn.s3.us-east-1.amazonaws.com',
          requestID: 'M3N8Q1S6U9W2Y5A7',
        }),
      },
    ],
    miss: [
      {
        title: "A grant to the organisation's analytics account",
        config: { organisation: { accounts: ['123456789012', '210987654321'] } },
        record: ctRecord({
          eventSource: 's3.amazonaws.com',
          eventName: 'PutBucketPolicy',
          requestParameters: {
            bucketPolicy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: 'arn:aws:iam::210987654321:role/analytics-reader' },
                  Action: 's3:GetObject',
                  Resource: 'arn:aws:s3:::acme-events/*',
                },
              ],
            }),
            bucketName: 'acme-events',
            Host: 'acme-events.s3.us-east-1.amazonaws.com',
            policy: '',
          },
          host: 'acme-events.s3.us-east-1.amazonaws.com',
          requestID: 'P4R7T0V3X6Z9B2D5',
        }),
      },
    ],
  },
});
