/**
 * `aws.data.snapshot-created`: an EBS or RDS snapshot created by a person rather than the
 * organisation's automation or an AWS backup service. Taking a snapshot is the first step of
 * snapshot exfiltration (snapshot, share or copy, restore elsewhere), so on its own it is low
 * priority context for the sharing and copying rules.
 */
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
import { ec2Param, ec2Scalar } from '../lib/ec2-shapes.js';
import { automationAssumption } from '../lib/ownership.js';

function what(e: ApiEvent): string {
  switch (e.eventName) {
    case 'CreateSnapshot': {
      const snap = str(e.response, 'snapshotId');
      return `EBS snapshot${snap === undefined ? '' : ` ${snap}`} of volume ${ec2Param(e, 'volumeId', 'VolumeId') ?? '(unnamed)'}`;
    }
    case 'CreateSnapshots':
      return `EBS snapshots of the volumes of instance ${ec2Scalar(e.request, 'instanceSpecification', 'instanceId') ?? '(unnamed)'}`;
    case 'CreateDBClusterSnapshot':
      return `RDS cluster snapshot ${reqString(e, 'dBClusterSnapshotIdentifier') ?? '(unnamed)'} of ${reqString(e, 'dBClusterIdentifier') ?? '(unnamed cluster)'}`;
    default:
      return `RDS snapshot ${reqString(e, 'dBSnapshotIdentifier') ?? '(unnamed)'} of ${reqString(e, 'dBInstanceIdentifier') ?? '(unnamed instance)'}`;
  }
}

const TERRAFORM_STRATUS =
  'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.157 (go1.19.3; linux; amd64) HashiCorp-terraform-exec/0.17.3';

function snapRecord(
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
  id: 'aws.data.snapshot-created',
  title: 'Snapshot created outside automation',
  category: 'data',
  row: 'DATA-2',
  priority: 'low',
  mitre: ['T1578.001'],
  description:
    'An identity outside the configured automation created an EBS snapshot (CreateSnapshot, ' +
    'CreateSnapshots for all volumes of an instance) or an RDS snapshot (CreateDBSnapshot, ' +
    'CreateDBClusterSnapshot). Snapshots taken by AWS services (AWS Backup, Data Lifecycle ' +
    'Manager, RDS automated backups) do not match. A hand-made snapshot is the usual first step ' +
    'of copying a disk or database out of the account, so the finding is low priority context ' +
    'for the sharing, copying and export rules. With no automation configured every identity ' +
    'is reported. Failed calls are one level lower.',
  falsePositives: [
    'Engineers taking a snapshot before maintenance.',
    'Backup scripts running under identities not listed in automationArns.',
  ],
  response: [
    'Check whether the snapshot was then shared, copied or exported (aws.data.ebs-snapshot-shared, aws.data.snapshot-copied, aws.data.export-task).',
    'Confirm with the owner of the volume or database that the snapshot is expected; delete it if not.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSnapshot.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSnapshots.html',
    'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSnapshot.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com', 'rds.amazonaws.com'],
    eventNames: [
      'CreateSnapshot',
      'CreateSnapshots',
      'CreateDBSnapshot',
      'CreateDBClusterSnapshot',
    ],
  },
  match: (e, ctx) => !byAwsService(e) && !isAutomation(e, ctx.org),
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'low'), failed(e) ? -1 : 0),
  summary: (e) => `${actorName(e)} ${did(e, 'created', 'create')} ${what(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'An EBS snapshot (as the Invictus dataset records it)',
        record: snapRecord(
          'ec2.amazonaws.com',
          'CreateSnapshot',
          {
            volumeId: 'vol-0fc2e34e74650e145',
            tagSpecificationSet: {
              items: [{ resourceType: 'snapshot', tags: [{ key: 'Name', value: 'debug' }] }],
            },
          },
          {
            requestId: 'd0778782-df1d-4eb6-91da-edbefb7e7db1',
            snapshotId: 'snap-083d3b857c13988bc',
            volumeId: 'vol-0fc2e34e74650e145',
            status: 'pending',
            startTime: 1767323045923,
            ownerId: '123456789012',
            volumeSize: '1',
            encrypted: false,
            tagSet: { items: [{ key: 'Name', value: 'debug' }] },
          },
          { userAgent: TERRAFORM_STRATUS },
        ),
      },
      {
        title: 'An RDS snapshot named "exfiltration" (as the Invictus dataset records it)',
        record: snapRecord(
          'rds.amazonaws.com',
          'CreateDBSnapshot',
          {
            dBInstanceIdentifier: 'terraform-20230710121504061500000001',
            tags: [{ value: 'true', key: 'StratusRedTeam' }],
            dBSnapshotIdentifier: 'exfiltration',
          },
          {
            dBSnapshotIdentifier: 'exfiltration',
            dBSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:exfiltration',
            dBInstanceIdentifier: 'terraform-20230710121504061500000001',
            status: 'creating',
            engine: 'mysql',
            snapshotType: 'manual',
            encrypted: false,
          },
          { userAgent: TERRAFORM_STRATUS, apiVersion: '2014-10-31' },
        ),
      },
      {
        title: 'Snapshots of every volume of an instance',
        record: snapRecord(
          'ec2.amazonaws.com',
          'CreateSnapshots',
          {
            CreateSnapshotsRequest: {
              InstanceSpecification: {
                InstanceId: 'i-0a1b2c3d4e5f60718',
                ExcludeBootVolume: false,
              },
              CopyTagsFromSource: 'volume',
            },
          },
          null,
          { identity: 'role', userAgent: USER_AGENTS.cli },
        ),
      },
    ],
    miss: [
      {
        title: 'A snapshot taken by Data Lifecycle Manager',
        record: snapRecord(
          'ec2.amazonaws.com',
          'CreateSnapshot',
          { volumeId: 'vol-0fc2e34e74650e145' },
          null,
          {
            identity: {
              type: 'AssumedRole',
              principalId: 'AROA4XJ7LBQ5EXAMPLE08:dlm-session',
              arn: 'arn:aws:sts::123456789012:assumed-role/AWSDataLifecycleManagerDefaultRole/dlm-session',
              accountId: '123456789012',
              accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE8',
              sessionContext: {
                sessionIssuer: {
                  type: 'Role',
                  principalId: 'AROA4XJ7LBQ5EXAMPLE08',
                  arn: 'arn:aws:iam::123456789012:role/service-role/AWSDataLifecycleManagerDefaultRole',
                  accountId: '123456789012',
                  userName: 'AWSDataLifecycleManagerDefaultRole',
                },
                attributes: { creationDate: '2026-01-02T03:00:00Z', mfaAuthenticated: 'false' },
              },
              invokedBy: 'dlm.amazonaws.com',
            },
            sourceIPAddress: 'dlm.amazonaws.com',
            userAgent: 'dlm.amazonaws.com',
          },
        ),
      },
      {
        title: 'A snapshot taken by the configured backup pipeline',
        config: { organisation: { automationArns: ['arn:aws:iam::123456789012:role/deploy-*'] } },
        record: snapRecord(
          'ec2.amazonaws.com',
          'CreateSnapshot',
          { volumeId: 'vol-0fc2e34e74650e145' },
          null,
          { identity: 'ci', userAgent: USER_AGENTS.terraform },
        ),
      },
    ],
  },
});
