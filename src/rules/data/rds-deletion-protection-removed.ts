/**
 * `aws.data.rds-deletion-protection-removed`: an RDS database stripped of what makes its deletion
 * recoverable. Turning deletion protection off is the step before a destructive delete; deleting
 * with `skipFinalSnapshot` (and, by default, the automated backups) leaves nothing to restore.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  basePriority,
  bool,
  byAwsService,
  ctRecord,
  did,
  failed,
  isAutomation,
  reqString,
  shift,
  str,
  USER_AGENTS,
  where,
} from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { automationAssumption } from '../lib/ownership.js';

const MODIFY = ['ModifyDBInstance', 'ModifyDBCluster'];
const DELETE = ['DeleteDBInstance', 'DeleteDBCluster'];

function database(e: ApiEvent): string {
  const cluster = e.eventName.includes('Cluster');
  const id = reqString(e, cluster ? 'dBClusterIdentifier' : 'dBInstanceIdentifier');
  return `${cluster ? 'DB cluster' : 'DB instance'} ${id ?? '(unnamed)'}`;
}

/**
 * An instance that belongs to an Aurora cluster keeps no data of its own (the cluster does), so
 * deleting it without a snapshot loses nothing; the response names its cluster.
 */
function clusterMember(e: ApiEvent): boolean {
  return e.eventName === 'DeleteDBInstance' && str(e.response, 'dBClusterIdentifier') !== undefined;
}

/** Automated backups go with the database unless the call keeps them (`deleteAutomatedBackups`). */
function backupsKept(e: ApiEvent): boolean {
  return bool(e.request, 'deleteAutomatedBackups') === false;
}

function isDeletionWithoutSnapshot(e: ApiEvent): boolean {
  return (
    DELETE.includes(e.eventName) &&
    bool(e.request, 'skipFinalSnapshot') === true &&
    !clusterMember(e)
  );
}

function rdsRecord(
  eventName: string,
  request: JsonObject,
  response: JsonObject | null,
  extra: Partial<CtRecordInput> = {},
): JsonObject {
  return ctRecord({
    eventSource: 'rds.amazonaws.com',
    eventName,
    eventVersion: '1.08',
    apiVersion: '2014-10-31',
    requestParameters: request,
    responseElements: response,
    ...extra,
  });
}

const INSTANCE_RESPONSE = {
  dBInstanceIdentifier: 'orders-prod',
  dBInstanceClass: 'db.r6g.large',
  engine: 'postgres',
  dBInstanceStatus: 'deleting',
  masterUsername: 'orders',
  allocatedStorage: 200,
  backupRetentionPeriod: 7,
  multiAZ: true,
  engineVersion: '16.3',
  publiclyAccessible: false,
  storageEncrypted: true,
  dBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:orders-prod',
  deletionProtection: false,
};

export default defineApiRule({
  id: 'aws.data.rds-deletion-protection-removed',
  title: 'RDS deletion protection removed or database deleted without a final snapshot',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1485', 'T1490'],
  description:
    "Reported at the rule's priority: DeleteDBInstance or DeleteDBCluster with " +
    'skipFinalSnapshot true, so no snapshot is taken on the way out; one level lower when the ' +
    'call keeps the automated backups (deleteAutomatedBackups false), which can still be ' +
    'restored. One level lower: ModifyDBInstance or ModifyDBCluster with deletionProtection ' +
    'false, the step that makes a delete possible at all. Deleting an instance that belongs to ' +
    'an Aurora cluster (the response names its dBClusterIdentifier) does not match: the data ' +
    'lives in the cluster. Triage: check for a Delete after a protection removal by the same ' +
    'actor, for snapshots deleted or shared around it, and whether the database was ' +
    'production. Failed calls (for example InvalidDBInstanceStateFault on a database already ' +
    'being deleted) are one level lower as attempts. Calls from the configured automation do ' +
    'not match: infrastructure-as-code turns protection off and deletes without a snapshot as ' +
    'part of every tear-down.',
  falsePositives: [
    'Tear-down of test databases by hand, or by infrastructure-as-code not yet listed in automationArns / automationUserAgents.',
    'Planned decommissioning where a manual snapshot was taken beforehand (check DescribeDBSnapshots).',
  ],
  response: [
    'If the deletion was not planned, restore from automated backups or the latest snapshot while they still exist.',
    "Re-enable deletion protection on the database if it survives, and review the actor's other RDS calls (DeleteDBSnapshot, ModifyDBSnapshotAttribute).",
    'Consider an SCP that denies rds:DeleteDBInstance / DeleteDBCluster with skipFinalSnapshot outside the pipeline.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html',
    'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html',
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeletionProtection',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['rds.amazonaws.com'], eventNames: [...MODIFY, ...DELETE] },
  match: (e, ctx) => {
    if (byAwsService(e) || isAutomation(e, ctx.org)) return false;
    if (MODIFY.includes(e.eventName)) return bool(e.request, 'deletionProtection') === false;
    return isDeletionWithoutSnapshot(e);
  },
  priorityOf: (e, ctx) => {
    const milder = MODIFY.includes(e.eventName) || backupsKept(e);
    return shift(basePriority(ctx, 'high'), -(milder ? 1 : 0) - (failed(e) ? 1 : 0));
  },
  summary: (e) => {
    if (MODIFY.includes(e.eventName)) {
      return `${actorName(e)} ${did(e, 'turned off', 'turn off')} deletion protection of ${database(e)} ${where(e)}`;
    }
    const what = backupsKept(e)
      ? `${database(e)} without a final snapshot (automated backups kept)`
      : `${database(e)} and its automated backups without a final snapshot`;
    return `${actorName(e)} ${did(e, 'deleted', 'delete')} ${what} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A production database deleted without a final snapshot',
        record: rdsRecord(
          'DeleteDBInstance',
          {
            dBInstanceIdentifier: 'orders-prod',
            skipFinalSnapshot: true,
            deleteAutomatedBackups: true,
          },
          INSTANCE_RESPONSE,
        ),
      },
      {
        title: 'Deletion protection turned off on a cluster from the console',
        record: rdsRecord(
          'ModifyDBCluster',
          {
            dBClusterIdentifier: 'ledger-aurora',
            deletionProtection: false,
            applyImmediately: true,
          },
          {
            dBClusterIdentifier: 'ledger-aurora',
            engine: 'aurora-postgresql',
            status: 'available',
            deletionProtection: false,
            dBClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:ledger-aurora',
          },
          { identity: 'role', userAgent: USER_AGENTS.console },
        ),
      },
      {
        title:
          'A Terraform deletion of a database already being deleted (as the Invictus dataset records it)',
        record: rdsRecord(
          'DeleteDBInstance',
          {
            dBInstanceIdentifier: 'terraform-20230710121504061500000001',
            skipFinalSnapshot: true,
            deleteAutomatedBackups: true,
          },
          null,
          {
            userAgent: USER_AGENTS.terraform,
            errorCode: 'InvalidDBInstanceStateFault',
            errorMessage: 'Instance terraform-20230710121504061500000001 is already being deleted.',
          },
        ),
      },
    ],
    miss: [
      {
        title: 'A deletion with a final snapshot, from the console (the Invictus dataset has one)',
        record: rdsRecord(
          'DeleteDBInstance',
          {
            dBInstanceIdentifier: 'orders-prod',
            skipFinalSnapshot: false,
            finalDBSnapshotIdentifier: 'orders-prod-final',
            deleteAutomatedBackups: true,
          },
          INSTANCE_RESPONSE,
          { identity: 'role', userAgent: USER_AGENTS.console },
        ),
      },
      {
        title: 'The same deletion without a snapshot by the configured pipeline',
        config: { organisation: { automationArns: ['arn:aws:iam::123456789012:role/deploy-*'] } },
        record: rdsRecord(
          'DeleteDBInstance',
          {
            dBInstanceIdentifier: 'orders-staging',
            skipFinalSnapshot: true,
            deleteAutomatedBackups: true,
          },
          { ...INSTANCE_RESPONSE, dBInstanceIdentifier: 'orders-staging' },
          { identity: 'ci', userAgent: USER_AGENTS.terraform },
        ),
      },
      {
        title: 'An Aurora cluster member deleted (the data stays in the cluster)',
        record: rdsRecord(
          'DeleteDBInstance',
          { dBInstanceIdentifier: 'ledger-aurora-instance-2', skipFinalSnapshot: true },
          {
            dBInstanceIdentifier: 'ledger-aurora-instance-2',
            dBInstanceClass: 'db.r6g.large',
            engine: 'aurora-postgresql',
            dBInstanceStatus: 'deleting',
            dBClusterIdentifier: 'ledger-aurora',
            dBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:ledger-aurora-instance-2',
          },
        ),
      },
      {
        title: 'Deletion protection turned on',
        record: rdsRecord(
          'ModifyDBInstance',
          { dBInstanceIdentifier: 'orders-prod', deletionProtection: true, applyImmediately: true },
          { ...INSTANCE_RESPONSE, dBInstanceStatus: 'available', deletionProtection: true },
        ),
      },
    ],
  },
});
