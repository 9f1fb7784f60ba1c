/**
 * `aws.evasion.log-metric-filter-deleted`: a metric filter is deleted, which silently breaks every
 * alarm built on its metric (the CIS alarms on root use, IAM or CloudTrail changes among them).
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
    'Log group names (globs, case-insensitive) holding security telemetry; removing a filter from one is reported one level higher.',
  ),
};

export default defineApiRule({
  id: 'aws.evasion.log-metric-filter-deleted',
  title: 'CloudWatch Logs metric filter deleted',
  category: 'evasion',
  row: 'EVA-2',
  priority: 'medium',
  mitre: ['T1562.001'],
  description:
    'A principal deleted a metric filter (DeleteMetricFilter). The alarm on its metric stays in ' +
    'place but never sees a data point again, so it never fires; the CIS benchmark alarms on the ' +
    'CloudTrail log group work this way. Filters on security telemetry groups (the ' +
    "`sensitiveLogGroups` knob) are reported one level higher; deletions by the organisation's " +
    'automation and failed calls one level lower.',
  falsePositives: ['Monitoring clean-up or a move to a different alerting system.'],
  response: [
    'Re-create the metric filter (PutMetricFilter) and check that the alarms on its metric leave INSUFFICIENT_DATA.',
    'Search the log group for the pattern the filter matched, for the period it was missing.',
    'Restrict logs:DeleteMetricFilter to the monitoring team.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteMetricFilter.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html',
  ],
  knobs,
  kind: 'match',
  on: { eventSource: ['logs.amazonaws.com'], eventNames: ['DeleteMetricFilter'] },
  match: () => true,
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'medium', {
      sensitive: matchesAnyIgnoreCase(ctx.knobs.sensitiveLogGroups, reqString(e, 'logGroupName')),
      automationLowers: true,
    }),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'deleted', 'delete')} metric filter ` +
    `${reqString(e, 'filterName') ?? '(unnamed)'} of CloudWatch Logs log group ` +
    `${reqString(e, 'logGroupName') ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'The CIS root-usage filter deleted',
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'DeleteMetricFilter',
          identity: 'role',
          requestParameters: {
            logGroupName: 'aws-cloudtrail-logs-123456789012-3f8a1c2d',
            filterName: 'RootAccountUsage',
          },
          apiVersion: '20140328',
        }),
      },
    ],
    miss: [
      {
        title: 'A metric filter created',
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'PutMetricFilter',
          identity: 'ci',
          requestParameters: {
            logGroupName: 'aws-cloudtrail-logs-123456789012-3f8a1c2d',
            filterName: 'RootAccountUsage',
            filterPattern:
              '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
            metricTransformations: [
              {
                metricName: 'RootAccountUsageCount',
                metricNamespace: 'CISBenchmark',
                metricValue: '1',
              },
            ],
          },
          apiVersion: '20140328',
        }),
      },
    ],
  },
});
