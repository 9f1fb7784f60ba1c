/**
 * `aws.data.resource-policy-public`: a secret, ECR repository, SNS topic, SQS queue or EFS file
 * system given a resource policy that lets anyone in. Any AWS account in the world can then read
 * the secret, pull (or push) images, subscribe to or publish on the topic, read or inject queue
 * messages, or mount the file system, each with its own credentials.
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
  names,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import { isSensitiveSecret } from '../lib/ownership.js';
import { actionsOf, grantsAllActions, publicStatements } from '../lib/resource-policy.js';
import {
  ecrPolicyRecord,
  efsPolicyRecord,
  SERVICE_POLICY_EVENTS,
  secretPolicyRecord,
  servicePolicy,
  snsPolicyRecord,
  sqsPolicyRecord,
} from '../lib/service-policies.js';
import type { ServicePolicy } from '../lib/service-policies.js';

interface Opening {
  policy: ServicePolicy;
  actions: string[];
  everything: boolean;
}

function opening(e: ApiEvent): Opening | undefined {
  const policy = servicePolicy(e);
  if (policy === undefined) return undefined;
  const open = publicStatements(policy.doc);
  if (open.length === 0) return undefined;
  const actions: string[] = [];
  for (const s of open) for (const a of actionsOf(s)) if (!actions.includes(a)) actions.push(a);
  return { policy, actions, everything: open.some(grantsAllActions) };
}

function sensitive(o: Opening, org: Organisation): boolean {
  return isSensitiveSecret(org, o.policy.secretId);
}

export default defineApiRule({
  id: 'aws.data.resource-policy-public',
  title: 'Secret, ECR repository, SNS topic, SQS queue or EFS policy made public',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1530', 'T1537'],
  description:
    'A call set a resource policy with an Allow statement for every principal (`"*"`, ' +
    '`{"AWS": "*"}` or `NotPrincipal`) and no condition that narrows who can use it ' +
    "(aws:PrincipalOrgID, aws:SourceArn / SourceAccount, SNS's AWS:SourceOwner, aws:SourceVpce " +
    'and the other keys aws.data.s3-bucket-public-policy recognises; negated, IfExists and ' +
    'ForAllValues operators do not narrow). Covered: Secrets Manager PutResourcePolicy ' +
    '(`resourcePolicy`), ECR SetRepositoryPolicy (`policyText`), SNS SetTopicAttributes with ' +
    'attributeName Policy and CreateTopic with a Policy attribute, SQS SetQueueAttributes and ' +
    'CreateQueue with a Policy attribute, and EFS PutFileSystemPolicy (`policy`); the policy is ' +
    "parsed from its JSON string. Triage: read the statement's actions in the finding (pull or " +
    'read actions expose data; push, publish, send or write actions let outsiders inject it) ' +
    'and who made the call. A statement granting every action (`*` or `<service>:*`) and a ' +
    'secret listed in organisation.sensitive.secrets are each one level higher. Grants to ' +
    'named outside accounts are aws.data.resource-policy-cross-account. Failed calls (Secrets ' +
    'Manager refuses public policies when blockPublicPolicy is set, EFS when block public access ' +
    'is on) are one level lower, as attempts; calls made by AWS services do not match.',
  falsePositives: [
    'Public ECR repositories for open-source images (ECR Public is the intended home for those).',
    'SNS topics or SQS queues open to everyone on purpose for a partner integration whose restriction lives in a condition key not recognised here (check the statement).',
  ],
  response: [
    'Remove or narrow the public statement (DeleteResourcePolicy, DeleteRepositoryPolicy, SetTopicAttributes / SetQueueAttributes with a restricted policy, DeleteFileSystemPolicy).',
    'Review data-plane activity from outside accounts since the change: GetSecretValue, image pulls (BatchGetImage), Subscribe / Publish, ReceiveMessage / SendMessage, EFS mounts.',
    'Rotate the secret if it was public; check pushed images or injected messages if write actions were granted.',
    'Turn on the guardrails: blockPublicPolicy on PutResourcePolicy, EFS block public access, an SCP or Config rule against public resource policies.',
  ],
  references: [
    'https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutResourcePolicy.html',
    'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html',
    'https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html',
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html',
    'https://docs.aws.amazon.com/efs/latest/ug/API_PutFileSystemPolicy.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html',
  ],
  knobs: {},
  kind: 'match',
  on: SERVICE_POLICY_EVENTS,
  match: (e) => !byAwsService(e) && opening(e) !== undefined,
  priorityOf: (e, ctx) => {
    const o = opening(e);
    let steps = failed(e) ? -1 : 0;
    if (o !== undefined && (o.everything || sensitive(o, ctx.org))) steps += 1;
    return shift(basePriority(ctx, 'high'), steps);
  },
  key: (e) => `${actorName(e)}|${servicePolicy(e)?.resource ?? ''}`,
  summary: (e) => {
    const o = opening(e);
    const what = o === undefined ? 'a resource' : `${o.policy.kind} ${o.policy.resource}`;
    const actions = o === undefined ? '' : ` (${names(o.actions, 4)} for everyone)`;
    return (
      `${actorName(e)} ${did(e, 'made', 'make')} ${what} public through its resource policy` +
      `${actions} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'An ECR repository anyone can pull from',
        record: ecrPolicyRecord('payments-api', [
          {
            Sid: 'PublicPull',
            Effect: 'Allow',
            Principal: '*',
            Action: [
              'ecr:BatchCheckLayerAvailability',
              'ecr:BatchGetImage',
              'ecr:GetDownloadUrlForLayer',
            ],
          },
        ]),
      },
      {
        title: 'An SQS queue anyone can send to and read from',
        record: sqsPolicyRecord(
          'orders-intake',
          [
            {
              Sid: 'Open',
              Effect: 'Allow',
              Principal: { AWS: '*' },
              Action: ['SQS:SendMessage', 'SQS:ReceiveMessage'],
              Resource: 'arn:aws:sqs:us-east-1:123456789012:orders-intake',
            },
          ],
          { userAgent: 'AWS Internal', identity: 'role' },
        ),
      },
      {
        title: 'A secret readable by everyone (every Secrets Manager action)',
        record: secretPolicyRecord('prod/db-master', [
          {
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'secretsmanager:*',
            Resource: '*',
          },
        ]),
      },
      {
        title: 'An SNS topic anyone can subscribe to',
        record: snsPolicyRecord('billing-events', [
          {
            Sid: 'AnyoneSubscribes',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['SNS:Subscribe', 'SNS:Receive'],
            Resource: 'arn:aws:sns:us-east-1:123456789012:billing-events',
          },
        ]),
      },
      {
        title: 'An EFS file system anyone can mount and write',
        record: efsPolicyRecord('fs-0a1b2c3d4e5f60718', [
          {
            Sid: 'Open',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
          },
        ]),
      },
      {
        title: 'A public secret policy refused because blockPublicPolicy was set (an attempt)',
        record: secretPolicyRecord(
          'prod/stripe-api-key',
          [
            {
              Effect: 'Allow',
              Principal: '*',
              Action: 'secretsmanager:GetSecretValue',
              Resource: '*',
            },
          ],
          {
            errorCode: 'PublicPolicyException',
            errorMessage: 'This resource policy contains a statement that grants public access.',
            userAgent: USER_AGENTS.boto3,
            blockPublicPolicy: true,
          },
        ),
      },
    ],
    miss: [
      {
        title: "The SNS default topic policy (everyone, but only the owner account's resources)",
        record: snsPolicyRecord('billing-events', [
          {
            Sid: '__default_statement_ID',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: [
              'SNS:GetTopicAttributes',
              'SNS:SetTopicAttributes',
              'SNS:AddPermission',
              'SNS:RemovePermission',
              'SNS:DeleteTopic',
              'SNS:Subscribe',
              'SNS:ListSubscriptionsByTopic',
              'SNS:Publish',
            ],
            Resource: 'arn:aws:sns:us-east-1:123456789012:billing-events',
            Condition: { StringEquals: { 'AWS:SourceOwner': '123456789012' } },
          },
        ]),
      },
      {
        title: 'An SQS queue that only an S3 bucket of the account may send to',
        record: sqsPolicyRecord('upload-events', [
          {
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: 'SQS:SendMessage',
            Resource: 'arn:aws:sqs:us-east-1:123456789012:upload-events',
            Condition: {
              ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::acme-uploads' },
              StringEquals: { 'aws:SourceAccount': '123456789012' },
            },
          },
        ]),
      },
      {
        title: 'An ECR repository shared with the whole organisation',
        record: ecrPolicyRecord('base-images', [
          {
            Sid: 'OrgPull',
            Effect: 'Allow',
            Principal: '*',
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
          },
        ]),
      },
    ],
  },
});
