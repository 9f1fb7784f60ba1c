/**
 * `aws.data.rds-made-public`: an RDS instance or cluster created, restored or modified with
 * `publiclyAccessible: true`. The database then gets a public DNS name that resolves to a public
 * address, and its security groups are all that stands between it and the internet.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  basePriority,
  bool,
  ctRecord,
  did,
  failed,
  isAutomation,
  reqString,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { automationAssumption } from '../lib/ownership.js';

const CREATES = ['CreateDBInstance', 'CreateDBCluster'];

function database(e: ApiEvent): string {
  const id = reqString(
    e,
    'dBInstanceIdentifier',
    'dBClusterIdentifier',
    'targetDBInstanceIdentifier',
  );
  const kind = e.eventName.includes('Cluster') ? 'DB cluster' : 'DB instance';
  return `${kind} ${id ?? '(unnamed)'}`;
}

function verb(e: ApiEvent): [string, string] {
  if (CREATES.includes(e.eventName)) return ['created', 'create'];
  if (e.eventName.startsWith('Restore')) return ['restored', 'restore'];
  return ['made', 'make'];
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

export default defineApiRule({
  id: 'aws.data.rds-made-public',
  title: 'RDS database made publicly accessible',
  category: 'data',
  row: null,
  priority: 'high',
  mitre: ['T1562.007', 'T1530'],
  description:
    'A ModifyDBInstance or ModifyDBCluster call set publiclyAccessible to true, or a ' +
    'CreateDBInstance, CreateDBCluster, RestoreDBInstanceFromDBSnapshot, ' +
    'RestoreDBInstanceToPointInTime or RestoreDBClusterFromSnapshot created a publicly ' +
    'accessible database. Modifying an existing database and restoring a snapshot as public ' +
    "(a way to read a copy of the data from outside) are reported at the rule's priority, " +
    'creating a new one one level lower. Failed calls and the configured automation are one ' +
    'level lower.',
  falsePositives: ["Development databases deliberately reachable from engineers' addresses."],
  response: [
    'Set publiclyAccessible back to false (ModifyDBInstance with applyImmediately) unless the owner confirms it.',
    "Check the database's security groups for rules open to the world and its logs for logins from unknown addresses.",
    'If a snapshot was restored as public, find whose snapshot it was and delete the restored copy.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html',
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['rds.amazonaws.com'],
    eventNames: [
      'ModifyDBInstance',
      'ModifyDBCluster',
      'CreateDBInstance',
      'CreateDBCluster',
      'RestoreDBInstanceFromDBSnapshot',
      'RestoreDBInstanceToPointInTime',
      'RestoreDBClusterFromSnapshot',
    ],
  },
  match: (e) => bool(e.request, 'publiclyAccessible') === true,
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'high'),
      -(CREATES.includes(e.eventName) ? 1 : 0) -
        (failed(e) ? 1 : 0) -
        (isAutomation(e, ctx.org) ? 1 : 0),
    ),
  summary: (e) => {
    const [past, inf] = verb(e);
    const what =
      past === 'made' ? `${database(e)} publicly accessible` : `publicly accessible ${database(e)}`;
    return `${actorName(e)} ${did(e, past, inf)} ${what} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'An existing database made public',
        record: rdsRecord(
          'ModifyDBInstance',
          { dBInstanceIdentifier: 'orders-prod', publiclyAccessible: true, applyImmediately: true },
          {
            dBInstanceIdentifier: 'orders-prod',
            dBInstanceClass: 'db.r6g.large',
            engine: 'postgres',
            dBInstanceStatus: 'available',
            publiclyAccessible: true,
            dBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:orders-prod',
          },
          { userAgent: USER_AGENTS.cli },
        ),
      },
      {
        title: 'A snapshot restored as a public database',
        record: rdsRecord(
          'RestoreDBInstanceFromDBSnapshot',
          {
            dBInstanceIdentifier: 'orders-restore',
            dBSnapshotIdentifier: 'orders-nightly',
            dBInstanceClass: 'db.t3.micro',
            publiclyAccessible: true,
            vpcSecurityGroupIds: ['sg-0b1c2d3e4f5a6b7c8'],
          },
          null,
          { identity: 'role', userAgent: USER_AGENTS.boto3 },
        ),
      },
    ],
    miss: [
      {
        title: 'A private database created (as the Invictus dataset records it)',
        record: rdsRecord(
          'CreateDBInstance',
          {
            dBInstanceIdentifier: 'terraform-20230710121504061500000001',
            deletionProtection: false,
            dBSubnetGroupName: 'app-db',
            engine: 'mysql',
            publiclyAccessible: false,
            masterUsername: 'admin',
            allocatedStorage: 10,
            backupRetentionPeriod: 0,
            dBName: 'appdb',
            copyTagsToSnapshot: false,
            storageEncrypted: false,
            engineVersion: '8.0',
            dBInstanceClass: 'db.t3.micro',
            masterUserPassword: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            autoMinorVersionUpgrade: true,
          },
          null,
          { userAgent: USER_AGENTS.terraform },
        ),
      },
    ],
  },
});
