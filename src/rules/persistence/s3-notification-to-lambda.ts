/**
 * `aws.persistence.s3-notification-to-lambda`: a bucket's event notifications pointed at a Lambda
 * function, or at a topic, queue or function of a foreign account, by an identity outside CI/CD.
 * Every object written then runs the function (a trigger that also sees each object's key), or
 * tells someone outside what is stored.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent, JsonValue } from '../../model/event.js';
import {
  actorName,
  at,
  basePriority,
  ctRecord,
  did,
  failed,
  IDENTITIES,
  isAutomation,
  list,
  names,
  reqString,
  shift,
  str,
  where,
} from '../lib.js';
import {
  accountKnown,
  accountOfArn,
  accountsAssumption,
  automationAssumption,
  FOREIGN_ACCOUNT,
} from '../lib/iam-principals.js';

interface Destination {
  arn: string;
  lambda: boolean;
  foreign: boolean;
}

/**
 * Destinations in the XML-born shape S3 logs (`CloudFunctionConfiguration.CloudFunction`,
 * `QueueConfiguration.Queue`, `TopicConfiguration.Topic`, each one element or a list), and the
 * SDK's names (`LambdaFunctionConfigurations[].LambdaFunctionArn`) some producers write instead.
 */
function destinations(e: ApiEvent, ctx: RuleContext): Destination[] {
  const config: JsonValue | undefined = at(e.request, 'NotificationConfiguration') ?? e.request;
  const known = accountKnown(e, ctx.org);
  const out: Destination[] = [];
  const add = (arn: string | undefined, lambda: boolean): void => {
    if (arn === undefined) return;
    const account = accountOfArn(arn);
    out.push({ arn, lambda, foreign: account !== undefined && !known(account) });
  };
  const sections: [string, string, boolean][] = [
    ['CloudFunctionConfiguration', 'CloudFunction', true],
    ['LambdaFunctionConfiguration', 'LambdaFunctionArn', true],
    ['LambdaFunctionConfigurations', 'LambdaFunctionArn', true],
    ['QueueConfiguration', 'Queue', false],
    ['QueueConfigurations', 'QueueArn', false],
    ['TopicConfiguration', 'Topic', false],
    ['TopicConfigurations', 'TopicArn', false],
  ];
  for (const [section, key, lambda] of sections) {
    for (const item of list(config, section)) add(str(item, key), lambda);
  }
  return out.filter((d) => d.lambda || d.foreign);
}

function describe(d: Destination): string {
  const account = accountOfArn(d.arn) ?? '?';
  const name = d.lambda ? `Lambda function ${d.arn.replace(/^.*:function:/, '')}` : d.arn;
  return d.foreign ? `${name} of foreign account ${account}` : name;
}

const S3_EXTRA = {
  SignatureVersion: 'SigV4',
  CipherSuite: 'TLS_AES_128_GCM_SHA256',
  bytesTransferredIn: 0,
  AuthenticationMethod: 'AuthHeader',
  'x-amz-id-2': 'hFq9V0Lw3x7c6b3Gq0m2m1iT1mBz4Ue6m2cP5r0o8sPz1Xc3k4LkG1i0o9Rr3vS0c1bQm2nY4o8=',
  bytesTransferredOut: 0,
};

export default defineApiRule({
  id: 'aws.persistence.s3-notification-to-lambda',
  title: 'S3 bucket notifications sent to Lambda or a foreign account',
  category: 'persistence',
  row: 'PER-2',
  priority: 'medium',
  mitre: ['T1546'],
  description:
    'PutBucketNotification (CloudTrail logs PutBucketNotificationConfiguration under this name too) by ' +
    'an identity outside the configured automation, with a Lambda destination ' +
    '(NotificationConfiguration.CloudFunctionConfiguration, one element or a list) reported at the ' +
    'rule priority, or any destination (function, queue, topic) in an account that is neither ' +
    "configured (organisation.accounts, trustedAccounts) nor the event's own, reported one level " +
    'higher. Notifications to queues and topics of the own account, or to EventBridge, do not match. ' +
    'Failed calls are reported one level lower.',
  falsePositives: [
    'Upload-processing functions (thumbnails, virus scanning) set up by hand rather than by a pipeline.',
  ],
  response: [
    "Read the bucket's notification configuration (GetBucketNotificationConfiguration) and check the function or foreign destination with its owner.",
    "If unexpected, remove the configuration and review the function's code and what it did with the objects.",
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html',
  ],
  knobs: {},
  assumptions: (ctx) => [...automationAssumption(ctx.org), ...accountsAssumption(ctx.org)],
  kind: 'match',
  on: {
    eventSource: ['s3.amazonaws.com'],
    eventNames: ['PutBucketNotification', 'PutBucketNotificationConfiguration'],
  },
  match: (e, ctx) => !isAutomation(e, ctx.org) && destinations(e, ctx).length > 0,
  priorityOf: (e, ctx): Priority =>
    shift(
      basePriority(ctx, 'medium'),
      (destinations(e, ctx).some((d) => d.foreign) ? 1 : 0) - (failed(e) ? 1 : 0),
    ),
  summary: (e, ctx) =>
    `${actorName(e)} ${did(e, 'sent', 'send')} event notifications of bucket ` +
    `${reqString(e, 'bucketName') ?? '(unnamed)'} to ${names(destinations(e, ctx).map(describe), 2)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'Object-created events sent to a function (single configuration element)',
        record: ctRecord({
          eventSource: 's3.amazonaws.com',
          eventName: 'PutBucketNotification',
          requestID: 'C5092625A5414B89',
          requestParameters: {
            notification: [''],
            bucketName: 'acme-uploads',
            Host: 'acme-uploads.s3.us-east-1.amazonaws.com',
            NotificationConfiguration: {
              xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
              CloudFunctionConfiguration: {
                CloudFunction: 'arn:aws:lambda:us-east-1:123456789012:function:object-sync',
                Event: 's3:ObjectCreated:*',
                Id: 'cbf21635-380e-4a26-92e9-de9e32f4fe7d',
              },
            },
          },
          additionalEventData: S3_EXTRA,
          resources: [{ type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::acme-uploads' }],
          host: 'acme-uploads.s3.us-east-1.amazonaws.com',
        }),
      },
      {
        title: 'A queue of a foreign account among several destinations (list shape)',
        record: ctRecord({
          eventSource: 's3.amazonaws.com',
          eventName: 'PutBucketNotification',
          identity: IDENTITIES.role,
          requestID: '8E2B1C0F7A6D4B39',
          requestParameters: {
            notification: [''],
            bucketName: 'acme-finance',
            Host: 'acme-finance.s3.us-east-1.amazonaws.com',
            NotificationConfiguration: {
              xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
              QueueConfiguration: [
                {
                  Queue: `arn:aws:sqs:us-east-1:${FOREIGN_ACCOUNT}:inbox`,
                  Event: 's3:ObjectCreated:*',
                  Id: 'q1',
                },
                {
                  Queue: 'arn:aws:sqs:us-east-1:123456789012:finance-index',
                  Event: 's3:ObjectCreated:*',
                  Id: 'q2',
                },
              ],
            },
          },
          additionalEventData: S3_EXTRA,
          resources: [{ type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::acme-finance' }],
          host: 'acme-finance.s3.us-east-1.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'Notifications to a topic of the own account',
        record: ctRecord({
          eventSource: 's3.amazonaws.com',
          eventName: 'PutBucketNotification',
          requestID: '3F0A9D2C61B84E57',
          requestParameters: {
            notification: [''],
            bucketName: 'acme-uploads',
            Host: 'acme-uploads.s3.us-east-1.amazonaws.com',
            NotificationConfiguration: {
              xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
              TopicConfiguration: {
                Topic: 'arn:aws:sns:us-east-1:123456789012:uploads',
                Event: 's3:ObjectCreated:*',
                Id: 't1',
              },
            },
          },
          additionalEventData: S3_EXTRA,
          resources: [{ type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::acme-uploads' }],
          host: 'acme-uploads.s3.us-east-1.amazonaws.com',
        }),
      },
      {
        title: 'The configured pipeline wires the upload processor',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 's3.amazonaws.com',
          eventName: 'PutBucketNotification',
          identity: IDENTITIES.ci,
          requestID: '5D7E2A9B0C1F3E46',
          requestParameters: {
            notification: [''],
            bucketName: 'acme-uploads',
            Host: 'acme-uploads.s3.us-east-1.amazonaws.com',
            NotificationConfiguration: {
              xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
              CloudFunctionConfiguration: {
                CloudFunction: 'arn:aws:lambda:us-east-1:123456789012:function:thumbnailer',
                Event: 's3:ObjectCreated:*',
                Id: 'thumbs',
              },
            },
          },
          additionalEventData: S3_EXTRA,
          resources: [{ type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::acme-uploads' }],
          host: 'acme-uploads.s3.us-east-1.amazonaws.com',
        }),
      },
    ],
  },
});
