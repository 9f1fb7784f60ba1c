/**
 * `aws.persistence.eventbridge-trigger`: EventBridge wired to run code or forward events outside
 * the account, by an identity outside CI/CD: PutTargets pointing a rule at a Lambda function or at
 * a resource or event bus of a foreign account, and PutRule creating a schedule. Scheduled rules
 * that invoke a function are a classic way to keep code running after the initial access is gone.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
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

interface Target {
  arn: string;
  kind: 'lambda' | 'foreign';
}

function describeTarget(t: Target): string {
  if (t.kind === 'lambda') return `Lambda function ${t.arn.replace(/^.*:function:/, '')}`;
  const account = accountOfArn(t.arn) ?? '?';
  return t.arn.includes(':event-bus/')
    ? `event bus ${t.arn.replace(/^.*:event-bus\//, '')} of foreign account ${account}`
    : `${t.arn} in foreign account ${account}`;
}

function targets(e: ApiEvent, ctx: RuleContext): Target[] {
  const known = accountKnown(e, ctx.org);
  const out: Target[] = [];
  for (const t of list(e.request, 'targets')) {
    const arn = str(t, 'arn');
    if (arn === undefined) continue;
    const account = accountOfArn(arn);
    if (account !== undefined && !known(account)) out.push({ arn, kind: 'foreign' });
    else if (arn.startsWith('arn:aws') && arn.includes(':lambda:'))
      out.push({ arn, kind: 'lambda' });
  }
  return out;
}

const schedule = (e: ApiEvent): string | undefined =>
  e.eventName === 'PutRule' ? reqString(e, 'scheduleExpression') : undefined;

export default defineApiRule({
  id: 'aws.persistence.eventbridge-trigger',
  title: 'EventBridge rule made to trigger Lambda or forward outside the account',
  category: 'persistence',
  row: 'PER-2',
  priority: 'medium',
  mitre: ['T1546', 'T1053'],
  description:
    'By an identity outside the configured automation: PutTargets adding a target that is a Lambda ' +
    'function (reported at the rule priority) or any resource, including an event bus, in an account ' +
    "that is neither configured (organisation.accounts, trustedAccounts) nor the event's own " +
    "(reported one level higher: the account's events, or the CloudTrail events a rule matches, flow " +
    'to someone else); and PutRule with a scheduleExpression (reported one level lower: a schedule ' +
    'needs a target to do anything, and the PutTargets that follows is reported too). Targets such as ' +
    'SNS topics, queues and log groups of the own account do not match. Failed calls are lowered one ' +
    'level.',
  falsePositives: [
    'Scheduled jobs and event-driven functions deployed by hand rather than by a pipeline.',
    'Central event buses of the organisation in accounts not listed in organisation.accounts.',
  ],
  response: [
    'Read the rule (DescribeRule) and its targets (ListTargetsByRule): what runs, how often, on which events.',
    "If unexpected, remove the targets and disable or delete the rule, then review the target function's code and role.",
    'For a foreign event bus, find which events were forwarded and treat them as disclosed.',
  ],
  references: [
    'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html',
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html',
  ],
  knobs: {},
  assumptions: (ctx) => [...automationAssumption(ctx.org), ...accountsAssumption(ctx.org)],
  kind: 'match',
  on: { eventSource: ['events.amazonaws.com'], eventNames: ['PutTargets', 'PutRule'] },
  match: (e, ctx) =>
    !isAutomation(e, ctx.org) && (schedule(e) !== undefined || targets(e, ctx).length > 0),
  priorityOf: (e, ctx): Priority => {
    const steps =
      schedule(e) !== undefined ? -1 : targets(e, ctx).some((t) => t.kind === 'foreign') ? 1 : 0;
    return shift(basePriority(ctx, 'medium'), steps - (failed(e) ? 1 : 0));
  },
  summary: (e, ctx) => {
    const rule = reqString(e, 'rule', 'name') ?? '(unnamed)';
    const sched = schedule(e);
    if (sched !== undefined) {
      return `${actorName(e)} ${did(e, 'created', 'create')} scheduled EventBridge rule ${rule} (${sched}) ${where(e)}`;
    }
    return (
      `${actorName(e)} ${did(e, 'pointed', 'point')} EventBridge rule ${rule} at ` +
      `${names(targets(e, ctx).map(describeTarget), 2)} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A rule pointed at a Lambda function',
        record: ctRecord({
          eventSource: 'events.amazonaws.com',
          eventName: 'PutTargets',
          requestParameters: {
            rule: 'every-5-minutes',
            targets: [
              {
                id: '1',
                arn: 'arn:aws:lambda:us-east-1:123456789012:function:stratus-red-team-backdoor-f-func',
              },
            ],
          },
          responseElements: { failedEntryCount: 0, failedEntries: [] },
        }),
      },
      {
        title: 'CloudTrail events of the account forwarded to a foreign event bus',
        record: ctRecord({
          eventSource: 'events.amazonaws.com',
          eventName: 'PutTargets',
          identity: IDENTITIES.role,
          requestParameters: {
            rule: 'all-api-calls',
            eventBusName: 'default',
            targets: [
              {
                id: 'fwd',
                arn: `arn:aws:events:us-east-1:${FOREIGN_ACCOUNT}:event-bus/default`,
                roleArn: 'arn:aws:iam::123456789012:role/eventbridge-forwarder',
              },
            ],
          },
          responseElements: { failedEntryCount: 0, failedEntries: [] },
        }),
      },
      {
        title: 'A scheduled rule created',
        record: ctRecord({
          eventSource: 'events.amazonaws.com',
          eventName: 'PutRule',
          requestParameters: {
            name: 'every-5-minutes',
            scheduleExpression: 'rate(5 minutes)',
            state: 'ENABLED',
          },
          responseElements: {
            ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/every-5-minutes',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'A rule pointed at an SNS topic of the own account',
        record: ctRecord({
          eventSource: 'events.amazonaws.com',
          eventName: 'PutTargets',
          requestParameters: {
            rule: 'guardduty-findings',
            targets: [{ id: 'sns', arn: 'arn:aws:sns:us-east-1:123456789012:security-alerts' }],
          },
          responseElements: { failedEntryCount: 0, failedEntries: [] },
        }),
      },
      {
        title: 'The configured pipeline wires a function to a schedule',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'events.amazonaws.com',
          eventName: 'PutTargets',
          identity: IDENTITIES.ci,
          requestParameters: {
            rule: 'nightly-report',
            targets: [
              { id: '1', arn: 'arn:aws:lambda:us-east-1:123456789012:function:nightly-report' },
            ],
          },
          responseElements: { failedEntryCount: 0, failedEntries: [] },
        }),
      },
      {
        title: 'A rule on an event pattern without a schedule',
        record: ctRecord({
          eventSource: 'events.amazonaws.com',
          eventName: 'PutRule',
          requestParameters: {
            name: 'guardduty-findings',
            eventPattern: '{"source":["aws.guardduty"]}',
            state: 'ENABLED',
          },
          responseElements: {
            ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/guardduty-findings',
          },
        }),
      },
    ],
  },
});
