/**
 * `aws.data.kms-grant-to-foreign-principal`: a KMS grant that lets a principal in an account the
 * configuration does not know decrypt with a key. Grants do not show up in the key policy, so a
 * review of the policy misses them; the grantee keeps the access until the grant is retired or
 * revoked.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  did,
  failed,
  IDENTITIES,
  isAutomation,
  names,
  reqString,
  shift,
  str,
  strings,
  USER_AGENTS,
  where,
} from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import {
  accountOf,
  accountsAssumption,
  isForeignAccount,
  isSensitiveKey,
  kmsKeyNames,
} from '../lib/ownership.js';

const knobs = {
  operations: knob(
    z.array(z.string().min(1)),
    ['Decrypt', 'ReEncryptFrom', 'CreateGrant'],
    'Grant operations that expose data or let the grantee widen its own access; a grant to a foreign principal is reported when it allows at least one of them.',
  ),
};

type Ctx = RuleContext<typeof knobs>;

/** The grantee's account, when the grantee is an IAM principal (not a service principal). */
function granteeAccount(e: ApiEvent): string | undefined {
  return accountOf(reqString(e, 'granteePrincipal'));
}

function risky(e: ApiEvent, ctx: Ctx): string[] {
  const wanted = ctx.knobs.operations.map((o) => o.toLowerCase());
  return strings(e.request, 'operations').filter((o) => wanted.includes(o.toLowerCase()));
}

function keyName(e: ApiEvent): string {
  return (
    str(e.response, 'keyId') ??
    kmsKeyNames(e).find((n) => n.startsWith('arn:')) ??
    reqString(e, 'keyId') ??
    '(unnamed key)'
  );
}

function grantRecord(request: JsonObject, extra: Partial<CtRecordInput> = {}): JsonObject {
  const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  return ctRecord({
    eventSource: 'kms.amazonaws.com',
    eventName: 'CreateGrant',
    eventVersion: '1.08',
    requestParameters: request,
    responseElements:
      extra.errorCode === undefined
        ? {
            grantId: '6c1b2a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b',
            keyId: keyArn,
          }
        : null,
    resources: [{ accountId: '123456789012', type: 'AWS::KMS::Key', ARN: keyArn }],
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.data.kms-grant-to-foreign-principal',
  title: 'KMS grant lets an unknown account decrypt',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1098', 'T1530'],
  description:
    'A CreateGrant call whose granteePrincipal is an IAM principal (a role, user or account ARN) ' +
    'in an account that is neither the recording account nor in organisation.accounts / ' +
    'trustedAccounts, and whose operations include one of `operations` (by default Decrypt, ' +
    'ReEncryptFrom and CreateGrant). The grantee can then decrypt anything encrypted under the ' +
    "key (snapshots, secrets, objects) with its own credentials, outside the key policy's " +
    'view. Grants to AWS service principals (`*.amazonaws.com`) and calls made by AWS services ' +
    'on behalf of a principal (EBS, RDS and others create grants constantly) do not match. ' +
    'Triage: find who owns the grantee account, which resources use the key, and whether a ' +
    'snapshot or secret encrypted with it was shared around the same time. A key listed in ' +
    'organisation.sensitive.kmsKeys is one level higher; failed calls and the configured ' +
    'automation are one level lower.',
  falsePositives: [
    "Grants for the organisation's other accounts while organisation.accounts is empty.",
    'Cross-account backup or disaster-recovery tooling that grants a vendor account decrypt on purpose (list it in trustedAccounts).',
  ],
  response: [
    'List the grants on the key (ListGrants) and revoke the one created here (RevokeGrant) unless its owner confirms it.',
    'Review Decrypt and ReEncrypt records for the key from the grantee account since the grant.',
    'If data was decrypted from outside, treat what the key protects as disclosed and rotate to a new key.',
  ],
  references: [
    'https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html',
    'https://docs.aws.amazon.com/kms/latest/developerguide/grants.html',
    'https://docs.aws.amazon.com/kms/latest/developerguide/ct-creategrant.html',
  ],
  knobs,
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['kms.amazonaws.com'], eventNames: ['CreateGrant'] },
  match: (e, ctx) =>
    !byAwsService(e) && isForeignAccount(granteeAccount(e), e, ctx.org) && risky(e, ctx).length > 0,
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'high'),
      (isSensitiveKey(ctx.org, kmsKeyNames(e)) ? 1 : 0) -
        (failed(e) ? 1 : 0) -
        (isAutomation(e, ctx.org) ? 1 : 0),
    ),
  summary: (e, ctx) =>
    `${actorName(e)} ${did(e, 'granted', 'grant')} ${reqString(e, 'granteePrincipal') ?? 'a principal'} ` +
    `(unknown account ${granteeAccount(e) ?? '?'}) ${names(risky(e, ctx))} on KMS key ${keyName(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'Decrypt granted to a role in an outside account',
        record: grantRecord({
          keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
          granteePrincipal: 'arn:aws:iam::444455556666:role/ops-sync',
          operations: ['Decrypt', 'DescribeKey', 'CreateGrant'],
        }),
      },
      {
        title: 'ReEncryptFrom granted to an outside account root, refused (an attempt)',
        record: grantRecord(
          {
            keyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
            granteePrincipal: 'arn:aws:iam::444455556666:root',
            operations: ['ReEncryptFrom', 'ReEncryptTo'],
          },
          {
            identity: 'role',
            userAgent: USER_AGENTS.boto3,
            errorCode: 'AccessDeniedException',
            errorMessage:
              'User: arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40/bob@example.com is not authorized to perform: kms:CreateGrant on this resource because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access',
          },
        ),
      },
    ],
    miss: [
      {
        title: 'A grant EBS creates for an encrypted volume (AWS service on behalf of a role)',
        record: grantRecord(
          {
            keyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
            granteePrincipal: 'arn:aws:iam::123456789012:role/app-server',
            retiringPrincipal: 'ec2.us-east-1.amazonaws.com',
            operations: ['Decrypt'],
            constraints: {
              encryptionContextSubset: { 'aws:ebs:id': 'vol-0a1b2c3d4e5f60718' },
            },
          },
          {
            identity: { ...IDENTITIES.role, invokedBy: 'ec2.amazonaws.com' },
            sourceIPAddress: 'ec2.amazonaws.com',
            userAgent: 'ec2.amazonaws.com',
          },
        ),
      },
      {
        title: 'An outside account allowed to encrypt only',
        record: grantRecord({
          keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
          granteePrincipal: 'arn:aws:iam::444455556666:role/log-shipper',
          operations: ['Encrypt', 'GenerateDataKey'],
        }),
      },
    ],
  },
});
