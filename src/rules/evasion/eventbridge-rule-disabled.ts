/**
 * `aws.evasion.eventbridge-rule-disabled`: EventBridge rules are disabled, deleted or stripped of
 * their targets. Rules are the wiring that carries GuardDuty, Security Hub, Config and CloudTrail
 * events to responders; cut one and the detector still runs but nobody hears it.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAnyIgnoreCase } from '../../util/glob.js';
import {
  actorName,
  bool,
  ctRecord,
  did,
  names,
  reqString,
  strings,
  tamperPriority,
  USER_AGENTS,
  where,
} from '../lib.js';

/**
 * True for calls an AWS service makes on its own managed rules, through its service-linked role
 * or as itself. Calls CloudFormation makes for a stack (`invokedBy`) are not excluded: deleting a
 * stack is a way to delete its rules, so they are reported like any other caller's.
 */
function serviceManaged(e: ApiEvent): boolean {
  return (
    e.actor.type === 'AWSService' ||
    (e.actor.sessionIssuerArn !== undefined &&
      e.actor.sessionIssuerArn.includes(':role/aws-service-role/'))
  );
}

/** RemoveTargets names the rule `rule`; DisableRule and DeleteRule name it `name`. */
function ruleName(e: ApiEvent): string | undefined {
  return reqString(e, 'name', 'rule');
}

/** A custom or partner event bus, named or given as an ARN; undefined for the default bus. */
function eventBus(e: ApiEvent): string | undefined {
  const bus = reqString(e, 'eventBusName');
  if (bus === undefined || bus === 'default' || bus.endsWith(':event-bus/default'))
    return undefined;
  return bus.replace(/^arn:[^:]+:events:[^:]*:\d*:event-bus\//, '');
}

/** `force` changes a rule that an AWS service manages, which only that service should touch. */
function forced(e: ApiEvent): boolean {
  return e.eventName !== 'DisableRule' && bool(e.request, 'force') === true;
}

function verb(e: ApiEvent): string {
  if (e.eventName === 'DisableRule') return did(e, 'disabled', 'disable');
  if (e.eventName === 'DeleteRule') return did(e, 'deleted', 'delete');
  const ids = strings(e.request, 'ids');
  return `${did(e, 'removed', 'remove')} target${ids.length === 1 ? '' : 's'} ${names(ids)} from`;
}

const knobs = {
  sensitiveRules: knob(
    z.array(z.string()),
    [
      '*guardduty*',
      '*securityhub*',
      '*security-hub*',
      '*config*',
      '*cloudtrail*',
      '*alert*',
      '*alarm*',
      '*security*',
      '*macie*',
      '*inspector*',
      '*access-analyzer*',
      '*detective*',
      '*incident*',
      '*siem*',
      '*do-not-delete*',
    ],
    'Rule names (globs, case-insensitive) that route security events; disabling, deleting or removing targets from one is reported one level higher.',
  ),
};

export default defineApiRule({
  id: 'aws.evasion.eventbridge-rule-disabled',
  title: 'EventBridge rule disabled, deleted or stripped of targets',
  category: 'evasion',
  row: null,
  priority: 'medium',
  mitre: ['T1562.001', 'T1489'],
  description:
    'A principal disabled (DisableRule) or deleted (DeleteRule) an Amazon EventBridge rule, or ' +
    'removed targets from one (RemoveTargets: the rule stays enabled and looks healthy, but its ' +
    'events go nowhere). Security teams forward GuardDuty and Security Hub findings, Config ' +
    'compliance changes and CloudTrail API events to chat, tickets and the SIEM through such ' +
    'rules, and automated responses hang on them; cutting one is silent and easily reversed ' +
    'afterwards. Rules whose names match the `sensitiveRules` knob, and forced changes to rules ' +
    'managed by an AWS service, are reported one level higher. RemoveTargets on any other rule ' +
    'is reported one level lower, since deployments replace application targets routinely (a ' +
    'deletion needs its targets removed first; the two calls of one principal usually group into ' +
    "one finding). Calls by the organisation's automation and failed calls are reported one " +
    'level lower. Calls an AWS service makes on its own managed rules through its service-linked ' +
    'role do not match. Only events.amazonaws.com is matched: AWS WAF, Recycle Bin and other ' +
    'services have DeleteRule calls of their own.',
  falsePositives: [
    'Infrastructure-as-code replacing or renaming rules.',
    'Scheduled rules disabled during a maintenance window or a cost clean-up.',
  ],
  response: [
    'Identify the rule and its targets (DescribeRule, ListTargetsByRule, or the rule definition in source control) and re-enable or re-create it.',
    'Check whether events it would have carried (GuardDuty or Security Hub findings, CloudTrail changes) arrived while it was off, and review them directly in the source service.',
    'Restrict events:DisableRule, events:DeleteRule and events:RemoveTargets on security rules to the security team, for example with a tag-based condition or a service control policy.',
  ],
  references: [
    'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DisableRule.html',
    'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DeleteRule.html',
    'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RemoveTargets.html',
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-logging-monitoring.html',
  ],
  knobs,
  assumptions: (ctx) =>
    ctx.org.automationArns.length === 0 && ctx.org.automationUserAgents.length === 0
      ? [
          'No automationArns or automationUserAgents configured: rule changes by pipelines and ' +
            'infrastructure-as-code are reported at the same priority as a person.',
        ]
      : [],
  kind: 'match',
  on: {
    eventSource: ['events.amazonaws.com'],
    eventNames: ['DisableRule', 'DeleteRule', 'RemoveTargets'],
  },
  match: (e) => !serviceManaged(e),
  priorityOf: (e, ctx) => {
    const sensitive = forced(e) || matchesAnyIgnoreCase(ctx.knobs.sensitiveRules, ruleName(e));
    return tamperPriority(e, ctx, 'medium', {
      sensitive,
      lower: e.eventName === 'RemoveTargets' && !sensitive,
      automationLowers: true,
    });
  },
  summary: (e) => {
    const bus = eventBus(e);
    return (
      `${actorName(e)} ${verb(e)} EventBridge rule ${ruleName(e) ?? '(unnamed)'}` +
      `${bus === undefined ? '' : ` on event bus ${bus}`}${forced(e) ? ' (forced, a managed rule)' : ''} ` +
      where(e)
    );
  },
  examples: {
    fire: [
      {
        title: 'The rule forwarding GuardDuty findings to the SOC disabled',
        record: ctRecord({
          eventSource: 'events.amazonaws.com',
          eventName: 'DisableRule',
          requestParameters: { name: 'guardduty-findings-to-soc' },
        }),
      },
      {
        title: 'A rule on a custom bus deleted by the pipeline',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'events.amazonaws.com',
          eventName: 'DeleteRule',
          identity: 'ci',
          userAgent: USER_AGENTS.terraform,
          requestParameters: { name: 'orders-nightly-export', eventBusName: 'orders' },
        }),
      },
      {
        title: 'The Jira target removed from the Security Hub findings rule',
        record: ctRecord({
          eventSource: 'events.amazonaws.com',
          eventName: 'RemoveTargets',
          identity: 'role',
          requestParameters: { rule: 'securityhub-findings-to-jira', ids: ['jira-webhook'] },
          responseElements: { failedEntryCount: 0, failedEntries: [] },
        }),
      },
      {
        title: 'A managed rule force-deleted by a person',
        record: ctRecord({
          eventSource: 'events.amazonaws.com',
          eventName: 'DeleteRule',
          identity: 'role',
          requestParameters: { name: 'AutoScalingManagedRule', force: true },
        }),
      },
    ],
    miss: [
      {
        title: 'The same rule enabled again',
        record: ctRecord({
          eventSource: 'events.amazonaws.com',
          eventName: 'EnableRule',
          requestParameters: { name: 'guardduty-findings-to-soc' },
        }),
      },
      {
        title: 'EC2 Auto Scaling removes its own managed rule through its service-linked role',
        record: ctRecord({
          eventSource: 'events.amazonaws.com',
          eventName: 'DeleteRule',
          identity: {
            type: 'AssumedRole',
            principalId: 'AROA4XJ7LBQ5EXAMPLE07:AutoScaling',
            arn: 'arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling',
            accountId: '123456789012',
            sessionContext: {
              sessionIssuer: {
                type: 'Role',
                principalId: 'AROA4XJ7LBQ5EXAMPLE07',
                arn: 'arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
                accountId: '123456789012',
                userName: 'AWSServiceRoleForAutoScaling',
              },
              webIdFederationData: {},
              attributes: { creationDate: '2026-01-02T02:59:03Z', mfaAuthenticated: 'false' },
            },
            invokedBy: 'autoscaling.amazonaws.com',
          },
          sourceIPAddress: 'autoscaling.amazonaws.com',
          userAgent: 'autoscaling.amazonaws.com',
          requestParameters: { name: 'AutoScalingManagedRule', force: true },
        }),
      },
      {
        title: 'An AWS WAF Classic rule deleted (same event name, other service)',
        record: ctRecord({
          eventSource: 'waf.amazonaws.com',
          eventName: 'DeleteRule',
          requestParameters: {
            changeToken: 'fd232003-62de-4ea3-853d-52932a1f0e6b',
            ruleId: '3e3e2d11-fd8b-4333-8b03-1da95c1d3b42',
          },
          responseElements: { changeToken: 'fd232003-62de-4ea3-853d-52932a1f0e6b' },
          apiVersion: '2015-08-24',
          host: 'waf.amazonaws.com',
        }),
      },
    ],
  },
});
