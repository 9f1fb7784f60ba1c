/**
 * `aws.service-misuse.ssm-document-shared-publicly`: a Systems Manager document shared with every
 * AWS account, with an account outside the organisation, or the account's block on public sharing
 * lifted. Documents hold scripts, and often the hostnames, paths and credentials those scripts
 * use; a shared document is readable (and runnable) from the other side.
 */
import type { Organisation } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  ctRecord,
  did,
  IDENTITIES,
  names,
  reqString,
  strings,
  tamperPriority,
  where,
} from '../lib.js';
import { FOREIGN_ACCOUNT } from '../lib/iam-principals.js';
import { accountsAssumption, isForeignAccount } from '../lib/ownership.js';

const PUBLIC_SHARING_SETTING = '/ssm/documents/console/public-sharing-permission';

interface Share {
  everyone: boolean;
  foreign: string[];
}

function shareOf(e: ApiEvent, org: Organisation): Share | undefined {
  if (e.eventName !== 'ModifyDocumentPermission') return undefined;
  const type = reqString(e, 'permissionType');
  if (type !== undefined && type.toLowerCase() !== 'share') return undefined;
  const added = strings(e.request, 'accountIdsToAdd');
  return {
    everyone: added.some((a) => a.toLowerCase() === 'all'),
    foreign: added.filter((a) => /^\d{12}$/.test(a) && isForeignAccount(a, e, org)),
  };
}

/** UpdateServiceSetting that turns public sharing back on (`Enable`). */
function unblocksPublicSharing(e: ApiEvent): boolean {
  if (e.eventName !== 'UpdateServiceSetting') return false;
  const id = reqString(e, 'settingId');
  return (
    id !== undefined &&
    id.endsWith(PUBLIC_SHARING_SETTING) &&
    reqString(e, 'settingValue')?.toLowerCase() === 'enable'
  );
}

export default defineApiRule({
  id: 'aws.service-misuse.ssm-document-shared-publicly',
  title: 'SSM document shared publicly or with a foreign account',
  category: 'service-misuse',
  row: null,
  priority: 'high',
  mitre: ['T1537'],
  description:
    'ModifyDocumentPermission (permission type Share) whose accountIdsToAdd contains `All` makes ' +
    'a Systems Manager document public: any AWS account can read and run it, reported at the ' +
    'rule priority. Accounts that are neither the recording account nor among ' +
    '`organisation.accounts` / `trustedAccounts` are reported one level lower; shares with own ' +
    'accounts and removals (accountIdsToRemove) do not match. UpdateServiceSetting that sets ' +
    '`/ssm/documents/console/public-sharing-permission` to Enable lifts the account’s block on ' +
    'public sharing (the step before making a document public) and is reported one level lower. ' +
    'Documents carry the automation of an organisation: scripts with internal hostnames, bucket ' +
    'names and sometimes embedded secrets; sharing one exposes it, and a document shared from an ' +
    'attacker-controlled account is a way to keep a foothold. Calls by the organisation’s ' +
    'automation and failed calls are reported one level lower.',
  falsePositives: [
    'Documents deliberately published for customers or the community.',
    'Sharing with partner or sibling accounts not yet listed in organisation.accounts or trustedAccounts.',
  ],
  response: [
    'Remove the share (ModifyDocumentPermission with accountIdsToRemove All or the account) and turn the public-sharing block back on.',
    'Read the document (GetDocument) for credentials, hostnames or internal paths, and rotate anything it exposes.',
    'Ask the owner of the caller identity why it was shared; revoke its credentials if it was not planned.',
  ],
  references: [
    'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ModifyDocumentPermission.html',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-ssm-sharing.html',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-ssm-sharing.html#block-public-access',
  ],
  knobs: {},
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['ssm.amazonaws.com'],
    eventNames: ['ModifyDocumentPermission', 'UpdateServiceSetting'],
  },
  match: (e, ctx) => {
    const share = shareOf(e, ctx.org);
    return share !== undefined
      ? share.everyone || share.foreign.length > 0
      : unblocksPublicSharing(e);
  },
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'high', {
      lower: shareOf(e, ctx.org)?.everyone !== true,
      automationLowers: true,
    }),
  summary: (e, ctx) => {
    const share = shareOf(e, ctx.org);
    if (share === undefined) {
      return (
        `${actorName(e)} ${did(e, 'lifted', 'lift')} the account’s block on public sharing of ` +
        `SSM documents ${where(e)}`
      );
    }
    const doc = reqString(e, 'name') ?? '(unnamed)';
    const withWhom = share.everyone
      ? 'every AWS account (public)'
      : `foreign account${share.foreign.length === 1 ? '' : 's'} ${names(share.foreign)}`;
    return `${actorName(e)} ${did(e, 'shared', 'share')} SSM document ${doc} with ${withWhom} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A document made public',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'ModifyDocumentPermission',
          requestParameters: {
            name: 'ops-bootstrap-hosts',
            permissionType: 'Share',
            accountIdsToAdd: ['All'],
          },
        }),
      },
      {
        title: 'A document shared with an account outside the organisation',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'ModifyDocumentPermission',
          identity: 'role',
          requestParameters: {
            name: 'db-maintenance',
            permissionType: 'Share',
            accountIdsToAdd: [FOREIGN_ACCOUNT],
            sharedDocumentVersion: '$DEFAULT',
          },
        }),
      },
      {
        title: 'The public-sharing block lifted for the account',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'UpdateServiceSetting',
          identity: 'role',
          requestParameters: {
            settingId: PUBLIC_SHARING_SETTING,
            settingValue: 'Enable',
          },
        }),
      },
      {
        title: 'A denied attempt to make a document public',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'ModifyDocumentPermission',
          errorCode: 'AccessDeniedException',
          errorMessage:
            'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ssm:ModifyDocumentPermission on resource: arn:aws:ssm:us-east-1:123456789012:document/ops-bootstrap-hosts because no identity-based policy allows the ssm:ModifyDocumentPermission action',
          requestParameters: {
            name: 'ops-bootstrap-hosts',
            permissionType: 'Share',
            accountIdsToAdd: ['all'],
          },
        }),
      },
    ],
    miss: [
      {
        title: 'A document shared with an account of the organisation',
        config: { organisation: { accounts: ['210987654321'] } },
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'ModifyDocumentPermission',
          identity: IDENTITIES.ci,
          requestParameters: {
            name: 'patch-baseline-run',
            permissionType: 'Share',
            accountIdsToAdd: ['210987654321'],
          },
        }),
      },
      {
        title: 'Public access removed again',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'ModifyDocumentPermission',
          requestParameters: {
            name: 'ops-bootstrap-hosts',
            permissionType: 'Share',
            accountIdsToRemove: ['All'],
          },
        }),
      },
      {
        title: 'The public-sharing block turned on',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'UpdateServiceSetting',
          requestParameters: { settingId: PUBLIC_SHARING_SETTING, settingValue: 'Disable' },
        }),
      },
    ],
  },
});
