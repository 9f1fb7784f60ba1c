/**
 * `aws.data.export-task`: an instance, AMI or RDS snapshot exported to S3 (CreateInstanceExportTask,
 * ExportImage, CreateStoreImageTask, RDS StartExportTask). Exports turn a disk or database into
 * plain files in a bucket, from where they can be downloaded or replicated out of the account.
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
  USER_AGENTS,
  where,
} from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { ec2Param, ec2Scalar } from '../lib/ec2-shapes.js';
import { automationAssumption } from '../lib/ownership.js';

interface Export {
  what: string;
  bucket: string | undefined;
}

function exportOf(e: ApiEvent): Export {
  switch (e.eventName) {
    case 'CreateInstanceExportTask':
      return {
        what: `instance ${ec2Param(e, 'instanceId', 'InstanceId') ?? '(unnamed)'}`,
        bucket: ec2Scalar(e.request, 'exportToS3', 's3Bucket'),
      };
    case 'ExportImage':
      return {
        what: `AMI ${ec2Param(e, 'ImageId', 'imageId') ?? '(unnamed)'}`,
        bucket: ec2Scalar(e.request, 'S3ExportLocation', 'S3Bucket'),
      };
    case 'CreateStoreImageTask':
      return {
        what: `AMI ${ec2Param(e, 'ImageId', 'imageId') ?? '(unnamed)'}`,
        bucket: ec2Param(e, 'Bucket', 'bucket'),
      };
    default:
      return {
        what: `RDS ${reqString(e, 'sourceArn') ?? '(unnamed source)'}`,
        bucket: reqString(e, 's3BucketName'),
      };
  }
}

function exportRecord(
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
  id: 'aws.data.export-task',
  title: 'Instance, AMI or database exported to S3',
  category: 'data',
  row: 'DATA-2',
  priority: 'high',
  mitre: ['T1537'],
  description:
    "A principal started an export: CreateInstanceExportTask (an instance's disks as a VMDK, " +
    'VHD or raw image), ExportImage or CreateStoreImageTask (an AMI as files in S3), or RDS ' +
    'StartExportTask (a DB snapshot or cluster as Parquet files). Exports are rare in normal ' +
    'operation and produce a portable copy of a whole machine or database in a bucket, ready to ' +
    'download or replicate elsewhere; the bucket named is in the summary. Exports run by AWS ' +
    'services do not match; the configured automation and failed calls are one level lower.',
  falsePositives: [
    'Migrations of virtual machines to on-premises hypervisors.',
    'Analytics pipelines exporting RDS snapshots to a data lake (list them as automation).',
  ],
  response: [
    'Find the destination bucket and who owns it; check whether the exported files have been read (S3 data events, server access logs).',
    'Cancel a running task (CancelExportTask for EC2 and RDS) and delete the exported files if not expected.',
    "Review the identity's other recent calls, especially snapshot creation and bucket policy changes.",
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateInstanceExportTask.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ExportImage.html',
    'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_StartExportTask.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com', 'rds.amazonaws.com'],
    eventNames: [
      'CreateInstanceExportTask',
      'ExportImage',
      'CreateStoreImageTask',
      'StartExportTask',
    ],
  },
  match: (e) => !byAwsService(e),
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), -(failed(e) ? 1 : 0) - (isAutomation(e, ctx.org) ? 1 : 0)),
  summary: (e) => {
    const x = exportOf(e);
    return (
      `${actorName(e)} ${did(e, 'exported', 'export')} ${x.what} to ` +
      `${x.bucket === undefined ? 'S3' : `bucket ${x.bucket}`} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'An instance exported as a VMDK image',
        record: exportRecord(
          'ec2.amazonaws.com',
          'CreateInstanceExportTask',
          {
            instanceId: 'i-0a1b2c3d4e5f60718',
            targetEnvironment: 'vmware',
            exportToS3: {
              diskImageFormat: 'VMDK',
              containerFormat: 'ova',
              s3Bucket: 'vm-exports-7f3a9c',
              s3Prefix: 'exports/',
            },
          },
          {
            requestId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
            exportTask: {
              exportTaskId: 'export-i-0f1e2d3c4b5a69788',
              state: 'active',
              instanceExport: { instanceId: 'i-0a1b2c3d4e5f60718', targetEnvironment: 'vmware' },
              exportToS3: {
                diskImageFormat: 'vmdk',
                containerFormat: 'ova',
                s3Bucket: 'vm-exports-7f3a9c',
                s3Key: 'exports/export-i-0f1e2d3c4b5a69788.ova',
              },
            },
          },
        ),
      },
      {
        title: 'An AMI exported with the newer request shape',
        record: exportRecord(
          'ec2.amazonaws.com',
          'ExportImage',
          {
            ExportImageRequest: {
              ImageId: 'ami-0aa1d83d0b0985c86',
              DiskImageFormat: 'RAW',
              S3ExportLocation: { S3Bucket: 'vm-exports-7f3a9c', S3Prefix: 'ami/' },
            },
          },
          null,
          { identity: 'role', userAgent: USER_AGENTS.cli },
        ),
      },
      {
        title: 'An RDS snapshot exported to S3',
        record: exportRecord(
          'rds.amazonaws.com',
          'StartExportTask',
          {
            exportTaskIdentifier: 'orders-export',
            sourceArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:orders-nightly',
            s3BucketName: 'analytics-drop-2f9c',
            iamRoleArn: 'arn:aws:iam::123456789012:role/rds-s3-export',
            kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          },
          { exportTaskIdentifier: 'orders-export', status: 'STARTING', percentProgress: 0 },
          { apiVersion: '2014-10-31', userAgent: USER_AGENTS.boto3 },
        ),
      },
    ],
    miss: [
      {
        title: 'The status of export tasks listed',
        record: exportRecord(
          'ec2.amazonaws.com',
          'DescribeExportTasks',
          { exportTaskIdSet: {}, filterSet: {} },
          null,
          { readOnly: true },
        ),
      },
    ],
  },
});
