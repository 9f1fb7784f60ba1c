/**
 * `aws.evasion.inspector-disabled`: Amazon Inspector scanning turned off, its delegated
 * administrator removed, a member account cut loose, or a suppression rule that hides findings.
 * Inspector is what reports the vulnerable packages and exposed instances an attacker is about to
 * use; with it off, a new foothold raises no finding.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  ctRecord,
  did,
  names,
  reqString,
  strings,
  tamperPriority,
  where,
} from '../lib.js';

/** The scan types whose loss blinds Inspector; LAMBDA_CODE and CODE_REPOSITORY are add-ons. */
const CORE_TYPES = ['EC2', 'ECR', 'LAMBDA'];

const FILTER_ARN =
  'arn:aws:inspector2:us-east-1:123456789012:owner/123456789012/filter/8d1c6e0a2f4b7c93';

function resourceTypes(e: ApiEvent): string[] {
  return strings(e.request, 'resourceTypes').map((t) => t.toUpperCase());
}

/** Disable with no resource types, or with every core type, turns Inspector off entirely. */
function disablesAll(e: ApiEvent): boolean {
  const types = resourceTypes(e);
  return types.length === 0 || CORE_TYPES.every((t) => types.includes(t));
}

function suppresses(e: ApiEvent): boolean {
  return reqString(e, 'action')?.toUpperCase() === 'SUPPRESS';
}

function relevant(e: ApiEvent): boolean {
  if (e.eventName === 'CreateFilter' || e.eventName === 'UpdateFilter') return suppresses(e);
  return true;
}

/** The milder variants: part of the scan types, one member account, a suppression rule. */
function milder(e: ApiEvent): boolean {
  if (e.eventName === 'Disable') return !disablesAll(e);
  return e.eventName !== 'DisableDelegatedAdminAccount';
}

function describe(e: ApiEvent): string {
  switch (e.eventName) {
    case 'Disable': {
      const accounts = strings(e.request, 'accountIds');
      const forText =
        accounts.length === 0
          ? ''
          : ` for account${accounts.length === 1 ? '' : 's'} ${names(accounts)}`;
      const what = disablesAll(e)
        ? 'Amazon Inspector scanning'
        : `Amazon Inspector ${names(resourceTypes(e))} scanning`;
      return `${did(e, 'disabled', 'disable')} ${what}${forText}`;
    }
    case 'DisableDelegatedAdminAccount':
      return (
        `${did(e, 'removed', 'remove')} account ` +
        `${reqString(e, 'delegatedAdminAccountId') ?? '(unnamed)'} as Amazon Inspector delegated administrator`
      );
    case 'DisassociateMember':
      return (
        `${did(e, 'disassociated', 'disassociate')} member account ` +
        `${reqString(e, 'accountId') ?? '(unnamed)'} from Amazon Inspector`
      );
    default: {
      const name = reqString(e, 'name') ?? reqString(e, 'filterArn') ?? '(unnamed)';
      const verb =
        e.eventName === 'CreateFilter' ? did(e, 'created', 'create') : did(e, 'set', 'set');
      return `${verb} Amazon Inspector suppression rule ${name} that hides matching findings`;
    }
  }
}

export default defineApiRule({
  id: 'aws.evasion.inspector-disabled',
  title: 'Amazon Inspector disabled or its findings suppressed',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.001'],
  description:
    'A call to Amazon Inspector (inspector2) that stops it reporting: Disable with no resource ' +
    'types or with all of EC2, ECR and Lambda turns Inspector off for the accounts named (the ' +
    "caller's own when none), reported at the rule priority; Disable of only some scan types, " +
    'DisassociateMember (a member account no longer scanned by the administrator) and ' +
    'CreateFilter / UpdateFilter with the SUPPRESS action (a suppression rule: matching findings ' +
    'are hidden from the console, Security Hub and EventBridge) are one level lower. ' +
    'DisableDelegatedAdminAccount removes the organisation’s Inspector administrator and is ' +
    'reported at the rule priority. Attackers turn vulnerability scanning off before deploying ' +
    'vulnerable or malicious images and instances. Classic Amazon Inspector ' +
    '(inspector.amazonaws.com), which AWS retired, is not matched. Failed calls are reported one ' +
    'level lower as attempts.',
  falsePositives: [
    'Cost reduction by disabling scan types nobody uses (for example Lambda code scanning).',
    'Suppression rules for accepted risks created by the vulnerability-management team.',
    'Moving the delegated administrator to another account.',
  ],
  response: [
    'Re-enable the scan types (Enable) or the delegated administrator, and re-associate the member accounts.',
    'For a suppression rule: read its criteria (ListFilters) and list the findings it hides; delete it unless the security team owns it.',
    'Check GuardDuty, Security Hub and Config in the same accounts: Inspector is often one step of a wider teardown.',
    'Restrict inspector2:Disable, inspector2:DisableDelegatedAdminAccount, inspector2:DisassociateMember and inspector2:CreateFilter with a service control policy.',
  ],
  references: [
    'https://docs.aws.amazon.com/inspector/v2/APIReference/API_Disable.html',
    'https://docs.aws.amazon.com/inspector/v2/APIReference/API_DisableDelegatedAdminAccount.html',
    'https://docs.aws.amazon.com/inspector/v2/APIReference/API_DisassociateMember.html',
    'https://docs.aws.amazon.com/inspector/v2/APIReference/API_CreateFilter.html',
    'https://docs.aws.amazon.com/inspector/latest/user/findings-managing-supression-rules.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['inspector2.amazonaws.com'],
    eventNames: [
      'Disable',
      'DisableDelegatedAdminAccount',
      'DisassociateMember',
      'CreateFilter',
      'UpdateFilter',
    ],
  },
  match: relevant,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'high', { lower: milder(e) }),
  summary: (e) => `${actorName(e)} ${describe(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'Inspector turned off for every scan type',
        record: ctRecord({
          eventSource: 'inspector2.amazonaws.com',
          eventName: 'Disable',
          identity: 'role',
          requestParameters: { resourceTypes: ['EC2', 'ECR', 'LAMBDA', 'LAMBDA_CODE'] },
          responseElements: {
            accounts: [
              {
                accountId: '123456789012',
                resourceStatus: {
                  ec2: 'DISABLING',
                  ecr: 'DISABLING',
                  lambda: 'DISABLING',
                  lambdaCode: 'DISABLING',
                },
                status: 'DISABLING',
              },
            ],
            failedAccounts: [],
          },
        }),
      },
      {
        title: 'Only EC2 scanning disabled for a member account',
        record: ctRecord({
          eventSource: 'inspector2.amazonaws.com',
          eventName: 'Disable',
          requestParameters: { accountIds: ['210987654321'], resourceTypes: ['EC2'] },
        }),
      },
      {
        title: 'The delegated administrator removed',
        record: ctRecord({
          eventSource: 'inspector2.amazonaws.com',
          eventName: 'DisableDelegatedAdminAccount',
          identity: 'role',
          requestParameters: { delegatedAdminAccountId: '333344445555' },
          responseElements: { delegatedAdminAccountId: '333344445555' },
        }),
      },
      {
        title: 'A suppression rule hiding every critical finding',
        record: ctRecord({
          eventSource: 'inspector2.amazonaws.com',
          eventName: 'CreateFilter',
          requestParameters: {
            action: 'SUPPRESS',
            name: 'noise',
            filterCriteria: { severity: [{ comparison: 'EQUALS', value: 'CRITICAL' }] },
          },
          responseElements: { arn: FILTER_ARN },
        }),
      },
      {
        title: 'A denied attempt to disable Inspector',
        record: ctRecord({
          eventSource: 'inspector2.amazonaws.com',
          eventName: 'Disable',
          errorCode: 'AccessDeniedException',
          errorMessage:
            'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: inspector2:Disable with an explicit deny in a service control policy',
          requestParameters: { resourceTypes: ['EC2', 'ECR', 'LAMBDA'] },
        }),
      },
    ],
    miss: [
      {
        title: 'A saved filter that only narrows the view (action NONE)',
        record: ctRecord({
          eventSource: 'inspector2.amazonaws.com',
          eventName: 'CreateFilter',
          requestParameters: {
            action: 'NONE',
            name: 'prod-ecr',
            filterCriteria: {
              resourceType: [{ comparison: 'EQUALS', value: 'AWS_ECR_CONTAINER_IMAGE' }],
            },
          },
          responseElements: { arn: FILTER_ARN },
        }),
      },
      {
        title: 'Inspector enabled',
        record: ctRecord({
          eventSource: 'inspector2.amazonaws.com',
          eventName: 'Enable',
          requestParameters: { resourceTypes: ['EC2', 'ECR', 'LAMBDA'] },
        }),
      },
    ],
  },
});
