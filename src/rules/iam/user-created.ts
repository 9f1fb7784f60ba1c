/**
 * `aws.iam.user-created`: an IAM user created by an identity outside the configured automation.
 * Organisations that federate their people rarely create IAM users by hand; a new user is the
 * start of the classic backdoor (user, then access key or password, then a policy).
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
  str,
  where,
} from '../lib.js';
import { automationAssumption } from '../lib/iam-principals.js';

export default defineApiRule({
  id: 'aws.iam.user-created',
  title: 'IAM user created outside automation',
  category: 'iam',
  row: 'IAM-2',
  priority: 'medium',
  mitre: ['T1136.003'],
  description:
    "CreateUser by an identity that is not the organisation's automation (organisation.automationArns " +
    'and automationUserAgents). On its own a new user grants nothing; it becomes a backdoor with the ' +
    'access key, login profile and policy that usually follow within minutes, which the other IAM-2 ' +
    'and IAM-1 rules report. With no automation configured every creator counts as a person and the ' +
    'finding says so. Failed calls are reported one level lower.',
  falsePositives: [
    'Administrators creating service users by hand in accounts that still use IAM users.',
    'Provisioning pipelines not yet listed in the organisation profile.',
  ],
  response: [
    "Ask the creator whether the user is expected; check the user's tags and path against your naming.",
    'Look for CreateAccessKey, CreateLoginProfile, AttachUserPolicy or AddUserToGroup on the new user.',
    "If unexpected, delete the user's keys and login profile, then the user, and investigate the creator.",
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-users-federation-idp',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['iam.amazonaws.com'], eventNames: ['CreateUser'] },
  match: (e, ctx) => !isAutomation(e, ctx.org),
  priorityOf: (e, ctx): Priority => shift(basePriority(ctx, 'medium'), failed(e) ? -1 : 0),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'created', 'create')} IAM user ` +
    `${reqString(e, 'userName') ?? str(e.response, 'user', 'userName') ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A backdoor user created from a script (Stratus Red Team, as recorded)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateUser',
          userAgent: 'stratus-red-team_e1bd4d05-8971-4500-b6af-3e05539b163c',
          requestParameters: {
            userName: 'malicious-iam-user',
            tags: [{ key: 'StratusRedTeam', value: 'true' }],
          },
          responseElements: {
            user: {
              path: '/',
              userName: 'malicious-iam-user',
              userId: 'AIDATFQR7NSCVHF5KTCK7',
              arn: 'arn:aws:iam::123456789012:user/malicious-iam-user',
              createDate: 'Jan 2, 2026, 3:04:05 AM',
              tags: [{ key: 'StratusRedTeam', value: 'true' }],
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'An Identity Center administrator creates a user in the console',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateUser',
          identity: 'role',
          userAgent: 'AWS Internal',
          requestParameters: { userName: 'svc-backup' },
          responseElements: {
            user: {
              path: '/',
              userName: 'svc-backup',
              userId: 'AIDA4XJ7LBQ5EXAMPLE10',
              arn: 'arn:aws:iam::123456789012:user/svc-backup',
              createDate: 'Jan 2, 2026, 3:04:05 AM',
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'The configured deployment role creates a service user',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateUser',
          identity: IDENTITIES.ci,
          requestParameters: { userName: 'svc-backup', path: '/service/' },
          responseElements: {
            user: {
              path: '/service/',
              userName: 'svc-backup',
              userId: 'AIDA4XJ7LBQ5EXAMPLE10',
              arn: 'arn:aws:iam::123456789012:user/service/svc-backup',
              createDate: 'Jan 2, 2026, 3:04:05 AM',
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A user created in IAM Identity Center (another service)',
        record: ctRecord({
          eventSource: 'sso-directory.amazonaws.com',
          eventName: 'CreateUser',
          identity: 'role',
          requestParameters: { identityStoreId: 'd-906791299c' },
          host: 'up.sso.us-east-1.amazonaws.com',
        }),
      },
    ],
  },
});
