/**
 * `aws.data.kms-key-policy-opened`: a KMS key policy that lets everyone, or an account the
 * configuration does not know, use the key. A key policy is the only thing that decides who can
 * decrypt with a key; opening it exposes every ciphertext made under it.
 */
import type { Organisation } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  at,
  basePriority,
  ctRecord,
  did,
  failed,
  isAutomation,
  names,
  shift,
  str,
  where,
} from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { accountsAssumption, isForeignAccount, kmsKeyNames } from '../lib/ownership.js';
import { grantedAccounts, parsePolicy, publicStatements } from '../lib/resource-policy.js';

interface Opening {
  everyone: boolean;
  foreign: string[];
}

function opening(e: ApiEvent, org: Organisation): Opening {
  const doc = parsePolicy(at(e.request, 'policy'));
  return {
    everyone: publicStatements(doc).length > 0,
    foreign: grantedAccounts(doc).filter((a) => isForeignAccount(a, e, org)),
  };
}

function keyName(e: ApiEvent): string {
  const names = kmsKeyNames(e);
  return (
    names.find((n) => n.startsWith('arn:')) ??
    names[0] ??
    str(e.response, 'keyMetadata', 'arn') ??
    '(new key)'
  );
}

const OWN_ROOT = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::123456789012:root' },
  Action: 'kms:*',
  Resource: '*',
};

function policyRecord(statements: JsonObject[], extra: Partial<CtRecordInput> = {}): JsonObject {
  return ctRecord({
    eventSource: 'kms.amazonaws.com',
    eventName: 'PutKeyPolicy',
    eventVersion: '1.08',
    requestParameters: {
      keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      policyName: 'default',
      policy: JSON.stringify({ Version: '2012-10-17', Id: 'key-default-1', Statement: statements }),
      bypassPolicyLockoutSafetyCheck: false,
    },
    resources: [
      {
        accountId: '123456789012',
        type: 'AWS::KMS::Key',
        ARN: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      },
    ],
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.data.kms-key-policy-opened',
  title: 'KMS key policy opened to everyone or an unknown account',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1098', 'T1530'],
  description:
    'A PutKeyPolicy (or a CreateKey with a policy) set a key policy with an Allow statement for ' +
    'every principal without a narrowing condition (kms:CallerAccount, kms:ViaService, ' +
    'aws:PrincipalOrgID and the other keys aws.data.s3-bucket-public-policy recognises): one ' +
    'level higher; or for AWS principals in an account that is neither the recording account ' +
    'nor in organisation.accounts / trustedAccounts. The other side can then decrypt data ' +
    'encrypted under the key, or re-encrypt it under its own. The policy is read from the ' +
    '`policy` parameter (a JSON string). Failed calls and the configured automation are one ' +
    'level lower.',
  falsePositives: [
    "Keys shared with the organisation's other accounts while organisation.accounts is empty.",
    'Keys used by a partner service account on purpose (list it in trustedAccounts).',
  ],
  response: [
    'Restore the previous key policy (GetKeyPolicy in earlier records, or infrastructure-as-code).',
    'Review Decrypt, ReEncrypt and CreateGrant records for the key from the newly allowed principals.',
    'Consider rotating to a new key and re-encrypting sensitive data if the key was used from outside.',
  ],
  references: [
    'https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html',
    'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html',
    'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html',
  ],
  knobs: {},
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['kms.amazonaws.com'], eventNames: ['PutKeyPolicy', 'CreateKey'] },
  match: (e, ctx) => {
    const o = opening(e, ctx.org);
    return o.everyone || o.foreign.length > 0;
  },
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'high'),
      (opening(e, ctx.org).everyone ? 1 : 0) -
        (failed(e) ? 1 : 0) -
        (isAutomation(e, ctx.org) ? 1 : 0),
    ),
  summary: (e, ctx) => {
    const o = opening(e, ctx.org);
    const whom = [
      ...(o.everyone ? ['everyone'] : []),
      ...o.foreign.map((a) => `unknown account ${a}`),
    ];
    const verb = e.eventName === 'CreateKey' ? ['created', 'create'] : ['opened', 'open'];
    return (
      `${actorName(e)} ${did(e, verb[0] as string, verb[1] as string)} KMS key ${keyName(e)} ` +
      `with a key policy allowing ${names(whom)} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A key policy that lets an outside account decrypt',
        record: policyRecord([
          OWN_ROOT,
          {
            Sid: 'Allow use of the key',
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::444455556666:root' },
            Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'],
            Resource: '*',
          },
        ]),
      },
      {
        title: 'A key policy open to everyone',
        record: policyRecord(
          [
            OWN_ROOT,
            { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' },
          ],
          { identity: 'role', userAgent: 'AWS Internal' },
        ),
      },
    ],
    miss: [
      {
        title: 'The default key policy (own account root only)',
        record: policyRecord([OWN_ROOT]),
      },
      {
        title: 'Everyone, but only through S3 in the own account',
        record: policyRecord([
          OWN_ROOT,
          {
            Sid: 'Allow access through S3',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: {
              StringEquals: {
                'kms:CallerAccount': '123456789012',
                'kms:ViaService': 's3.us-east-1.amazonaws.com',
              },
            },
          },
        ]),
      },
    ],
  },
});
