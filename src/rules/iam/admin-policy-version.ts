/**
 * `aws.iam.admin-policy-version`: a customer managed policy created (CreatePolicy) or given a new
 * default version (CreatePolicyVersion with setAsDefault) whose document grants administrator
 * access, IAM privilege escalation or `sts:AssumeRole` on any role. Rewriting a policy that is
 * already attached to the attacker is a quiet escalation: no attachment event follows.
 */
import { z } from 'zod';
import type { Priority } from '../../config/schema.js';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
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
  str,
  USER_AGENTS,
  where,
} from '../lib.js';
import { automationAssumption, IAM_IDENTITIES } from '../lib/iam-principals.js';
import {
  DEFAULT_ESCALATION_ACTIONS,
  describeVerdict,
  judgePolicy,
  verdictSteps,
} from '../lib/policy.js';
import type { PolicyVerdict } from '../lib/policy.js';

const isCreatePolicy = (e: ApiEvent): boolean => e.eventName === 'CreatePolicy';

function verdict(e: ApiEvent, escalation: readonly string[]): PolicyVerdict | undefined {
  // A version that is not made the default grants nothing until SetDefaultPolicyVersion, which
  // aws.iam.policy-version-switched reports.
  if (!isCreatePolicy(e) && bool(e.request, 'setAsDefault') !== true) return undefined;
  return judgePolicy(at(e.request, 'policyDocument'), escalation);
}

function policyName(e: ApiEvent): string {
  const arn = reqString(e, 'policyArn') ?? str(e.response, 'policy', 'arn');
  const name = reqString(e, 'policyName') ?? arn?.replace(/^.*:policy\//, '');
  return name ?? '(unnamed)';
}

const knobs = {
  escalationActions: knob(
    z.array(z.string()),
    [...DEFAULT_ESCALATION_ACTIONS],
    'IAM actions that let a holder raise its own privileges. A statement allowing any of them (directly or through a wildcard such as iam:* or iam:Put*) on every resource counts as escalation.',
  ),
};

export default defineApiRule({
  id: 'aws.iam.admin-policy-version',
  title: 'Managed policy created or rewritten to grant administrator access',
  category: 'iam',
  row: 'IAM-1',
  priority: 'high',
  mitre: ['T1098.003', 'T1484'],
  description:
    'CreatePolicyVersion with setAsDefault true replaced the effective document of a customer managed ' +
    'policy, or CreatePolicy created one, and the document allows, on every resource, every action ' +
    '(`*`, `*:*`, NotAction with Allow) or an IAM escalation action (the `escalationActions` knob, ' +
    'through wildcards): those are reported at the rule priority, `sts:AssumeRole` on any role one ' +
    'level lower. A new default version takes effect at once for every user, group and role the ' +
    'policy is attached to, so it is reported as it stands. CreatePolicy is reported one level lower: ' +
    'the policy grants nothing until it is attached, and the attachment of a customer managed policy ' +
    'cannot be judged by its name, so this is the one chance to see the content. A version created ' +
    'without setAsDefault does not match (aws.iam.policy-version-switched reports the later switch). ' +
    'Documents are read from JSON strings, URL-encoded strings or objects; an unreadable document is ' +
    'reported two levels lower. Calls by the configured automation and failed calls are lowered one ' +
    'level each.',
  falsePositives: [
    'Administrator policies managed by infrastructure-as-code (configure its identities in organisation.automationArns).',
  ],
  response: [
    'Find where the policy is attached (ListEntitiesForPolicy) and who gained the access.',
    'If the change was not planned, set the previous version as default again (SetDefaultPolicyVersion) and delete the new one, or delete the new policy.',
    'Investigate the acting identity; rewriting an attached policy is how a limited principal with iam:CreatePolicyVersion escalates.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html',
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['iam.amazonaws.com'], eventNames: ['CreatePolicyVersion', 'CreatePolicy'] },
  match: (e, ctx) => verdict(e, ctx.knobs.escalationActions) !== undefined,
  priorityOf: (e, ctx): Priority => {
    const v = verdict(e, ctx.knobs.escalationActions);
    let steps = v === undefined ? 0 : verdictSteps(v);
    if (isCreatePolicy(e)) steps -= 1;
    if (isAutomation(e, ctx.org)) steps -= 1;
    if (failed(e)) steps -= 1;
    return shift(basePriority(ctx, 'high'), steps);
  },
  summary: (e, ctx) => {
    const v = verdict(e, ctx.knobs.escalationActions);
    const what = v === undefined ? '' : describeVerdict(v);
    return isCreatePolicy(e)
      ? `${actorName(e)} ${did(e, 'created', 'create')} customer managed policy ${policyName(e)} (not attached yet) ${what} ${where(e)}`
      : `${actorName(e)} ${did(e, 'made', 'make')} a new default version of managed policy ${policyName(e)} ${what} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A new default version grants "*:*" on "*" to an attached policy',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreatePolicyVersion',
          identity: IAM_IDENTITIES.admin,
          userAgent: USER_AGENTS.boto3,
          requestParameters: {
            policyArn: 'arn:aws:iam::123456789012:policy/ops-readonly',
            policyDocument:
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*:*","Resource":"*"}]}',
            setAsDefault: true,
          },
          responseElements: {
            policyVersion: {
              versionId: 'v4',
              isDefaultVersion: true,
              createDate: 'Jan 2, 2026, 3:04:05 AM',
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A customer managed policy created with NotAction and Allow (not attached yet)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreatePolicy',
          requestParameters: {
            policyName: 'support-tools',
            path: '/',
            policyDocument:
              '{"Statement":[{"Effect":"Allow","NotAction":["iam:DeleteAccountPasswordPolicy"],"Resource":"*"}],"Version":"2012-10-17"}',
            description: '',
          },
          responseElements: {
            policy: {
              policyName: 'support-tools',
              policyId: 'ANPA4XJ7LBQ5EXAMPLE09',
              arn: 'arn:aws:iam::123456789012:policy/support-tools',
              path: '/',
              defaultVersionId: 'v1',
              attachmentCount: 0,
              permissionsBoundaryUsageCount: 0,
              isAttachable: true,
              createDate: 'Jan 2, 2026, 3:04:05 AM',
              updateDate: 'Jan 2, 2026, 3:04:05 AM',
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title:
          'A customer managed policy for ec2:DescribeInstances (Stratus Red Team set-up, as recorded)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreatePolicy',
          userAgent:
            'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/4.67.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.261 (go1.19.8; linux; amd64) stratus-red-team_bc31c885-5ea0-4a6e-8bec-b6b10058bc44 HashiCorp-terraform-exec/0.17.3',
          requestParameters: {
            policyName: 'stratus-red-team-ec2lui-policy-pcccexdthk',
            path: '/',
            policyDocument:
              '{"Statement":[{"Action":["ec2:DescribeInstances"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}',
            description: '',
            tags: [{ key: 'StratusRedTeam', value: 'true' }],
          },
          responseElements: {
            policy: {
              policyName: 'stratus-red-team-ec2lui-policy-pcccexdthk',
              policyId: 'ANPATFQR7NSCRBSSSS4N4',
              arn: 'arn:aws:iam::123456789012:policy/stratus-red-team-ec2lui-policy-pcccexdthk',
              path: '/',
              defaultVersionId: 'v1',
              attachmentCount: 0,
              permissionsBoundaryUsageCount: 0,
              isAttachable: true,
              createDate: 'Jul 10, 2023 12:06:32 PM',
              updateDate: 'Jul 10, 2023 12:06:32 PM',
              tags: [{ key: 'StratusRedTeam', value: 'true' }],
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'An administrator version created without making it the default',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreatePolicyVersion',
          requestParameters: {
            policyArn: 'arn:aws:iam::123456789012:policy/ops-readonly',
            policyDocument:
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
            setAsDefault: false,
          },
          responseElements: {
            policyVersion: {
              versionId: 'v5',
              isDefaultVersion: false,
              createDate: 'Jan 2, 2026, 3:04:05 AM',
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
