/**
 * `aws.data.ec2-block-public-access-disabled`: the account-level guard against public EBS
 * snapshots or public AMIs turned off in a region. It is the step before making a snapshot or image
 * public; for snapshots in block-all-sharing mode it also makes every snapshot that was ever
 * shared publicly public again at once.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { actorName, ctRecord, did, tamperPriority, USER_AGENTS, where } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { automationAssumption } from '../lib/ownership.js';

function guarded(e: ApiEvent): string {
  return e.eventName === 'DisableImageBlockPublicAccess' ? 'AMIs' : 'EBS snapshots';
}

function ec2Record(
  eventName: string,
  request: JsonObject,
  response: JsonObject | null,
  extra: Partial<CtRecordInput> = {},
): JsonObject {
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName,
    eventVersion: '1.09',
    requestParameters: { [`${eventName}Request`]: request },
    responseElements:
      response === null
        ? null
        : {
            [`${eventName}Response`]: {
              xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
              requestId: '7d3e9a41-2b6c-4f85-a0d1-c4e8b5f2a963',
              ...response,
            },
          },
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.data.ec2-block-public-access-disabled',
  title: 'Block public access for EBS snapshots or AMIs disabled',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1562', 'T1537'],
  description:
    'A DisableSnapshotBlockPublicAccess or DisableImageBlockPublicAccess call turned off the ' +
    'region-wide setting that stops snapshots or AMIs from being shared publicly. For snapshots ' +
    "this is reported at the rule's priority: if the setting was in block-all-sharing mode, " +
    'every snapshot whose permissions still say "public" becomes publicly accessible again ' +
    'immediately. For AMIs, where the setting only blocks new public sharing, it is one level ' +
    'lower. Switching snapshots from block-all-sharing to block-new-sharing (an ' +
    'EnableSnapshotBlockPublicAccess call) has the same re-exposing effect but does not record ' +
    'the previous mode, so it is not reported. Triage: look for ModifySnapshotAttribute or ' +
    'ModifyImageAttribute with `group: all` by the same actor shortly after ' +
    '(aws.data.ebs-snapshot-shared, aws.data.ami-shared). Failed calls (including DryRun ' +
    'checks, which fail with Client.DryRunOperation) and the configured automation are one ' +
    'level lower.',
  falsePositives: [
    'Publishing public AMIs or snapshots on purpose (a vendor distributing images) from a dedicated account.',
  ],
  response: [
    'Re-enable the setting in the region (EnableSnapshotBlockPublicAccess with block-all-sharing, EnableImageBlockPublicAccess).',
    'List snapshots and images shared publicly in the region (DescribeSnapshots with restorable-by-user-ids all, DescribeImages with is-public) and make them private.',
    'Enforce the setting with a declarative policy or SCP so that one account cannot turn it off.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisableSnapshotBlockPublicAccess.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisableImageBlockPublicAccess.html',
    'https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-public-access-to-amis.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com'],
    eventNames: ['DisableSnapshotBlockPublicAccess', 'DisableImageBlockPublicAccess'],
  },
  match: () => true,
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'high', {
      lower: e.eventName === 'DisableImageBlockPublicAccess',
      automationLowers: true,
    }),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'disabled', 'disable')} block public access for ${guarded(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'Block public access for snapshots disabled from the CLI',
        record: ec2Record('DisableSnapshotBlockPublicAccess', {}, { state: 'unblocked' }),
      },
      {
        title: 'Block public access for AMIs disabled from the console',
        record: ec2Record(
          'DisableImageBlockPublicAccess',
          {},
          { imageBlockPublicAccessState: 'unblocked' },
          { identity: 'role', userAgent: USER_AGENTS.console, awsRegion: 'eu-west-1' },
        ),
      },
      {
        title: 'A DryRun check of the snapshot setting (an attempt)',
        record: ec2Record('DisableSnapshotBlockPublicAccess', { DryRun: true }, null, {
          errorCode: 'Client.DryRunOperation',
          errorMessage: 'Request would have succeeded, but DryRun flag is set.',
          userAgent: USER_AGENTS.boto3,
        }),
      },
    ],
    miss: [
      {
        title: 'Block public access for snapshots enabled in block-all-sharing mode',
        record: ec2Record(
          'EnableSnapshotBlockPublicAccess',
          { State: 'block-all-sharing' },
          { state: 'block-all-sharing' },
        ),
      },
      {
        title: 'Block public access for AMIs enabled',
        record: ec2Record(
          'EnableImageBlockPublicAccess',
          { ImageBlockPublicAccessState: 'block-new-sharing' },
          { imageBlockPublicAccessState: 'block-new-sharing' },
        ),
      },
    ],
  },
});
