/**
 * `aws.evasion.cloudtrail-deleted`: a trail is deleted (`DeleteTrail`), which ends its recording
 * and removes its configuration, unlike `StopLogging`, which can be undone with one call.
 */
import { defineApiRule } from '../../engine/rule.js';
import { actorName, ctRecord, did, reqString, tamperPriority, USER_AGENTS, where } from '../lib.js';

export default defineApiRule({
  id: 'aws.evasion.cloudtrail-deleted',
  title: 'CloudTrail trail deleted',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.008'],
  description:
    'A principal deleted a trail. Recording stops for every region the trail covered and the ' +
    'delivery settings are gone, so recovery needs the trail re-created from scratch; log files ' +
    'already delivered stay in the bucket. Failed calls are reported one level lower as attempts.',
  falsePositives: [
    'Tear-down of a test or sandbox stack (terraform destroy, CloudFormation stack deletion).',
    'Consolidation of per-account trails into an organisation trail.',
  ],
  response: [
    'Confirm that another trail (for example the organisation trail) still covers the account and every region.',
    'If the deletion was not planned, re-create the trail with the same bucket, prefix and KMS key and restrict the acting identity.',
    'Review activity of the acting identity from an independent source (organisation trail, CloudTrail event history) for the period after the deletion.',
    'Deny cloudtrail:DeleteTrail outside a break-glass role with a service control policy.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-delete-trails-console.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['cloudtrail.amazonaws.com'], eventNames: ['DeleteTrail'] },
  match: () => true,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'high'),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'deleted', 'delete')} CloudTrail trail ` +
    `${reqString(e, 'name') ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A pipeline role deletes a trail with Terraform',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'DeleteTrail',
          identity: 'ci',
          userAgent: USER_AGENTS.terraform,
          requestParameters: { name: 'security-trail' },
        }),
      },
      {
        title: 'A denied attempt by a console session',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'DeleteTrail',
          identity: 'role',
          userAgent: USER_AGENTS.console,
          sourceIPAddress: '198.51.100.77',
          errorCode: 'AccessDenied',
          errorMessage:
            'User: arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40/bob@example.com is not authorized to perform: cloudtrail:DeleteTrail on resource: arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail with an explicit deny in a service control policy',
          requestParameters: { name: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail' },
        }),
      },
    ],
    miss: [
      {
        title: 'CreateTrail sets a trail up',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'CreateTrail',
          identity: 'ci',
          userAgent: USER_AGENTS.terraform,
          requestParameters: {
            name: 'security-trail',
            s3BucketName: 'acme-cloudtrail-logs',
            isMultiRegionTrail: true,
            enableLogFileValidation: true,
          },
          responseElements: {
            name: 'security-trail',
            s3BucketName: 'acme-cloudtrail-logs',
            includeGlobalServiceEvents: true,
            isMultiRegionTrail: true,
            trailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/security-trail',
            logFileValidationEnabled: true,
            isOrganizationTrail: false,
          },
        }),
      },
    ],
  },
});
