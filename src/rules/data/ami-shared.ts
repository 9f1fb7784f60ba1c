/**
 * `aws.data.ami-shared`: an AMI's launch permission given to everyone or to an account (or an
 * organization / OU of a management account) the configuration does not know. An AMI carries the
 * disks of the instance it was made from; whoever can launch it can read them.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { actorName, basePriority, ctRecord, did, failed, names, shift, where } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { ec2Param, sharesAdded } from '../lib/ec2-shapes.js';
import { accountOf, accountsAssumption, isForeignAccount } from '../lib/ownership.js';

interface Exposure {
  everyone: boolean;
  /** Foreign account ids and organization / OU ARNs of foreign management accounts. */
  foreign: string[];
}

function exposure(e: ApiEvent, ctx: RuleContext): Exposure {
  const added = sharesAdded(e, 'launchPermission');
  const foreign = added.accounts.filter((a) => isForeignAccount(a, e, ctx.org));
  // arn:aws:organizations::<management account>:organization/o-… names the organisation's owner.
  for (const o of added.organisations) {
    if (isForeignAccount(accountOf(o), e, ctx.org)) foreign.push(o);
  }
  return { everyone: added.everyone, foreign };
}

function imageRecord(request: JsonObject, extra: Partial<CtRecordInput> = {}): JsonObject {
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'ModifyImageAttribute',
    eventVersion: '1.08',
    requestParameters: request,
    responseElements: { requestId: '9a32473d-7495-4050-aa14-572331ab538d', _return: true },
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.data.ami-shared',
  title: 'AMI shared publicly or with an unknown account',
  category: 'data',
  row: 'DATA-2',
  priority: 'high',
  mitre: ['T1537'],
  description:
    'A ModifyImageAttribute call added a launch permission for `group: all` (the AMI becomes ' +
    'public: critical), for account ids outside the recording account, organisation.accounts and ' +
    'trustedAccounts, or for an organization or OU whose management account (the account in its ' +
    'ARN) is unknown. An AMI contains snapshots of every disk of the instance it was made from, ' +
    'so sharing it exfiltrates those disks. Both request shapes are read (structured ' +
    '`launchPermission.add.items[]` and the legacy flat form); removals and changes to other ' +
    'attributes such as the description do not match. Failed calls are one level lower.',
  falsePositives: [
    "Publishing golden images to the organisation's other accounts while organisation.accounts is empty.",
    'Vendors or marketplace publishers sharing AMIs with customers on purpose.',
  ],
  response: [
    'Remove the launch permission (ModifyImageAttribute with launchPermission remove, or ResetImageAttribute).',
    'Find the instance the AMI was made from and treat the data on its disks as disclosed.',
    'Enable AMI block public access (EnableImageBlockPublicAccess) in every region.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyImageAttribute.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html',
  ],
  knobs: {},
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['ModifyImageAttribute'] },
  match: (e, ctx) => {
    const x = exposure(e, ctx);
    return x.everyone || x.foreign.length > 0;
  },
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), (exposure(e, ctx).everyone ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e, ctx) => {
    const x = exposure(e, ctx);
    const ami = ec2Param(e, 'imageId', 'ImageId') ?? '(unnamed AMI)';
    const whom = [
      ...(x.everyone ? ['everyone (public)'] : []),
      ...x.foreign.map((f) => (f.startsWith('arn:') ? f : `unknown account ${f}`)),
    ];
    return `${actorName(e)} ${did(e, 'shared', 'share')} AMI ${ami} with ${names(whom)} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'An AMI shared with another account (as the Invictus dataset records it)',
        record: imageRecord(
          {
            imageId: 'ami-0aa1d83d0b0985c86',
            launchPermission: { add: { items: [{ userId: '012345678901' }] } },
            attributeType: 'launchPermission',
          },
          { userAgent: 'stratus-red-team_b47d6b97-21d3-4b01-8937-6f0c23cb2d4b' },
        ),
      },
      {
        title: 'An AMI made public',
        record: imageRecord(
          {
            imageId: 'ami-0bb2e94e1c1f96d97',
            launchPermission: { add: { items: [{ group: 'all' }] } },
            attributeType: 'launchPermission',
          },
          { identity: 'role', userAgent: 'AWS Internal' },
        ),
      },
      {
        title: 'An AMI shared with another organization',
        record: imageRecord({
          imageId: 'ami-0bb2e94e1c1f96d97',
          launchPermission: {
            add: {
              items: [
                {
                  organizationArn: 'arn:aws:organizations::444455556666:organization/o-exampleorg1',
                },
              ],
            },
          },
          attributeType: 'launchPermission',
        }),
      },
    ],
    miss: [
      {
        title: 'The share removed again (as the Invictus dataset records it)',
        record: imageRecord({
          imageId: 'ami-0aa1d83d0b0985c86',
          launchPermission: { remove: { items: [{ userId: '012345678901' }] } },
          attributeType: 'launchPermission',
        }),
      },
      {
        title: 'The AMI description changed',
        record: imageRecord({
          imageId: 'ami-0aa1d83d0b0985c86',
          description: { value: 'base image 2026-01' },
          attributeType: 'description',
        }),
      },
    ],
  },
});
