/**
 * `aws.iam.admin-inline-policy`: an inline policy (PutUserPolicy, PutRolePolicy, PutGroupPolicy)
 * whose document grants administrator access, IAM privilege escalation or `sts:AssumeRole` on any
 * role. Inline policies do not show up in the managed-policy views, which makes them a favourite
 * way to hand a backdoor identity its power.
 */
import { z } from 'zod';
import type { Priority } from '../../config/schema.js';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  at,
  basePriority,
  ctRecord,
  did,
  failed,
  IDENTITIES,
  isAutomation,
  reqString,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import {
  actorUserName,
  actsOnOwnRole,
  automationAssumption,
  IAM_IDENTITIES,
} from '../lib/iam-principals.js';
import {
  DEFAULT_ESCALATION_ACTIONS,
  describeVerdict,
  judgePolicy,
  verdictSteps,
} from '../lib/policy.js';
import type { PolicyVerdict } from '../lib/policy.js';

function verdict(e: ApiEvent, escalation: readonly string[]): PolicyVerdict | undefined {
  return judgePolicy(at(e.request, 'policyDocument'), escalation);
}

function target(e: ApiEvent): { what: string; self: boolean } {
  const user = reqString(e, 'userName');
  if (user !== undefined) return { what: `user ${user}`, self: user === actorUserName(e) };
  const role = reqString(e, 'roleName');
  if (role !== undefined) return { what: `role ${role}`, self: actsOnOwnRole(e) };
  const group = reqString(e, 'groupName');
  return { what: group !== undefined ? `group ${group}` : '(an unnamed principal)', self: false };
}

const knobs = {
  escalationActions: knob(
    z.array(z.string()),
    [...DEFAULT_ESCALATION_ACTIONS],
    'IAM actions that let a holder raise its own privileges. A statement allowing any of them (directly or through a wildcard such as iam:* or iam:Put*) on every resource counts as escalation.',
  ),
};

const ADMIN_DOC = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

export default defineApiRule({
  id: 'aws.iam.admin-inline-policy',
  title: 'Inline policy grants administrator access or privilege escalation',
  category: 'iam',
  row: 'IAM-1',
  priority: 'high',
  mitre: ['T1098.003', 'T1484'],
  description:
    'PutUserPolicy, PutRolePolicy or PutGroupPolicy wrote an inline policy whose document, on every ' +
    'resource (`*`, `arn:…:*`, `role/*` or a NotResource), allows every action (`*`, `*:*`, or ' +
    'NotAction with Allow, which grants everything not listed) or an IAM action that escalates ' +
    'privileges (the `escalationActions` knob, matched through wildcards, so iam:* counts): those are ' +
    'reported at the rule priority. `sts:AssumeRole` on any role is reported one level lower. The ' +
    'document is read whether CloudTrail logged it as a JSON string, URL-encoded, or as an object, ' +
    'with Statement, Action and Resource as single values or lists and action names in any case. A ' +
    'document that is present but cannot be read is reported two levels lower, saying so. Policies ' +
    "put on the caller's own user or role (self-escalation) are raised one level; calls by the " +
    'configured automation and failed calls (an attempt) are lowered one level each. Deny ' +
    'statements and grants on specific resources do not match. iam:PassRole is deliberately not an ' +
    'escalation action here: on its own it grants nothing, it is in many legitimate policies, and ' +
    'whether it is abused depends on what is launched with the role, which one event cannot show.',
  falsePositives: [
    'Administrator roles defined inline by infrastructure-as-code (configure its identities in organisation.automationArns).',
    'Statements with conditions that narrow them in practice (MFA, source IP): the summary says when a condition is present.',
  ],
  response: [
    'Read the full policy document in the record and confirm with the owner of the acting identity whether it was intended.',
    'If not, delete the inline policy (DeleteUserPolicy / DeleteRolePolicy / DeleteGroupPolicy) and review what the target did since.',
    'Treat the acting identity as compromised if it granted itself the access; disable its keys or revoke its sessions.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['iam.amazonaws.com'],
    eventNames: ['PutUserPolicy', 'PutRolePolicy', 'PutGroupPolicy'],
  },
  match: (e, ctx) => verdict(e, ctx.knobs.escalationActions) !== undefined,
  priorityOf: (e, ctx): Priority => {
    const v = verdict(e, ctx.knobs.escalationActions);
    let steps = v === undefined ? 0 : verdictSteps(v);
    if (target(e).self) steps += 1;
    if (isAutomation(e, ctx.org)) steps -= 1;
    if (failed(e)) steps -= 1;
    return shift(basePriority(ctx, 'high'), steps);
  },
  summary: (e, ctx) => {
    const v = verdict(e, ctx.knobs.escalationActions);
    const t = target(e);
    const name = reqString(e, 'policyName') ?? '(unnamed)';
    return (
      `${actorName(e)} ${did(e, 'put', 'put')} inline policy ${name} on ` +
      `${t.self ? `its own ${t.what}` : t.what} ${v === undefined ? '' : describeVerdict(v)} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Action "*" on "*" put on a role, document as a JSON string',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutRolePolicy',
          requestParameters: {
            roleName: 'lambda-data-sync',
            policyName: 'ops',
            policyDocument: ADMIN_DOC,
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A user grants itself iam:* with a lowercase action and a single-object Statement',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutUserPolicy',
          identity: IAM_IDENTITIES.admin,
          userAgent: USER_AGENTS.boto3,
          requestParameters: {
            userName: 'dave',
            policyName: 'temp',
            policyDocument:
              '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:*"],"Resource":"arn:aws:iam::123456789012:*"}}',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'NotAction with Allow on a group, document URL-encoded',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutGroupPolicy',
          identity: 'role',
          requestParameters: {
            groupName: 'developers',
            policyName: 'everything-but-billing',
            policyDocument: encodeURIComponent(
              JSON.stringify({
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', NotAction: ['aws-portal:*'], Resource: '*' }],
              }),
            ),
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'sts:Assume* on every role ARN (assume any role)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutUserPolicy',
          requestParameters: {
            userName: 'build-bot',
            policyName: 'assume-anything',
            policyDocument:
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:Assume*","Resource":"arn:aws:iam::*:role/*"}]}',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A document that cannot be read (truncated by an export)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutRolePolicy',
          requestParameters: {
            roleName: 'lambda-data-sync',
            policyName: 'ops',
            policyDocument:
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Res',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'ec2:Describe* on "*" (Stratus Red Team set-up, as recorded)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutRolePolicy',
          userAgent:
            'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.157 (go1.19.3; linux; amd64) stratus-red-team_39f95f43-cd2f-4beb-b69e-be60b6fe1f57 HashiCorp-terraform-exec/0.17.3',
          requestParameters: {
            roleName: 'stratus-red-team-ec2-get-password-data-role',
            policyDocument:
              '{"Statement":[{"Action":["ec2:Describe*"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}',
            policyName: 'inline-policy',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A Deny-all inline policy (containment)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutUserPolicy',
          identity: IDENTITIES.role,
          requestParameters: {
            userName: 'alice',
            policyName: 'DenyAll',
            policyDocument:
              '{"Version":"2012-10-17","Statement":[{"Sid":"DenyAll","Effect":"Deny","Action":["*"],"Resource":["*"]}]}',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'Every S3 action, but on one bucket only',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutRolePolicy',
          requestParameters: {
            roleName: 'reports-writer',
            policyName: 'reports',
            policyDocument:
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":["arn:aws:s3:::acme-reports","arn:aws:s3:::acme-reports/*"]}]}',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
