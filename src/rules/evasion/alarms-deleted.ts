/**
 * `aws.evasion.alarms-deleted`: CloudWatch alarms are deleted, removing the alerts that would
 * have told someone about the attack.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAnyIgnoreCase } from '../../util/glob.js';
import {
  actorName,
  ctRecord,
  DEFAULT_SENSITIVE_ALARMS,
  did,
  names,
  strings,
  tamperPriority,
  where,
} from '../lib.js';

function alarmNames(e: ApiEvent): string[] {
  return strings(e.request, 'alarmNames');
}

const knobs = {
  sensitiveAlarms: knob(
    z.array(z.string()),
    [...DEFAULT_SENSITIVE_ALARMS],
    'Alarm names (globs, case-insensitive) that watch for attacks; deleting one is reported one level higher.',
  ),
};

export default defineApiRule({
  id: 'aws.evasion.alarms-deleted',
  title: 'CloudWatch alarms deleted',
  category: 'evasion',
  row: 'EVA-2',
  priority: 'medium',
  mitre: ['T1562.001'],
  description:
    'A principal deleted CloudWatch alarms (DeleteAlarms). Calls that include a security alarm ' +
    '(the `sensitiveAlarms` knob: CloudTrail changes, root use, unauthorised calls, console ' +
    'sign-in failures, IAM changes, CIS alarms) are reported one level higher; deletions by the ' +
    "organisation's automation and failed calls one level lower.",
  falsePositives: ['Stacks deleting their own alarms on tear-down; monitoring clean-up.'],
  response: [
    'Identify the deleted alarms and re-create them from source control.',
    'Check the metrics they watched for data points during the gap.',
    'Restrict cloudwatch:DeleteAlarms on security alarms (tag-based conditions or a service control policy).',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DeleteAlarms.html',
  ],
  knobs,
  kind: 'match',
  on: { eventSource: ['monitoring.amazonaws.com'], eventNames: ['DeleteAlarms'] },
  match: () => true,
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'medium', {
      sensitive: alarmNames(e).some((n) => matchesAnyIgnoreCase(ctx.knobs.sensitiveAlarms, n)),
      automationLowers: true,
    }),
  summary: (e) => {
    const alarms = alarmNames(e);
    return (
      `${actorName(e)} ${did(e, 'deleted', 'delete')} CloudWatch alarm${alarms.length === 1 ? '' : 's'} ` +
      `${names(alarms)} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Two CIS alarms deleted',
        record: ctRecord({
          eventSource: 'monitoring.amazonaws.com',
          eventName: 'DeleteAlarms',
          requestParameters: { alarmNames: ['CIS-RootAccountUsage', 'CIS-CloudTrailChanges'] },
        }),
      },
      {
        title: 'An application alarm deleted by the pipeline',
        config: {
          organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] },
        },
        record: ctRecord({
          eventSource: 'monitoring.amazonaws.com',
          eventName: 'DeleteAlarms',
          identity: 'ci',
          requestParameters: { alarmNames: ['orders-api-5xx'] },
        }),
      },
    ],
    miss: [
      {
        title: 'An alarm created',
        record: ctRecord({
          eventSource: 'monitoring.amazonaws.com',
          eventName: 'PutMetricAlarm',
          identity: 'ci',
          requestParameters: {
            alarmName: 'CIS-RootAccountUsage',
            metricName: 'RootAccountUsageCount',
            namespace: 'CISBenchmark',
            statistic: 'Sum',
            period: 300,
            evaluationPeriods: 1,
            threshold: 1,
            comparisonOperator: 'GreaterThanOrEqualToThreshold',
            alarmActions: ['arn:aws:sns:us-east-1:123456789012:security-alerts'],
          },
        }),
      },
    ],
  },
});
