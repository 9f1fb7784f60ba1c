/**
 * `aws.iam.access-key-created`: a long-term access key created by an identity outside the
 * configured automation, at a higher priority when the key is for another user than the caller:
 * a key minted for someone else is a credential the caller keeps, and the classic way to persist.
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
  shift,
  str,
  where,
} from '../lib.js';
import { actsOnAnotherUser, automationAssumption, targetUserName } from '../lib/iam-principals.js';

function forWhom(e: ApiEvent): string {
  const target = targetUserName(e);
  if (!actsOnAnotherUser(e)) return 'for itself';
  return `for user ${target ?? '(unnamed)'}`;
}

export default defineApiRule({
  id: 'aws.iam.access-key-created',
  title: 'Access key created outside automation',
  category: 'iam',
  row: 'IAM-2',
  priority: 'high',
  mitre: ['T1098.001'],
  description:
    "CreateAccessKey by an identity that is not the configured automation. The key's user is taken " +
    'from requestParameters.userName or, failing that, responseElements.accessKey.userName; an IAM ' +
    'user calling without a user name creates a key for itself. A key for another user (or any key ' +
    'created by a role or federated session, which cannot be that user) is reported at the rule ' +
    'priority: the caller now holds a second identity. A user creating its own key is reported one ' +
    'level lower, since rotation looks the same. Root creating keys is reported by ' +
    'aws.iam.root-access-key-created instead. Failed calls (LimitExceeded when the user already has ' +
    'two keys, AccessDenied) are reported one level lower.',
  falsePositives: [
    'Users rotating their own keys (reported one level lower).',
    'Administrators issuing keys to service users by hand; better issued by a pipeline listed in organisation.automationArns.',
  ],
  response: [
    'Ask the owner of the target user whether they requested the key; check where it is being used (CloudTrail by the new accessKeyId).',
    'If unexpected, deactivate and delete the key, and investigate the creator: keys for other users are a persistence technique.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html',
    'https://attack.mitre.org/techniques/T1098/001/',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['iam.amazonaws.com'], eventNames: ['CreateAccessKey'] },
  match: (e, ctx) => e.actor.type !== 'Root' && !isAutomation(e, ctx.org),
  priorityOf: (e, ctx): Priority =>
    shift(basePriority(ctx, 'high'), (actsOnAnotherUser(e) ? 0 : -1) - (failed(e) ? 1 : 0)),
  summary: (e) => {
    const key = str(e.response, 'accessKey', 'accessKeyId');
    return `${actorName(e)} ${did(e, 'created', 'create')} access key ${key === undefined ? '' : `${key} `}${forWhom(e)} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A key for a freshly created backdoor user (Stratus Red Team, as recorded)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateAccessKey',
          userAgent: 'stratus-red-team_61e3765a-ab18-4da8-b5ac-4ec10986ed4b',
          requestParameters: { userName: 'stratus-red-team-backdoor-u-user' },
          responseElements: {
            accessKey: {
              accessKeyId: 'AKIATFQR7NSC3ZO6PKAZ',
              status: 'Active',
              userName: 'stratus-red-team-backdoor-u-user',
              createDate: 'Jan 2, 2026, 3:04:05 AM',
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A user creates a second key for itself (no userName parameter)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateAccessKey',
          requestParameters: null,
          responseElements: {
            accessKey: {
              accessKeyId: 'AKIA4XJ7LBQ5EXAMPLEB',
              status: 'Active',
              userName: 'alice',
              createDate: 'Jan 2, 2026, 3:04:05 AM',
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A role session tries to mint a key for an administrator user',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateAccessKey',
          identity: IDENTITIES.role,
          errorCode: 'LimitExceededException',
          errorMessage: 'Cannot exceed quota for AccessKeysPerUser: 2',
          requestParameters: { userName: 'dave' },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'The configured key-rotation pipeline issues a key',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateAccessKey',
          identity: IDENTITIES.ci,
          requestParameters: { userName: 'svc-backup' },
          responseElements: {
            accessKey: {
              accessKeyId: 'AKIA4XJ7LBQ5EXAMPLEC',
              status: 'Active',
              userName: 'svc-backup',
              createDate: 'Jan 2, 2026, 3:04:05 AM',
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'Root creates a key (reported by aws.iam.root-access-key-created instead)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateAccessKey',
          identity: {
            type: 'Root',
            principalId: '123456789012',
            arn: 'arn:aws:iam::123456789012:root',
            accountId: '123456789012',
            accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE7',
          },
          requestParameters: null,
          responseElements: {
            accessKey: {
              accessKeyId: 'AKIA4XJ7LBQ5EXAMPLED',
              status: 'Active',
              createDate: 'Jan 2, 2026, 3:04:05 AM',
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
