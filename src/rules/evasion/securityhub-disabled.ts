/**
 * `aws.evasion.securityhub-disabled`: Security Hub is disabled in a region, or some of its
 * standards or finding integrations are switched off.
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

function describe(e: ApiEvent): string {
  if (e.eventName === 'DisableSecurityHub') return `${did(e, 'disabled', 'disable')} Security Hub`;
  if (e.eventName === 'BatchDisableStandards') {
    const arns = strings(e.request, 'standardsSubscriptionArns');
    const standards = arns.map((a) => a.replace(/^.*:subscription\//, ''));
    return `${did(e, 'disabled', 'disable')} Security Hub standard${standards.length === 1 ? '' : 's'} ${names(standards)}`;
  }
  const product = (reqString(e, 'productSubscriptionArn') ?? '(unknown)').replace(
    /^.*:product-subscription\//,
    '',
  );
  return `${did(e, 'stopped', 'stop')} Security Hub importing findings from ${product}`;
}

export default defineApiRule({
  id: 'aws.evasion.securityhub-disabled',
  title: 'Security Hub disabled or narrowed',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.001'],
  description:
    'DisableSecurityHub turns Security Hub off in a region: findings from GuardDuty, Inspector, ' +
    'Macie and Config stop being aggregated and the compliance checks stop. BatchDisableStandards ' +
    '(standards switched off) and DisableImportFindingsForProduct (one integration cut) narrow it ' +
    'and are reported one level lower. Failed calls are reported one level lower as attempts.',
  falsePositives: [
    'Cost reduction in unused regions or sandbox accounts.',
    'Replacing one standard by a newer version (for example CIS 1.2 by CIS 1.4).',
  ],
  response: [
    'Re-enable Security Hub (EnableSecurityHub) or the standards and integrations that were switched off.',
    'Check GuardDuty, Config and Macie in the same region: Security Hub is often one step of a wider teardown.',
    'Restrict securityhub:DisableSecurityHub and securityhub:BatchDisableStandards with a service control policy.',
  ],
  references: [
    'https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_DisableSecurityHub.html',
    'https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchDisableStandards.html',
    'https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_DisableImportFindingsForProduct.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['securityhub.amazonaws.com'],
    eventNames: ['DisableSecurityHub', 'BatchDisableStandards', 'DisableImportFindingsForProduct'],
  },
  match: () => true,
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'high', { lower: e.eventName !== 'DisableSecurityHub' }),
  summary: (e) => `${actorName(e)} ${describe(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'Security Hub disabled (the call has no parameters)',
        record: ctRecord({
          eventSource: 'securityhub.amazonaws.com',
          eventName: 'DisableSecurityHub',
          requestParameters: null,
        }),
      },
      {
        title: 'The foundational best-practices standard disabled',
        record: ctRecord({
          eventSource: 'securityhub.amazonaws.com',
          eventName: 'BatchDisableStandards',
          identity: 'role',
          requestParameters: {
            StandardsSubscriptionArns: [
              'arn:aws:securityhub:us-east-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0',
            ],
          },
          responseElements: {
            StandardsSubscriptions: [
              {
                StandardsSubscriptionArn:
                  'arn:aws:securityhub:us-east-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0',
                StandardsArn:
                  'arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0',
                StandardsStatus: 'DELETING',
              },
            ],
          },
        }),
      },
    ],
    miss: [
      {
        title: 'Security Hub enabled',
        record: ctRecord({
          eventSource: 'securityhub.amazonaws.com',
          eventName: 'EnableSecurityHub',
          identity: 'ci',
          requestParameters: { EnableDefaultStandards: true },
        }),
      },
    ],
  },
});
