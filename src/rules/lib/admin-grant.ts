/**
 * What an IAM call grants to a user or role, for the rules that follow grants over time: which
 * calls grant permissions (attaching a managed policy, putting an inline one, joining a group),
 * whom they target, whether that is the caller itself, and whether the grant amounts to
 * administrator access. The judgement is the one the single-event rules make: managed policies
 * by name (the `adminPolicies` defaults of aws.iam.admin-policy-attached), inline documents by
 * content (`permissionGrants` of policy.ts), groups by name (the `adminGroups` defaults of
 * aws.iam.user-added-to-admin-group), so one list is kept, not two.
 */
import type { ApiEvent } from '../../model/event.js';
import { matchesAny, matchesAnyIgnoreCase } from '../../util/glob.js';
import adminPolicyAttached from '../iam/admin-policy-attached.js';
import userAddedToAdminGroup from '../iam/user-added-to-admin-group.js';
import { reqString } from '../lib.js';
import { actorUserName, actsOnOwnRole } from './iam-principals.js';
import { grantRank, permissionGrants, readPolicy } from './policy.js';

/** Managed policy names (globs) that amount to administrator access. */
export const DEFAULT_ADMIN_POLICIES: readonly string[] = [
  ...adminPolicyAttached.knobs.adminPolicies.default,
];
/** IAM group names (globs, case-insensitive) that grant administrator or similar rights. */
export const DEFAULT_ADMIN_GROUPS: readonly string[] = [
  ...userAddedToAdminGroup.knobs.adminGroups.default,
];

/** The IAM calls that grant a user or role permissions. */
export const GRANT_EVENTS: readonly string[] = [
  'AttachUserPolicy',
  'AttachRolePolicy',
  'PutUserPolicy',
  'PutRolePolicy',
  'AddUserToGroup',
];

export interface Grant {
  /** `user alice`, `role webapp-ec2`. */
  target: string;
  /** True when the target is the caller itself (its user, or the role it is a session of). */
  self: boolean;
  /** What was granted, in words: `AdministratorAccess`, `inline policy escalate`, `group Admins`. */
  what: string;
  /**
   * True when the grant amounts to administrator access: a listed managed policy, an inline
   * document granting every action (or all but some) or IAM privilege escalation on every
   * resource (`iam:*` can grant itself the rest), or a listed group.
   */
  admin: boolean;
}

export interface AdminLists {
  adminPolicies: readonly string[];
  adminGroups: readonly string[];
}

/** `arn:aws:iam::aws:policy/job-function/X` → `X`; a customer policy ARN → its name. */
export function policyName(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/** True for an AWS managed policy ARN (`arn:aws:iam::aws:policy/…`). */
function awsManaged(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::aws:policy\//.test(arn.trim());
}

/**
 * The grant a call makes, or undefined when it grants nothing readable (another event, no
 * target). Failed calls are judged like successful ones; callers decide what a failure means.
 */
export function grantOf(e: ApiEvent, lists: AdminLists): Grant | undefined {
  if (!GRANT_EVENTS.includes(e.eventName)) return undefined;
  const user = reqString(e, 'userName');
  const role = reqString(e, 'roleName');
  const target =
    user !== undefined ? `user ${user}` : role !== undefined ? `role ${role}` : undefined;
  if (target === undefined) return undefined;
  const self =
    user !== undefined
      ? user === actorUserName(e)
      : e.eventName.endsWith('RolePolicy') && actsOnOwnRole(e);
  switch (e.eventName) {
    case 'AttachUserPolicy':
    case 'AttachRolePolicy': {
      const arn = reqString(e, 'policyArn');
      if (arn === undefined) return undefined;
      const name = policyName(arn);
      const admin = awsManaged(arn) && matchesAny(lists.adminPolicies, name);
      return { target, self, what: `managed policy ${name}`, admin };
    }
    case 'PutUserPolicy':
    case 'PutRolePolicy': {
      const name = reqString(e, 'policyName') ?? '(unnamed)';
      const doc = readPolicy(e.request?.policyDocument);
      const grants = doc?.ok === true ? permissionGrants(doc.statements) : [];
      const admin = grants.some((g) => grantRank(g.kind) >= 2);
      return { target, self, what: `inline policy ${name}`, admin };
    }
    default: {
      const group = reqString(e, 'groupName');
      if (group === undefined || user === undefined) return undefined;
      const admin = matchesAnyIgnoreCase(lists.adminGroups, group);
      return { target, self, what: `group ${group}`, admin };
    }
  }
}
