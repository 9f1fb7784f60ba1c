/**
 * `aws.evasion.log-subscription-filter-deleted`: a subscription filter is deleted, so a log group
 * stops streaming to its destination, often the SIEM or a central log account.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import { matchesAnyIgnoreCase } from '../../util/glob.js';
import {
  actorName,
  ctRecord,
  DEFAULT_SENSITIVE_LOG_GROUPS,
  did,
  reqString,
  tamperPriority,
  where,
} from '../lib.js';

const knobs = {
  sensitiveLogGroups: knob(
    z.array(z.string()),
    [...DEFAULT_SENSITIVE_LOG_GROUPS],
    'Log group names (globs, case-insensitive) holding security telemetry; cutting one off is reported one level higher.',
  ),
};

export default defineApiRule({
  id: 'aws.evasion.log-subscription-filter-deleted',
  title: 'CloudWatch Logs subscription filter deleted',
  category: 'evasion',
  row: 'EVA-2',
  priority: 'medium',
  mitre: ['T1562.008'],
  description:
    'A principal deleted a subscription filter (DeleteSubscriptionFilter). The log group keeps ' +
    'its events but stops forwarding them to Kinesis, Firehose, Lambda or another account, which ' +
    'is how most organisations feed their SIEM: the SOC goes blind while the logs look intact. ' +
    'Security telemetry groups (the `sensitiveLogGroups` knob) are reported one level higher; ' +
    "deletions by the organisation's automation and failed calls one level lower.",
  falsePositives: ['Re-wiring log forwarding to a new destination.'],
  response: [
    'Re-create the subscription filter with its destination (PutSubscriptionFilter).',
    'Back-fill the SIEM from the log group for the gap.',
    'Restrict logs:DeleteSubscriptionFilter to the logging platform role.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteSubscriptionFilter.html',
  ],
  knobs,
  kind: 'match',
  on: { eventSource: ['logs.amazonaws.com'], eventNames: ['DeleteSubscriptionFilter'] },
  match: () => true,
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'medium', {
      sensitive: matchesAnyIgnoreCase(ctx.knobs.sensitiveLogGroups, reqString(e, 'logGroupName')),
      automationLowers: true,
    }),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'deleted', 'delete')} subscription filter ` +
    `${reqString(e, 'filterName') ?? '(unnamed)'} of CloudWatch Logs log group ` +
    `${reqString(e, 'logGroupName') ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'The SIEM feed of the CloudTrail log group cut',
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'DeleteSubscriptionFilter',
          requestParameters: {
            logGroupName: 'aws-cloudtrail-logs-123456789012-3f8a1c2d',
            filterName: 'to-siem-firehose',
          },
          apiVersion: '20140328',
        }),
      },
    ],
    miss: [
      {
        title: 'A subscription filter created',
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'PutSubscriptionFilter',
          identity: 'ci',
          requestParameters: {
            logGroupName: 'aws-cloudtrail-logs-123456789012-3f8a1c2d',
            filterName: 'to-siem-firehose',
            filterPattern: '',
            destinationArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/siem',
            roleArn: 'arn:aws:iam::123456789012:role/cwl-to-firehose',
          },
          apiVersion: '20140328',
        }),
      },
    ],
  },
});
