/**
 * `aws.data.snapshot-share-used`: EC2 reports that another account used one of this account's
 * shared EBS snapshots: it created a volume from it (SharedSnapshotVolumeCreated) or started a
 * copy (SharedSnapshotCopyInitiated). These service events are the only trace, in the owner's
 * trail, that shared data has actually been taken.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { actorName, ctRecord, str, where } from '../lib.js';

function snapshotId(e: ApiEvent): string {
  return str(e.raw, 'serviceEventDetails', 'snapshotId') ?? '(unnamed snapshot)';
}

function serviceEvent(
  eventName: string,
  eventId: string,
  sharedId: string,
  snap: string,
): JsonObject {
  // AWS service events carry no request, response, request id or TLS details.
  return {
    eventVersion: '1.08',
    userIdentity: { accountId: '123456789012', invokedBy: 'ec2.amazonaws.com' },
    eventTime: '2026-01-02T03:04:05Z',
    eventSource: 'ec2.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: 'ec2.amazonaws.com',
    userAgent: 'ec2.amazonaws.com',
    requestParameters: null,
    responseElements: null,
    eventID: eventId,
    readOnly: false,
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: '123456789012',
    sharedEventID: sharedId,
    serviceEventDetails: { snapshotId: snap },
    eventCategory: 'Management',
  };
}

export default defineApiRule({
  id: 'aws.data.snapshot-share-used',
  title: 'Shared EBS snapshot used by another account',
  category: 'data',
  row: 'DATA-2',
  priority: 'high',
  mitre: ['T1537'],
  description:
    'EC2 wrote a SharedSnapshotVolumeCreated or SharedSnapshotCopyInitiated service event: an ' +
    'account this snapshot was shared with created a volume from it or began copying it. The ' +
    'event does not name that account; pair it with the ModifySnapshotAttribute that shared the ' +
    "snapshot (aws.data.ebs-snapshot-shared). When the share was not intended, the disk's data " +
    'has left the account. Service events cannot fail, so there is no attempt variant.',
  falsePositives: [
    'Backup, disaster-recovery or migration accounts of the organisation restoring shared snapshots.',
  ],
  response: [
    'Find who the snapshot is shared with (DescribeSnapshotAttribute createVolumePermission) and the ModifySnapshotAttribute call that shared it.',
    'If the share is not expected, remove it; the volume or copy already made cannot be recalled, so treat the data as disclosed.',
    'Identify the source volume and instance of the snapshot and rotate secrets stored on it.',
  ],
  references: [
    'https://docs.aws.amazon.com/ebs/latest/userguide/logging-ebs-apis-using-cloudtrail.html',
    'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com'],
    eventNames: ['SharedSnapshotVolumeCreated', 'SharedSnapshotCopyInitiated'],
  },
  match: (e) => e.eventType === 'AwsServiceEvent',
  key: (e) => snapshotId(e),
  summary: (e) => {
    const what =
      e.eventName === 'SharedSnapshotCopyInitiated'
        ? 'another account started copying'
        : 'another account created a volume from';
    return `${actorName(e)} reported that ${what} shared snapshot ${snapshotId(e)} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A volume created from a shared snapshot (as the Invictus dataset records it)',
        record: serviceEvent(
          'SharedSnapshotVolumeCreated',
          '895dc875-cb08-45a5-b8c2-9158838741c0',
          'b81f7fe5-36b5-49ea-bbc9-6a9007e733c0',
          'snap-0e83092ae538da583',
        ),
      },
      {
        title: 'A copy of a shared snapshot started',
        record: serviceEvent(
          'SharedSnapshotCopyInitiated',
          '4f0c1a2b-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
          '9e8d7c6b-5a49-4382-a716-0f1e2d3c4b5a',
          'snap-083d3b857c13988bc',
        ),
      },
    ],
    miss: [
      {
        title: 'The owner itself creating a volume from its snapshot',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'CreateVolume',
          eventVersion: '1.08',
          requestParameters: {
            snapshotId: 'snap-0e83092ae538da583',
            zone: 'us-east-1a',
            clientToken: '11144C0B-5E54-4ADA-A081-FCBDBEE74AAE',
          },
          responseElements: {
            requestId: '35e74cf4-740b-49c4-8b36-f231ee8cc310',
            volumeId: 'vol-0fc2e34e74650e145',
            size: '1',
            snapshotId: 'snap-0e83092ae538da583',
            zone: 'us-east-1a',
            status: 'creating',
            createTime: 1767323045000,
            volumeType: 'gp3',
            encrypted: false,
            multiAttachEnabled: false,
          },
        }),
      },
    ],
  },
});
