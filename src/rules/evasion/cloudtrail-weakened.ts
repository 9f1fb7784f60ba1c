/**
 * `aws.evasion.cloudtrail-weakened`: `UpdateTrail` calls that keep a trail running but make it
 * useless to defenders: delivery moved to another bucket, coverage cut to one region or to no
 * global-service events, or log file validation turned off so that edited logs go unnoticed.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
import {
  actorName,
  bool,
  ctRecord,
  reqString,
  shift,
  basePriority,
  failed,
  where,
} from '../lib.js';

interface Weakening {
  what: string;
  /** Levels above (0) or below (-1) the rule's priority. */
  weight: number;
}

function weakenings(e: ApiEvent, trailBuckets: readonly string[]): Weakening[] {
  const out: Weakening[] = [];
  const bucket = reqString(e, 's3BucketName');
  if (bucket !== undefined && !matchesAny(trailBuckets, bucket)) {
    // With no approved buckets configured, a console edit that restates the current bucket looks
    // the same as a redirect, so the finding is one level lower until `trailBuckets` is set.
    out.push({
      what: `sent its logs to bucket ${bucket}`,
      weight: trailBuckets.length > 0 ? 0 : -1,
    });
  }
  if (bool(e.request, 'isMultiRegionTrail') === false) {
    out.push({ what: 'limited it to a single region', weight: 0 });
  }
  if (bool(e.request, 'enableLogFileValidation') === false) {
    out.push({ what: 'turned log file validation off', weight: 0 });
  }
  if (bool(e.request, 'includeGlobalServiceEvents') === false) {
    out.push({ what: 'dropped global service events (IAM, STS, CloudFront)', weight: -1 });
  }
  return out;
}

const knobs = {
  trailBuckets: knob(
    z.array(z.string()),
    [],
    'Buckets (name globs) that trails may deliver to. An UpdateTrail naming any other bucket is a redirect at full priority; while empty, every bucket named in UpdateTrail is reported one level lower.',
  ),
};

export default defineApiRule({
  id: 'aws.evasion.cloudtrail-weakened',
  title: 'CloudTrail trail weakened',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.008'],
  description:
    'An UpdateTrail call changed a setting that matters to defenders while leaving the trail ' +
    'logging: it pointed delivery at a bucket outside the `trailBuckets` knob (logs then land where ' +
    'the attacker can read or delete them), set isMultiRegionTrail to false (other regions go ' +
    'dark), set enableLogFileValidation to false (tampered log files can no longer be proven), or ' +
    'set includeGlobalServiceEvents to false (IAM and STS activity disappears). UpdateTrail calls ' +
    'that only change the SNS topic, the CloudWatch Logs group, the KMS key or tags do not match. ' +
    'Failed calls are reported one level lower as attempts; their request still shows the intent.',
  falsePositives: [
    'A planned move of trail delivery to a new central logging bucket (add it to trailBuckets).',
    'Console edits of a trail, which restate the current bucket (set trailBuckets to silence these).',
    'Deliberately single-region trails in accounts covered by an organisation trail.',
  ],
  response: [
    'Compare the trail with its intended configuration (GetTrail, GetTrailStatus) and restore the bucket, multi-region coverage, global service events and log file validation.',
    'If the bucket changed, find who owns it: a bucket in an unknown account means the attacker now receives the logs.',
    'Review activity in the regions and services that were not recorded after the change.',
    'Validate log files delivered before the change with aws cloudtrail validate-logs.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events',
  ],
  knobs,
  kind: 'match',
  on: { eventSource: ['cloudtrail.amazonaws.com'], eventNames: ['UpdateTrail'] },
  match: (e, ctx) => weakenings(e, ctx.knobs.trailBuckets).length > 0,
  priorityOf: (e, ctx) => {
    const weight = Math.max(...weakenings(e, ctx.knobs.trailBuckets).map((w) => w.weight));
    return shift(basePriority(ctx, 'high'), weight - (failed(e) ? 1 : 0));
  },
  summary: (e, ctx) => {
    const changes = weakenings(e, ctx.knobs.trailBuckets).map((w) => w.what);
    const list =
      changes.length <= 1
        ? (changes[0] ?? 'changed it')
        : `${changes.slice(0, -1).join(', ')} and ${changes.at(-1)}`;
    const verb = failed(e) ? 'tried to update' : 'updated';
    return (
      `${actorName(e)} ${verb} CloudTrail trail ${reqString(e, 'name') ?? '(unnamed)'} and ` +
      `${failed(e) ? 'would have ' : ''}${list} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Delivery redirected to a bucket outside the approved list',
        config: {
          rules: {
            'aws.evasion.cloudtrail-weakened': { knobs: { trailBuckets: ['acme-cloudtrail-*'] } },
          },
        },
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'UpdateTrail',
          requestParameters: { name: 'org-trail', s3BucketName: 'tmp-logs-7f3a9c' },
          responseElements: {
            name: 'org-trail',
            s3BucketName: 'tmp-logs-7f3a9c',
            includeGlobalServiceEvents: true,
            isMultiRegionTrail: true,
            trailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail',
            logFileValidationEnabled: true,
            isOrganizationTrail: false,
          },
        }),
      },
      {
        title: 'Trail cut down to a single region',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'UpdateTrail',
          identity: 'role',
          requestParameters: { name: 'org-trail', isMultiRegionTrail: false },
          responseElements: {
            name: 'org-trail',
            s3BucketName: 'acme-cloudtrail-logs',
            includeGlobalServiceEvents: true,
            isMultiRegionTrail: false,
            trailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail',
            logFileValidationEnabled: true,
            isOrganizationTrail: false,
          },
        }),
      },
      {
        title: 'Log file validation turned off',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'UpdateTrail',
          requestParameters: { name: 'org-trail', enableLogFileValidation: false },
          responseElements: {
            name: 'org-trail',
            s3BucketName: 'acme-cloudtrail-logs',
            includeGlobalServiceEvents: true,
            isMultiRegionTrail: true,
            trailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail',
            logFileValidationEnabled: false,
            isOrganizationTrail: false,
          },
        }),
      },
      {
        title: 'Global service events dropped, as an exported record with string booleans',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'UpdateTrail',
          requestParameters: { name: 'org-trail', includeGlobalServiceEvents: 'false' },
        }),
      },
    ],
    miss: [
      {
        title: 'UpdateTrail that only changes the SNS topic',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'UpdateTrail',
          requestParameters: { name: 'org-trail', snsTopicName: 'cloudtrail-delivery' },
          responseElements: {
            name: 'org-trail',
            s3BucketName: 'acme-cloudtrail-logs',
            snsTopicName: 'cloudtrail-delivery',
            snsTopicARN: 'arn:aws:sns:us-east-1:123456789012:cloudtrail-delivery',
            includeGlobalServiceEvents: true,
            isMultiRegionTrail: true,
            trailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail',
            logFileValidationEnabled: true,
            isOrganizationTrail: false,
          },
        }),
      },
      {
        title: 'A console edit restating an approved bucket and turning validation on',
        config: {
          rules: {
            'aws.evasion.cloudtrail-weakened': { knobs: { trailBuckets: ['acme-cloudtrail-*'] } },
          },
        },
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'UpdateTrail',
          identity: 'role',
          userAgent: 'AWS Internal',
          requestParameters: {
            name: 'org-trail',
            s3BucketName: 'acme-cloudtrail-logs',
            isMultiRegionTrail: true,
            enableLogFileValidation: true,
            includeGlobalServiceEvents: true,
          },
        }),
      },
    ],
  },
});
