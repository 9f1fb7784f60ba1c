/**
 * STS records for rule examples: `AssumeRole` as CloudTrail logs it in the caller's account (the
 * caller's full identity, the new session's temporary key in `responseElements`, the role in
 * `resources`), and `GetSessionToken` / `GetFederationToken`. The stateful rules' stories are
 * sequences of these; the ids in them are derived from the inputs so the generated docs are stable.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../model/event.js';
import { ctRecord, USER_AGENTS } from '../lib.js';
import { accountOfArn, lastSegment } from './caller.js';

/** A temporary key id (`ASIA…`, 20 characters) derived from `seed`. */
export function sessionKeyId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex').toUpperCase();
  return `ASIA${h.replace(/[^A-Z0-9]/g, '').slice(0, 16)}`;
}

/** `Jan 2, 2026, 4:04:05 AM`: how STS responses write the expiration. */
function stsTime(iso: string, addSeconds: number): string {
  const d = new Date(Date.parse(iso) + addSeconds * 1000);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const h = d.getUTCHours();
  const hh = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${hh}:${mm}:${ss} ${h < 12 ? 'AM' : 'PM'}`;
}

export interface AssumeRoleInput {
  identity: JsonObject;
  roleArn: string;
  roleSessionName: string;
  eventTime: string;
  sourceIPAddress?: string;
  userAgent?: string;
  durationSeconds?: number;
  awsRegion?: string;
  /** A denied call: logged with no request parameters or response, the role in the message. */
  denied?: boolean;
}

/** A complete `AssumeRole` record from the caller's side. */
export function assumeRoleRecord(input: AssumeRoleInput): JsonObject {
  const roleAccount = accountOfArn(input.roleArn) ?? '123456789012';
  const roleName = lastSegment(input.roleArn);
  const duration = input.durationSeconds ?? 3600;
  const base = {
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    identity: input.identity,
    eventTime: input.eventTime,
    sourceIPAddress: input.sourceIPAddress ?? '203.0.113.24',
    userAgent: input.userAgent ?? USER_AGENTS.cli,
    readOnly: true,
    host: 'sts.amazonaws.com',
    ...(input.awsRegion === undefined ? {} : { awsRegion: input.awsRegion }),
  };
  if (input.denied === true) {
    const who = typeof input.identity.arn === 'string' ? input.identity.arn : 'the caller';
    return ctRecord({
      ...base,
      errorCode: 'AccessDenied',
      errorMessage: `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`,
      requestParameters: null,
    });
  }
  const key = sessionKeyId(`${input.roleArn}|${input.roleSessionName}|${input.eventTime}`);
  const roleId = `AROA${sessionKeyId(input.roleArn).slice(4, 20)}`;
  return ctRecord({
    ...base,
    requestParameters: {
      roleArn: input.roleArn,
      roleSessionName: input.roleSessionName,
      durationSeconds: duration,
    },
    responseElements: {
      credentials: {
        accessKeyId: key,
        sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
        expiration: stsTime(input.eventTime, duration),
      },
      assumedRoleUser: {
        assumedRoleId: `${roleId}:${input.roleSessionName}`,
        arn: `arn:aws:sts::${roleAccount}:assumed-role/${roleName}/${input.roleSessionName}`,
      },
    },
    resources: [{ accountId: roleAccount, type: 'AWS::IAM::Role', ARN: input.roleArn }],
  });
}

/**
 * The `userIdentity` of a session of `roleArn`, as calls made with the credentials an AssumeRole
 * handed out show it.
 */
export function roleSessionIdentity(
  roleArn: string,
  session: string,
  accessKeyId: string,
  creationDate = '2026-01-02T02:51:17Z',
): JsonObject {
  const account = accountOfArn(roleArn) ?? '123456789012';
  const roleName = lastSegment(roleArn);
  const roleId = `AROA${sessionKeyId(roleArn).slice(4, 20)}`;
  return {
    type: 'AssumedRole',
    principalId: `${roleId}:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`,
    accountId: account,
    accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: roleArn,
        accountId: account,
        userName: roleName,
      },
      webIdFederationData: {},
      attributes: { creationDate, mfaAuthenticated: 'false' },
    },
  };
}

export interface SessionTokenInput {
  identity: JsonObject;
  eventTime: string;
  eventName?: 'GetSessionToken' | 'GetFederationToken';
  sourceIPAddress?: string;
  userAgent?: string;
  /** GetFederationToken: the federated user's name. */
  name?: string;
  /** GetSessionToken: an MFA device serial number. */
  serialNumber?: string;
}

/** A complete `GetSessionToken` or `GetFederationToken` record. */
export function sessionTokenRecord(input: SessionTokenInput): JsonObject {
  const eventName = input.eventName ?? 'GetSessionToken';
  const account =
    typeof input.identity.accountId === 'string' ? input.identity.accountId : '123456789012';
  const key = sessionKeyId(`${eventName}|${input.eventTime}|${JSON.stringify(input.identity)}`);
  const expiration = stsTime(input.eventTime, 43_200);
  const credentials = {
    accessKeyId: key,
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
    expiration,
  };
  const name = input.name ?? 'federated-user';
  return ctRecord({
    eventSource: 'sts.amazonaws.com',
    eventName,
    identity: input.identity,
    eventTime: input.eventTime,
    sourceIPAddress: input.sourceIPAddress ?? '203.0.113.24',
    userAgent: input.userAgent ?? USER_AGENTS.cli,
    readOnly: true,
    host: 'sts.amazonaws.com',
    requestParameters:
      eventName === 'GetSessionToken'
        ? {
            durationSeconds: 43_200,
            ...(input.serialNumber === undefined ? {} : { serialNumber: input.serialNumber }),
          }
        : {
            name,
            durationSeconds: 43_200,
            policy:
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
          },
    responseElements:
      eventName === 'GetSessionToken'
        ? { credentials }
        : {
            credentials,
            federatedUser: {
              federatedUserId: `${account}:${name}`,
              arn: `arn:aws:sts::${account}:federated-user/${name}`,
            },
            packedPolicySize: 6,
          },
  });
}
