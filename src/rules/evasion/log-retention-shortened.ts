/**
 * `aws.evasion.log-retention-shortened`: a log group's retention is set so short that CloudWatch
 * itself deletes the events before anyone investigates, with no deletion call to notice.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAnyIgnoreCase } from '../../util/glob.js';
import {
  actorName,
  ctRecord,
  DEFAULT_SENSITIVE_LOG_GROUPS,
  failed,
  num,
  reqString,
  tamperPriority,
  where,
} from '../lib.js';

function days(e: ApiEvent): number | undefined {
  return num(e.request, 'retentionInDays');
}

const knobs = {
  minRetentionDays: knob(
    z.number().int().min(1),
    7,
    'Retention shorter than this many days is reported. The default 7 catches 1, 3 and 5 days (logs gone over a long weekend or before a weekly review) while leaving the 7-day setting many teams use for noisy development logs; raise it for production accounts.',
  ),
  sensitiveLogGroups: knob(
    z.array(z.string()),
    [...DEFAULT_SENSITIVE_LOG_GROUPS],
    'Log group names (globs, case-insensitive) holding security telemetry; shortening one is reported one level higher.',
  ),
};

export default defineApiRule({
  id: 'aws.evasion.log-retention-shortened',
  title: 'CloudWatch Logs retention set very short',
  category: 'evasion',
  row: 'EVA-2',
  priority: 'medium',
  mitre: ['T1562.008', 'T1070'],
  description:
    'A PutRetentionPolicy call set a log group to keep events for fewer days than the ' +
    '`minRetentionDays` knob (default 7, so 1, 3 or 5 days match). CloudWatch then expires older ' +
    'events on its own, evidence included, without any delete call. Security telemetry groups ' +
    '(the `sensitiveLogGroups` knob) are reported one level higher; changes by the ' +
    "organisation's automation one level lower. Failed calls are ignored: a retention policy " +
    'that was not applied deletes nothing, and changing retention is not otherwise a sign of ' +
    'attack.',
  falsePositives: ['Cost-driven short retention on high-volume development or debug logs.'],
  response: [
    'Restore the retention the group should have (PutRetentionPolicy, or DeleteRetentionPolicy to keep events forever).',
    'Work out which events may already have expired and look for copies (exports, subscriptions, SIEM).',
    'Enforce minimum retention with an AWS Config rule (cw-loggroup-retention-period-check).',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html',
    'https://docs.aws.amazon.com/config/latest/developerguide/cw-loggroup-retention-period-check.html',
  ],
  knobs,
  kind: 'match',
  on: { eventSource: ['logs.amazonaws.com'], eventNames: ['PutRetentionPolicy'] },
  match: (e, ctx) => {
    const d = days(e);
    return !failed(e) && d !== undefined && d < ctx.knobs.minRetentionDays;
  },
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'medium', {
      sensitive: matchesAnyIgnoreCase(ctx.knobs.sensitiveLogGroups, reqString(e, 'logGroupName')),
      automationLowers: true,
    }),
  summary: (e) => {
    const d = days(e) ?? 0;
    return (
      `${actorName(e)} set the retention of CloudWatch Logs log group ` +
      `${reqString(e, 'logGroupName', 'logGroupIdentifier') ?? '(unnamed)'} to ${d} day${d === 1 ? '' : 's'} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Flow-log retention cut to one day',
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'PutRetentionPolicy',
          requestParameters: { logGroupName: '/vpc/flow-logs', retentionInDays: 1 },
          apiVersion: '20140328',
        }),
      },
      {
        title: 'An application group set to 14 days, with the knob raised to 30',
        config: {
          rules: { 'aws.evasion.log-retention-shortened': { knobs: { minRetentionDays: 30 } } },
        },
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'PutRetentionPolicy',
          identity: 'role',
          requestParameters: { logGroupName: '/aws/lambda/orders-api', retentionInDays: 14 },
          apiVersion: '20140328',
        }),
      },
    ],
    miss: [
      {
        title: 'Retention set to a year',
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'PutRetentionPolicy',
          requestParameters: { logGroupName: '/vpc/flow-logs', retentionInDays: 365 },
          apiVersion: '20140328',
        }),
      },
      {
        title: 'Retention set to exactly the threshold of 7 days',
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'PutRetentionPolicy',
          identity: 'ci',
          requestParameters: { logGroupName: '/aws/lambda/orders-api', retentionInDays: 7 },
          apiVersion: '20140328',
        }),
      },
    ],
  },
});
