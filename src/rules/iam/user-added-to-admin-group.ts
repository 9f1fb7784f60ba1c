/**
 * `aws.iam.user-added-to-admin-group`: an IAM user put into a group whose name says it is
 * privileged (administrators, power users, break-glass) by an identity outside the configured
 * automation. Group membership is the quiet way to grant administrator rights: no policy document
 * changes, and the user keeps its rights for as long as nobody looks at the group.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAnyIgnoreCase } from '../../util/glob.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  IDENTITIES,
  isAutomation,
  reqString,
  shift,
  where,
} from '../lib.js';
import { actorUserName, automationAssumption, IAM_IDENTITIES } from '../lib/iam-principals.js';

const knobs = {
  adminGroups: knob(
    z.array(z.string()),
    [
      '*admin*',
      '*root*',
      '*poweruser*',
      '*power-user*',
      '*power_user*',
      '*superuser*',
      '*super-user*',
      '*fullaccess*',
      '*full-access*',
      '*privileged*',
      '*breakglass*',
      '*break-glass*',
    ],
    'IAM group names (globs, case-insensitive) that grant administrator or similarly broad rights; adding a user to any of them is reported.',
  ),
};

/** True when the caller is the IAM user it adds (an IAM user escalating itself). */
function addsItself(e: ApiEvent): boolean {
  const self = actorUserName(e);
  return self !== undefined && self === reqString(e, 'userName');
}

export default defineApiRule({
  id: 'aws.iam.user-added-to-admin-group',
  title: 'IAM user added to an administrators group outside automation',
  category: 'iam',
  row: null,
  priority: 'high',
  mitre: ['T1098', 'T1098.003'],
  description:
    'AddUserToGroup put an IAM user into a group whose name matches the `adminGroups` knob ' +
    '(`*admin*`, `*root*`, `*poweruser*`, `*breakglass*` and similar, case-insensitive), and the ' +
    "caller is not the organisation's automation (organisation.automationArns, " +
    'automationUserAgents) nor an AWS service. The user inherits every policy of the group at ' +
    'once, without any policy document in the record: attackers with iam:AddUserToGroup use it ' +
    'to escalate a stolen user or to make a freshly created backdoor user an administrator. An ' +
    'IAM user adding itself is reported one level higher, since that is privilege escalation ' +
    'with no second person involved. The group is judged by its name only; policies attached to ' +
    'groups are reported by aws.iam.admin-policy-attached. Triage: who added whom, whether a ' +
    'ticket covers it, and what the user did after the change. Failed calls (AccessDenied, ' +
    'NoSuchEntity) are reported one level lower as attempts; an escalation attempt that failed ' +
    'still shows intent. With no automation configured every caller counts as a person and the ' +
    'finding says so.',
  falsePositives: [
    'Administrators onboarding a colleague into an administrators group by hand.',
    'Groups named like administrators that grant little (rename them or narrow adminGroups).',
    'Provisioning pipelines not yet listed in organisation.automationArns.',
  ],
  response: [
    'Confirm with the caller and the added user that the membership was requested and approved.',
    "If not, remove the user from the group (RemoveUserFromGroup) and review the user's activity since the change, especially new keys, users and policies.",
    "Revoke the caller's credentials if it was not a person who could make that change, and look for the CreateUser or CreateAccessKey that preceded it.",
    'Restrict iam:AddUserToGroup on privileged groups to a break-glass role, and prefer IAM Identity Center permission sets to IAM groups for people.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_add-remove-users.html',
    'https://attack.mitre.org/techniques/T1098/003/',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['iam.amazonaws.com'], eventNames: ['AddUserToGroup'] },
  match: (e, ctx) =>
    matchesAnyIgnoreCase(ctx.knobs.adminGroups, reqString(e, 'groupName')) &&
    !isAutomation(e, ctx.org) &&
    !byAwsService(e),
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), (addsItself(e) ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e) => {
    const group = reqString(e, 'groupName') ?? '(unnamed)';
    const user = reqString(e, 'userName') ?? '(unnamed)';
    const verb = failed(e) ? 'tried to add' : 'added';
    const who = addsItself(e) ? `itself (IAM user ${user})` : `IAM user ${user}`;
    return `${actorName(e)} ${verb} ${who} to privileged IAM group ${group} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'An IAM user with a stolen key adds itself to the Admins group',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AddUserToGroup',
          requestParameters: { groupName: 'Admins', userName: 'alice' },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'An SSO administrator adds a fresh backdoor user to PowerUsers in the console',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AddUserToGroup',
          identity: 'role',
          userAgent: 'AWS Internal',
          requestParameters: { groupName: 'PowerUsers', userName: 'svc-backup' },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A denied attempt to join the break-glass group',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AddUserToGroup',
          identity: IAM_IDENTITIES.admin,
          errorCode: 'AccessDenied',
          errorMessage:
            'User: arn:aws:iam::123456789012:user/ops/dave is not authorized to perform: iam:AddUserToGroup on resource: group break-glass-admins because no identity-based policy allows the iam:AddUserToGroup action',
          requestParameters: { groupName: 'break-glass-admins', userName: 'dave' },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'A user added to an ordinary developers group',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AddUserToGroup',
          identity: 'role',
          requestParameters: { groupName: 'developers', userName: 'erin' },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'The configured deployment role manages the administrators group',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AddUserToGroup',
          identity: IDENTITIES.ci,
          userAgent:
            'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/iam#1.31.3',
          requestParameters: { groupName: 'Administrators', userName: 'frank' },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A user removed from the administrators group',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'RemoveUserFromGroup',
          requestParameters: { groupName: 'Admins', userName: 'alice' },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
