/**
 * `aws.data.kms-key-disabled-or-deleted`: a KMS key disabled or scheduled for deletion. Data
 * encrypted under a deleted key is lost for good; disabling a key is the reversible version of
 * the same denial of service, and both are used to destroy or ransom data.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  num,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import { isSensitiveKey, kmsKeyNames } from '../lib/ownership.js';

const knobs = {
  shortWindowDays: knob(
    z.number().int().min(7).max(30),
    7,
    'A ScheduleKeyDeletion with a waiting period of this many days or fewer is one level higher (7 is the shortest AWS allows).',
  ),
};

function keyName(e: ApiEvent): string {
  const names = kmsKeyNames(e);
  return names.find((n) => n.startsWith('arn:')) ?? names[0] ?? '(unnamed key)';
}

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_RESOURCE = [{ accountId: '123456789012', type: 'AWS::KMS::Key', ARN: KEY_ARN }];

export default defineApiRule({
  id: 'aws.data.kms-key-disabled-or-deleted',
  title: 'KMS key disabled or scheduled for deletion',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1485', 'T1486'],
  description:
    'A principal called DisableKey or ScheduleKeyDeletion on a KMS key. Everything encrypted ' +
    'under the key (EBS volumes, RDS databases, S3 objects, secrets) becomes unreadable while it ' +
    'is disabled, and for good once the deletion window ends. A deletion window of ' +
    '`shortWindowDays` or fewer (the pendingWindowInDays request parameter) and keys listed in ' +
    'organisation.sensitive.kmsKeys are each one level higher. Failed calls are one level lower ' +
    'as attempts.',
  falsePositives: [
    'Retiring keys that no longer protect any data, done by the team that owns KMS.',
  ],
  response: [
    'Cancel the deletion (CancelKeyDeletion) or re-enable the key (EnableKey) while the window is open.',
    "Find what the key protects (CloudTrail Decrypt / GenerateDataKey records naming it, resource tags) and the identity's other recent actions.",
    'Restrict kms:ScheduleKeyDeletion and kms:DisableKey to a break-glass role with an SCP or the key policy.',
  ],
  references: [
    'https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html',
    'https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKey.html',
    'https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html',
  ],
  knobs,
  kind: 'match',
  on: { eventSource: ['kms.amazonaws.com'], eventNames: ['DisableKey', 'ScheduleKeyDeletion'] },
  match: () => true,
  priorityOf: (e, ctx) => {
    let steps = failed(e) ? -1 : 0;
    const days = num(e.request, 'pendingWindowInDays');
    if (
      e.eventName === 'ScheduleKeyDeletion' &&
      days !== undefined &&
      days <= ctx.knobs.shortWindowDays
    ) {
      steps += 1;
    }
    if (isSensitiveKey(ctx.org, kmsKeyNames(e))) steps += 1;
    return shift(basePriority(ctx, 'high'), steps);
  },
  summary: (e) => {
    if (e.eventName === 'DisableKey') {
      return `${actorName(e)} ${did(e, 'disabled', 'disable')} KMS key ${keyName(e)} ${where(e)}`;
    }
    const days = num(e.request, 'pendingWindowInDays');
    return (
      `${actorName(e)} ${did(e, 'scheduled', 'schedule')} the deletion of KMS key ${keyName(e)}` +
      `${days === undefined ? '' : ` in ${days} days`} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A key scheduled for deletion in the shortest window',
        record: ctRecord({
          eventSource: 'kms.amazonaws.com',
          eventName: 'ScheduleKeyDeletion',
          eventVersion: '1.08',
          userAgent: USER_AGENTS.cli,
          requestParameters: {
            keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
            pendingWindowInDays: 7,
          },
          responseElements: {
            keyId: KEY_ARN,
            keyState: 'PendingDeletion',
            deletionDate: 'Jan 9, 2026, 3:04:05 AM',
          },
          resources: KEY_RESOURCE,
        }),
      },
      {
        title: 'A key disabled from the console',
        record: ctRecord({
          eventSource: 'kms.amazonaws.com',
          eventName: 'DisableKey',
          eventVersion: '1.08',
          identity: 'role',
          userAgent: 'AWS Internal',
          requestParameters: { keyId: KEY_ARN },
          resources: KEY_RESOURCE,
        }),
      },
    ],
    miss: [
      {
        title: 'A scheduled deletion cancelled',
        record: ctRecord({
          eventSource: 'kms.amazonaws.com',
          eventName: 'CancelKeyDeletion',
          eventVersion: '1.08',
          requestParameters: { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' },
          responseElements: { keyId: KEY_ARN },
          resources: KEY_RESOURCE,
        }),
      },
    ],
  },
});
