/**
 * S3 records as data rules read them. S3 logs request headers among `requestParameters`, some as
 * strings and some as one-element lists (`"x-amz-acl": ["public-read"]`), names the bucket in
 * `bucketName` and, for data events, lists the bucket with its owner's account in `resources[]`.
 * Also `s3Record`, which builds S3 data-event examples (ctRecord builds management events).
 */
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { at, ctRecord, str, strings } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { parsePolicy } from './resource-policy.js';

/** A request header or parameter as a string, taking the first element of a logged list. */
export function s3Param(o: JsonObject | undefined, name: string): string | undefined {
  const v = at(o, name);
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  return strings(o, name)[0];
}

export function bucketOf(e: ApiEvent): string | undefined {
  return str(e.request, 'bucketName');
}

/** A PutBucketPolicy's policy, logged as `bucketPolicy` (an object, or a string in some exports). */
export function bucketPolicy(e: ApiEvent): JsonObject | undefined {
  return parsePolicy(at(e.request, 'bucketPolicy')) ?? parsePolicy(at(e.request, 'policy'));
}

/** The account that owns `bucket`, as CloudTrail lists it in `resources[]`. */
export function bucketOwner(e: ApiEvent, bucket: string | undefined): string | undefined {
  if (bucket === undefined) return undefined;
  const arn = `arn:aws:s3:::${bucket}`;
  for (const r of e.resources) {
    if (str(r, 'type') === 'AWS::S3::Bucket' && str(r, 'ARN') === arn) {
      return str(r, 'accountId');
    }
  }
  return undefined;
}

/** `bucket/key` of the copy source, without a leading slash, URL-decoded where possible. */
export function copySource(e: ApiEvent): string | undefined {
  const raw = s3Param(e.request, 'x-amz-copy-source');
  if (raw === undefined) return undefined;
  let v = raw.startsWith('/') ? raw.slice(1) : raw;
  try {
    v = decodeURIComponent(v);
  } catch {
    // Keep the logged form when it is not valid percent-encoding.
  }
  const q = v.indexOf('?versionId=');
  return q >= 0 ? v.slice(0, q) : v;
}

/**
 * True when the object is encrypted with a customer-provided key (SSE-C): the request or response
 * carries the customer-algorithm header, or `additionalEventData.SSEApplied` says `SSE_C`.
 */
export function usesSseC(e: ApiEvent): boolean {
  const h = 'x-amz-server-side-encryption-customer-algorithm';
  return (
    s3Param(e.request, h) !== undefined ||
    s3Param(e.response, h) !== undefined ||
    str(e.additional, 'SSEApplied') === 'SSE_C'
  );
}

/** The KMS key named for SSE-KMS, from the request or, when the bucket default applied, the response. */
export function sseKmsKey(e: ApiEvent): string | undefined {
  const h = 'x-amz-server-side-encryption-aws-kms-key-id';
  return s3Param(e.request, h) ?? s3Param(e.response, h);
}

/** Parts of an S3 data event; the rest is filled in as S3 writes it. */
export interface S3RecordInput extends Omit<CtRecordInput, 'eventSource' | 'resources'> {
  bucket: string;
  /** The object key, when the call names one. */
  key?: string;
  /** The bucket owner CloudTrail lists in `resources[]`; default the example account. */
  bucketOwner?: string | null;
  /** More resources (the copy source of CopyObject). */
  extraResources?: JsonObject[];
}

/**
 * A complete S3 data-event record: short request id, `Data` category, the bucket host, and the
 * object and bucket in `resources[]`.
 */
export function s3Record(input: S3RecordInput): JsonObject {
  const { bucket, key, bucketOwner: owner, extraResources, ...rest } = input;
  const resources: JsonObject[] = [];
  if (key !== undefined) {
    resources.push({ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` });
  }
  const bucketResource: JsonObject = { type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` };
  if (owner !== null) {
    resources.push({ accountId: owner ?? '123456789012', ...bucketResource });
  } else {
    resources.push(bucketResource);
  }
  resources.push(...(extraResources ?? []));
  const host = `${bucket}.s3.${rest.awsRegion ?? 'us-east-1'}.amazonaws.com`;
  const record = ctRecord({
    ...rest,
    eventSource: 's3.amazonaws.com',
    requestID: rest.requestID ?? 'Q8R2V7K1N4M6P3T5',
    host,
    resources,
  });
  return { ...record, managementEvent: false, eventCategory: 'Data' };
}
