/**
 * `aws.evasion.log-group-deleted`: a CloudWatch Logs log group is deleted with every event in it,
 * the quickest way to destroy evidence that was shipped to CloudWatch.
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
  USER_AGENTS,
  where,
} from '../lib.js';

const knobs = {
  sensitiveLogGroups: knob(
    z.array(z.string()),
    [...DEFAULT_SENSITIVE_LOG_GROUPS],
    'Log group names (globs, case-insensitive) holding security telemetry; deleting one is reported one level higher.',
  ),
};

export default defineApiRule({
  id: 'aws.evasion.log-group-deleted',
  title: 'CloudWatch Logs log group deleted',
  category: 'evasion',
  row: 'EVA-2',
  priority: 'medium',
  mitre: ['T1562.008', 'T1070'],
  description:
    'A principal deleted a log group (DeleteLogGroup); every log stream and event in it is gone ' +
    'for good. Groups that hold security telemetry (the `sensitiveLogGroups` knob: CloudTrail, ' +
    'flow logs, DNS, WAF, GuardDuty, audit logs) are reported one level higher. Deletions by the ' +
    "organisation's automation (organisation.automationArns / automationUserAgents) are reported " +
    'one level lower, since stacks routinely delete their log groups on tear-down; failed calls ' +
    'one level lower as attempts.',
  falsePositives: [
    'Infrastructure-as-code deleting a stack with its log groups (declare the pipeline as automation).',
    'Clean-up of log groups of deleted Lambda functions.',
  ],
  response: [
    'Find what the group held and whether copies exist (subscription destinations, S3 exports, a SIEM).',
    'If the group held security telemetry, re-create it and the producer configuration (trail, flow log, resolver logging) that wrote to it.',
    'Investigate the acting identity, starting with what it did just before the deletion.',
    'Restrict logs:DeleteLogGroup on security log groups with a service control policy or resource tags.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html',
  ],
  knobs,
  kind: 'match',
  on: { eventSource: ['logs.amazonaws.com'], eventNames: ['DeleteLogGroup'] },
  match: () => true,
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'medium', {
      sensitive: matchesAnyIgnoreCase(ctx.knobs.sensitiveLogGroups, reqString(e, 'logGroupName')),
      automationLowers: true,
    }),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'deleted', 'delete')} CloudWatch Logs log group ` +
    `${reqString(e, 'logGroupName', 'logGroupIdentifier') ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'The flow-log group deleted with Terraform (as in the Stratus Red Team clean-up)',
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'DeleteLogGroup',
          eventVersion: '1.08',
          userAgent: USER_AGENTS.terraform,
          requestParameters: { logGroupName: '/vpc/flow-logs' },
          apiVersion: '20140328',
        }),
      },
      {
        title: 'The CloudTrail log group deleted by a console session',
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'DeleteLogGroup',
          identity: 'role',
          userAgent: 'AWS Internal',
          requestParameters: { logGroupName: 'aws-cloudtrail-logs-123456789012-3f8a1c2d' },
          apiVersion: '20140328',
        }),
      },
    ],
    miss: [
      {
        title: 'A log group created',
        record: ctRecord({
          eventSource: 'logs.amazonaws.com',
          eventName: 'CreateLogGroup',
          identity: 'ci',
          userAgent: USER_AGENTS.terraform,
          requestParameters: { logGroupName: '/vpc/flow-logs', tags: { team: 'network' } },
          apiVersion: '20140328',
        }),
      },
    ],
  },
});
