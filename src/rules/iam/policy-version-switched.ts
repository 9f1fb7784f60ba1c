/**
 * `aws.iam.policy-version-switched`: SetDefaultPolicyVersion made another stored version of a
 * customer managed policy the effective one. The record carries no document, so the switch itself
 * is the signal: rolling back to an old, broader version is a known escalation for a principal
 * that only holds iam:SetDefaultPolicyVersion.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
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

export default defineApiRule({
  id: 'aws.iam.policy-version-switched',
  title: 'Managed policy switched to another stored version',
  category: 'iam',
  row: 'IAM-1',
  priority: 'medium',
  mitre: ['T1098.003', 'T1484'],
  description:
    'SetDefaultPolicyVersion made a different stored version of a customer managed policy the ' +
    'default, and with it the permissions of everyone the policy is attached to. CloudTrail records ' +
    'only the policy ARN and the version id, not the document, so the rule cannot tell a rollback to ' +
    'a broader version from a harmless one; it reports every switch made outside the configured ' +
    'automation (where version switches are routine) and says what to look up. The CreatePolicyVersion ' +
    'that stored the version, if it is in the same logs, shows the content. Failed calls are reported ' +
    'one level lower.',
  falsePositives: [
    'Manual rollbacks after a faulty policy deployment.',
    'Infrastructure-as-code not listed in organisation.automationArns / automationUserAgents.',
  ],
  response: [
    'Compare the new default version with the previous one (GetPolicyVersion for both ids).',
    'If the new version grants more and the switch was not planned, set the previous version back as default and delete the broad version.',
    'Review what the entities attached to the policy (ListEntitiesForPolicy) did after the switch.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_SetDefaultPolicyVersion.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['iam.amazonaws.com'], eventNames: ['SetDefaultPolicyVersion'] },
  match: (e, ctx) => !isAutomation(e, ctx.org),
  priorityOf: (e, ctx): Priority => shift(basePriority(ctx, 'medium'), failed(e) ? -1 : 0),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'switched', 'switch')} managed policy ` +
    `${reqString(e, 'policyArn') ?? '(unnamed)'} to version ${reqString(e, 'versionId') ?? '(unknown)'} ` +
    `(CloudTrail does not record that version's document) ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A developer rolls an attached policy back to an older version',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'SetDefaultPolicyVersion',
          identity: IAM_IDENTITIES.admin,
          requestParameters: {
            policyArn: 'arn:aws:iam::123456789012:policy/ops-readonly',
            versionId: 'v1',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A switch to a version that does not exist',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'SetDefaultPolicyVersion',
          errorCode: 'NoSuchEntityException',
          errorMessage:
            'Policy arn:aws:iam::123456789012:policy/ops-readonly version v9 does not exist or is not attachable.',
          requestParameters: {
            policyArn: 'arn:aws:iam::123456789012:policy/ops-readonly',
            versionId: 'v9',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'The deployment pipeline switches the version it just created',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'SetDefaultPolicyVersion',
          identity: IDENTITIES.ci,
          requestParameters: {
            policyArn: 'arn:aws:iam::123456789012:policy/ops-readonly',
            versionId: 'v5',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
