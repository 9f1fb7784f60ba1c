/**
 * `aws.iam.admin-policy-attached`: an AWS managed policy that grants administrator or full access
 * (`AdministratorAccess`, `IAMFullAccess`, `*FullAccess` on sensitive services) attached to a
 * user, role or group. The most direct privilege escalation in IAM, and the first thing a backdoor
 * user or role gets.
 */
import { z } from 'zod';
import type { Priority } from '../../config/schema.js';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
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
  USER_AGENTS,
  where,
} from '../lib.js';
import {
  actorUserName,
  actsOnOwnRole,
  automationAssumption,
  IAM_IDENTITIES,
} from '../lib/iam-principals.js';

/** `arn:aws:iam::aws:policy/job-function/X` → `X`, for AWS managed policies only. */
function managedPolicyName(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const m = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn.trim());
  return m ? (m[1] as string) : undefined;
}

interface Attachment {
  policy: string;
  level: 'admin' | 'full';
  target: string;
  self: boolean;
}

function attachment(
  e: ApiEvent,
  knobs: { adminPolicies: readonly string[]; fullAccessPolicies: readonly string[] },
): Attachment | undefined {
  const policy = managedPolicyName(reqString(e, 'policyArn'));
  if (policy === undefined) return undefined;
  const level = matchesAny(knobs.adminPolicies, policy)
    ? 'admin'
    : matchesAny(knobs.fullAccessPolicies, policy)
      ? 'full'
      : undefined;
  if (level === undefined) return undefined;
  const user = reqString(e, 'userName');
  const role = reqString(e, 'roleName');
  const group = reqString(e, 'groupName');
  const target =
    user !== undefined
      ? `user ${user}`
      : role !== undefined
        ? `role ${role}`
        : group !== undefined
          ? `group ${group}`
          : '(an unnamed principal)';
  const self = (user !== undefined && user === actorUserName(e)) || actsOnOwnRole(e);
  return { policy, level, target, self };
}

const knobs = {
  adminPolicies: knob(
    z.array(z.string()),
    ['AdministratorAccess', 'IAMFullAccess', 'AWSOrganizationsFullAccess'],
    'Names (globs) of AWS managed policies that amount to administrator access. Attaching one is reported at the rule priority.',
  ),
  fullAccessPolicies: knob(
    z.array(z.string()),
    [
      'PowerUserAccess',
      'AmazonS3FullAccess',
      'AmazonEC2FullAccess',
      'AWSLambda_FullAccess',
      'AWSLambdaFullAccess',
      'SecretsManagerReadWrite',
      'AWSKeyManagementServicePowerUser',
      'AmazonSSMFullAccess',
      'AWSCloudTrail_FullAccess',
      'CloudWatchLogsFullAccess',
      'AmazonGuardDutyFullAccess',
      'AWSSecurityHubFullAccess',
      'AWSCloudFormationFullAccess',
      'AmazonRDSFullAccess',
      'AmazonDynamoDBFullAccess',
      'AmazonVPCFullAccess',
      'AWSSSOMasterAccountAdministrator',
    ],
    'Names (globs) of AWS managed full-access policies on sensitive services. Attaching one is reported one level below the rule priority.',
  ),
};

export default defineApiRule({
  id: 'aws.iam.admin-policy-attached',
  title: 'Administrator or full-access managed policy attached',
  category: 'iam',
  row: 'IAM-1',
  priority: 'high',
  mitre: ['T1098.003', 'T1484'],
  description:
    'AttachUserPolicy, AttachRolePolicy or AttachGroupPolicy attached an AWS managed policy named in ' +
    'the `adminPolicies` knob (AdministratorAccess, IAMFullAccess, AWSOrganizationsFullAccess) or in ' +
    'the `fullAccessPolicies` knob (PowerUserAccess and the *FullAccess policies of sensitive ' +
    'services). Administrator policies are reported at the rule priority and full-access policies ' +
    'one level lower. A principal attaching the policy to itself (a user to its own user, a role ' +
    'session to its own role) is classic self-escalation and is raised one level. Attachments by the ' +
    'configured automation are lowered one level, and failed calls (AccessDenied, ' +
    'NoSuchEntity) one level: an attempt to escalate is still worth a look. Customer managed ' +
    'policies are judged by their content when they are created (aws.iam.admin-policy-version), not ' +
    'by their name here.',
  falsePositives: [
    'Break-glass or administrator roles set up by the platform team (configure their pipeline in organisation.automationArns).',
    'Sandbox accounts where developers hold administrator access by design (disable the rule there).',
  ],
  response: [
    'Confirm with the owner of the acting identity that the attachment was planned; if not, detach the policy at once.',
    'Review what the target user, role or group did since the attachment (CloudTrail by its ARN), and whether access keys or login profiles were created for it.',
    'If the actor was compromised, disable its keys or revoke its sessions (aws iam put-role-policy with an AWSRevokeOlderSessions deny).',
    'Guard administrator policies with a service control policy or permissions boundary that limits who can attach them.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html',
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['iam.amazonaws.com'],
    eventNames: ['AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy'],
  },
  match: (e, ctx) => attachment(e, ctx.knobs) !== undefined,
  priorityOf: (e, ctx): Priority => {
    const a = attachment(e, ctx.knobs);
    let steps = a?.level === 'full' ? -1 : 0;
    if (a?.self === true) steps += 1;
    if (isAutomation(e, ctx.org)) steps -= 1;
    if (failed(e)) steps -= 1;
    return shift(basePriority(ctx, 'high'), steps);
  },
  summary: (e, ctx) => {
    const a = attachment(e, ctx.knobs);
    const kind = a?.level === 'admin' ? 'administrator policy' : 'full-access policy';
    const target = a?.self === true ? `its own ${a.target}` : (a?.target ?? '(unknown)');
    return `${actorName(e)} ${did(e, 'attached', 'attach')} AWS managed ${kind} ${a?.policy ?? '(unknown)'} to ${target} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title:
          'AdministratorAccess attached to a freshly created backdoor user (Stratus Red Team, as recorded)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AttachUserPolicy',
          userAgent: 'stratus-red-team_e1bd4d05-8971-4500-b6af-3e05539b163c',
          requestParameters: {
            userName: 'malicious-iam-user',
            policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
          },
          host: 'iam.amazonaws.com',
          awsRegion: 'us-east-1',
        }),
      },
      {
        title: 'Stolen instance-role credentials attach AdministratorAccess to their own role',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AttachRolePolicy',
          identity: IAM_IDENTITIES.instanceRole,
          sourceIPAddress: '185.220.101.47',
          userAgent: USER_AGENTS.boto3,
          requestParameters: {
            roleName: 'webapp-ec2',
            policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'AmazonS3FullAccess attached to a group (full access on a sensitive service)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AttachGroupPolicy',
          requestParameters: {
            groupName: 'contractors',
            policyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A denied attempt to attach IAMFullAccess',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AttachUserPolicy',
          errorCode: 'AccessDenied',
          errorMessage:
            'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:AttachUserPolicy on resource: user alice because no identity-based policy allows the iam:AttachUserPolicy action',
          requestParameters: {
            userName: 'alice',
            policyArn: 'arn:aws:iam::aws:policy/IAMFullAccess',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title:
          'AmazonSSMManagedInstanceCore attached to an instance role (Stratus Red Team set-up)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AttachRolePolicy',
          userAgent:
            'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.157 (go1.19.3; linux; amd64) HashiCorp-terraform-exec/0.17.3',
          requestParameters: {
            roleName: 'stratus-red-team-ec2-steal-credentials-role',
            policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'AdministratorAccess detached from a user',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'DetachUserPolicy',
          identity: IDENTITIES.role,
          requestParameters: {
            userName: 'malicious-iam-user',
            policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
