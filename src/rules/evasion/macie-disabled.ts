/**
 * `aws.evasion.macie-disabled`: Amazon Macie is disabled or paused, ending sensitive-data
 * discovery and the findings on S3 buckets exposed or shared.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { actorName, ctRecord, did, reqString, tamperPriority, where } from '../lib.js';

function paused(e: ApiEvent): boolean {
  return e.eventName === 'UpdateMacieSession' && reqString(e, 'status') === 'PAUSED';
}

export default defineApiRule({
  id: 'aws.evasion.macie-disabled',
  title: 'Amazon Macie disabled or paused',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.001'],
  description:
    'DisableMacie turns Macie off in a region and deletes its findings, classification jobs and ' +
    'settings; UpdateMacieSession with status PAUSED suspends it while keeping them (reported one ' +
    'level lower). Either way, S3 buckets made public or shared and sensitive data placed in them ' +
    'stop producing findings, which helps before exfiltration. Failed calls are reported one level ' +
    'lower as attempts.',
  falsePositives: ['Cost reduction in accounts without sensitive data.'],
  response: [
    'Re-enable Macie (EnableMacie, or UpdateMacieSession with status ENABLED).',
    'Review S3 bucket policy, ACL and public-access changes made since it was disabled.',
    'Restrict macie2:DisableMacie and macie2:UpdateMacieSession with a service control policy.',
  ],
  references: [
    'https://docs.aws.amazon.com/macie/latest/APIReference/macie.html',
    'https://docs.aws.amazon.com/macie/latest/user/macie-suspend-disable.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['macie2.amazonaws.com', 'macie.amazonaws.com'],
    eventNames: ['DisableMacie', 'UpdateMacieSession'],
  },
  match: (e) => e.eventName === 'DisableMacie' || paused(e),
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'high', { lower: paused(e) }),
  summary: (e) =>
    `${actorName(e)} ${paused(e) ? did(e, 'paused', 'pause') : did(e, 'disabled', 'disable')} ` +
    `Amazon Macie ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'Macie disabled',
        record: ctRecord({
          eventSource: 'macie2.amazonaws.com',
          eventName: 'DisableMacie',
          requestParameters: null,
        }),
      },
      {
        title: 'Macie paused',
        record: ctRecord({
          eventSource: 'macie2.amazonaws.com',
          eventName: 'UpdateMacieSession',
          identity: 'role',
          requestParameters: { status: 'PAUSED' },
        }),
      },
    ],
    miss: [
      {
        title: 'Macie resumed',
        record: ctRecord({
          eventSource: 'macie2.amazonaws.com',
          eventName: 'UpdateMacieSession',
          requestParameters: { status: 'ENABLED', findingPublishingFrequency: 'FIFTEEN_MINUTES' },
        }),
      },
    ],
  },
});
