/**
 * `aws.data.snapshot-copied`: an EBS snapshot, AMI, RDS DB snapshot or DB cluster snapshot copied
 * to another region or re-encrypted with a named KMS key. Copies move data out of the region
 * defenders watch, and a copy encrypted with a key the attacker controls (a key in another
 * account) is readable only by them, a step in both exfiltration and ransom.
 */
import type { Organisation } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
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
  str,
  USER_AGENTS,
  where,
} from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import {
  accountOf,
  accountsAssumption,
  automationAssumption,
  isForeignAccount,
} from '../lib/ownership.js';

interface Copy {
  kind: string;
  source: string;
  target: string | undefined;
  sourceRegion: string | undefined;
  targetRegion: string | undefined;
  kmsKey: string | undefined;
}

function regionOfArn(v: string | undefined): string | undefined {
  if (v === undefined || !v.startsWith('arn:')) return undefined;
  const r = v.split(':')[3];
  return r !== undefined && r.length > 0 ? r : undefined;
}

function copyOf(e: ApiEvent): Copy {
  const kmsKey = reqString(e, 'kmsKeyId', 'KmsKeyId');
  switch (e.eventName) {
    case 'CopySnapshot':
      return {
        kind: 'EBS snapshot',
        source: reqString(e, 'sourceSnapshotId') ?? '(unnamed)',
        target: str(e.response, 'snapshotId'),
        sourceRegion: reqString(e, 'sourceRegion'),
        targetRegion: reqString(e, 'destinationRegion') ?? e.region,
        kmsKey,
      };
    case 'CopyImage':
      return {
        kind: 'AMI',
        source: reqString(e, 'sourceImageId') ?? '(unnamed)',
        target: str(e.response, 'imageId'),
        sourceRegion: reqString(e, 'sourceRegion'),
        targetRegion: e.region,
        kmsKey,
      };
    case 'CopyDBClusterSnapshot': {
      const source = reqString(e, 'sourceDBClusterSnapshotIdentifier') ?? '(unnamed)';
      return {
        kind: 'RDS DB cluster snapshot',
        source,
        target: reqString(e, 'targetDBClusterSnapshotIdentifier'),
        sourceRegion: reqString(e, 'sourceRegion') ?? regionOfArn(source) ?? e.region,
        targetRegion: e.region,
        kmsKey,
      };
    }
    default: {
      const source = reqString(e, 'sourceDBSnapshotIdentifier') ?? '(unnamed)';
      return {
        kind: 'RDS DB snapshot',
        source,
        target: reqString(e, 'targetDBSnapshotIdentifier'),
        sourceRegion: reqString(e, 'sourceRegion') ?? regionOfArn(source) ?? e.region,
        targetRegion: e.region,
        kmsKey,
      };
    }
  }
}

interface Reason {
  what: string;
  weight: number;
}

function reasons(e: ApiEvent, org: Organisation): Reason[] {
  const c = copyOf(e);
  const out: Reason[] = [];
  if (
    c.sourceRegion !== undefined &&
    c.targetRegion !== undefined &&
    c.sourceRegion !== c.targetRegion
  ) {
    const unapproved =
      org.approvedRegions.length > 0 && !org.approvedRegions.includes(c.targetRegion);
    out.push({
      what: `from ${c.sourceRegion} to ${unapproved ? 'unapproved region ' : ''}${c.targetRegion}`,
      weight: unapproved ? 1 : 0,
    });
  }
  if (c.kmsKey !== undefined) {
    const keyAccount = accountOf(c.kmsKey);
    if (isForeignAccount(keyAccount, e, org)) {
      out.push({
        what: `encrypted with KMS key ${c.kmsKey} of unknown account ${keyAccount}`,
        weight: 1,
      });
    } else {
      out.push({ what: `re-encrypted with KMS key ${c.kmsKey}`, weight: -1 });
    }
  }
  return out;
}

function copyRecord(
  eventSource: string,
  eventName: string,
  request: JsonObject,
  response: JsonObject | null,
  extra: Partial<CtRecordInput> = {},
): JsonObject {
  return ctRecord({
    eventSource,
    eventName,
    eventVersion: '1.08',
    requestParameters: request,
    responseElements: response,
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.data.snapshot-copied',
  title: 'Snapshot or image copied to another region or re-encrypted',
  category: 'data',
  row: 'DATA-2',
  priority: 'medium',
  mitre: ['T1537'],
  description:
    'A CopySnapshot, CopyImage, CopyDBSnapshot or CopyDBClusterSnapshot call copied data across ' +
    'regions (the source region, from `sourceRegion` or the region in the source ARN, differs ' +
    'from the destination, which is the region the call was made in) or named a KMS key ' +
    '(`kmsKeyId`). A key in an account outside the recording account, organisation.accounts and ' +
    'trustedAccounts raises the finding one level: the copy is readable only by that account. ' +
    'A copy into a region outside organisation.approvedRegions (when configured) is also one ' +
    'level higher. Re-encryption with an own key in the same region alone is one level lower. ' +
    'Copies made by AWS services (AWS Backup, Data Lifecycle Manager) do not match; the ' +
    'configured automation and failed calls are one level lower.',
  falsePositives: [
    'Disaster-recovery copies to a second region run by people rather than AWS Backup.',
    'Encrypting unencrypted snapshots with a customer managed key.',
  ],
  response: [
    'Find the copy (the snapshot, AMI or DB snapshot id in the response or target identifier) in the destination region and who can use it.',
    'If it is not expected, delete the copy and check whether it was shared onward.',
    'For a foreign KMS key, find who owns the key: the organisation cannot decrypt that copy, its owner can.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CopySnapshot.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CopyImage.html',
    'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CopyDBSnapshot.html',
  ],
  knobs: {},
  assumptions: (ctx) => [...accountsAssumption(ctx.org), ...automationAssumption(ctx.org)],
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com', 'rds.amazonaws.com'],
    eventNames: ['CopySnapshot', 'CopyImage', 'CopyDBSnapshot', 'CopyDBClusterSnapshot'],
  },
  match: (e, ctx) => !byAwsService(e) && reasons(e, ctx.org).length > 0,
  priorityOf: (e, ctx) => {
    const weight = Math.max(...reasons(e, ctx.org).map((r) => r.weight));
    return shift(
      basePriority(ctx, 'medium'),
      weight - (failed(e) ? 1 : 0) - (isAutomation(e, ctx.org) ? 1 : 0),
    );
  },
  summary: (e, ctx) => {
    const c = copyOf(e);
    const why = reasons(e, ctx.org)
      .map((r) => r.what)
      .join(' and ');
    return (
      `${actorName(e)} ${did(e, 'copied', 'copy')} ${c.kind} ${c.source}` +
      `${c.target === undefined ? '' : ` as ${c.target}`} ${why} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'An EBS snapshot copied into another region',
        record: copyRecord(
          'ec2.amazonaws.com',
          'CopySnapshot',
          {
            sourceRegion: 'us-east-1',
            sourceSnapshotId: 'snap-083d3b857c13988bc',
            description: 'copy',
          },
          {
            requestId: '4b5c6d7e-8f90-4a1b-9c2d-3e4f5a6b7c8d',
            snapshotId: 'snap-0f9e8d7c6b5a49382',
          },
          { awsRegion: 'ap-southeast-1' },
        ),
      },
      {
        title: 'An RDS snapshot copied with a KMS key of another account',
        record: copyRecord(
          'rds.amazonaws.com',
          'CopyDBSnapshot',
          {
            sourceDBSnapshotIdentifier:
              'arn:aws:rds:us-east-1:123456789012:snapshot:orders-nightly',
            targetDBSnapshotIdentifier: 'orders-copy',
            kmsKeyId: 'arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab',
            copyTags: false,
          },
          {
            dBSnapshotIdentifier: 'orders-copy',
            dBSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:orders-copy',
            status: 'pending',
            encrypted: true,
          },
          { identity: 'role', userAgent: USER_AGENTS.boto3, apiVersion: '2014-10-31' },
        ),
      },
      {
        title: 'An AMI copied into an unapproved region',
        config: { organisation: { approvedRegions: ['us-east-1', 'eu-west-1'] } },
        record: copyRecord(
          'ec2.amazonaws.com',
          'CopyImage',
          {
            sourceRegion: 'us-east-1',
            sourceImageId: 'ami-0aa1d83d0b0985c86',
            name: 'base-copy',
            encrypted: false,
          },
          { requestId: '6d7e8f90-a1b2-4c3d-8e4f-5a6b7c8d9e0f', imageId: 'ami-0cc3f05f2d2a07e28' },
          { awsRegion: 'sa-east-1' },
        ),
      },
    ],
    miss: [
      {
        title: 'A snapshot copied within its region without a new key',
        record: copyRecord(
          'ec2.amazonaws.com',
          'CopySnapshot',
          { sourceRegion: 'us-east-1', sourceSnapshotId: 'snap-083d3b857c13988bc' },
          {
            requestId: '7e8f90a1-b2c3-4d4e-9f5a-6b7c8d9e0f1a',
            snapshotId: 'snap-0a9b8c7d6e5f40312',
          },
        ),
      },
      {
        title: 'A cross-region copy made by AWS Backup',
        record: copyRecord(
          'ec2.amazonaws.com',
          'CopySnapshot',
          { sourceRegion: 'us-east-1', sourceSnapshotId: 'snap-083d3b857c13988bc' },
          null,
          {
            awsRegion: 'us-west-2',
            identity: {
              type: 'AssumedRole',
              principalId: 'AROA4XJ7LBQ5EXAMPLE09:AWSBackup-AWSBackupDefaultServiceRole',
              arn: 'arn:aws:sts::123456789012:assumed-role/AWSBackupDefaultServiceRole/AWSBackup-AWSBackupDefaultServiceRole',
              accountId: '123456789012',
              accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE9',
              sessionContext: {
                sessionIssuer: {
                  type: 'Role',
                  principalId: 'AROA4XJ7LBQ5EXAMPLE09',
                  arn: 'arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole',
                  accountId: '123456789012',
                  userName: 'AWSBackupDefaultServiceRole',
                },
                attributes: { creationDate: '2026-01-02T03:00:00Z', mfaAuthenticated: 'false' },
              },
              invokedBy: 'backup.amazonaws.com',
            },
            sourceIPAddress: 'backup.amazonaws.com',
            userAgent: 'backup.amazonaws.com',
          },
        ),
      },
    ],
  },
});
