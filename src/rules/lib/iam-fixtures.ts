/**
 * IAM records for the stories of the stateful IAM rules, shaped as CloudTrail logs them (the
 * Invictus dataset's Stratus Red Team runs show the same fields): CreateUser, CreateAccessKey,
 * CreateLoginProfile, AttachUserPolicy / AttachRolePolicy, PutUserPolicy / PutRolePolicy,
 * AddUserToGroup, and any other IAM call. IAM is a global service: its calls are logged in
 * us-east-1 against the `iam.amazonaws.com` endpoint.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../model/event.js';
import { ctRecord, EXAMPLE_ACCOUNT, USER_AGENTS } from '../lib.js';

/** Who acts, when, and from where; the rest of the record is filled in. */
export interface IamCall {
  identity: JsonObject;
  eventTime: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
}

/** `Jan 2, 2026 3:04:05 AM`: how IAM responses write dates. */
function iamDate(iso: string): string {
  const d = new Date(Date.parse(iso));
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const h = d.getUTCHours();
  const hh = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${hh}:${mm}:${ss} ${h < 12 ? 'AM' : 'PM'}`;
}

/** An id of IAM's shape (`AIDA…`, `AKIA…`) derived from `seed`. */
function iamId(prefix: string, seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex').toUpperCase();
  return `${prefix}${h.replace(/[^A-Z0-9]/g, '').slice(0, 16)}`;
}

/** Any IAM call; `readOnly` as CloudTrail sets it for the call. */
export function iamRecord(
  call: IamCall,
  eventName: string,
  requestParameters: JsonObject | null,
  responseElements: JsonObject | null = null,
  readOnly = false,
): JsonObject {
  return ctRecord({
    eventSource: 'iam.amazonaws.com',
    eventName,
    identity: call.identity,
    eventTime: call.eventTime,
    awsRegion: 'us-east-1',
    sourceIPAddress: call.sourceIPAddress ?? '203.0.113.24',
    userAgent: call.userAgent ?? USER_AGENTS.cli,
    requestParameters,
    // A failed call has no response.
    responseElements: call.errorCode === undefined ? responseElements : null,
    readOnly,
    host: 'iam.amazonaws.com',
    ...(call.errorCode === undefined ? {} : { errorCode: call.errorCode }),
    ...(call.errorMessage === undefined ? {} : { errorMessage: call.errorMessage }),
  });
}

export function createUserRecord(call: IamCall, userName: string): JsonObject {
  return iamRecord(
    call,
    'CreateUser',
    { path: '/', userName },
    {
      user: {
        path: '/',
        userName,
        userId: iamId('AIDA', userName),
        arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/${userName}`,
        createDate: iamDate(call.eventTime),
      },
    },
  );
}

export function createAccessKeyRecord(call: IamCall, userName: string): JsonObject {
  return iamRecord(
    call,
    'CreateAccessKey',
    { userName },
    {
      accessKey: {
        accessKeyId: iamId('AKIA', `${userName}|${call.eventTime}`),
        status: 'Active',
        userName,
        createDate: iamDate(call.eventTime),
      },
    },
  );
}

export function createLoginProfileRecord(call: IamCall, userName: string): JsonObject {
  return iamRecord(
    call,
    'CreateLoginProfile',
    { passwordResetRequired: false, userName },
    {
      loginProfile: {
        passwordResetRequired: false,
        userName,
        createDate: iamDate(call.eventTime),
      },
    },
  );
}

/** AttachUserPolicy or AttachRolePolicy, by the kind of `target`. */
export function attachPolicyRecord(
  call: IamCall,
  target: { userName: string } | { roleName: string },
  policyArn: string,
): JsonObject {
  const eventName = 'userName' in target ? 'AttachUserPolicy' : 'AttachRolePolicy';
  return iamRecord(call, eventName, { ...target, policyArn });
}

/** PutUserPolicy or PutRolePolicy; the document as the JSON string CloudTrail logs. */
export function putPolicyRecord(
  call: IamCall,
  target: { userName: string } | { roleName: string },
  policyName: string,
  document: JsonObject,
): JsonObject {
  const eventName = 'userName' in target ? 'PutUserPolicy' : 'PutRolePolicy';
  return iamRecord(call, eventName, {
    ...target,
    policyDocument: JSON.stringify(document),
    policyName,
  });
}

export function addUserToGroupRecord(
  call: IamCall,
  userName: string,
  groupName: string,
): JsonObject {
  return iamRecord(call, 'AddUserToGroup', { groupName, userName });
}
