/**
 * `aws.data.secret-scheduled-for-deletion`: a Secrets Manager secret deleted. DeleteSecret only
 * schedules the deletion (7 to 30 days, restorable with RestoreSecret) unless the caller forces it
 * with `forceDeleteWithoutRecovery`; a forced or short-window deletion of the secrets applications
 * depend on is an outage, and of a secret that is the only copy of a credential, data loss.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  bool,
  byAwsService,
  ctRecord,
  did,
  failed,
  isAutomation,
  num,
  reqString,
  shift,
  str,
  USER_AGENTS,
  where,
} from '../lib.js';
import { automationAssumption, isSensitiveSecret, secretName } from '../lib/ownership.js';

const knobs = {
  minRecoveryDays: knob(
    z.number().int().min(7).max(31),
    14,
    "A recovery window shorter than this many days is reported like a forced deletion (one level above the rule's priority); Secrets Manager allows 7 to 30 and defaults to 30.",
  ),
};

type Ctx = RuleContext<typeof knobs>;

function secretOf(e: ApiEvent): string {
  const id = reqString(e, 'secretId') ?? str(e.response, 'aRN');
  return id === undefined ? '(unnamed)' : secretName(id);
}

function forced(e: ApiEvent): boolean {
  return bool(e.request, 'forceDeleteWithoutRecovery') === true;
}

function windowDays(e: ApiEvent): number | undefined {
  return num(e.request, 'recoveryWindowInDays');
}

function unrecoverable(e: ApiEvent, ctx: Ctx): boolean {
  const days = windowDays(e);
  return forced(e) || (days !== undefined && days < ctx.knobs.minRecoveryDays);
}

function sensitive(e: ApiEvent, ctx: Ctx): boolean {
  return isSensitiveSecret(ctx.org, reqString(e, 'secretId') ?? str(e.response, 'aRN'));
}

function deletionRecord(
  secretId: string,
  name: string,
  params: { forceDeleteWithoutRecovery?: boolean; recoveryWindowInDays?: number },
  extra: { identity?: 'user' | 'role' | 'ci'; userAgent?: string; deletionDate?: string } = {},
) {
  return ctRecord({
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'DeleteSecret',
    eventVersion: '1.08',
    requestParameters: { secretId, ...params },
    responseElements: {
      aRN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-Qm4Rt8`,
      name,
      deletionDate: extra.deletionDate ?? 'Jan 2, 2026, 3:04:05 AM',
    },
    ...(extra.identity === undefined ? {} : { identity: extra.identity }),
    userAgent: extra.userAgent ?? USER_AGENTS.cli,
  });
}

export default defineApiRule({
  id: 'aws.data.secret-scheduled-for-deletion',
  title: 'Secrets Manager secret deleted or scheduled for deletion',
  category: 'data',
  row: null,
  priority: 'medium',
  mitre: ['T1485'],
  description:
    'A DeleteSecret call. With forceDeleteWithoutRecovery true the secret and all its versions ' +
    'are gone at once and cannot be restored; with a recoveryWindowInDays shorter than ' +
    '`minRecoveryDays` there is little time to notice: both are one level higher. Otherwise the ' +
    "deletion is scheduled (30 days by default) and reported at the rule's priority: " +
    'RestoreSecret undoes it until the deletion date in the response. A secret listed in ' +
    'organisation.sensitive.secrets is one more level higher. Triage: look for GetSecretValue ' +
    'on the secret by the same actor before the deletion (read, then destroy), and for other ' +
    'deletions in the same window. Failed calls are one level lower as attempts. Calls from the ' +
    'configured automation do not match (infrastructure-as-code force-deletes secrets on every ' +
    'tear-down), except for sensitive secrets, which are reported one level lower; calls made ' +
    'by AWS services (the service events that carry out a scheduled deletion) do not match.',
  falsePositives: [
    'Secrets removed by hand during a planned clean-up or rotation to a new secret.',
    'Infrastructure-as-code tear-downs while automationArns / automationUserAgents are not configured.',
  ],
  response: [
    'If the deletion was scheduled and not planned, restore the secret now (RestoreSecret) and find who depends on it.',
    'If it was forced, recover the credential from its source (the database, the third party) and rotate it there.',
    "Check the actor's GetSecretValue / BatchGetSecretValue calls before the deletion, and restrict secretsmanager:DeleteSecret.",
  ],
  references: [
    'https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_delete-restore-secret.html',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-cloudtrail.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['secretsmanager.amazonaws.com'], eventNames: ['DeleteSecret'] },
  match: (e, ctx) => !byAwsService(e) && (!isAutomation(e, ctx.org) || sensitive(e, ctx)),
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (unrecoverable(e, ctx) ? 1 : 0) +
        (sensitive(e, ctx) ? 1 : 0) -
        (failed(e) ? 1 : 0) -
        (isAutomation(e, ctx.org) ? 1 : 0),
    ),
  summary: (e, ctx) => {
    const what = `${sensitive(e, ctx) ? 'sensitive ' : ''}secret ${secretOf(e)}`;
    if (forced(e)) {
      return `${actorName(e)} ${did(e, 'deleted', 'delete')} ${what} without recovery ${where(e)}`;
    }
    const days = windowDays(e);
    const window = days === undefined ? 'the default 30-day' : `a ${days}-day`;
    return (
      `${actorName(e)} ${did(e, 'scheduled', 'schedule')} ${what} for deletion with ${window} ` +
      `recovery window ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A forced deletion from the CLI',
        record: deletionRecord('prod/stripe-api-key', 'prod/stripe-api-key', {
          forceDeleteWithoutRecovery: true,
        }),
      },
      {
        title: 'A deletion with the shortest recovery window, by ARN',
        record: deletionRecord(
          'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-master-Qm4Rt8',
          'prod/db-master',
          { recoveryWindowInDays: 7 },
          {
            identity: 'role',
            userAgent: USER_AGENTS.console,
            deletionDate: 'Jan 9, 2026, 3:04:05 AM',
          },
        ),
      },
      {
        title:
          'A Terraform force-deletion while no automation is configured (as the Invictus dataset records it)',
        record: deletionRecord(
          'arn:aws:secretsmanager:us-east-1:123456789012:secret:stratus-red-team-retrieve-secret-7-Qm4Rt8',
          'stratus-red-team-retrieve-secret-7',
          { forceDeleteWithoutRecovery: true },
          { userAgent: USER_AGENTS.terraform },
        ),
      },
      {
        title: 'A deletion scheduled with the default 30-day window',
        record: deletionRecord(
          'billing/legacy-smtp',
          'billing/legacy-smtp',
          {},
          {
            identity: 'role',
            userAgent: USER_AGENTS.boto3,
            deletionDate: 'Feb 1, 2026, 3:04:05 AM',
          },
        ),
      },
      {
        title: 'A sensitive secret force-deleted by the configured pipeline',
        config: {
          organisation: {
            automationArns: ['arn:aws:iam::123456789012:role/deploy-*'],
            sensitive: { secrets: ['prod/*'] },
          },
        },
        record: deletionRecord(
          'prod/db-master',
          'prod/db-master',
          { forceDeleteWithoutRecovery: true },
          { identity: 'ci', userAgent: USER_AGENTS.terraform },
        ),
      },
    ],
    miss: [
      {
        title: 'The same Terraform force-deletion once Terraform is configured as automation',
        config: { organisation: { automationUserAgents: ['*Terraform/*'] } },
        record: deletionRecord(
          'arn:aws:secretsmanager:us-east-1:123456789012:secret:stratus-red-team-retrieve-secret-7-Qm4Rt8',
          'stratus-red-team-retrieve-secret-7',
          { forceDeleteWithoutRecovery: true },
          { userAgent: USER_AGENTS.terraform },
        ),
      },
      {
        title: 'A secret restored (the deletion undone)',
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'RestoreSecret',
          eventVersion: '1.08',
          requestParameters: { secretId: 'prod/stripe-api-key' },
          responseElements: {
            aRN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/stripe-api-key-Qm4Rt8',
            name: 'prod/stripe-api-key',
          },
        }),
      },
    ],
  },
});
