/**
 * `aws.data.s3-public-acl`: a bucket or object ACL that grants the AllUsers (anyone) or
 * AuthenticatedUsers (any AWS account) group, through an explicit grant in the
 * AccessControlPolicy, an `x-amz-grant-*` header, or a canned ACL such as `public-read`.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  at,
  basePriority,
  ctRecord,
  did,
  failed,
  list,
  names,
  reqString,
  shift,
  str,
  strings,
  USER_AGENTS,
  where,
} from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { bucketOf, s3Param } from '../lib/s3-records.js';

const GROUPS: Record<string, string> = {
  'http://acs.amazonaws.com/groups/global/AllUsers': 'everyone',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers': 'any AWS account',
};
const CANNED: Record<string, string> = {
  'public-read': 'everyone',
  'public-read-write': 'everyone',
  'authenticated-read': 'any AWS account',
};
const GRANT_HEADERS: Record<string, string> = {
  'x-amz-grant-read': 'READ',
  'x-amz-grant-write': 'WRITE',
  'x-amz-grant-read-acp': 'READ_ACP',
  'x-amz-grant-write-acp': 'WRITE_ACP',
  'x-amz-grant-full-control': 'FULL_CONTROL',
};

interface Grant {
  who: string;
  permission: string;
}

function groupOf(uri: string | undefined): string | undefined {
  return uri !== undefined && Object.hasOwn(GROUPS, uri) ? GROUPS[uri] : undefined;
}

function publicGrants(e: ApiEvent): Grant[] {
  const out: Grant[] = [];
  const acl = at(e.request, 'AccessControlPolicy', 'AccessControlList', 'Grant');
  for (const g of list(acl)) {
    const who = groupOf(str(g, 'Grantee', 'URI'));
    if (who !== undefined) out.push({ who, permission: str(g, 'Permission') ?? 'READ' });
  }
  const canned = s3Param(e.request, 'x-amz-acl');
  if (canned !== undefined && Object.hasOwn(CANNED, canned)) {
    out.push({ who: CANNED[canned] as string, permission: canned });
  }
  for (const [header, permission] of Object.entries(GRANT_HEADERS)) {
    // `uri="http://acs.amazonaws.com/groups/global/AllUsers", id="…"`
    for (const v of strings(e.request, header).flatMap((h) => h.split(','))) {
      const m = /uri\s*=\s*"?([^",\s]+)"?/i.exec(v);
      const who = groupOf(m?.[1]);
      if (who !== undefined && !out.some((g) => g.who === who && g.permission === permission)) {
        out.push({ who, permission });
      }
    }
  }
  return out;
}

function writes(grants: readonly Grant[]): boolean {
  return grants.some((g) => /WRITE|FULL_CONTROL|public-read-write/.test(g.permission));
}

function target(e: ApiEvent): string {
  const bucket = bucketOf(e) ?? '(unnamed bucket)';
  const key = reqString(e, 'key');
  return key === undefined ? `bucket ${bucket}` : `object ${bucket}/${key}`;
}

function aclRecord(
  eventName: string,
  bucket: string,
  request: JsonObject,
  extra: Partial<CtRecordInput> = {},
): JsonObject {
  return ctRecord({
    eventSource: 's3.amazonaws.com',
    eventName,
    requestParameters: {
      bucketName: bucket,
      Host: `${bucket}.s3.us-east-1.amazonaws.com`,
      acl: '',
      ...request,
    },
    resources: [
      { accountId: '123456789012', type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    host: `${bucket}.s3.us-east-1.amazonaws.com`,
    requestID: 'B6D9F2H5J8L1N4Q7',
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.data.s3-public-acl',
  title: 'S3 bucket or object ACL grants public access',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1530'],
  description:
    'A PutBucketAcl, PutObjectAcl or CreateBucket call granted the AllUsers group (anyone on the ' +
    'internet) or the AuthenticatedUsers group (anyone with any AWS account) through a Grant in ' +
    'the AccessControlPolicy, an x-amz-grant-* header, or a canned ACL (`x-amz-acl`: ' +
    'public-read, public-read-write, authenticated-read; logged as a string or a one-element ' +
    'list). WRITE, WRITE_ACP, FULL_CONTROL and public-read-write are one level higher; object ' +
    'ACLs (one object) are one level lower. Failed calls (often AccessControlListNotSupported ' +
    'or blocked by Block Public Access) are one level lower as attempts.',
  falsePositives: ['Legacy static websites that still publish objects through ACLs.'],
  response: [
    'Replace the ACL with a private one (PutBucketAcl / PutObjectAcl with x-amz-acl private) and set Object Ownership to BucketOwnerEnforced to disable ACLs.',
    'Turn Block Public Access on for the bucket and the account.',
    'Review access logs for anonymous requests since the change.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#specifying-grantee-predefined-groups',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['s3.amazonaws.com'],
    eventNames: ['PutBucketAcl', 'PutObjectAcl', 'CreateBucket'],
  },
  match: (e) => publicGrants(e).length > 0,
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'high'),
      (writes(publicGrants(e)) ? 1 : 0) -
        (e.eventName === 'PutObjectAcl' ? 1 : 0) -
        (failed(e) ? 1 : 0),
    ),
  summary: (e) => {
    const grants = publicGrants(e).map((g) => `${g.permission} to ${g.who}`);
    return `${actorName(e)} ${did(e, 'granted', 'grant')} ${names(grants)} on ${target(e)} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'READ for AllUsers in an explicit grant',
        record: aclRecord('PutBucketAcl', 'acme-reports', {
          AccessControlPolicy: {
            AccessControlList: {
              Grant: [
                {
                  Grantee: {
                    'xsi:type': 'CanonicalUser',
                    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
                    ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
                  },
                  Permission: 'FULL_CONTROL',
                },
                {
                  Grantee: {
                    'xsi:type': 'Group',
                    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
                    URI: 'http://acs.amazonaws.com/groups/global/AllUsers',
                  },
                  Permission: 'READ',
                },
              ],
            },
            xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
            Owner: { ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' },
          },
        }),
      },
      {
        title: 'The canned public-read-write ACL, logged as a list',
        record: aclRecord(
          'PutBucketAcl',
          'acme-uploads',
          { 'x-amz-acl': ['public-read-write'] },
          { identity: 'role', userAgent: USER_AGENTS.cli },
        ),
      },
      {
        title: 'An object opened to any AWS account',
        record: aclRecord('PutObjectAcl', 'acme-reports', {
          key: 'q4/board-deck.pdf',
          'x-amz-acl': 'authenticated-read',
        }),
      },
    ],
    miss: [
      {
        title: 'A private canned ACL',
        record: aclRecord('PutBucketAcl', 'acme-reports', { 'x-amz-acl': ['private'] }),
      },
      {
        title: 'A grant to the log delivery group',
        record: aclRecord('PutBucketAcl', 'acme-access-logs', {
          AccessControlPolicy: {
            AccessControlList: {
              Grant: {
                Grantee: {
                  'xsi:type': 'Group',
                  'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
                  URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery',
                },
                Permission: 'WRITE',
              },
            },
            xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
            Owner: { ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' },
          },
        }),
      },
    ],
  },
});
