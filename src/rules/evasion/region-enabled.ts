/**
 * `aws.evasion.region-enabled`: an opt-in region is switched on for an account (`EnableRegion`).
 * Regions nobody uses are regions nobody watches: region-scoped detectors, alarms and dashboards
 * are rarely set up there, so attackers open one to run instances or park resources out of sight.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import type { Organisation } from '../../config/schema.js';
import { matchesAny } from '../../util/glob.js';
import { actorName, ctRecord, did, reqString, tamperPriority, USER_AGENTS, where } from '../lib.js';

/** The region being enabled; Account Management logs it as `regionName`. */
function targetRegion(e: ApiEvent): string | undefined {
  return reqString(e, 'regionName');
}

/** Set only when the management account (or a delegated administrator) acts on a member account. */
function memberAccount(e: ApiEvent): string | undefined {
  const account = reqString(e, 'accountId');
  return account !== undefined && account !== e.account ? account : undefined;
}

function approved(org: Organisation, region: string | undefined): boolean {
  return region !== undefined && matchesAny(org.approvedRegions, region);
}

export default defineApiRule({
  id: 'aws.evasion.region-enabled',
  title: 'Opt-in region enabled',
  category: 'evasion',
  row: null,
  priority: 'medium',
  mitre: ['T1535'],
  description:
    'A principal enabled an opt-in region (EnableRegion on the Account Management API), for its ' +
    'own account or, from the management account, for a member account (`accountId` in the ' +
    'request). Regions launched after March 2019 are disabled until someone opts in, so enabling ' +
    'one is rare and deliberate; an attacker does it to work where no detector, alarm or person ' +
    'looks. With `organisation.approvedRegions` configured, enabling an approved region does not ' +
    'match and any other region is reported one level higher; without it every region enabled is ' +
    'reported at the rule priority. Calls by the organisation automation and failed calls ' +
    '(AccessDenied, often from a service control policy that pins regions) are reported one ' +
    'level lower. DisableRegion is not matched: it removes a region from use rather than opening ' +
    'a blind spot, and its effect is visible at once to anyone using the region.',
  falsePositives: [
    'A planned expansion into a new region (add it to approvedRegions first).',
    'Account vending or landing-zone automation that enables the same regions in every new account.',
  ],
  response: [
    'Confirm with the account owner that the region is meant to be in use; if not, call DisableRegion for it.',
    'List what already runs there (EC2, Lambda, IAM Roles Anywhere, access keys used from it) before disabling: resources in a disabled region are kept but unreachable.',
    'Make sure the organisation trail, GuardDuty and Security Hub cover the region if it stays enabled.',
    'Deny account:EnableRegion with a service control policy outside the platform team.',
  ],
  references: [
    'https://docs.aws.amazon.com/accounts/latest/reference/API_EnableRegion.html',
    'https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html',
    'https://attack.mitre.org/techniques/T1535/',
  ],
  knobs: {},
  assumptions: (ctx) =>
    ctx.org.approvedRegions.length === 0
      ? [
          'No approvedRegions configured: every region enabled is reported at the rule priority; ' +
            'configure them to pass the regions in use and raise the others.',
        ]
      : [],
  kind: 'match',
  on: { eventSource: ['account.amazonaws.com'], eventNames: ['EnableRegion'] },
  match: (e, ctx) => !approved(ctx.org, targetRegion(e)),
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'medium', {
      // Outside a configured list is a known deviation; with no list it is merely unusual.
      sensitive: ctx.org.approvedRegions.length > 0,
      automationLowers: true,
    }),
  summary: (e, ctx) => {
    const member = memberAccount(e);
    const outside = ctx.org.approvedRegions.length > 0 ? ', which is not an approved region,' : '';
    return (
      `${actorName(e)} ${did(e, 'enabled', 'enable')} opt-in region ` +
      `${targetRegion(e) ?? '(unnamed)'}${member === undefined ? '' : ` for member account ${member}`}` +
      `${outside} through the Account Management API ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'An IAM user enables Cape Town for its own account from the CLI',
        record: ctRecord({
          eventSource: 'account.amazonaws.com',
          eventName: 'EnableRegion',
          eventTime: '2026-01-02T03:12:44Z',
          requestParameters: { regionName: 'af-south-1' },
        }),
      },
      {
        title: 'The management account enables a region outside the approved list for a member',
        config: { organisation: { approvedRegions: ['eu-west-1', 'us-east-1'] } },
        record: ctRecord({
          eventSource: 'account.amazonaws.com',
          eventName: 'EnableRegion',
          identity: 'role',
          userAgent: USER_AGENTS.console,
          requestParameters: { accountId: '210987654321', regionName: 'me-central-1' },
        }),
      },
      {
        title: 'An attempt denied by a region-pinning service control policy',
        record: ctRecord({
          eventSource: 'account.amazonaws.com',
          eventName: 'EnableRegion',
          identity: 'role',
          errorCode: 'AccessDenied',
          errorMessage:
            'User: arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40/bob@example.com is not authorized to perform: account:EnableRegion with an explicit deny in a service control policy',
          requestParameters: { regionName: 'ap-east-1' },
        }),
      },
    ],
    miss: [
      {
        title: 'An approved region enabled by the platform pipeline',
        config: {
          organisation: {
            approvedRegions: ['eu-west-1', 'eu-south-2'],
            automationArns: ['arn:aws:iam::*:role/deploy-*'],
          },
        },
        record: ctRecord({
          eventSource: 'account.amazonaws.com',
          eventName: 'EnableRegion',
          identity: 'ci',
          userAgent: USER_AGENTS.boto3,
          requestParameters: { regionName: 'eu-south-2' },
        }),
      },
      {
        title: 'A region disabled again',
        record: ctRecord({
          eventSource: 'account.amazonaws.com',
          eventName: 'DisableRegion',
          requestParameters: { regionName: 'af-south-1' },
        }),
      },
    ],
  },
});
