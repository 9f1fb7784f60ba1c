/**
 * `aws.data.object-download-spike`: one principal downloading far more S3 objects in an hour than
 * its own history says it does. Exfiltration from S3 is mostly GetObject at scale; what is "at
 * scale" differs per principal, so each is compared with itself.
 */
import { defineBaselineRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { basePriority, shift, USER_AGENTS } from '../lib.js';
import { isSensitiveBucket } from '../lib/ownership.js';
import {
  asApi,
  baselineKnobs,
  baselineText,
  callerFacts,
  describePlace,
  fact,
  groupActor,
  hourly,
  MINUTE,
  principalKey,
  serviceCall,
  sourceFacts,
  timeline,
} from '../lib/principal-behaviour.js';
import { bucketOf, s3Record } from '../lib/s3-records.js';

const { least, ...shared } = baselineKnobs('download counts', 'download', {
  default: 100,
  description: 'A period with fewer downloads than this never fires, however unusual.',
});
const knobs = { ...shared, minAmount: least };

/** The analytics role whose habits the stories are about. */
const ANALYST: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE24:maria@example.com',
  arn: 'arn:aws:sts::123456789012:assumed-role/analytics-readonly/maria@example.com',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPL24',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE24',
      arn: 'arn:aws:iam::123456789012:role/analytics-readonly',
      accountId: '123456789012',
      userName: 'analytics-readonly',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-03-01T00:02:11Z', mfaAuthenticated: 'true' },
  },
};

/** One GetObject per time, from the reporting bucket. */
function downloads(times: readonly string[], bucket = 'acme-reports'): JsonObject[] {
  return times.map((eventTime, i) => {
    const key = `exports/2026/03/report-${String(i).padStart(5, '0')}.parquet`;
    return s3Record({
      eventName: 'GetObject',
      identity: ANALYST,
      eventTime,
      bucket,
      key,
      readOnly: true,
      userAgent: USER_AGENTS.boto3,
      sourceIPAddress: '85.214.132.117',
      requestParameters: {
        bucketName: bucket,
        Host: `${bucket}.s3.us-east-1.amazonaws.com`,
        key,
      },
      additionalEventData: {
        SignatureVersion: 'SigV4',
        CipherSuite: 'TLS_AES_128_GCM_SHA256',
        bytesTransferredIn: 0,
        AuthenticationMethod: 'AuthHeader',
        'x-amz-id-2': 'Xk1b0cT3aZ8vQw2Lq7yR9pN4mS6eU5hJ0gF3dK8cV1bA2nM7oP4qR9sT6uW3xY5z',
        bytesTransferredOut: 184_320 + i,
      },
    });
  });
}

const HISTORY_START = '2026-03-01T00:00:00Z';
/** 26 hours of three downloads an hour. */
const HISTORY = hourly(HISTORY_START, 26, 3);
/** The hour after the history. */
const SPIKE_HOUR = '2026-03-02T02:00:00Z';

function successfulDownload(e: ApiEvent): boolean {
  return e.errorCode === undefined && !serviceCall(e);
}

export default defineBaselineRule({
  id: 'aws.data.object-download-spike',
  title: 'S3 object downloads far above the principal’s baseline',
  category: 'data',
  row: 'DATA-1',
  priority: 'medium',
  mitre: ['T1530'],
  description:
    'Sums, per principal, its successful S3 GetObject calls (data events: the trail must log S3 ' +
    'data events for the buckets that matter) over periods of `bucketMinutes`, and compares ' +
    'each closed period with the principal’s own history by robust statistics: it fires when ' +
    'the count exceeds the median by more than `deviations` scaled median absolute deviations, ' +
    'the count is at least `minAmount`, and at least `minHistory` periods of history exist ' +
    '(quiet periods between downloads count as zero; the time before a principal’s first ' +
    'download does not). A principal with no history cannot fire, so a brand-new identity ' +
    'downloading a bucket is left to the single-event rules (sensitive buckets, foreign ' +
    'copies). Failed downloads (AccessDenied, NoSuchKey) and downloads made by AWS services for ' +
    'a caller (Athena, replication) are left out; automation is kept, with its own baseline. ' +
    'The principal is the stable identity (the role of an assumed-role session, the Identity ' +
    'Center person). One level higher when a bucket in organisation.sensitive.buckets is among ' +
    'those read. State per principal is the recent period totals (the baseline) and the open ' +
    'period; with `--state` the baseline carries across runs, so a daily hunt judges today ' +
    'against the weeks before. aws.data.object-bytes-spike does the same with bytes.',
  falsePositives: [
    'Month-end reporting, backfills, migrations and data-science jobs that read far more than usual.',
    'A new application version that caches less.',
  ],
  response: [
    'List the objects read in the period (the finding’s evidence) and judge their sensitivity.',
    'Ask the owner of the principal about the job; check the source address and user agent against its usual ones.',
    'If not explained: revoke the sessions or keys, and check where the data could have gone (CopyObject to foreign buckets, egress in flow logs).',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html',
    'https://attack.mitre.org/techniques/T1530/',
  ],
  knobs,
  kind: 'baseline',
  on: { eventSource: ['s3.amazonaws.com'], eventNames: ['GetObject'] },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && successfulDownload(e);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : principalKey(e);
  },
  amount: () => 1,
  facts: (ev) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    const bucket = bucketOf(e);
    return { ...sourceFacts(e), ...callerFacts(e), ...(bucket === undefined ? {} : { bucket }) };
  },
  bucketMs: (ctx) => ctx.knobs.bucketMinutes * MINUTE,
  minHistory: (ctx) => ctx.knobs.minHistory,
  deviations: (ctx) => ctx.knobs.deviations,
  minAmount: (ctx) => ctx.knobs.minAmount,
  priorityOf: (group, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      isSensitiveBucket(ctx.org, fact(group.first, 'bucket')) ||
        isSensitiveBucket(ctx.org, fact(group.last, 'bucket'))
        ? 1
        : 0,
    ),
  summary: (group) => {
    const first = fact(group.first, 'bucket');
    const last = fact(group.last, 'bucket');
    const buckets =
      first === undefined
        ? 'S3'
        : first === last || last === undefined
          ? first
          : `${first} … ${last}`;
    return (
      `${groupActor(group)} downloaded objects from ${buckets}: ` +
      `${baselineText(group, (n) => `${n} ${n === 1 ? 'object' : 'objects'}`)}; last from ` +
      `${describePlace(group.last)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Three downloads an hour for 26 hours, then 150 in one hour',
        records: downloads([...HISTORY, ...timeline(SPIKE_HOUR, 150, 20_000)]),
      },
      {
        title: 'The same spike from a bucket configured as sensitive',
        config: { organisation: { sensitive: { buckets: ['acme-reports'] } } },
        records: downloads([...HISTORY, ...timeline(SPIKE_HOUR, 150, 20_000)]),
      },
    ],
    miss: [
      {
        title: '95 downloads in the hour: unusual, but below minAmount',
        records: downloads([...HISTORY, ...timeline(SPIKE_HOUR, 95, 30_000)]),
      },
      {
        title: 'Only 20 hours of history before the spike',
        records: downloads([
          ...hourly('2026-03-01T06:00:00Z', 20, 3),
          ...timeline(SPIKE_HOUR, 150, 20_000),
        ]),
      },
      {
        title: 'A principal with no history downloads 150 objects in its first hour',
        records: downloads(timeline(SPIKE_HOUR, 150, 20_000)),
      },
    ],
  },
});
