/**
 * `aws.iam.access-key-reactivated`: an inactive access key switched back to Active. Keys are
 * deactivated when they are suspected or retired; turning one back on revives a credential that
 * someone decided should not work, and is how an attacker undoes a responder's containment.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  IDENTITIES,
  isAutomation,
  reqString,
  shift,
  where,
} from '../lib.js';
import { actsOnAnotherUser, automationAssumption, targetUserName } from '../lib/iam-principals.js';

const activated = (e: ApiEvent): boolean => reqString(e, 'status')?.toLowerCase() === 'active';

export default defineApiRule({
  id: 'aws.iam.access-key-reactivated',
  title: 'Inactive access key reactivated',
  category: 'iam',
  row: 'IAM-3',
  priority: 'medium',
  mitre: ['T1098.001', 'T1078.004'],
  description:
    'UpdateAccessKey with status Active. Keys only need reactivating after someone deactivated them, ' +
    "usually because they were suspected, unused or being rotated out. Reactivating another user's " +
    'key (an IAM user naming someone else, or any role or federated session) is reported one level ' +
    'higher than a user reactivating its own; the configured automation and failed calls are lowered ' +
    'one level each. Whether the key had been dormant for long is a stateful question for the dormancy ' +
    'rules; this rule reports the reactivation itself.',
  falsePositives: ['A rotation rolled back because the new key was not yet deployed everywhere.'],
  response: [
    'Find who deactivated the key and why (UpdateAccessKey with status Inactive earlier in CloudTrail).',
    'If the key was deactivated during an incident, deactivate it again and treat the reactivating identity as compromised.',
    "Review the key's use since reactivation (CloudTrail by accessKeyId).",
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['iam.amazonaws.com'], eventNames: ['UpdateAccessKey'] },
  match: (e) => activated(e),
  priorityOf: (e, ctx): Priority => {
    let steps = actsOnAnotherUser(e) ? 1 : 0;
    if (isAutomation(e, ctx.org)) steps -= 1;
    if (failed(e)) steps -= 1;
    return shift(basePriority(ctx, 'medium'), steps);
  },
  summary: (e) => {
    const key = reqString(e, 'accessKeyId') ?? '(unnamed)';
    const what = actsOnAnotherUser(e)
      ? `access key ${key} of user ${targetUserName(e) ?? '(unnamed)'}`
      : `its own access key ${key}`;
    return `${actorName(e)} ${did(e, 'reactivated', 'reactivate')} ${what} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A responder-deactivated key switched back on for another user',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateAccessKey',
          identity: IDENTITIES.role,
          requestParameters: {
            accessKeyId: 'AKIA4XJ7LBQ5EXAMPLE6',
            status: 'Active',
            userName: 'dave',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A user reactivates its own key',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateAccessKey',
          requestParameters: { accessKeyId: 'AKIA4XJ7LBQ5EXAMPLEB', status: 'Active' },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'A key deactivated (containment)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateAccessKey',
          identity: IDENTITIES.role,
          requestParameters: {
            accessKeyId: 'AKIA4XJ7LBQ5EXAMPLE6',
            status: 'Inactive',
            userName: 'dave',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
