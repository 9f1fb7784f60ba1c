/**
 * `aws.iam.root-account-used`: an API call made as the root user. Root cannot be limited by IAM;
 * day-to-day work belongs to roles, so any root activity outside sign-in deserves an explanation.
 * Calls AWS services make on root's behalf (`invokedBy`) and service events are left out.
 */
import { z } from 'zod';
import type { Priority } from '../../config/schema.js';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
import { actorName, basePriority, ctRecord, failed, shift, where } from '../lib.js';
import { IAM_IDENTITIES } from '../lib/iam-principals.js';

/** Root events other rules report: sign-in events and root key creation. */
function reportedElsewhere(e: ApiEvent): boolean {
  return (
    e.eventSource === 'signin.amazonaws.com' ||
    (e.eventSource === 'iam.amazonaws.com' && e.eventName === 'CreateAccessKey')
  );
}

const knobs = {
  ignoreEventNames: knob(
    z.array(z.string()),
    [],
    'Event names (globs) of root activity not to report, for accounts where root is used on purpose for some task (for example "Get*Billing*").',
  ),
};

export default defineApiRule({
  id: 'aws.iam.root-account-used',
  title: 'Root user API activity',
  category: 'iam',
  row: null,
  priority: 'high',
  mitre: ['T1078.004'],
  description:
    'Any CloudTrail event whose userIdentity.type is Root, except service events (eventType ' +
    "AwsServiceEvent), calls an AWS service made on root's behalf (userIdentity.invokedBy set), and " +
    'events other rules report (console sign-in and password recovery: aws.iam.root-console-login, ' +
    'aws.iam.root-password-recovery; root access keys: aws.iam.root-access-key-created). Read-only ' +
    'calls and failed calls are reported one level lower each: looking around as root matters less ' +
    'than changing things. Findings group per root principal over the findings window, so a root ' +
    'session becomes one finding with its events as evidence. Event names in the `ignoreEventNames` ' +
    'knob are not reported.',
  falsePositives: [
    'Tasks only root can do: closing the account, changing the support plan, restoring IAM access, some billing settings.',
  ],
  response: [
    'Identify the person who used root and the reason; compare with the root credential custody process.',
    'Review every event of the root session (the finding lists them) for IAM changes, new keys and disabled controls.',
    'If unexplained, rotate the root password, verify the MFA device and check for root access keys.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html',
  ],
  knobs,
  kind: 'match',
  on: { eventNames: '*' },
  match: (e, ctx) =>
    e.actor.type === 'Root' &&
    e.eventType !== 'AwsServiceEvent' &&
    e.actor.invokedBy === undefined &&
    !reportedElsewhere(e) &&
    !matchesAny(ctx.knobs.ignoreEventNames, e.eventName),
  priorityOf: (e, ctx): Priority =>
    shift(basePriority(ctx, 'high'), -(e.readOnly === true ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e) =>
    `${actorName(e)} ${failed(e) ? 'tried to call' : 'called'} ${e.eventName} on ` +
    `${e.eventSource.replace(/\.amazonaws\.com$/, '')} as the root user ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'Root deletes a trail from the console',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'DeleteTrail',
          identity: IAM_IDENTITIES.root,
          userAgent: 'AWS Internal',
          requestParameters: { name: 'org-trail' },
        }),
      },
      {
        title: 'Root lists users with a long-term root key',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'ListUsers',
          identity: {
            type: 'Root',
            principalId: '123456789012',
            arn: 'arn:aws:iam::123456789012:root',
            accountId: '123456789012',
            accessKeyId: 'AKIA4XJ7LBQ5EXAMPLED',
          },
          readOnly: true,
          requestParameters: null,
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: "An AWS service acting on root's behalf (invokedBy)",
        record: ctRecord({
          eventSource: 'kms.amazonaws.com',
          eventName: 'Decrypt',
          identity: {
            type: 'Root',
            principalId: '123456789012',
            arn: 'arn:aws:iam::123456789012:root',
            accountId: '123456789012',
            invokedBy: 'support.amazonaws.com',
          },
          sourceIPAddress: 'support.amazonaws.com',
          userAgent: 'support.amazonaws.com',
          readOnly: true,
          requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
        }),
      },
      {
        title: 'An IAM user deletes a trail',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'DeleteTrail',
          requestParameters: { name: 'org-trail' },
        }),
      },
    ],
  },
});
