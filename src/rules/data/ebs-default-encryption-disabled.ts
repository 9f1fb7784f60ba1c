/**
 * `aws.data.ebs-default-encryption-disabled`: EBS encryption by default turned off for a region
 * (DisableEbsEncryptionByDefault). New volumes and snapshot copies in that region are then
 * created unencrypted, which also lets them be shared publicly or with other accounts without a
 * key grant.
 */
import { defineApiRule } from '../../engine/rule.js';
import { actorName, ctRecord, did, tamperPriority, USER_AGENTS, where } from '../lib.js';

export default defineApiRule({
  id: 'aws.data.ebs-default-encryption-disabled',
  title: 'EBS encryption by default disabled',
  category: 'data',
  row: null,
  priority: 'medium',
  mitre: ['T1565'],
  description:
    'A principal called DisableEbsEncryptionByDefault. From then on, volumes and snapshot copies ' +
    'created in the region are unencrypted unless the caller asks otherwise. Unencrypted ' +
    'snapshots can be shared with any account without also sharing a KMS key, which removes a ' +
    'control that stands in the way of snapshot exfiltration. The setting is per region. Failed ' +
    'calls are one level lower as attempts.',
  falsePositives: [
    'Workloads that cannot use encrypted volumes (rare; the exception is better made per volume).',
  ],
  response: [
    'Re-enable the setting (EnableEbsEncryptionByDefault) in the region.',
    'List volumes and snapshots created unencrypted since the change and re-encrypt or delete them.',
    'Consider an SCP denying ec2:DisableEbsEncryptionByDefault.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisableEbsEncryptionByDefault.html',
    'https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['DisableEbsEncryptionByDefault'] },
  match: () => true,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'medium'),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'disabled', 'disable')} EBS encryption by default ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'Encryption by default disabled from the CLI',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DisableEbsEncryptionByDefault',
          eventVersion: '1.08',
          userAgent: USER_AGENTS.cli,
          requestParameters: { DisableEbsEncryptionByDefaultRequest: {} },
          responseElements: {
            DisableEbsEncryptionByDefaultResponse: {
              xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
              requestId: 'f0e1d2c3-b4a5-4968-8776-a5b4c3d2e1f0',
              ebsEncryptionByDefault: false,
            },
          },
        }),
      },
    ],
    miss: [
      {
        title: 'Encryption by default enabled',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'EnableEbsEncryptionByDefault',
          eventVersion: '1.08',
          requestParameters: { EnableEbsEncryptionByDefaultRequest: {} },
          responseElements: {
            EnableEbsEncryptionByDefaultResponse: {
              xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
              requestId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
              ebsEncryptionByDefault: true,
            },
          },
        }),
      },
    ],
  },
});
