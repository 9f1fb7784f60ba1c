/**
 * `aws.data.resource-policy-cross-account`: a secret, ECR repository, SNS topic, SQS queue or EFS
 * file system given a resource policy that names an account the configuration does not know. Like
 * a backdoored bucket policy, the grant outlives every key rotation in this account: the other
 * side uses the resource with its own credentials.
 */
import type { Organisation } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  did,
  failed,
  isAutomation,
  names,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import { accountsAssumption, isForeignAccount, isSensitiveSecret } from '../lib/ownership.js';
import { grantedAccounts } from '../lib/resource-policy.js';
import {
  ecrPolicyRecord,
  SERVICE_POLICY_EVENTS,
  secretPolicyRecord,
  servicePolicy,
  snsPolicyRecord,
  sqsPolicyRecord,
} from '../lib/service-policies.js';

function foreign(e: ApiEvent, org: Organisation): string[] {
  const policy = servicePolicy(e);
  if (policy === undefined) return [];
  return grantedAccounts(policy.doc).filter((a) => isForeignAccount(a, e, org));
}

export default defineApiRule({
  id: 'aws.data.resource-policy-cross-account',
  title: 'Secret, ECR repository, SNS topic, SQS queue or EFS policy grants an unknown account',
  category: 'data',
  row: null,
  priority: 'medium',
  mitre: ['T1537', 'T1098'],
  description:
    'A call set a resource policy whose Allow statements name, as AWS principals, an account ' +
    '(a 12-digit id or an ARN such as `arn:aws:iam::444455556666:root`) that is neither the ' +
    'recording account nor in organisation.accounts / trustedAccounts. Covered: Secrets Manager ' +
    'PutResourcePolicy, ECR SetRepositoryPolicy, SNS SetTopicAttributes (Policy) and ' +
    'CreateTopic, SQS SetQueueAttributes and CreateQueue, and EFS PutFileSystemPolicy. Triage: ' +
    'find out whose account it is (a vendor, a forgotten sandbox, or nobody anyone knows) and ' +
    'what the statement allows. Policies open to everyone are aws.data.resource-policy-public, ' +
    'one level higher than this rule. A secret listed in organisation.sensitive.secrets is one ' +
    'level higher; failed calls (attempts) and the configured automation are one level lower; ' +
    'calls made by AWS services do not match.',
  falsePositives: [
    "Resources shared with the organisation's other accounts while organisation.accounts is empty.",
    'Vendors and partner integrations (image registries pulled by a SaaS, queues fed by a partner) not yet listed in trustedAccounts.',
  ],
  response: [
    'Identify the account granted and the actions it received; remove the statement if nobody can vouch for it.',
    'Review data-plane activity from that account since the change (GetSecretValue, image pulls, Subscribe / ReceiveMessage, EFS mounts).',
    "Rotate a secret that was shared; check the same identity's other recent policy changes (buckets, keys, roles).",
  ],
  references: [
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html',
    'https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html',
    'https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html',
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html',
    'https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html',
  ],
  knobs: {},
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: SERVICE_POLICY_EVENTS,
  match: (e, ctx) => !byAwsService(e) && foreign(e, ctx.org).length > 0,
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (isSensitiveSecret(ctx.org, servicePolicy(e)?.secretId) ? 1 : 0) -
        (failed(e) ? 1 : 0) -
        (isAutomation(e, ctx.org) ? 1 : 0),
    ),
  key: (e) => `${actorName(e)}|${servicePolicy(e)?.resource ?? ''}`,
  summary: (e, ctx) => {
    const policy = servicePolicy(e);
    const accounts = foreign(e, ctx.org);
    const what = policy === undefined ? 'a resource' : `${policy.kind} ${policy.resource}`;
    return (
      `${actorName(e)} ${did(e, 'granted', 'grant')} unknown account${accounts.length > 1 ? 's' : ''} ` +
      `${names(accounts)} access to ${what} through its resource policy ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A secret shared with an outside account',
        record: secretPolicyRecord('prod/db-master', [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::444455556666:root' },
            Action: 'secretsmanager:GetSecretValue',
            Resource: '*',
          },
        ]),
      },
      {
        title: 'An ECR repository another account may pull from, set by the console',
        record: ecrPolicyRecord(
          'payments-api',
          [
            {
              Sid: 'CrossAccountPull',
              Effect: 'Allow',
              Principal: { AWS: ['arn:aws:iam::444455556666:role/ci-runner'] },
              Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
            },
          ],
          { identity: 'role', userAgent: USER_AGENTS.console },
        ),
      },
      {
        title: 'An SQS queue another account may read',
        record: sqsPolicyRecord('orders-intake', [
          {
            Effect: 'Allow',
            Principal: { AWS: '444455556666' },
            Action: 'SQS:ReceiveMessage',
            Resource: 'arn:aws:sqs:us-east-1:123456789012:orders-intake',
          },
        ]),
      },
    ],
    miss: [
      {
        title: "An SNS topic the organisation's other account may publish to",
        config: { organisation: { accounts: ['123456789012', '210987654321'] } },
        record: snsPolicyRecord('billing-events', [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::210987654321:root' },
            Action: 'SNS:Publish',
            Resource: 'arn:aws:sns:us-east-1:123456789012:billing-events',
          },
        ]),
      },
      {
        title: 'An SQS queue only its own account may use',
        record: sqsPolicyRecord('orders-intake', [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::123456789012:role/order-worker' },
            Action: ['SQS:ReceiveMessage', 'SQS:DeleteMessage'],
            Resource: 'arn:aws:sqs:us-east-1:123456789012:orders-intake',
          },
        ]),
      },
    ],
  },
});
