/**
 * `aws.iam.root-access-key-created`: the root user created an access key. Root keys cannot be
 * limited by any IAM policy or permissions boundary; AWS's guidance is that the root user has
 * none, so a new one is either a serious mistake or someone securing unlimited access.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import { actorName, basePriority, ctRecord, did, failed, shift, str, where } from '../lib.js';
import { IAM_IDENTITIES } from '../lib/iam-principals.js';

export default defineApiRule({
  id: 'aws.iam.root-access-key-created',
  title: 'Root user access key created',
  category: 'iam',
  row: 'IAM-2',
  priority: 'critical',
  mitre: ['T1098.001', 'T1078.004'],
  description:
    'CreateAccessKey by the root user (userIdentity.type Root) without a userName, which creates a ' +
    'long-term key for root itself. No policy, boundary or (outside an organisation) service control ' +
    'policy limits what that key can do. Reported at every occurrence, whoever the automation is; ' +
    'failed calls are reported one level lower.',
  falsePositives: [
    'None expected: AWS advises against root access keys; even legacy tooling should use IAM roles.',
  ],
  response: [
    'Delete the root access key at once (as root, Security credentials page) and confirm MFA on the root user.',
    'Find every call made with the key (CloudTrail by accessKeyId) and the root sign-in that created it.',
    'Rotate the root password and secure the root email mailbox; consider centralised root access for member accounts.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_add-key.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['iam.amazonaws.com'], eventNames: ['CreateAccessKey'] },
  // A root caller naming an IAM user creates that user's key (aws.iam.access-key-created).
  match: (e) => e.actor.type === 'Root' && str(e.request, 'userName') === undefined,
  priorityOf: (e, ctx): Priority => shift(basePriority(ctx, 'critical'), failed(e) ? -1 : 0),
  summary: (e) => {
    const key = str(e.response, 'accessKey', 'accessKeyId');
    return `${actorName(e)} ${did(e, 'created', 'create')} root access key${key === undefined ? '' : ` ${key}`} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'Root creates an access key for itself in the console',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateAccessKey',
          identity: IAM_IDENTITIES.root,
          userAgent: 'AWS Internal',
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
    miss: [
      {
        title: 'An IAM user creates its own access key',
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
    ],
  },
});
