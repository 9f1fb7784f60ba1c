/**
 * `aws.iam.permissions-boundary-removed`: the permissions boundary of a user or role deleted, or
 * replaced by a boundary that bounds nothing (AdministratorAccess). Boundaries are how delegated
 * administrators are kept from granting more than they hold; removing one lifts that ceiling.
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
  where,
} from '../lib.js';
import {
  actorUserName,
  actsOnOwnRole,
  automationAssumption,
  IAM_IDENTITIES,
} from '../lib/iam-principals.js';

const isPut = (e: ApiEvent): boolean => e.eventName.startsWith('Put');

function boundaryName(e: ApiEvent): string | undefined {
  const arn = reqString(e, 'permissionsBoundary');
  return arn === undefined ? undefined : arn.replace(/^.*:policy\/(?:.*\/)?/, '');
}

function lifted(e: ApiEvent, unbounded: readonly string[]): boolean {
  if (!isPut(e)) return true;
  const arn = reqString(e, 'permissionsBoundary');
  // Only AWS managed policies are judged by name; a customer policy of the same name may differ.
  return (
    arn !== undefined &&
    /^arn:aws[a-z-]*:iam::aws:policy\//.test(arn) &&
    matchesAny(unbounded, boundaryName(e))
  );
}

function target(e: ApiEvent): { what: string; self: boolean } {
  const user = reqString(e, 'userName');
  if (user !== undefined) return { what: `user ${user}`, self: user === actorUserName(e) };
  const role = reqString(e, 'roleName');
  return { what: `role ${role ?? '(unnamed)'}`, self: actsOnOwnRole(e) };
}

const knobs = {
  unboundedBoundaries: knob(
    z.array(z.string()),
    ['AdministratorAccess'],
    'Names (globs) of AWS managed policies that, set as a permissions boundary, bound nothing. Putting one as boundary counts as removing the boundary.',
  ),
};

export default defineApiRule({
  id: 'aws.iam.permissions-boundary-removed',
  title: 'Permissions boundary removed from a user or role',
  category: 'iam',
  row: 'IAM-1',
  priority: 'high',
  mitre: ['T1098', 'T1484'],
  description:
    'DeleteUserPermissionsBoundary or DeleteRolePermissionsBoundary removed the boundary that caps ' +
    "what the identity's own policies can grant, or PutUserPermissionsBoundary / " +
    'PutRolePermissionsBoundary replaced it with an AWS managed policy named in the ' +
    '`unboundedBoundaries` knob (AdministratorAccess), which caps nothing. A principal lifting its ' +
    'own boundary is raised one level; calls by the configured automation and failed calls are ' +
    'lowered one level each.',
  falsePositives: [
    'Platform teams retiring a boundary scheme (the change should come from their pipeline; list it in organisation.automationArns).',
  ],
  response: [
    'Check with the owner of the acting identity; if unplanned, put the previous boundary back (Put*PermissionsBoundary).',
    "Review the target's policies: without the boundary their full grant now applies.",
    'Investigate the actor, especially when it lifted its own boundary.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePermissionsBoundary.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['iam.amazonaws.com'],
    eventNames: [
      'DeleteUserPermissionsBoundary',
      'DeleteRolePermissionsBoundary',
      'PutUserPermissionsBoundary',
      'PutRolePermissionsBoundary',
    ],
  },
  match: (e, ctx) => lifted(e, ctx.knobs.unboundedBoundaries),
  priorityOf: (e, ctx): Priority => {
    let steps = target(e).self ? 1 : 0;
    if (isAutomation(e, ctx.org)) steps -= 1;
    if (failed(e)) steps -= 1;
    return shift(basePriority(ctx, 'high'), steps);
  },
  summary: (e) => {
    const t = target(e);
    const who = t.self ? `its own ${t.what}` : t.what;
    return isPut(e)
      ? `${actorName(e)} ${did(e, 'set', 'set')} ${boundaryName(e) ?? '(unknown)'} as the permissions boundary of ${who}, which removes any limit, ${where(e)}`
      : `${actorName(e)} ${did(e, 'removed', 'remove')} the permissions boundary of ${who} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'The boundary of a role deleted',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'DeleteRolePermissionsBoundary',
          identity: IDENTITIES.role,
          requestParameters: { roleName: 'team-a-deployer' },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A delegated administrator lifts its own user boundary',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'DeleteUserPermissionsBoundary',
          identity: IAM_IDENTITIES.admin,
          requestParameters: { userName: 'dave' },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'AdministratorAccess put as the boundary of a user',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutUserPermissionsBoundary',
          requestParameters: {
            userName: 'contractor-1',
            permissionsBoundary: 'arn:aws:iam::aws:policy/AdministratorAccess',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'A restrictive customer boundary put on a role',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutRolePermissionsBoundary',
          identity: IDENTITIES.role,
          requestParameters: {
            roleName: 'team-a-deployer',
            permissionsBoundary: 'arn:aws:iam::123456789012:policy/team-a-boundary',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
