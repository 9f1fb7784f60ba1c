/**
 * `aws.data.sensitive-resource-access`: a configured sensitive bucket, secret or KMS key read,
 * written or used by a principal that is neither the organisation's automation, an AWS service,
 * nor one of the rule's allowed principals. It is the single-event part of DATA-1; the volume
 * spikes over time belong to the stateful rules.
 */
import { z } from 'zod';
import type { Priority } from '../../config/schema.js';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  did,
  failed,
  isAutomation,
  reqString,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import {
  automationAssumption,
  hasSensitiveResources,
  isSensitiveBucket,
  isSensitiveKey,
  isSensitiveSecret,
  kmsKeyNames,
  secretName,
} from '../lib/ownership.js';
import { bucketOf, s3Record } from '../lib/s3-records.js';

const S3_READS = [
  'GetObject',
  'HeadObject',
  'GetObjectAttributes',
  'SelectObjectContent',
  'RestoreObject',
  'GetObjectTorrent',
];
const S3_WRITES = [
  'PutObject',
  'CopyObject',
  'DeleteObject',
  'DeleteObjects',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'PutObjectAcl',
];
const S3_LISTS = ['ListObjects', 'ListObjectsV2', 'ListObjectVersions'];
const SECRET_CALLS = ['GetSecretValue'];
const KMS_CALLS = [
  'Decrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'ReEncrypt',
];

const knobs = {
  allowedPrincipals: knob(
    z.array(z.string()),
    [],
    'Principal ARN globs (caller or assumed role) expected to use the sensitive resources, besides automationArns: application roles, data pipelines.',
  ),
};

type Ctx = RuleContext<typeof knobs>;

interface Target {
  kind: 'bucket' | 'secret' | 'KMS key';
  /** The bucket, secret or key: what findings are grouped by. */
  resource: string;
  /** What the summary names: for objects, the object's path. */
  name: string;
  verb: [string, string];
  /** Steps relative to the rule's priority. */
  weight: number;
}

function target(e: ApiEvent, ctx: Ctx): Target | undefined {
  const org = ctx.org;
  if (e.eventSource === 's3.amazonaws.com') {
    const bucket = bucketOf(e);
    if (!isSensitiveBucket(org, bucket)) return undefined;
    const key = reqString(e, 'key');
    const name = key === undefined ? (bucket as string) : `${bucket as string}/${key}`;
    const resource = bucket as string;
    if (S3_LISTS.includes(e.eventName)) {
      return {
        kind: 'bucket',
        resource,
        name,
        verb: ['listed objects of', 'list objects of'],
        weight: -1,
      };
    }
    if (S3_WRITES.includes(e.eventName)) {
      const del = e.eventName.startsWith('Delete');
      return {
        kind: 'bucket',
        resource,
        name,
        verb: del ? ['deleted objects in', 'delete objects in'] : ['wrote to', 'write to'],
        weight: 0,
      };
    }
    return { kind: 'bucket', resource, name, verb: ['read', 'read'], weight: 0 };
  }
  if (e.eventSource === 'secretsmanager.amazonaws.com') {
    const id = reqString(e, 'secretId');
    if (!isSensitiveSecret(org, id)) return undefined;
    const name = secretName(id as string);
    return { kind: 'secret', resource: name, name, verb: ['read', 'read'], weight: 0 };
  }
  const keys = kmsKeyNames(e);
  if (!isSensitiveKey(org, keys)) return undefined;
  const name = keys.find((k) => k.startsWith('arn:')) ?? keys[0] ?? '(unnamed key)';
  const verb: [string, string] =
    e.eventName === 'Decrypt'
      ? ['decrypted with', 'decrypt with']
      : [`used (${e.eventName})`, 'use'];
  return { kind: 'KMS key', resource: name, name, verb, weight: 0 };
}

function expected(e: ApiEvent, ctx: Ctx): boolean {
  return (
    byAwsService(e) ||
    isAutomation(e, ctx.org) ||
    matchesAny(ctx.knobs.allowedPrincipals, e.actor.arn) ||
    matchesAny(ctx.knobs.allowedPrincipals, e.actor.sessionIssuerArn)
  );
}

function priorityOf(e: ApiEvent, ctx: Ctx): Priority {
  const t = target(e, ctx);
  return shift(basePriority(ctx, 'high'), (t?.weight ?? 0) - (failed(e) ? 1 : 0));
}

const SENSITIVE = {
  organisation: {
    sensitive: {
      buckets: ['acme-payroll-*'],
      secrets: ['prod/*'],
      kmsKeys: [
        'alias/pii-*',
        'arn:aws:kms:us-east-1:123456789012:key/0f8e7d6c-5b4a-4938-8271-6a5b4c3d2e1f',
      ],
    },
    automationArns: ['arn:aws:iam::123456789012:role/deploy-*'],
  },
};

const APP_ROLE: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE04:i-0a1b2c3d4e5f60718',
  arn: 'arn:aws:sts::123456789012:assumed-role/payroll-app/i-0a1b2c3d4e5f60718',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE4',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE04',
      arn: 'arn:aws:iam::123456789012:role/payroll-app',
      accountId: '123456789012',
      userName: 'payroll-app',
    },
    attributes: { creationDate: '2026-01-02T02:00:00Z', mfaAuthenticated: 'false' },
    ec2RoleDelivery: '2.0',
  },
};

export default defineApiRule({
  id: 'aws.data.sensitive-resource-access',
  title: 'Sensitive bucket, secret or key used by an unexpected principal',
  category: 'data',
  row: 'DATA-1',
  priority: 'high',
  mitre: ['T1530', 'T1555.006'],
  description:
    'A bucket, secret or KMS key listed in organisation.sensitive was used by a principal that is ' +
    'not in automationArns / automationUserAgents, not in the `allowedPrincipals` knob, and not ' +
    'an AWS service acting for someone (a Decrypt made by Secrets Manager while serving ' +
    'GetSecretValue, for example). Object reads and writes (S3 data events: GetObject, ' +
    'PutObject, DeleteObject, CopyObject, …), GetSecretValue, and KMS Decrypt / GenerateDataKey* ' +
    "/ ReEncrypt match; listing a bucket's objects is one level lower. Buckets match by name " +
    'or ARN, secrets by the id given (name or ARN) or the name inside the ARN, keys by key id, ' +
    'key ARN, alias or the key ARN CloudTrail lists in `resources`. With no sensitive resources ' +
    'configured this rule cannot fire, as its assumptions say. Failed calls (AccessDenied on a ' +
    'sensitive resource) are one level lower: someone tried.',
  falsePositives: [
    'Application roles that legitimately read the resource (add them to allowedPrincipals).',
    'Engineers investigating an incident or running a migration.',
  ],
  response: [
    'Confirm with the resource owner whether this principal should read it; if not, revoke its sessions or keys.',
    'Scope the exposure: which objects, secret versions or ciphertexts were accessed, and from which addresses.',
    'Rotate the secret, or re-encrypt data under a new key, if the access was not legitimate.',
    'Tighten the bucket, secret or key policy to the expected principals.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-cloudtrail.html',
    'https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html',
  ],
  knobs,
  assumptions: (ctx) => [
    ...(hasSensitiveResources(ctx.org)
      ? []
      : [
          'No sensitive buckets, secrets or KMS keys configured (organisation.sensitive): this rule does nothing until some are listed.',
        ]),
    ...automationAssumption(ctx.org),
  ],
  kind: 'match',
  on: {
    eventSource: ['s3.amazonaws.com', 'secretsmanager.amazonaws.com', 'kms.amazonaws.com'],
    eventNames: [...S3_READS, ...S3_WRITES, ...S3_LISTS, ...SECRET_CALLS, ...KMS_CALLS],
  },
  match: (e, ctx) =>
    hasSensitiveResources(ctx.org) && target(e, ctx) !== undefined && !expected(e, ctx),
  priorityOf,
  key: (e, ctx) =>
    `${e.actor.arn ?? e.actor.principalId ?? 'unknown'}|${target(e, ctx)?.name ?? ''}`,
  summary: (e, ctx) => {
    const t = target(e, ctx);
    const [past, inf] = t?.verb ?? ['used', 'use'];
    return `${actorName(e)} ${did(e, past, inf)} sensitive ${t?.kind ?? 'resource'} ${t?.name ?? ''} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A payroll export downloaded by an SSO administrator',
        config: SENSITIVE,
        record: s3Record({
          eventName: 'GetObject',
          identity: 'role',
          bucket: 'acme-payroll-exports',
          key: '2025/12/salaries.csv',
          readOnly: true,
          requestParameters: {
            bucketName: 'acme-payroll-exports',
            Host: 'acme-payroll-exports.s3.us-east-1.amazonaws.com',
            key: '2025/12/salaries.csv',
          },
          additionalEventData: {
            SignatureVersion: 'SigV4',
            CipherSuite: 'TLS_AES_128_GCM_SHA256',
            bytesTransferredIn: 0,
            AuthenticationMethod: 'AuthHeader',
            'x-amz-id-2': 'Xk1b0cT3aZ8vQw2Lq7yR9pN4mS6eU5hJ0gF3dK8cV1bA2nM7oP4qR9sT6uW3xY5z',
            bytesTransferredOut: 48213,
          },
        }),
      },
      {
        title: 'A production secret read by an IAM user (secret id as an ARN)',
        config: SENSITIVE,
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'GetSecretValue',
          readOnly: true,
          requestParameters: {
            secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/master-AbCdEf',
          },
        }),
      },
      {
        title: 'A Decrypt under a sensitive key that failed for a user',
        config: SENSITIVE,
        record: ctRecord({
          eventSource: 'kms.amazonaws.com',
          eventName: 'Decrypt',
          readOnly: true,
          userAgent: USER_AGENTS.boto3,
          errorCode: 'AccessDeniedException',
          errorMessage:
            'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:123456789012:key/0f8e7d6c-5b4a-4938-8271-6a5b4c3d2e1f because no identity-based policy allows the kms:Decrypt action',
          requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
          resources: [
            {
              accountId: '123456789012',
              type: 'AWS::KMS::Key',
              ARN: 'arn:aws:kms:us-east-1:123456789012:key/0f8e7d6c-5b4a-4938-8271-6a5b4c3d2e1f',
            },
          ],
        }),
      },
    ],
    miss: [
      {
        title: 'The same download with no sensitive resources configured',
        record: s3Record({
          eventName: 'GetObject',
          identity: 'role',
          bucket: 'acme-payroll-exports',
          key: '2025/12/salaries.csv',
          readOnly: true,
          requestParameters: {
            bucketName: 'acme-payroll-exports',
            Host: 'acme-payroll-exports.s3.us-east-1.amazonaws.com',
            key: '2025/12/salaries.csv',
          },
        }),
      },
      {
        title: 'The payroll application role, listed as allowed, writing its export',
        config: {
          ...SENSITIVE,
          rules: {
            'aws.data.sensitive-resource-access': {
              knobs: { allowedPrincipals: ['arn:aws:iam::123456789012:role/payroll-app'] },
            },
          },
        },
        record: s3Record({
          eventName: 'PutObject',
          identity: APP_ROLE,
          userAgent: USER_AGENTS.boto3,
          bucket: 'acme-payroll-exports',
          key: '2026/01/salaries.csv',
          requestParameters: {
            bucketName: 'acme-payroll-exports',
            Host: 'acme-payroll-exports.s3.us-east-1.amazonaws.com',
            key: '2026/01/salaries.csv',
          },
          responseElements: { 'x-amz-server-side-encryption': 'AES256' },
        }),
      },
      {
        title: "Secrets Manager decrypting a sensitive key on a caller's behalf",
        config: SENSITIVE,
        record: ctRecord({
          eventSource: 'kms.amazonaws.com',
          eventName: 'Decrypt',
          readOnly: true,
          identity: {
            type: 'IAMUser',
            principalId: 'AIDA4XJ7LBQ5EXAMPLE01',
            arn: 'arn:aws:iam::123456789012:user/alice',
            accountId: '123456789012',
            accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE5',
            userName: 'alice',
            invokedBy: 'secretsmanager.amazonaws.com',
          },
          sourceIPAddress: 'secretsmanager.amazonaws.com',
          userAgent: 'secretsmanager.amazonaws.com',
          requestParameters: {
            encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
            encryptionContext: {
              SecretARN:
                'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/master-AbCdEf',
            },
          },
          resources: [
            {
              accountId: '123456789012',
              type: 'AWS::KMS::Key',
              ARN: 'arn:aws:kms:us-east-1:123456789012:key/0f8e7d6c-5b4a-4938-8271-6a5b4c3d2e1f',
            },
          ],
        }),
      },
    ],
  },
});
