/**
 * `aws.evasion.scp-removed`: AWS Organizations guardrails taken away: a policy detached from the
 * root, an OU or an account, a policy type disabled for the whole organisation, a policy deleted,
 * or the organisation deleted. Service control policies are what stop a member account's
 * administrators from stopping CloudTrail or leaving the organisation; removing them comes first.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAnyIgnoreCase } from '../../util/glob.js';
import { actorName, ctRecord, did, IDENTITIES, reqString, tamperPriority, where } from '../lib.js';
import { IAM_IDENTITIES } from '../lib/iam-principals.js';
import { automationAssumption } from '../lib/ownership.js';

/**
 * AWS's own allow-all policies. Detaching one takes permissions away (the accounts below lose
 * every action not allowed otherwise); it is the opposite of removing a guardrail.
 */
const ALLOW_ALL_POLICIES = ['p-FullAWSAccess', 'p-RCPFullAWSAccess'];

/** Policy types that restrict what principals may do; the other types (tag, backup, …) do not. */
const GUARDRAIL_TYPES = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'];

const ORG_ROOT_ARN = 'arn:aws:organizations::123456789012:root/o-pdbiiraurm/r-bmrv';

const knobs = {
  guardrailPolicies: knob(
    z.array(z.string()),
    [],
    'Organizations policy ids (p-…, globs, case-insensitive) known to be guardrail service or resource control policies; detaching or deleting one is reported one level higher.',
  ),
};

function policyId(e: ApiEvent): string | undefined {
  return reqString(e, 'policyId');
}

function policyType(e: ApiEvent): string | undefined {
  return reqString(e, 'policyType')?.toUpperCase();
}

function allowAll(e: ApiEvent): boolean {
  const id = policyId(e);
  return id !== undefined && ALLOW_ALL_POLICIES.some((p) => p.toLowerCase() === id.toLowerCase());
}

/** `the organisation root r-…`, `OU ou-…`, `account 1234…` for a target id. */
function describeTarget(id: string | undefined): string {
  if (id === undefined) return 'an unnamed target';
  if (id.startsWith('r-')) return `the organisation root ${id}`;
  if (id.startsWith('ou-')) return `organisational unit ${id}`;
  if (/^\d{12}$/.test(id)) return `account ${id}`;
  return id;
}

/** Levels above (+1) or below (-1) the rule priority for this call. */
function weight(e: ApiEvent, guardrails: readonly string[]): number {
  switch (e.eventName) {
    case 'DisablePolicyType':
      return GUARDRAIL_TYPES.includes(policyType(e) ?? '') ? 1 : -1;
    case 'DeleteOrganization':
      return 1;
    case 'DeletePolicy':
      // A policy must be detached everywhere before it can be deleted; the detach is the change.
      return matchesAnyIgnoreCase(guardrails, policyId(e)) ? 0 : -1;
    default:
      return matchesAnyIgnoreCase(guardrails, policyId(e)) ? 1 : 0;
  }
}

function describe(e: ApiEvent): string {
  const id = policyId(e) ?? '(unnamed)';
  switch (e.eventName) {
    case 'DisablePolicyType': {
      const type = policyType(e) ?? 'an unnamed policy type';
      const effect = GUARDRAIL_TYPES.includes(type) ? ' (lifting every such policy at once)' : '';
      return (
        `${did(e, 'disabled', 'disable')} the ${type} policy type${effect} for ` +
        describeTarget(reqString(e, 'rootId'))
      );
    }
    case 'DeleteOrganization':
      return `${did(e, 'deleted', 'delete')} the AWS organisation`;
    case 'DeletePolicy':
      return `${did(e, 'deleted', 'delete')} Organizations policy ${id}`;
    default:
      return (
        `${did(e, 'detached', 'detach')} Organizations policy ${id} (a service control policy ` +
        `or another organisation policy type; the record does not say which) from ` +
        describeTarget(reqString(e, 'targetId'))
      );
  }
}

export default defineApiRule({
  id: 'aws.evasion.scp-removed',
  title: 'AWS Organizations guardrail removed (policy detached, policy type disabled)',
  category: 'evasion',
  row: null,
  priority: 'high',
  mitre: ['T1484', 'T1562'],
  description:
    'A call in the management account (or a delegated policy administrator) that takes ' +
    'organisation guardrails away. DetachPolicy removes a policy from the root, an OU or an ' +
    'account, reported at the rule priority: CloudTrail records only the policy id, not its type, ' +
    'so every detach is treated as a possible service control policy (SCP) and the summary says ' +
    "so; policy ids in the `guardrailPolicies` knob are one level higher, and AWS's allow-all " +
    'policies (p-FullAWSAccess, p-RCPFullAWSAccess) do not match, since detaching them restricts. ' +
    'DisablePolicyType for SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY lifts every such ' +
    'policy in the organisation at once and is one level higher; other policy types (tag, backup, ' +
    'AI opt-out, chat) are one level lower. DeletePolicy is one level lower (a policy can only be ' +
    'deleted once detached, so the detach is the change that mattered) unless the policy is a ' +
    'known guardrail. DeleteOrganization is one level higher. UpdatePolicy, which can weaken a ' +
    'policy’s content, is not matched: its effect needs the previous document. Attackers who ' +
    'reach the management account remove the SCPs that deny cloudtrail:StopLogging, ' +
    'organizations:LeaveOrganization or region use before they act in member accounts. Failed ' +
    "calls are reported one level lower as attempts, and so are calls by the organisation's " +
    'automation (landing-zone pipelines change policies routinely).',
  falsePositives: [
    'Landing-zone pipelines (Control Tower, Account Factory for Terraform) re-arranging policies; list them as automation.',
    'Planned replacement of one SCP by another (an AttachPolicy of the new one follows the detach).',
  ],
  response: [
    'Identify the policy (DescribePolicy) and its previous targets; re-attach it or re-enable the policy type at once if the change was not planned.',
    'Review activity in the affected accounts since the change, especially CloudTrail, GuardDuty and LeaveOrganization calls the policy used to deny.',
    'Investigate the caller: management-account credentials that remove guardrails are a critical compromise; revoke its sessions and keys.',
    'Limit organizations:DetachPolicy, DisablePolicyType and DeletePolicy to a break-glass role with MFA.',
  ],
  references: [
    'https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html',
    'https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisablePolicyType.html',
    'https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeletePolicy.html',
    'https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeleteOrganization.html',
    'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['organizations.amazonaws.com'],
    eventNames: ['DetachPolicy', 'DisablePolicyType', 'DeletePolicy', 'DeleteOrganization'],
  },
  match: (e) => !(e.eventName === 'DetachPolicy' && allowAll(e)),
  priorityOf: (e, ctx) => {
    const w = weight(e, ctx.knobs.guardrailPolicies);
    return tamperPriority(e, ctx, 'high', {
      sensitive: w > 0,
      lower: w < 0,
      automationLowers: true,
    });
  },
  summary: (e) => `${actorName(e)} ${describe(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'The management account root detaches an SCP from a member account (console)',
        record: {
          ...ctRecord({
            eventVersion: '1.08',
            eventSource: 'organizations.amazonaws.com',
            eventName: 'DetachPolicy',
            identity: IAM_IDENTITIES.root,
            userAgent:
              'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Safari/537.36',
            requestParameters: { targetId: '210987654321', policyId: 'p-bvdv3rx3' },
          }),
          sessionCredentialFromConsole: 'true',
        },
      },
      {
        title: 'Service control policies disabled for the whole organisation',
        record: ctRecord({
          eventSource: 'organizations.amazonaws.com',
          eventName: 'DisablePolicyType',
          identity: 'role',
          requestParameters: { rootId: 'r-bmrv', policyType: 'SERVICE_CONTROL_POLICY' },
          responseElements: {
            root: {
              policyTypes: [{ status: 'ENABLED', type: 'SERVICE_CONTROL_POLICY' }],
              arn: ORG_ROOT_ARN,
              name: 'Root',
              id: 'r-bmrv',
            },
          },
        }),
      },
      {
        title:
          'A known guardrail SCP detached from an OU by a pipeline role not listed as automation',
        config: {
          rules: { 'aws.evasion.scp-removed': { knobs: { guardrailPolicies: ['p-bvdv3rx3'] } } },
        },
        record: ctRecord({
          eventSource: 'organizations.amazonaws.com',
          eventName: 'DetachPolicy',
          identity: IDENTITIES.ci,
          requestParameters: { targetId: 'ou-bmrv-5k2x9q7d', policyId: 'p-bvdv3rx3' },
        }),
      },
      {
        title: 'A denied attempt to delete a policy',
        record: ctRecord({
          eventSource: 'organizations.amazonaws.com',
          eventName: 'DeletePolicy',
          errorCode: 'AccessDeniedException',
          errorMessage: 'You don’t have permissions to access this resource.',
          requestParameters: { policyId: 'p-bvdv3rx3' },
        }),
      },
      {
        title: 'The organisation deleted',
        record: ctRecord({
          eventSource: 'organizations.amazonaws.com',
          eventName: 'DeleteOrganization',
          identity: 'role',
        }),
      },
    ],
    miss: [
      {
        title: 'An SCP attached to a member account',
        record: ctRecord({
          eventSource: 'organizations.amazonaws.com',
          eventName: 'AttachPolicy',
          identity: 'role',
          requestParameters: { targetId: '210987654321', policyId: 'p-bvdv3rx3' },
        }),
      },
      {
        title: 'The allow-all FullAWSAccess policy detached (restricts, does not open)',
        record: ctRecord({
          eventSource: 'organizations.amazonaws.com',
          eventName: 'DetachPolicy',
          identity: 'role',
          requestParameters: { targetId: 'ou-bmrv-5k2x9q7d', policyId: 'p-FullAWSAccess' },
        }),
      },
    ],
  },
});
