/**
 * `aws.data.backup-deleted`: AWS Backup recovery data destroyed or its protection removed. Ransom
 * crews delete recovery points, vault locks, vaults and plans (or cut a recovery point's retention
 * to a day) before they encrypt or delete production data, so that there is nothing to restore.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  byAwsService,
  ctRecord,
  did,
  num,
  reqString,
  tamperPriority,
  USER_AGENTS,
  where,
} from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { automationAssumption } from '../lib/ownership.js';

const knobs = {
  minRetentionDays: knob(
    z.number().int().min(1),
    7,
    'UpdateRecoveryPointLifecycle setting deleteAfterDays below this many days is reported; longer retention is an ordinary lifecycle change.',
  ),
};

type Ctx = RuleContext<typeof knobs>;

/** Calls that destroy recovery data or the lock that protects it, at the rule's priority. */
const DESTROYING = ['DeleteRecoveryPoint', 'DeleteBackupVaultLockConfiguration'];
/** Calls that stop future backups or remove a vault's access policy, one level lower. */
const WEAKENING = [
  'DeleteBackupVault',
  'DeleteBackupPlan',
  'DeleteBackupSelection',
  'DeleteBackupVaultAccessPolicy',
];

function retentionDays(e: ApiEvent): number | undefined {
  return num(e.request, 'lifecycle', 'deleteAfterDays');
}

function vault(e: ApiEvent): string {
  return `backup vault ${reqString(e, 'backupVaultName') ?? '(unnamed)'}`;
}

function plan(e: ApiEvent): string {
  return `backup plan ${reqString(e, 'backupPlanId') ?? '(unnamed)'}`;
}

function action(e: ApiEvent): string {
  const point = `recovery point ${reqString(e, 'recoveryPointArn') ?? '(unnamed)'}`;
  switch (e.eventName) {
    case 'DeleteRecoveryPoint':
      return `${did(e, 'deleted', 'delete')} ${point} from ${vault(e)}`;
    case 'UpdateRecoveryPointLifecycle': {
      const days = retentionDays(e) ?? 0;
      return (
        `${did(e, 'cut', 'cut')} the retention of ${point} in ${vault(e)} to ` +
        `${days} day${days === 1 ? '' : 's'}`
      );
    }
    case 'DeleteBackupVaultLockConfiguration':
      return `${did(e, 'removed', 'remove')} the vault lock of ${vault(e)}`;
    case 'DeleteBackupVaultAccessPolicy':
      return `${did(e, 'removed', 'remove')} the access policy of ${vault(e)}`;
    case 'DeleteBackupVault':
      return `${did(e, 'deleted', 'delete')} ${vault(e)}`;
    case 'DeleteBackupSelection':
      return (
        `${did(e, 'deleted', 'delete')} resource selection ` +
        `${reqString(e, 'selectionId') ?? '(unnamed)'} of ${plan(e)}`
      );
    default:
      return `${did(e, 'deleted', 'delete')} ${plan(e)}`;
  }
}

function backupRecord(
  eventName: string,
  request: JsonObject,
  response: JsonObject | null,
  extra: Partial<CtRecordInput> = {},
): JsonObject {
  return ctRecord({
    eventSource: 'backup.amazonaws.com',
    eventName,
    eventVersion: '1.08',
    requestParameters: request,
    responseElements: response,
    ...extra,
  });
}

const POINT = 'arn:aws:ec2:us-east-1::snapshot/snap-0f3a9b8c7d6e5f401';

export default defineApiRule({
  id: 'aws.data.backup-deleted',
  title: 'AWS Backup recovery points, vault lock or plans deleted',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1490', 'T1485'],
  description:
    "Reported at the rule's priority: DeleteRecoveryPoint (a backup destroyed), " +
    'DeleteBackupVaultLockConfiguration (the immutability of a vault removed, possible in ' +
    'governance mode or during the grace time of compliance mode), and ' +
    'UpdateRecoveryPointLifecycle setting deleteAfterDays below `minRetentionDays` (AWS Backup ' +
    'itself then deletes the backup, and no delete call by the attacker appears). One level ' +
    'lower: DeleteBackupVault (only an empty vault can be deleted, so look for the recovery ' +
    'point deletions before it), DeleteBackupPlan and DeleteBackupSelection (no further ' +
    'backups), and DeleteBackupVaultAccessPolicy (which may have denied deletions). Triage: ' +
    'count the recovery points the actor deleted in the window, check whether production ' +
    'resources were deleted or encrypted after it, and whether the actor also touched ' +
    'CloudTrail or KMS. Failed calls (attempts, often stopped by a vault lock or a Deny in the ' +
    'vault access policy) and the configured automation are one level lower; deletions AWS ' +
    'Backup performs on its own lifecycle are service events (BackupDeleted) and do not match.',
  falsePositives: [
    'Clean-up of old recovery points by an operator or a scheduled job (list the job as automation).',
    'Tear-down of a test environment, vaults and plans included, by infrastructure-as-code.',
  ],
  response: [
    "Treat it as a possible ransomware precursor: revoke the actor's sessions and keys if the deletion was not planned.",
    'List what is left (ListRecoveryPointsByBackupVault) and copy surviving recovery points to a vault in another account.',
    'Restore the backup plan and selections; lock vaults in compliance mode and deny backup:Delete* in the vault access policy or an SCP.',
  ],
  references: [
    'https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DeleteRecoveryPoint.html',
    'https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateRecoveryPointLifecycle.html',
    'https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html',
    'https://docs.aws.amazon.com/aws-backup/latest/devguide/logging-using-cloudtrail.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['backup.amazonaws.com'],
    eventNames: [...DESTROYING, ...WEAKENING, 'UpdateRecoveryPointLifecycle'],
  },
  match: (e, ctx: Ctx) => {
    if (byAwsService(e)) return false;
    if (e.eventName !== 'UpdateRecoveryPointLifecycle') return true;
    const days = retentionDays(e);
    return days !== undefined && days < ctx.knobs.minRetentionDays;
  },
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'high', {
      lower: WEAKENING.includes(e.eventName),
      automationLowers: true,
    }),
  summary: (e) => `${actorName(e)} ${action(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A recovery point deleted from the CLI',
        record: backupRecord(
          'DeleteRecoveryPoint',
          {
            backupVaultName: 'prod-daily',
            recoveryPointArn: POINT,
          },
          null,
        ),
      },
      {
        title: "A recovery point's retention cut to one day",
        record: backupRecord(
          'UpdateRecoveryPointLifecycle',
          {
            backupVaultName: 'prod-daily',
            recoveryPointArn: POINT,
            lifecycle: { deleteAfterDays: 1 },
          },
          {
            backupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:prod-daily',
            recoveryPointArn: POINT,
            lifecycle: { deleteAfterDays: 1 },
            calculatedLifecycle: { deleteAt: 'Jan 3, 2026, 3:04:05 AM' },
          },
          { userAgent: USER_AGENTS.boto3 },
        ),
      },
      {
        title: 'A vault lock removed from an SSO session',
        record: backupRecord(
          'DeleteBackupVaultLockConfiguration',
          { backupVaultName: 'prod-daily' },
          null,
          { identity: 'role', userAgent: USER_AGENTS.console },
        ),
      },
      {
        title: 'A backup plan deletion refused (an attempt)',
        record: backupRecord(
          'DeleteBackupPlan',
          { backupPlanId: '8a2f61c4-5b3e-4d7a-9c1f-0e6d2b4a8f35' },
          null,
          {
            errorCode: 'AccessDeniedException',
            errorMessage:
              'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: backup:DeleteBackupPlan',
          },
        ),
      },
    ],
    miss: [
      {
        title: "A recovery point's retention extended",
        record: backupRecord(
          'UpdateRecoveryPointLifecycle',
          {
            backupVaultName: 'prod-daily',
            recoveryPointArn: POINT,
            lifecycle: { moveToColdStorageAfterDays: 30, deleteAfterDays: 365 },
          },
          {
            backupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:prod-daily',
            recoveryPointArn: POINT,
            lifecycle: { moveToColdStorageAfterDays: 30, deleteAfterDays: 365 },
            calculatedLifecycle: {
              moveToColdStorageAt: 'Feb 1, 2026, 3:04:05 AM',
              deleteAt: 'Jan 2, 2027, 3:04:05 AM',
            },
          },
        ),
      },
      {
        title: 'A vault lock put in place',
        record: backupRecord(
          'PutBackupVaultLockConfiguration',
          { backupVaultName: 'prod-daily', minRetentionDays: 30, changeableForDays: 3 },
          null,
        ),
      },
    ],
  },
});
