/**
 * `aws.data.s3-ransomware-encryption`: S3 objects written encrypted with a key the organisation
 * does not hold: a customer-provided key (SSE-C, which AWS never stores) or a KMS key in another
 * account. Rewriting objects this way makes them unreadable to their owner, the S3 ransomware
 * pattern seen in the wild.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
import {
  actorName,
  basePriority,
  did,
  failed,
  isAutomation,
  reqString,
  shift,
  where,
} from '../lib.js';
import { accountOf, accountsAssumption, isForeignAccount } from '../lib/ownership.js';
import { bucketOf, copySource, s3Record, sseKmsKey, usesSseC } from '../lib/s3-records.js';

const knobs = {
  sseCBuckets: knob(
    z.array(z.string()),
    [],
    'Buckets (name globs) where applications are expected to use SSE-C; writes with customer-provided keys there do not match.',
  ),
};

type Ctx = RuleContext<typeof knobs>;

interface Lock {
  how: string;
  /** A copy of an object onto itself: the original is replaced in place. */
  inPlace: boolean;
}

function lock(e: ApiEvent, ctx: Ctx): Lock | undefined {
  const bucket = bucketOf(e);
  const key = reqString(e, 'key');
  const src = copySource(e);
  const inPlace = src !== undefined && bucket !== undefined && src === `${bucket}/${key ?? ''}`;
  if (usesSseC(e) && !matchesAny(ctx.knobs.sseCBuckets, bucket)) {
    return { how: 'a customer-provided key (SSE-C)', inPlace };
  }
  const kmsKey = sseKmsKey(e);
  const keyAccount = accountOf(kmsKey);
  if (isForeignAccount(keyAccount, e, ctx.org)) {
    return { how: `KMS key ${kmsKey ?? ''} of unknown account ${keyAccount ?? ''}`, inPlace };
  }
  return undefined;
}

const SSE_C_COPY = {
  bucketName: 'acme-app-data',
  Host: 'acme-app-data.s3.us-east-1.amazonaws.com',
  'x-amz-server-side-encryption-customer-algorithm': 'AES256',
  'x-amz-copy-source': 'acme-app-data/invoices/2025-12.pdf',
  key: 'invoices/2025-12.pdf',
  'x-id': 'CopyObject',
};

export default defineApiRule({
  id: 'aws.data.s3-ransomware-encryption',
  title: 'S3 objects encrypted with a key the organisation does not hold',
  category: 'data',
  row: 'DATA-1',
  priority: 'high',
  mitre: ['T1486'],
  description:
    'A PutObject, CopyObject, CreateMultipartUpload or UploadPart wrote an object encrypted with ' +
    'a customer-provided key (SSE-C: the `x-amz-server-side-encryption-customer-algorithm` ' +
    'header in the request or response, or `additionalEventData.SSEApplied` = `SSE_C`) or with ' +
    'an SSE-KMS key (`x-amz-server-side-encryption-aws-kms-key-id`) whose ARN names an account ' +
    'outside the recording account, organisation.accounts and trustedAccounts. AWS keeps no copy ' +
    'of an SSE-C key, and a foreign KMS key can be withdrawn by its owner; either way the bucket ' +
    'owner loses the data. A CopyObject of an object onto itself (the original replaced in ' +
    'place) is one level higher. Buckets in the `sseCBuckets` knob are exempt from the SSE-C ' +
    'check. Failed calls and the configured automation are one level lower.',
  falsePositives: [
    'Applications that deliberately use SSE-C (list their buckets in sseCBuckets).',
    "Cross-account delivery where the receiving partner's KMS key is intended (list the partner in trustedAccounts).",
  ],
  response: [
    'Stop the writer at once: disable the access key or revoke the role sessions.',
    'Restore the previous object versions if versioning is enabled (and check that it was not suspended first).',
    'Block SSE-C with a bucket policy (deny s3:PutObject when s3:x-amz-server-side-encryption-customer-algorithm is present) and restrict KMS keys via s3:x-amz-server-side-encryption-aws-kms-key-id.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
    'https://aws.amazon.com/blogs/security/preventing-unintended-encryption-of-amazon-s3-objects/',
  ],
  knobs,
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['s3.amazonaws.com'],
    eventNames: ['PutObject', 'CopyObject', 'CreateMultipartUpload', 'UploadPart'],
  },
  match: (e, ctx) => lock(e, ctx) !== undefined,
  priorityOf: (e, ctx) => {
    const l = lock(e, ctx);
    return shift(
      basePriority(ctx, 'high'),
      (l?.inPlace === true ? 1 : 0) - (failed(e) ? 1 : 0) - (isAutomation(e, ctx.org) ? 1 : 0),
    );
  },
  key: (e) => `${e.actor.arn ?? e.actor.principalId ?? 'unknown'}|${bucketOf(e) ?? ''}`,
  summary: (e, ctx) => {
    const l = lock(e, ctx);
    const obj = `${bucketOf(e) ?? '(unnamed bucket)'}/${reqString(e, 'key') ?? ''}`;
    const verb = l?.inPlace === true ? ['rewrote', 'rewrite'] : ['wrote', 'write'];
    return (
      `${actorName(e)} ${did(e, verb[0] as string, verb[1] as string)} ${obj} ` +
      `encrypted with ${l?.how ?? 'an unknown key'} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'An object rewritten in place with SSE-C (the shape Stratus Red Team leaves)',
        record: s3Record({
          eventName: 'CopyObject',
          bucket: 'acme-app-data',
          key: 'invoices/2025-12.pdf',
          userAgent: 'stratus-red-team_4b2f1e7a-9c3d-4e5f-8a6b-0c1d2e3f4a5b',
          requestParameters: SSE_C_COPY,
          responseElements: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256' },
          additionalEventData: {
            SignatureVersion: 'SigV4',
            CipherSuite: 'TLS_AES_128_GCM_SHA256',
            bytesTransferredIn: 0,
            SSEApplied: 'SSE_C',
            AuthenticationMethod: 'AuthHeader',
            bytesTransferredOut: 0,
          },
        }),
      },
      {
        title: 'An upload encrypted with a KMS key of another account',
        record: s3Record({
          eventName: 'PutObject',
          identity: 'role',
          bucket: 'acme-app-data',
          key: 'invoices/2025-11.pdf',
          requestParameters: {
            bucketName: 'acme-app-data',
            Host: 'acme-app-data.s3.us-east-1.amazonaws.com',
            'x-amz-server-side-encryption': 'aws:kms',
            'x-amz-server-side-encryption-aws-kms-key-id':
              'arn:aws:kms:us-east-1:444455556666:key/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
            key: 'invoices/2025-11.pdf',
          },
          responseElements: {
            'x-amz-server-side-encryption': 'aws:kms',
            'x-amz-server-side-encryption-aws-kms-key-id':
              'arn:aws:kms:us-east-1:444455556666:key/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
          },
          additionalEventData: { SSEApplied: 'SSE_KMS', bytesTransferredIn: 48213 },
        }),
      },
    ],
    miss: [
      {
        title: "An upload with the organisation's own KMS key",
        record: s3Record({
          eventName: 'PutObject',
          bucket: 'acme-app-data',
          key: 'invoices/2025-10.pdf',
          requestParameters: {
            bucketName: 'acme-app-data',
            Host: 'acme-app-data.s3.us-east-1.amazonaws.com',
            'x-amz-server-side-encryption': 'aws:kms',
            'x-amz-server-side-encryption-aws-kms-key-id':
              'arn:aws:kms:us-east-1:123456789012:key/0f8e7d6c-5b4a-4938-8271-6a5b4c3d2e1f',
            key: 'invoices/2025-10.pdf',
          },
          additionalEventData: { SSEApplied: 'SSE_KMS', bytesTransferredIn: 39120 },
        }),
      },
      {
        title: 'SSE-C writes to a bucket where the application uses it by design',
        config: {
          rules: {
            'aws.data.s3-ransomware-encryption': { knobs: { sseCBuckets: ['acme-app-*'] } },
          },
        },
        record: s3Record({
          eventName: 'CopyObject',
          bucket: 'acme-app-data',
          key: 'invoices/2025-12.pdf',
          requestParameters: SSE_C_COPY,
          additionalEventData: { SSEApplied: 'SSE_C' },
        }),
      },
    ],
  },
});
