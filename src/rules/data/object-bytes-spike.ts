/**
 * `aws.data.object-bytes-spike`: one principal pulling far more bytes out of S3 in an hour than
 * its own history says it does. Counting objects misses a few huge ones (a database dump, a
 * backup archive); the bytes CloudTrail records for each GetObject do not.
 */
import { defineBaselineRule } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import { basePriority, num, shift, USER_AGENTS } from '../lib.js';
import { formatBytes } from '../lib/flow.js';
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

const { least, ...shared } = baselineKnobs('byte totals', 'download', {
  default: 250_000_000,
  description:
    'A period that moved fewer bytes than this (default 250 MB) never fires, however unusual.',
});
const knobs = { ...shared, minBytes: least };

/** A backup-restore role that the stories follow. */
const RESTORE_ROLE: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE25:restore-check',
  arn: 'arn:aws:sts::123456789012:assumed-role/db-restore-check/restore-check',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPL25',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE25',
      arn: 'arn:aws:iam::123456789012:role/db-restore-check',
      accountId: '123456789012',
      userName: 'db-restore-check',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-03-03T00:00:41Z', mfaAuthenticated: 'false' },
  },
};

/** One GetObject per time from the backup bucket, each with the bytes `sizeOf(i)` returns. */
function downloads(times: readonly string[], sizeOf: (i: number) => number): JsonObject[] {
  return times.map((eventTime, i) => {
    const key = `pg/orders/2026-03/chunk-${String(i).padStart(5, '0')}.tar.zst`;
    return s3Record({
      eventName: 'GetObject',
      identity: RESTORE_ROLE,
      eventTime,
      bucket: 'acme-db-backups',
      key,
      readOnly: true,
      userAgent: USER_AGENTS.cli,
      sourceIPAddress: '85.214.132.117',
      requestParameters: {
        bucketName: 'acme-db-backups',
        Host: 'acme-db-backups.s3.us-east-1.amazonaws.com',
        key,
      },
      additionalEventData: {
        SignatureVersion: 'SigV4',
        CipherSuite: 'TLS_AES_128_GCM_SHA256',
        bytesTransferredIn: 0,
        AuthenticationMethod: 'AuthHeader',
        'x-amz-id-2': 'Rk8c1dU4bZ9wQx3Mr8zS0oO5nT7fV6iK1hG4eL9dW2cB3oN8pQ5rS0tU7vX4yZ6a',
        bytesTransferredOut: sizeOf(i),
      },
    });
  });
}

const HISTORY = hourly('2026-03-03T00:00:00Z', 26, 2);
const SPIKE_HOUR = '2026-03-04T02:00:00Z';
/** Two small objects an hour, about 3 MB together. */
const small = (i: number): number => 1_400_000 + (i % 5) * 50_000;

export default defineBaselineRule({
  id: 'aws.data.object-bytes-spike',
  title: 'S3 bytes downloaded far above the principal’s baseline',
  category: 'data',
  row: 'DATA-1',
  priority: 'high',
  mitre: ['T1530'],
  description:
    'Sums, per principal, the bytes its successful S3 GetObject calls sent out ' +
    '(`additionalEventData.bytesTransferredOut`, which S3 data events record) over periods of ' +
    '`bucketMinutes`, and compares each closed period with the principal’s own history by ' +
    'robust statistics: it fires when the total exceeds the median by more than `deviations` ' +
    'scaled median absolute deviations, moved at least `minBytes`, and at least `minHistory` ' +
    'periods of history exist (quiet periods count as zero bytes). Records without the byte ' +
    'count (older or filtered trails) add nothing. A principal with no history cannot fire. ' +
    'Failed downloads and downloads made by AWS services for a caller are left out; automation ' +
    'keeps its own baseline. The principal is the stable identity (the role of an assumed-role ' +
    'session). One level higher when a bucket in organisation.sensitive.buckets is among those ' +
    'read. State per principal is the recent period totals and the open period; with `--state` ' +
    'the baseline carries across runs. aws.data.object-download-spike does the same with ' +
    'object counts, which catches many small objects where this rule catches a few large ones.',
  falsePositives: [
    'Restores, migrations and analytics jobs that read whole datasets now and then.',
    'A principal whose normal work is bursty (weekly exports): raise deviations or minBytes for it, or suppress by principal.',
  ],
  response: [
    'List the objects read in the period (the finding’s evidence) and how large they were.',
    'Check the source address and user agent against the principal’s usual ones; ask its owner about the job.',
    'If not explained: revoke the sessions or keys and look for where the data went (flow logs, CopyObject to foreign buckets).',
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
    return e !== undefined && e.errorCode === undefined && !serviceCall(e);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : principalKey(e);
  },
  // A record without a byte count gives NaN, which the engine takes as "no amount".
  amount: (ev) => {
    const e = asApi(ev);
    return (e === undefined ? undefined : num(e.additional, 'bytesTransferredOut')) ?? Number.NaN;
  },
  facts: (ev) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    const bucket = bucketOf(e);
    return { ...sourceFacts(e), ...callerFacts(e), ...(bucket === undefined ? {} : { bucket }) };
  },
  bucketMs: (ctx) => ctx.knobs.bucketMinutes * MINUTE,
  minHistory: (ctx) => ctx.knobs.minHistory,
  deviations: (ctx) => ctx.knobs.deviations,
  minAmount: (ctx) => ctx.knobs.minBytes,
  priorityOf: (group, ctx) =>
    shift(
      basePriority(ctx, 'high'),
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
      `${groupActor(group)} downloaded ${group.count} objects from ${buckets}: ` +
      `${baselineText(group, formatBytes)}; last from ${describePlace(group.last)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'About 3 MB an hour for 26 hours, then ten 80 MB objects in one hour',
        records: downloads([...HISTORY, ...timeline(SPIKE_HOUR, 10, 4 * MINUTE)], (i) =>
          i < HISTORY.length ? small(i) : 80_000_000,
        ),
      },
    ],
    miss: [
      {
        title: 'A 200 MB hour: far above the median, but below minBytes',
        records: downloads([...HISTORY, ...timeline(SPIKE_HOUR, 10, 4 * MINUTE)], (i) =>
          i < HISTORY.length ? small(i) : 20_000_000,
        ),
      },
      {
        title: 'A nightly restore check that moves 0.1–0.9 GB an hour, then 1.2 GB',
        records: downloads([...HISTORY, ...timeline(SPIKE_HOUR, 2, 20 * MINUTE)], (i) =>
          i < HISTORY.length ? 50_000_000 + ((i * 7) % 9) * 50_000_000 : 600_000_000,
        ),
      },
      {
        title: 'Records without bytesTransferredOut add nothing',
        records: downloads([...HISTORY, ...timeline(SPIKE_HOUR, 10, 4 * MINUTE)], (i) =>
          i < HISTORY.length ? small(i) : 80_000_000,
        ).map((r, i) =>
          i < HISTORY.length
            ? r
            : { ...r, additionalEventData: { SignatureVersion: 'SigV4', bytesTransferredIn: 0 } },
        ),
      },
    ],
  },
});
