/**
 * `aws.data.ebs-snapshot-shared`: an EBS snapshot shared publicly or with an account the
 * configuration does not know (ModifySnapshotAttribute adding createVolumePermission). Whoever
 * receives it can create a volume from it and read the disk at leisure in their own account.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { actorName, basePriority, ctRecord, did, failed, names, shift, where } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { ec2Param, sharesAdded } from '../lib/ec2-shapes.js';
import { accountsAssumption, isForeignAccount } from '../lib/ownership.js';

interface Exposure {
  everyone: boolean;
  foreign: string[];
}

function exposure(e: ApiEvent, ctx: RuleContext): Exposure {
  const added = sharesAdded(e, 'createVolumePermission');
  return {
    everyone: added.everyone,
    foreign: added.accounts.filter((a) => isForeignAccount(a, e, ctx.org)),
  };
}

function snapshotRecord(request: JsonObject, extra: Partial<CtRecordInput> = {}): JsonObject {
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'ModifySnapshotAttribute',
    eventVersion: '1.08',
    requestParameters: request,
    responseElements: { requestId: 'aec7452d-8665-41b5-a627-c6dba47e13bb', _return: true },
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.data.ebs-snapshot-shared',
  title: 'EBS snapshot shared publicly or with an unknown account',
  category: 'data',
  row: 'DATA-2',
  priority: 'high',
  mitre: ['T1537'],
  description:
    'A ModifySnapshotAttribute call added createVolumePermission for `group: all` (the snapshot ' +
    'becomes public: critical) or for account ids that are neither the recording account nor ' +
    'listed in organisation.accounts / trustedAccounts. Sharing a snapshot is the quickest way to ' +
    "move a whole disk (databases, keys, source code) into an attacker's account; the copy made " +
    "there never shows in this account's trail except as a SharedSnapshot* service event. Both " +
    'request shapes are read: the structured `createVolumePermission.add.items[]` and the legacy ' +
    'flat `attribute` / `operationType: add` / `userId` form. Permissions removed, and shares ' +
    'with known accounts, do not match. Failed calls are one level lower as attempts.',
  falsePositives: [
    'Sharing with an account of the organisation that is not listed in organisation.accounts.',
    'Publishing a deliberately public snapshot (rare; AWS blocks public sharing when snapshot block public access is on).',
  ],
  response: [
    'Remove the permission at once (ModifySnapshotAttribute with createVolumePermission remove, or ResetSnapshotAttribute).',
    'Find what the snapshot contains (its source volume and instance) and treat that data as disclosed.',
    'Look for SharedSnapshotVolumeCreated / SharedSnapshotCopyInitiated events: they show the snapshot was used by the other account.',
    'Enable EBS snapshot block public access in every region.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySnapshotAttribute.html',
    'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html',
    'https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html',
  ],
  knobs: {},
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['ModifySnapshotAttribute'] },
  match: (e, ctx) => {
    const x = exposure(e, ctx);
    return x.everyone || x.foreign.length > 0;
  },
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), (exposure(e, ctx).everyone ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e, ctx) => {
    const x = exposure(e, ctx);
    const snap = ec2Param(e, 'snapshotId', 'SnapshotId') ?? '(unnamed snapshot)';
    const whom = [
      ...(x.everyone ? ['everyone (public)'] : []),
      ...(x.foreign.length > 0
        ? [`unknown account${x.foreign.length > 1 ? 's' : ''} ${names(x.foreign)}`]
        : []),
    ].join(' and ');
    return `${actorName(e)} ${did(e, 'shared', 'share')} EBS snapshot ${snap} with ${whom} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A snapshot shared with another account (as the Invictus dataset records it)',
        record: snapshotRecord(
          {
            snapshotId: 'snap-083d3b857c13988bc',
            createVolumePermission: { add: { items: [{ userId: '012345678912' }] } },
            attributeType: 'CREATE_VOLUME_PERMISSION',
          },
          { userAgent: 'stratus-red-team_36659dd6-3cf5-4369-ae72-21be4cb11547' },
        ),
      },
      {
        title: 'A snapshot made public',
        record: snapshotRecord(
          {
            snapshotId: 'snap-0a1b2c3d4e5f60718',
            createVolumePermission: { add: { items: [{ group: 'all' }] } },
            attributeType: 'CREATE_VOLUME_PERMISSION',
          },
          { identity: 'role', userAgent: 'AWS Internal' },
        ),
      },
      {
        title: 'The legacy flat form with operationType add',
        record: snapshotRecord({
          snapshotId: 'snap-0a1b2c3d4e5f60718',
          attribute: 'createVolumePermission',
          operationType: 'add',
          userId: ['444455556666'],
        }),
      },
    ],
    miss: [
      {
        title: 'The share removed again (as the Invictus dataset records it)',
        record: snapshotRecord({
          snapshotId: 'snap-083d3b857c13988bc',
          createVolumePermission: { remove: { items: [{ userId: '012345678912' }] } },
          attributeType: 'CREATE_VOLUME_PERMISSION',
        }),
      },
      {
        title: "A share with the organisation's backup account",
        config: { organisation: { accounts: ['123456789012', '210987654321'] } },
        record: snapshotRecord({
          snapshotId: 'snap-0a1b2c3d4e5f60718',
          createVolumePermission: { add: { items: [{ userId: '210987654321' }] } },
          attributeType: 'CREATE_VOLUME_PERMISSION',
        }),
      },
    ],
  },
});
