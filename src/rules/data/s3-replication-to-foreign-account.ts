/**
 * `aws.data.s3-replication-to-foreign-account`: a bucket replication rule whose destination is a
 * bucket in an account the configuration does not know. From then on S3 itself copies every new
 * object (and, with batch replication, old ones) to the other account: exfiltration that needs no
 * further API call and shows up in no data event of the source account.
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
  list,
  names,
  shift,
  str,
  USER_AGENTS,
  where,
} from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { accountOf, accountsAssumption, isForeignAccount } from '../lib/ownership.js';
import { bucketOf } from '../lib/s3-records.js';

interface Destination {
  bucket: string;
  account: string;
}

/**
 * The destinations of the enabled rules that name an account. S3 logs the XML body as
 * `ReplicationConfiguration.Rule` (one object, or a list for several rules); the Account element
 * is only present for cross-account replication, and the bucket ARN carries no account.
 */
function destinations(e: ApiEvent): Destination[] {
  const config = at(e.request, 'ReplicationConfiguration');
  const rules = [...list(config, 'Rule'), ...list(config, 'Rules')];
  const out: Destination[] = [];
  for (const r of rules) {
    if (str(r, 'Status')?.toLowerCase() === 'disabled') continue;
    const account = accountOf(str(r, 'Destination', 'Account'));
    if (account === undefined) continue;
    const bucket = (str(r, 'Destination', 'Bucket') ?? '(unnamed)').replace(
      /^arn:aws[\w-]*:s3:::/,
      '',
    );
    if (!out.some((d) => d.bucket === bucket && d.account === account))
      out.push({ bucket, account });
  }
  return out;
}

function foreign(e: ApiEvent, org: Organisation): Destination[] {
  return destinations(e).filter((d) => isForeignAccount(d.account, e, org));
}

function replicationRecord(
  bucket: string,
  rule: JsonObject | JsonObject[],
  extra: Partial<CtRecordInput> = {},
): JsonObject {
  return ctRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketReplication',
    eventVersion: '1.09',
    requestParameters: {
      replication: '',
      bucketName: bucket,
      ReplicationConfiguration: {
        xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
        Role: 'arn:aws:iam::123456789012:role/s3-replication',
        Rule: rule,
      },
      Host: `${bucket}.s3.us-east-1.amazonaws.com`,
    },
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 512,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': 'UmVwbGljYXRpb25FeGFtcGxlSWQyVmFsdWVGb3JQdXRCdWNrZXRSZXBsaWNhdGlvbg==',
      bytesTransferredOut: 0,
    },
    requestID: 'R7K2M9P4T1V6X3Z8',
    resources: [
      { accountId: '123456789012', type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    host: `${bucket}.s3.us-east-1.amazonaws.com`,
    ...extra,
  });
}

const ALL_OBJECTS = {
  Status: 'Enabled',
  Priority: 1,
  DeleteMarkerReplication: { Status: 'Disabled' },
  Filter: { Prefix: '' },
};

export default defineApiRule({
  id: 'aws.data.s3-replication-to-foreign-account',
  title: 'S3 bucket replicated to an unknown account',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1537'],
  description:
    'A PutBucketReplication call set an enabled replication rule whose Destination names an ' +
    'Account that is neither the recording account nor in organisation.accounts / ' +
    'trustedAccounts. S3 then copies every new object written to the bucket (those matching ' +
    "the rule's filter) to the other account's bucket, for as long as the rule exists; with " +
    "AccessControlTranslation the replicas even become that account's property. Rules with " +
    'Status Disabled and destinations without an Account element (same-account replication; ' +
    'the bucket ARN carries no account) do not match. Triage: check whose account it is, ' +
    "which replication role was passed, and the rule's prefix or tag filter. Failed calls " +
    '(for example a bucket without versioning) and the configured automation are one level ' +
    'lower.',
  falsePositives: [
    'Disaster-recovery or backup copies into an account of the organisation while organisation.accounts is empty.',
    'Data deliveries to a partner account not yet listed in trustedAccounts.',
  ],
  response: [
    'Delete or disable the replication rule (DeleteBucketReplication) unless its owner confirms it.',
    "Find out how many objects were replicated since the change (S3 replication metrics, the replication role's activity) and treat them as disclosed.",
    "Review who can pass the replication role (iam:PassRole) and the actor's other recent changes.",
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-change-owner.html',
  ],
  knobs: {},
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['s3.amazonaws.com'], eventNames: ['PutBucketReplication'] },
  match: (e, ctx) => foreign(e, ctx.org).length > 0,
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), -(failed(e) ? 1 : 0) - (isAutomation(e, ctx.org) ? 1 : 0)),
  summary: (e, ctx) => {
    const to = foreign(e, ctx.org).map((d) => `${d.bucket} (account ${d.account})`);
    return (
      `${actorName(e)} ${did(e, 'set up', 'set up')} replication of bucket ` +
      `${bucketOf(e) ?? '(unnamed)'} to ${names(to)} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Every new object replicated to an outside account, replicas owned by it',
        record: replicationRecord('acme-customer-exports', {
          ...ALL_OBJECTS,
          ID: 'sync',
          Destination: {
            Bucket: 'arn:aws:s3:::xfer-7f3a9c',
            Account: '444455556666',
            AccessControlTranslation: { Owner: 'Destination' },
          },
        }),
      },
      {
        title: 'Two rules (logged as a list), one to an outside account, from an SSO session',
        record: replicationRecord(
          'acme-invoices',
          [
            {
              ...ALL_OBJECTS,
              ID: 'dr-copy',
              Filter: { Prefix: 'archive/' },
              Destination: { Bucket: 'arn:aws:s3:::acme-invoices-dr', Account: '123456789012' },
            },
            {
              ...ALL_OBJECTS,
              ID: 'mirror',
              Priority: 2,
              Destination: { Bucket: 'arn:aws:s3:::mirror-bkt-2291', Account: '444455556666' },
            },
          ],
          { identity: 'role', userAgent: USER_AGENTS.boto3 },
        ),
      },
    ],
    miss: [
      {
        title: 'Cross-region replication inside the account (no Account element)',
        record: replicationRecord('acme-invoices', {
          ...ALL_OBJECTS,
          ID: 'crr-eu',
          Destination: {
            Bucket: 'arn:aws:s3:::acme-invoices-eu-west-1',
            StorageClass: 'STANDARD_IA',
          },
        }),
      },
      {
        title: "Replication to the organisation's backup account",
        config: { organisation: { accounts: ['123456789012', '210987654321'] } },
        record: replicationRecord('acme-customer-exports', {
          ...ALL_OBJECTS,
          ID: 'backup',
          Destination: {
            Bucket: 'arn:aws:s3:::acme-backup-exports',
            Account: '210987654321',
            AccessControlTranslation: { Owner: 'Destination' },
          },
        }),
      },
    ],
  },
});
