/**
 * `aws.evasion.log-stream-deleted`: a single CloudWatch Logs stream is deleted, a targeted way to
 * remove the events of one host, function run or trail delivery while the group stays in place.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import { matchesAnyIgnoreCase } from '../../util/glob.js';
import {
  actorName,
  ctRecord,
  DEFAULT_SENSITIVE_LOG_GROUPS,
  failed,
  reqString,
  tamperPriority,
  where,
} from '../lib.js';

const knobs = {
  sensitiveLogGroups: knob(
    z.array(z.string()),
    [...DEFAULT_SENSITIVE_LOG_GROUPS],
    'Log group names (globs, case-insensitive) holding security telemetry; deleting a stream of one is reported one level higher.',
  ),
};

export default defineApiRule({
  id: 'aws.evasion.log-stream-deleted',
  title: 'CloudWatch Logs log stream deleted',
  category: 'evasion',
  row: 'EVA-2',
  priority: 'low',
  mitre: ['T1562.008', 'T1070'],
  description:
    'A principal deleted a log stream (DeleteLogStream) and the events in it. Streams in groups ' +
    'holding security telemetry (the `sensitiveLogGroups` knob) are reported one level higher; ' +
    "deletions by the organisation's automation one level lower. Failed calls are ignored: " +
    'log-shipping tools routinely race each other to delete streams that are already gone ' +
    '(ResourceNotFoundException), and a failed deletion destroys nothing.',
  falsePositives: ['Log rotation or clean-up tools that delete old streams.'],
  response: [
    'Check what the stream held (its name usually names the instance, function run or trail delivery).',
    'Look for copies in subscription destinations or exports.',
    'Investigate the acting identity if it is not a known log-management tool.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogStream.html',
  ],
  knobs,
  kind: 'match',
  on: { eventSource: ['logs.amazonaws.com'], eventNames: ['DeleteLogStream'] },
  match: (e) => !failed(e),
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'low', {
      sensitive: matchesAnyIgnoreCase(ctx.knobs.sensitiveLogGroups, reqString(e, 'logGroupName')),
      automationLowers: true,
    }),
  summary: (e) =>
    `${actorName(e)} deleted log stream ${reqString(e, 'logStreamName') ?? '(unnamed)'} of ` +
    `CloudWatch Logs log group ${reqString(e, 'logGroupName', 'logGroupIdentifier') ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'The stream of a CloudTrail delivery deleted',
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'DeleteLogStream',
          requestParameters: {
            logGroupName: 'aws-cloudtrail-logs-123456789012-3f8a1c2d',
            logStreamName: '123456789012_CloudTrail_us-east-1',
          },
          apiVersion: '20140328',
        }),
      },
    ],
    miss: [
      {
        title: 'A deletion of a stream that is already gone',
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'DeleteLogStream',
          identity: 'ci',
          errorCode: 'ResourceNotFoundException',
          errorMessage: 'The specified log stream does not exist.',
          requestParameters: {
            logGroupName: '/aws/lambda/orders-api',
            logStreamName: '2026/01/01/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0',
          },
          apiVersion: '20140328',
        }),
      },
    ],
  },
});
