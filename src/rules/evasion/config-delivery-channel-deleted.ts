/**
 * `aws.evasion.config-delivery-channel-deleted`: the AWS Config delivery channel is deleted, so
 * configuration snapshots and history stop reaching the bucket and topic defenders read.
 */
import { defineApiRule } from '../../engine/rule.js';
import { actorName, ctRecord, did, reqString, tamperPriority, where } from '../lib.js';

export default defineApiRule({
  id: 'aws.evasion.config-delivery-channel-deleted',
  title: 'AWS Config delivery channel deleted',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.001'],
  description:
    'A principal deleted the AWS Config delivery channel (DeleteDeliveryChannel). Config can only ' +
    'delete a channel while the recorder is stopped, so this usually follows ' +
    'StopConfigurationRecorder and completes the removal of Config from the region. Failed calls ' +
    'are reported one level lower as attempts.',
  falsePositives: ['Decommissioning Config in a region or moving delivery to a new bucket.'],
  response: [
    'Re-create the delivery channel (PutDeliveryChannel) with the central bucket and start the recorder.',
    'Look for a StopConfigurationRecorder by the same identity shortly before and handle both together.',
    'Deny config:DeleteDeliveryChannel outside the account-management role.',
  ],
  references: [
    'https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteDeliveryChannel.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['config.amazonaws.com'], eventNames: ['DeleteDeliveryChannel'] },
  match: () => true,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'high'),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'deleted', 'delete')} AWS Config delivery channel ` +
    `${reqString(e, 'deliveryChannelName') ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'The default delivery channel deleted',
        record: ctRecord({
          eventSource: 'config.amazonaws.com',
          eventName: 'DeleteDeliveryChannel',
          requestParameters: { deliveryChannelName: 'default' },
        }),
      },
    ],
    miss: [
      {
        title: 'A delivery channel created',
        record: ctRecord({
          eventSource: 'config.amazonaws.com',
          eventName: 'PutDeliveryChannel',
          identity: 'ci',
          requestParameters: {
            deliveryChannel: {
              name: 'default',
              s3BucketName: 'acme-config-history',
              configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
            },
          },
        }),
      },
    ],
  },
});
