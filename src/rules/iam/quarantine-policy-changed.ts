/**
 * `aws.iam.quarantine-policy-changed`: AWS's compromised-key quarantine policy
 * (`AWSCompromisedKeyQuarantine`, `…V2`, `…V3`) attached to or detached from a user or role.
 * AWS attaches it when it finds an access key of the account exposed in public (a GitHub commit, a
 * paste site); detaching it lifts AWS's containment, which an attacker holding the key wants first.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  IDENTITIES,
  reqString,
  shift,
  where,
} from '../lib.js';

function quarantinePolicy(e: ApiEvent): string | undefined {
  const arn = reqString(e, 'policyArn');
  if (arn === undefined) return undefined;
  const m =
    /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?(AWSCompromisedKeyQuarantine[A-Za-z0-9]*)$/.exec(
      arn.trim(),
    );
  return m ? (m[1] as string) : undefined;
}

function target(e: ApiEvent): string {
  const user = reqString(e, 'userName');
  if (user !== undefined) return `user ${user}`;
  const role = reqString(e, 'roleName');
  if (role !== undefined) return `role ${role}`;
  const group = reqString(e, 'groupName');
  return group !== undefined ? `group ${group}` : '(an unnamed principal)';
}

const detached = (e: ApiEvent): boolean => e.eventName.startsWith('Detach');

export default defineApiRule({
  id: 'aws.iam.quarantine-policy-changed',
  title: 'AWS compromised-key quarantine policy attached or removed',
  category: 'iam',
  row: 'IAM-1',
  priority: 'high',
  mitre: ['T1552.001', 'T1078.004'],
  description:
    'AWS attaches its managed policy AWSCompromisedKeyQuarantine (V2, V3) to a user when it finds one ' +
    "of the user's access keys exposed in public, and opens a support case. An attachment is AWS " +
    'telling you that a key of this account is known to the world: the key may already have been ' +
    'used. A detachment removes the containment; unless it follows the documented clean-up (key ' +
    'deleted, activity reviewed), it is what an attacker holding the key does first, and is ' +
    'reported one level higher. Failed calls are reported one level lower. The rule matches the ' +
    'policy ARN exactly, so look-alike customer policies do not match.',
  falsePositives: [
    'The documented clean-up after a leaked key was rotated and its activity reviewed (the detachment then closes the support case).',
  ],
  response: [
    'Read the AWS support case; identify the exposed key and where it was published.',
    'Deactivate and delete the exposed key, and review every call it made (CloudTrail by accessKeyId) for resources created or data read.',
    'If the policy was detached before the key was deleted, treat the detaching identity as compromised.',
    'Remove the key from the public location and rewrite history if it was a repository.',
  ],
  references: [
    'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCompromisedKeyQuarantineV3.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/security-creds.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['iam.amazonaws.com'],
    eventNames: [
      'AttachUserPolicy',
      'AttachRolePolicy',
      'AttachGroupPolicy',
      'DetachUserPolicy',
      'DetachRolePolicy',
      'DetachGroupPolicy',
    ],
  },
  match: (e) => quarantinePolicy(e) !== undefined,
  priorityOf: (e, ctx): Priority =>
    shift(basePriority(ctx, 'high'), (detached(e) ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e) =>
    detached(e)
      ? `${actorName(e)} ${did(e, 'removed', 'remove')} AWS's leaked-key quarantine policy ${quarantinePolicy(e) ?? ''} from ${target(e)} ${where(e)}`
      : `${actorName(e)} ${did(e, 'attached', 'attach')} AWS's leaked-key quarantine policy ${quarantinePolicy(e) ?? ''} to ${target(e)}, a sign AWS found one of its keys exposed, ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'AWSCompromisedKeyQuarantineV2 attached to a user from the console',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AttachUserPolicy',
          identity: 'role',
          userAgent: 'AWS Internal',
          sourceIPAddress: 'AWS Internal',
          requestParameters: {
            policyArn: 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2',
            userName: 'ci-uploader',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'The quarantine policy removed with the leaked key itself',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'DetachUserPolicy',
          identity: IDENTITIES.user,
          sourceIPAddress: '185.220.101.47',
          requestParameters: {
            policyArn: 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3',
            userName: 'alice',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'A customer managed policy whose name only resembles the quarantine policy',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AttachUserPolicy',
          requestParameters: {
            policyArn: 'arn:aws:iam::123456789012:policy/AWSCompromisedKeyQuarantineV2',
            userName: 'ci-uploader',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'An ordinary read-only policy attached',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AttachUserPolicy',
          requestParameters: {
            policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
            userName: 'auditor',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
