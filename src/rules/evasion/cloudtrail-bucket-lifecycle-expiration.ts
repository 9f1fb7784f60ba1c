/**
 * `aws.evasion.cloudtrail-bucket-lifecycle-expiration`: a lifecycle rule that expires objects is
 * put on the bucket CloudTrail delivers to, so S3 itself deletes the logs later: no delete call
 * by the attacker ever appears in the trail.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent, JsonObject, JsonValue } from '../../model/event.js';
import { parseEventTime } from '../../normalise/cloudtrail.js';
import { matchesAny } from '../../util/glob.js';
import {
  actorName,
  at,
  basePriority,
  ctRecord,
  failed,
  list,
  num,
  reqString,
  shift,
  str,
  USER_AGENTS,
  where,
} from '../lib.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Prefixes a lifecycle rule applies to, across the `Filter`, `Filter.And` and legacy forms. */
function prefixes(rule: JsonValue): string[] {
  return [
    at(rule, 'Prefix'),
    at(rule, 'Filter', 'Prefix'),
    at(rule, 'Filter', 'And', 'Prefix'),
  ].filter((p): p is string => typeof p === 'string');
}

/**
 * Days until objects expire under the enabled rules that expire current objects, the shortest
 * first; a date-based expiration counts from the event time. `ExpiredObjectDeleteMarker` alone
 * deletes no data and does not count.
 */
function expirations(e: ApiEvent): { days: number; rules: JsonValue[] } | undefined {
  const rules = list(e.request, 'LifecycleConfiguration', 'Rule');
  const expiring: JsonValue[] = [];
  let shortest = Number.POSITIVE_INFINITY;
  for (const r of rules) {
    if (str(r, 'Status') !== 'Enabled') continue;
    const days = num(r, 'Expiration', 'Days');
    const date = parseEventTime(at(r, 'Expiration', 'Date'));
    let d: number | undefined;
    if (days !== undefined) d = days;
    else if (date !== undefined) d = Math.max(0, Math.ceil((date - e.time) / DAY_MS));
    if (d === undefined) continue;
    expiring.push(r);
    shortest = Math.min(shortest, d);
  }
  return expiring.length > 0 ? { days: shortest, rules: expiring } : undefined;
}

function isTrailBucket(e: ApiEvent, trailBuckets: readonly string[]): boolean {
  const bucket = reqString(e, 'bucketName');
  if (bucket === undefined) return false;
  if (/cloudtrail/i.test(bucket) || matchesAny(trailBuckets, bucket)) return true;
  // CloudTrail writes under AWSLogs/<account>/CloudTrail/; a rule scoped there targets trail logs.
  return list(e.request, 'LifecycleConfiguration', 'Rule').some((r) =>
    prefixes(r).some((p) => /^AWSLogs\//.test(p) || /\/CloudTrail\//.test(p)),
  );
}

const knobs = {
  trailBuckets: knob(
    z.array(z.string()),
    [],
    'Buckets (name globs) that receive CloudTrail logs, besides any bucket whose name contains "cloudtrail".',
  ),
  minRetentionDays: knob(
    z.number().int().min(1),
    365,
    'Expirations shorter than this many days are reported at the rule priority; longer ones, which look like a retention policy, two levels lower.',
  ),
};

function s3Record(bucket: string, configuration: JsonObject, identity?: 'role' | 'ci'): JsonObject {
  return ctRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketLifecycle',
    ...(identity === undefined ? {} : { identity }),
    userAgent: identity === 'ci' ? USER_AGENTS.terraform : `[${USER_AGENTS.cli}]`,
    eventVersion: '1.10',
    requestParameters: {
      lifecycle: '',
      bucketName: bucket,
      LifecycleConfiguration: {
        xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
        ...configuration,
      },
      Host: `${bucket}.s3.us-east-1.amazonaws.com`,
    },
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 249,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': 'Q2xvdWRUcmFpbEV4YW1wbGVJZDJWYWx1ZUZvckxpZmVjeWNsZVJlcXVlc3Q=',
      bytesTransferredOut: 0,
    },
    requestID: 'C3DN5P8QK2M7R4TZ',
    resources: [
      { accountId: '123456789012', type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    host: `${bucket}.s3.us-east-1.amazonaws.com`,
  });
}

export default defineApiRule({
  id: 'aws.evasion.cloudtrail-bucket-lifecycle-expiration',
  title: 'Expiration lifecycle rule on the CloudTrail bucket',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.008', 'T1070'],
  description:
    'A PutBucketLifecycle call added an enabled rule with an Expiration (Days or Date) to a bucket ' +
    'that receives CloudTrail logs: its name contains "cloudtrail", it is listed in the ' +
    '`trailBuckets` knob, or the rule is scoped to the AWSLogs/ delivery prefix. S3 then deletes ' +
    'the logs on its own schedule, and those deletions never show up as API calls. Expirations ' +
    'shorter than `minRetentionDays` are reported at the rule priority, longer ones (ordinary ' +
    'retention policies) two levels lower. Transition-only rules, disabled rules and rules that ' +
    'only remove expired delete markers do not match. Failed calls are reported one level lower.',
  falsePositives: [
    'A retention policy agreed with compliance (raise minRetentionDays to the agreed period).',
    'Short expiration on a test trail bucket.',
  ],
  response: [
    'Read the bucket lifecycle configuration (GetBucketLifecycleConfiguration) and remove the expiration rule unless it was approved.',
    'Check whether objects have already expired: list the bucket for the affected prefix and compare with expected delivery.',
    'Enable S3 Object Lock or replicate trail logs to a separate account so that one account cannot shorten their life.',
    'Review the acting identity and restrict s3:PutLifecycleConfiguration on log buckets.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-find-log-files.html',
  ],
  knobs,
  kind: 'match',
  on: {
    eventSource: ['s3.amazonaws.com'],
    eventNames: ['PutBucketLifecycle', 'PutBucketLifecycleConfiguration'],
  },
  match: (e, ctx) => expirations(e) !== undefined && isTrailBucket(e, ctx.knobs.trailBuckets),
  priorityOf: (e, ctx) => {
    const days = expirations(e)?.days ?? 0;
    const steps = (days < ctx.knobs.minRetentionDays ? 0 : -2) - (failed(e) ? 1 : 0);
    return shift(basePriority(ctx, 'high'), steps);
  },
  summary: (e) => {
    const days = expirations(e)?.days;
    const after = days === undefined ? 'later' : `after ${days} day${days === 1 ? '' : 's'}`;
    const verb = failed(e) ? 'tried to add' : 'added';
    return (
      `${actorName(e)} ${verb} a lifecycle rule to CloudTrail log bucket ` +
      `${reqString(e, 'bucketName') ?? '(unnamed)'} that deletes log files ${after} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Logs deleted after one day (the Stratus Red Team lifecycle rule)',
        record: s3Record('acme-cloudtrail-logs', {
          Rule: {
            Status: 'Enabled',
            Filter: { Prefix: '*' },
            Expiration: { Days: 1 },
            ID: 'nuke-cloudtrail-logs-after-1-day',
          },
        }),
      },
      {
        title: 'A bucket named in trailBuckets, one of two rules expiring AWSLogs/ on a date',
        config: {
          rules: {
            'aws.evasion.cloudtrail-bucket-lifecycle-expiration': {
              knobs: { trailBuckets: ['org-audit-*'] },
            },
          },
        },
        record: s3Record(
          'org-audit-archive',
          {
            Rule: [
              {
                ID: 'archive',
                Status: 'Enabled',
                Filter: { Prefix: 'reports/' },
                Transition: { Days: 30, StorageClass: 'GLACIER' },
              },
              {
                ID: 'cleanup',
                Status: 'Enabled',
                Filter: { And: { Prefix: 'AWSLogs/123456789012/', Tag: { Key: 'x', Value: 'y' } } },
                Expiration: { Date: '2026-01-05T00:00:00Z' },
              },
            ],
          },
          'role',
        ),
      },
    ],
    miss: [
      {
        title: 'Expiration on a bucket that holds no trail logs',
        record: s3Record('acme-web-assets', {
          Rule: {
            ID: 'tmp',
            Status: 'Enabled',
            Filter: { Prefix: 'tmp/' },
            Expiration: { Days: 7 },
          },
        }),
      },
      {
        title: 'Trail bucket moved to Glacier without expiring anything',
        record: s3Record(
          'acme-cloudtrail-logs',
          {
            Rule: {
              ID: 'to-glacier',
              Status: 'Enabled',
              Filter: { Prefix: 'AWSLogs/' },
              Transition: { Days: 90, StorageClass: 'GLACIER' },
            },
          },
          'ci',
        ),
      },
      {
        title: 'A disabled expiration rule on the trail bucket',
        record: s3Record('acme-cloudtrail-logs', {
          Rule: { ID: 'off', Status: 'Disabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } },
        }),
      },
    ],
  },
});
