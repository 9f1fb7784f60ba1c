/**
 * `aws.data.rds-master-password-changed`: the master user password of an RDS instance or cluster
 * reset through the API. Anyone with rds:ModifyDBInstance can take over the database's
 * administrator account this way without knowing the old password.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  at,
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

/** CloudTrail keeps the key and replaces the value (`HIDDEN_DUE_TO_SECURITY_REASONS`, `****`). */
function passwordSet(e: ApiEvent): boolean {
  const v = at(e.request, 'masterUserPassword');
  return v !== undefined && v !== null;
}

function database(e: ApiEvent): string {
  const cluster = e.eventName === 'ModifyDBCluster';
  const id = reqString(e, cluster ? 'dBClusterIdentifier' : 'dBInstanceIdentifier');
  return `${cluster ? 'DB cluster' : 'DB instance'} ${id ?? '(unnamed)'}`;
}

function modifyRecord(
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
  id: 'aws.data.rds-master-password-changed',
  title: 'RDS master password changed',
  category: 'data',
  row: null,
  priority: 'medium',
  mitre: ['T1098'],
  description:
    'A ModifyDBInstance or ModifyDBCluster call carried masterUserPassword. CloudTrail keeps the ' +
    'parameter and hides its value (HIDDEN_DUE_TO_SECURITY_REASONS), so its presence is the ' +
    'signal. Resetting the master password through the control plane gives the caller the ' +
    "database's administrator login without the old password: a direct path from AWS " +
    'credentials to the data. A database that the response shows as publicly accessible is ' +
    'one level higher. Failed calls and the configured automation are one level lower.',
  falsePositives: [
    'Planned password rotation by database administrators outside Secrets Manager managed rotation.',
  ],
  response: [
    'Confirm with the database owner that the reset was planned.',
    "If not, reset the password again, review database logins since the change, and revoke the caller's access.",
    'Prefer Secrets Manager managed master passwords (manageMasterUserPassword) so resets go through a controlled path.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html',
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ResetPassword.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['rds.amazonaws.com'], eventNames: ['ModifyDBInstance', 'ModifyDBCluster'] },
  match: passwordSet,
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (bool(e.response, 'publiclyAccessible') === true ? 1 : 0) -
        (failed(e) ? 1 : 0) -
        (isAutomation(e, ctx.org) ? 1 : 0),
    ),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'reset', 'reset')} the master password of ${database(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'The master password of a public database reset',
        record: modifyRecord(
          'ModifyDBInstance',
          {
            dBInstanceIdentifier: 'orders-prod',
            masterUserPassword: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            applyImmediately: true,
          },
          {
            dBInstanceIdentifier: 'orders-prod',
            engine: 'postgres',
            dBInstanceStatus: 'available',
            masterUsername: 'postgres',
            publiclyAccessible: true,
            pendingModifiedValues: { masterUserPassword: '****' },
            dBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:orders-prod',
          },
          { userAgent: USER_AGENTS.cli },
        ),
      },
      {
        title: 'An Aurora cluster master password reset',
        record: modifyRecord(
          'ModifyDBCluster',
          {
            dBClusterIdentifier: 'ledger',
            masterUserPassword: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            applyImmediately: true,
          },
          null,
          { identity: 'role', userAgent: USER_AGENTS.boto3 },
        ),
      },
    ],
    miss: [
      {
        title: 'An instance class change',
        record: modifyRecord(
          'ModifyDBInstance',
          {
            dBInstanceIdentifier: 'orders-prod',
            dBInstanceClass: 'db.r6g.xlarge',
            applyImmediately: false,
          },
          null,
        ),
      },
    ],
  },
});
