/**
 * `aws.data.sensitive-access-outside-hours`: a configured sensitive bucket, secret or KMS key read
 * or used outside the organisation's working hours. Those who may use a crown-jewel resource at
 * all mostly do it by day; a night-time read of the payroll bucket or the production database
 * secret is worth a look even when the reader is allowed.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
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
import {
  automationAssumption,
  hasSensitiveResources,
  isSensitiveBucket,
  isSensitiveKey,
  isSensitiveSecret,
  kmsKeyNames,
  secretName,
} from '../lib/ownership.js';
import { bucketOf, s3Record } from '../lib/s3-records.js';
import type { S3RecordInput } from '../lib/s3-records.js';
import {
  describeWorkingHours,
  isKnownTimeZone,
  localTime,
  withinWorkingHours,
} from '../lib/working-hours.js';

const knobs = {
  anyHourPrincipals: knob(
    z.array(z.string()),
    [],
    'Principal ARN globs (caller or assumed role) expected to use the sensitive resources at any hour, besides automationArns: batch jobs, application roles.',
  ),
};

type Ctx = RuleContext<typeof knobs>;

const S3_CALLS = ['GetObject', 'PutObject', 'CopyObject', 'DeleteObject', 'DeleteObjects'];
const KMS_CALLS = ['Decrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncrypt'];

interface Target {
  kind: 'bucket' | 'secret' | 'KMS key';
  name: string;
  verb: [string, string];
}

function target(e: ApiEvent, ctx: Ctx): Target | undefined {
  const org = ctx.org;
  if (e.eventSource === 's3.amazonaws.com') {
    const bucket = bucketOf(e);
    if (bucket === undefined || !isSensitiveBucket(org, bucket)) return undefined;
    const key = reqString(e, 'key');
    const name = key === undefined ? bucket : `${bucket}/${key}`;
    const verb: [string, string] =
      e.eventName === 'GetObject'
        ? ['read', 'read']
        : e.eventName.startsWith('Delete')
          ? ['deleted', 'delete']
          : ['wrote', 'write'];
    return { kind: 'bucket', name, verb };
  }
  if (e.eventSource === 'secretsmanager.amazonaws.com') {
    const id = reqString(e, 'secretId');
    if (id === undefined || !isSensitiveSecret(org, id)) return undefined;
    return { kind: 'secret', name: secretName(id), verb: ['read', 'read'] };
  }
  const keys = kmsKeyNames(e);
  if (!isSensitiveKey(org, keys)) return undefined;
  const name = keys.find((k) => k.startsWith('arn:')) ?? keys[0] ?? '(unnamed key)';
  return {
    kind: 'KMS key',
    name,
    verb: e.eventName === 'Decrypt' ? ['decrypted with', 'decrypt with'] : ['used', 'use'],
  };
}

function expectedAtAnyHour(e: ApiEvent, ctx: Ctx): boolean {
  return (
    byAwsService(e) ||
    isAutomation(e, ctx.org) ||
    matchesAny(ctx.knobs.anyHourPrincipals, e.actor.arn) ||
    matchesAny(ctx.knobs.anyHourPrincipals, e.actor.sessionIssuerArn)
  );
}

const OFFICE = {
  workingHours: { timeZone: 'Europe/Berlin', start: '08:00', end: '18:00', days: [1, 2, 3, 4, 5] },
  sensitive: {
    buckets: ['acme-payroll-*'],
    secrets: ['prod/db/*'],
    kmsKeys: ['alias/pii-*'],
  },
};

const PAYROLL_READ: S3RecordInput = {
  eventName: 'GetObject',
  identity: 'role',
  bucket: 'acme-payroll-exports',
  key: '2026/02/salaries.csv',
  readOnly: true,
  sourceIPAddress: '85.214.132.117',
  requestParameters: {
    bucketName: 'acme-payroll-exports',
    Host: 'acme-payroll-exports.s3.eu-central-1.amazonaws.com',
    key: '2026/02/salaries.csv',
  },
  awsRegion: 'eu-central-1',
  additionalEventData: {
    SignatureVersion: 'SigV4',
    CipherSuite: 'TLS_AES_128_GCM_SHA256',
    bytesTransferredIn: 0,
    AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': 'Pq4d2eV5cA0xRy4Ns9aT1pP6oU8gW7jL2iH5fM0eX3dC4pO9qR6sT1uV8wY5zA7b',
    bytesTransferredOut: 912_004,
  },
};

/** The scheduled job that exports payroll every night. */
const PAYROLL_JOB: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE26:payroll-nightly',
  arn: 'arn:aws:sts::123456789012:assumed-role/payroll-export-job/payroll-nightly',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPL26',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE26',
      arn: 'arn:aws:iam::123456789012:role/payroll-export-job',
      accountId: '123456789012',
      userName: 'payroll-export-job',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-03-03T02:00:03Z', mfaAuthenticated: 'false' },
  },
};

export default defineApiRule({
  id: 'aws.data.sensitive-access-outside-hours',
  title: 'Sensitive bucket, secret or key used outside working hours',
  category: 'data',
  row: 'DATA-1',
  priority: 'medium',
  mitre: ['T1530', 'T1555.006'],
  description:
    'An object read or written in a bucket listed in organisation.sensitive.buckets (S3 data ' +
    'events: GetObject, PutObject, CopyObject, DeleteObject(s)), a GetSecretValue of a listed ' +
    'secret, or a Decrypt / GenerateDataKey / ReEncrypt under a listed KMS key, at a time outside ' +
    '`organisation.workingHours` (days, start and end in the configured time zone, daylight ' +
    'saving included). Unlike aws.data.sensitive-resource-access, which reports principals not ' +
    'expected to use the resource at all, this rule reports anyone who is not automation, an ' +
    'AWS service or in the `anyHourPrincipals` knob, because an allowed person reading the ' +
    'payroll bucket at 3 a.m. is also worth a question. Failed calls are one level lower ' +
    '(someone tried). Nothing is reported while workingHours or the sensitive resources are not ' +
    'configured, or when the time zone is unknown to the runtime; the finding’s assumptions ' +
    'say which.',
  falsePositives: [
    'On-call engineers, and people in another time zone than the configured one.',
    'Scheduled jobs running as a person or as a role not listed in anyHourPrincipals.',
  ],
  response: [
    'Ask the principal’s owner whether they were working then and why they needed the resource.',
    'If not explained: revoke the sessions or keys, and treat what was read as exposed (rotate the secret, review the objects).',
    'List legitimate night-time jobs in anyHourPrincipals or automationArns.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-cloudtrail.html',
    'https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html',
  ],
  knobs,
  assumptions: (ctx) => {
    const out: string[] = [];
    const hours = ctx.org.workingHours;
    if (hours === undefined) {
      out.push(
        'organisation.workingHours is not configured: there are no odd hours, so this rule reports nothing.',
      );
    } else if (!isKnownTimeZone(hours.timeZone)) {
      out.push(
        `organisation.workingHours.timeZone ${JSON.stringify(hours.timeZone)} is not a time zone ` +
          'this Node runtime knows: working hours are not checked.',
      );
    }
    if (!hasSensitiveResources(ctx.org)) {
      out.push(
        'No sensitive buckets, secrets or KMS keys configured (organisation.sensitive): this rule does nothing until some are listed.',
      );
    }
    return [...out, ...automationAssumption(ctx.org)];
  },
  kind: 'match',
  on: {
    eventSource: ['s3.amazonaws.com', 'secretsmanager.amazonaws.com', 'kms.amazonaws.com'],
    eventNames: [...S3_CALLS, 'GetSecretValue', ...KMS_CALLS],
  },
  match: (e, ctx) => {
    const hours = ctx.org.workingHours;
    return (
      hours !== undefined &&
      hasSensitiveResources(ctx.org) &&
      withinWorkingHours(e.time, hours) === false &&
      target(e, ctx) !== undefined &&
      !expectedAtAnyHour(e, ctx)
    );
  },
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'medium'), failed(e) ? -1 : 0),
  key: (e, ctx) =>
    `${e.actor.sessionIssuerArn ?? e.actor.arn ?? e.actor.principalId ?? 'unknown'}|${target(e, ctx)?.kind ?? ''}`,
  summary: (e, ctx) => {
    const t = target(e, ctx);
    const [past, inf] = t?.verb ?? ['used', 'use'];
    const hours = ctx.org.workingHours;
    const local = hours === undefined ? undefined : localTime(e.time, hours.timeZone);
    const when = local === undefined ? 'at an unknown local time' : `at ${local.text} local time`;
    const window = hours === undefined ? '' : ` (working hours ${describeWorkingHours(hours)})`;
    return (
      `${actorName(e)} ${did(e, past, inf)} sensitive ${t?.kind ?? 'resource'} ` +
      `${t?.name ?? ''} ${when}, outside working hours${window}, ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'The payroll export read at 03:12 on a Tuesday in Berlin',
        config: { organisation: OFFICE },
        record: s3Record({ ...PAYROLL_READ, eventTime: '2026-03-03T02:12:44Z' }),
      },
      {
        title: 'The production database secret read on a Sunday afternoon',
        config: { organisation: OFFICE },
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'GetSecretValue',
          eventTime: '2026-03-08T14:30:00Z',
          awsRegion: 'eu-central-1',
          readOnly: true,
          userAgent: USER_AGENTS.cli,
          requestParameters: {
            secretId:
              'arn:aws:secretsmanager:eu-central-1:123456789012:secret:prod/db/master-AbCdEf',
          },
        }),
      },
      {
        title: 'A refused Decrypt under a PII key at 22:40',
        config: { organisation: OFFICE },
        record: ctRecord({
          eventSource: 'kms.amazonaws.com',
          eventName: 'Decrypt',
          eventTime: '2026-03-04T21:40:00Z',
          awsRegion: 'eu-central-1',
          readOnly: true,
          userAgent: USER_AGENTS.boto3,
          errorCode: 'AccessDeniedException',
          errorMessage:
            'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-central-1:123456789012:key/5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f because no identity-based policy allows the kms:Decrypt action',
          requestParameters: {
            keyId: 'alias/pii-customers',
            encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          },
          resources: [
            {
              accountId: '123456789012',
              type: 'AWS::KMS::Key',
              ARN: 'arn:aws:kms:eu-central-1:123456789012:key/5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
            },
          ],
        }),
      },
    ],
    miss: [
      {
        title: 'The same payroll read at 10:12 on a Tuesday',
        config: { organisation: OFFICE },
        record: s3Record({ ...PAYROLL_READ, eventTime: '2026-03-03T09:12:44Z' }),
      },
      {
        title: 'A night-time read with no working hours configured',
        config: { organisation: { sensitive: OFFICE.sensitive } },
        record: s3Record({ ...PAYROLL_READ, eventTime: '2026-03-03T02:12:44Z' }),
      },
      {
        title: 'The nightly payroll job, listed in anyHourPrincipals',
        config: {
          organisation: OFFICE,
          rules: {
            'aws.data.sensitive-access-outside-hours': {
              knobs: {
                anyHourPrincipals: ['arn:aws:iam::123456789012:role/payroll-export-job'],
              },
            },
          },
        },
        record: s3Record({
          ...PAYROLL_READ,
          identity: PAYROLL_JOB,
          userAgent: USER_AGENTS.boto3,
          eventTime: '2026-03-03T02:12:44Z',
        }),
      },
      {
        title: 'A night-time read of a bucket that is not sensitive',
        config: { organisation: OFFICE },
        record: s3Record({
          ...PAYROLL_READ,
          bucket: 'acme-marketing-assets',
          key: 'banner.png',
          requestParameters: {
            bucketName: 'acme-marketing-assets',
            Host: 'acme-marketing-assets.s3.eu-central-1.amazonaws.com',
            key: 'banner.png',
          },
          eventTime: '2026-03-03T02:12:44Z',
        }),
      },
    ],
  },
});
