/**
 * `aws.iam.mfa-device-removed`: an MFA device deactivated (DeactivateMFADevice) or a virtual MFA
 * device deleted (DeleteVirtualMFADevice). Removing someone else's MFA, or root's, is the step
 * before taking over the account with a known or reset password.
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
  isAutomation,
  reqString,
  shift,
  where,
} from '../lib.js';
import {
  actsOnAnotherUser,
  automationAssumption,
  IAM_IDENTITIES,
  targetUserName,
} from '../lib/iam-principals.js';

/** Root's device: its serial is `…:mfa/root-account-mfa-device`, or root acts without a user name. */
function rootDevice(e: ApiEvent): boolean {
  const serial = reqString(e, 'serialNumber') ?? '';
  if (/:mfa\/root-account-mfa-device$/.test(serial)) return true;
  return e.actor.type === 'Root' && targetUserName(e) === undefined;
}

function whose(e: ApiEvent): 'root' | 'another' | 'own' {
  if (rootDevice(e)) return 'root';
  return actsOnAnotherUser(e) ? 'another' : 'own';
}

export default defineApiRule({
  id: 'aws.iam.mfa-device-removed',
  title: 'MFA device deactivated or deleted',
  category: 'iam',
  row: null,
  priority: 'medium',
  mitre: ['T1556.006', 'T1098'],
  description:
    "DeactivateMFADevice or DeleteVirtualMFADevice. The root user's device (serial " +
    'root-account-mfa-device, or root acting without a user name) is reported one level above the ' +
    "rule priority; another user's device (an IAM user naming someone else, or a role or federated " +
    'session naming any user) at the rule priority; a user removing its own device, which people do ' +
    'when they replace a phone, one level lower. DeleteVirtualMFADevice names no user, so it counts ' +
    "as the caller's own unless the serial is root's. Calls by the configured automation and failed " +
    'calls are lowered one level each.',
  falsePositives: [
    'Help-desk removal of a lost device, normally followed by EnableMFADevice for the same user.',
    'Users re-registering their own device.',
  ],
  response: [
    'Confirm with the device owner; check for EnableMFADevice soon after (a replacement) or a password change and sign-in instead (a takeover).',
    'If unexpected, re-enroll MFA for the user, reset its password, and investigate the caller.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeactivateMFADevice.html',
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteVirtualMFADevice.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['iam.amazonaws.com'],
    eventNames: ['DeactivateMFADevice', 'DeleteVirtualMFADevice'],
  },
  match: () => true,
  priorityOf: (e, ctx): Priority => {
    const w = whose(e);
    let steps = w === 'root' ? 1 : w === 'another' ? 0 : -1;
    if (isAutomation(e, ctx.org)) steps -= 1;
    if (failed(e)) steps -= 1;
    return shift(basePriority(ctx, 'medium'), steps);
  },
  summary: (e) => {
    const w = whose(e);
    const serial = reqString(e, 'serialNumber') ?? '(unnamed)';
    const device =
      w === 'root'
        ? `the root user's MFA device ${serial}`
        : w === 'another'
          ? `MFA device ${serial} of user ${targetUserName(e) ?? '(unnamed)'}`
          : `its own MFA device ${serial}`;
    const verb =
      e.eventName === 'DeactivateMFADevice' ? ['deactivated', 'deactivate'] : ['deleted', 'delete'];
    return `${actorName(e)} ${did(e, verb[0] as string, verb[1] as string)} ${device} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: "A role session deactivates an administrator's MFA device",
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'DeactivateMFADevice',
          identity: IDENTITIES.role,
          requestParameters: {
            userName: 'dave',
            serialNumber: 'arn:aws:iam::123456789012:mfa/dave-phone',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: "Root's virtual MFA device deleted",
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'DeleteVirtualMFADevice',
          identity: IAM_IDENTITIES.root,
          userAgent: 'AWS Internal',
          requestParameters: {
            serialNumber: 'arn:aws:iam::123456789012:mfa/root-account-mfa-device',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A user deactivates its own device',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'DeactivateMFADevice',
          requestParameters: {
            userName: 'alice',
            serialNumber: 'arn:aws:iam::123456789012:mfa/alice',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'An MFA device enabled',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'EnableMFADevice',
          requestParameters: {
            userName: 'alice',
            serialNumber: 'arn:aws:iam::123456789012:mfa/alice',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
