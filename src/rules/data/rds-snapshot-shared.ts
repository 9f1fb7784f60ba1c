/**
 * `aws.data.rds-snapshot-shared`: a manual RDS DB snapshot or DB cluster snapshot made restorable
 * by everyone or by an account the configuration does not know (the `restore` attribute). The
 * other account restores it into a database it controls and reads every table.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  names,
  reqString,
  shift,
  strings,
  where,
} from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { accountsAssumption, isForeignAccount } from '../lib/ownership.js';

interface Exposure {
  everyone: boolean;
  foreign: string[];
}

function exposure(e: ApiEvent, ctx: RuleContext): Exposure {
  const attr = reqString(e, 'attributeName');
  if (attr === undefined || attr.toLowerCase() !== 'restore')
    return { everyone: false, foreign: [] };
  const values = strings(e.request, 'valuesToAdd');
  return {
    everyone: values.some((v) => v.toLowerCase() === 'all'),
    foreign: values.filter((v) => v.toLowerCase() !== 'all' && isForeignAccount(v, e, ctx.org)),
  };
}

function snapshotName(e: ApiEvent): string {
  return (
    reqString(e, 'dBSnapshotIdentifier', 'dBClusterSnapshotIdentifier') ?? '(unnamed snapshot)'
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
    apiVersion: '2014-10-31',
    requestParameters: request,
    responseElements: response,
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.data.rds-snapshot-shared',
  title: 'RDS snapshot shared publicly or with an unknown account',
  category: 'data',
  row: 'DATA-2',
  priority: 'high',
  mitre: ['T1537'],
  description:
    'A ModifyDBSnapshotAttribute or ModifyDBClusterSnapshotAttribute call with attributeName ' +
    '`restore` added `all` to valuesToAdd (the snapshot becomes public: critical) or account ids ' +
    'that are neither the recording account nor listed in organisation.accounts / ' +
    'trustedAccounts. The receiving account can restore the snapshot into its own database and ' +
    'read every table, with no further trace here. valuesToRemove and known accounts do not ' +
    'match. Failed calls are one level lower as attempts.',
  falsePositives: [
    'Sharing with a disaster-recovery or analytics account of the organisation that is not listed in organisation.accounts.',
  ],
  response: [
    'Remove the permission (ModifyDBSnapshotAttribute with valuesToRemove).',
    'Treat the database contents as disclosed: rotate the credentials stored in it and assess the data.',
    'Check whether the snapshot was copied or restored by the other account (contact AWS if needed).',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBSnapshotAttribute.html',
    'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBClusterSnapshotAttribute.html',
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html',
  ],
  knobs: {},
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['rds.amazonaws.com'],
    eventNames: ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'],
  },
  match: (e, ctx) => {
    const x = exposure(e, ctx);
    return x.everyone || x.foreign.length > 0;
  },
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), (exposure(e, ctx).everyone ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e, ctx) => {
    const x = exposure(e, ctx);
    const whom = [
      ...(x.everyone ? ['everyone (public)'] : []),
      ...x.foreign.map((a) => `unknown account ${a}`),
    ];
    const kind = e.eventName === 'ModifyDBClusterSnapshotAttribute' ? 'DB cluster' : 'DB';
    return `${actorName(e)} ${did(e, 'shared', 'share')} RDS ${kind} snapshot ${snapshotName(e)} with ${names(whom)} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A DB snapshot shared with another account (as the Invictus dataset records it)',
        record: rdsRecord(
          'ModifyDBSnapshotAttribute',
          {
            dBSnapshotIdentifier: 'exfiltration',
            attributeName: 'restore',
            valuesToAdd: ['193672423079'],
          },
          {
            dBSnapshotIdentifier: 'exfiltration',
            dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: ['193672423079'] }],
          },
          { userAgent: 'stratus-red-team_06a62bf9-ef89-43a1-a17b-5234dcbf4cb4' },
        ),
      },
      {
        title: 'An Aurora cluster snapshot made public',
        record: rdsRecord(
          'ModifyDBClusterSnapshotAttribute',
          {
            dBClusterSnapshotIdentifier: 'orders-2026-01-01',
            attributeName: 'restore',
            valuesToAdd: ['all'],
          },
          {
            dBClusterSnapshotIdentifier: 'orders-2026-01-01',
            dBClusterSnapshotAttributes: [{ attributeName: 'restore', attributeValues: ['all'] }],
          },
          { identity: 'role', userAgent: 'AWS Internal' },
        ),
      },
    ],
    miss: [
      {
        title: 'The share removed again (as the Invictus dataset records it)',
        record: rdsRecord(
          'ModifyDBSnapshotAttribute',
          {
            dBSnapshotIdentifier: 'exfiltration',
            valuesToRemove: ['193672423079'],
            attributeName: 'restore',
          },
          {
            dBSnapshotIdentifier: 'exfiltration',
            dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: [] }],
          },
        ),
      },
      {
        title: "Shared with the organisation's disaster-recovery account",
        config: { organisation: { accounts: ['123456789012', '210987654321'] } },
        record: rdsRecord(
          'ModifyDBSnapshotAttribute',
          {
            dBSnapshotIdentifier: 'orders-nightly',
            attributeName: 'restore',
            valuesToAdd: ['210987654321'],
          },
          null,
        ),
      },
    ],
  },
});
