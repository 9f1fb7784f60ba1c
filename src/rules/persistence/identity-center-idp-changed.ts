/**
 * `aws.persistence.identity-center-idp-changed`: the identity source of IAM Identity Center
 * changed: an external SAML identity provider configured, replaced, enabled, disabled or removed,
 * or a directory associated or disassociated. Identity Center decides who signs in to every
 * account of the organisation, so its identity source is the organisation's front door.
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
import { automationAssumption, IAM_IDENTITIES } from '../lib/iam-principals.js';

const ACTIONS: Record<string, [string, string]> = {
  CreateExternalIdPConfigurationForDirectory: [
    'configured an external identity provider for',
    'configure an external identity provider for',
  ],
  UpdateExternalIdPConfigurationForDirectory: [
    'replaced the external identity provider settings of',
    'replace the external identity provider settings of',
  ],
  EnableExternalIdPConfigurationForDirectory: [
    'switched sign-in to an external identity provider for',
    'switch sign-in to an external identity provider for',
  ],
  DisableExternalIdPConfigurationForDirectory: [
    'switched off the external identity provider of',
    'switch off the external identity provider of',
  ],
  DeleteExternalIdPConfigurationForDirectory: [
    'deleted the external identity provider of',
    'delete the external identity provider of',
  ],
  AssociateDirectory: [
    'associated a directory as identity source of',
    'associate a directory as identity source of',
  ],
  DisassociateDirectory: ['disassociated the directory of', 'disassociate the directory of'],
  UpdateDirectoryAssociation: [
    'changed the directory association of',
    'change the directory association of',
  ],
};

function directory(e: ApiEvent): string {
  const id = reqString(e, 'directoryId', 'identityStoreId', 'instanceArn');
  return id === undefined ? 'IAM Identity Center' : `IAM Identity Center (${id})`;
}

export default defineApiRule({
  id: 'aws.persistence.identity-center-idp-changed',
  title: 'IAM Identity Center identity provider changed',
  category: 'persistence',
  row: null,
  priority: 'high',
  mitre: ['T1484.002', 'T1556.007'],
  description:
    "IAM Identity Center identity-source changes: the identity store's external IdP configuration " +
    '(sso-directory.amazonaws.com: Create, Update, Enable, Disable and ' +
    'DeleteExternalIdPConfigurationForDirectory) and directory associations (sso.amazonaws.com: ' +
    'AssociateDirectory, DisassociateDirectory, UpdateDirectoryAssociation). An attacker who points ' +
    'Identity Center at an identity provider they run signs in as anyone; switching back to the ' +
    'built-in directory lets them create users and passwords there. These console operations log few ' +
    'parameters, so the finding names the directory when the record does. The configured automation ' +
    'and failed calls lower the priority one level each.',
  falsePositives: [
    'Planned identity-source migrations (for example from the built-in directory to Entra ID or Okta) and certificate rotations.',
  ],
  response: [
    'Confirm with the identity team; compare the Identity Center settings (identity source, SAML metadata) with the intended provider.',
    'If unexpected, restore the identity source and review Identity Center sign-ins (sso and signin events) since the change.',
  ],
  references: [
    'https://docs.aws.amazon.com/singlesignon/latest/userguide/manage-your-identity-source-change.html',
    'https://docs.aws.amazon.com/singlesignon/latest/userguide/sso-info-in-cloudtrail.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['sso-directory.amazonaws.com', 'sso.amazonaws.com'],
    eventNames: Object.keys(ACTIONS),
  },
  match: () => true,
  priorityOf: (e, ctx): Priority =>
    shift(basePriority(ctx, 'high'), -(isAutomation(e, ctx.org) ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e) => {
    const [past, inf] = ACTIONS[e.eventName] ?? [
      'changed the identity source of',
      'change the identity source of',
    ];
    return `${actorName(e)} ${did(e, past, inf)} ${directory(e)} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'An external identity provider configured for the identity store',
        record: ctRecord({
          eventSource: 'sso-directory.amazonaws.com',
          eventName: 'CreateExternalIdPConfigurationForDirectory',
          identity: IAM_IDENTITIES.root,
          userAgent:
            'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
          requestParameters: null,
          host: 'up.sso.us-east-1.amazonaws.com',
        }),
      },
      {
        title: 'Sign-in switched to the external identity provider',
        record: ctRecord({
          eventSource: 'sso-directory.amazonaws.com',
          eventName: 'EnableExternalIdPConfigurationForDirectory',
          identity: IDENTITIES.role,
          userAgent: 'AWS Internal',
          requestParameters: null,
          host: 'up.sso.us-east-1.amazonaws.com',
        }),
      },
      {
        title: 'The directory association removed',
        record: ctRecord({
          eventSource: 'sso.amazonaws.com',
          eventName: 'DisassociateDirectory',
          identity: IDENTITIES.role,
          userAgent: 'AWS Internal',
          requestParameters: { directoryId: 'd-9067c1a2b3' },
        }),
      },
    ],
    miss: [
      {
        title: 'A group created in the identity store',
        record: ctRecord({
          eventSource: 'sso-directory.amazonaws.com',
          eventName: 'CreateGroup',
          identity: IDENTITIES.role,
          requestParameters: { identityStoreId: 'd-906791299c', displayName: 'admin-test-group' },
          host: 'up.sso.us-east-1.amazonaws.com',
        }),
      },
    ],
  },
});
