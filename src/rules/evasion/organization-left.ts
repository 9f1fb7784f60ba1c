/**
 * `aws.evasion.organization-left`: an account leaves its AWS organisation (`LeaveOrganization`),
 * or the management account removes it (`RemoveAccountFromOrganization`). Outside the organisation
 * no service control policy binds the account and the organisation trail no longer records it.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { actorName, ctRecord, did, reqString, tamperPriority, USER_AGENTS, where } from '../lib.js';

/** What Stratus Red Team's `aws.defense-evasion.organizations-leave` ran as in the Invictus set. */
const STRATUS_IDENTITY: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROATFQR7NSCRI4ZA26CX:aws-go-sdk-1688990515440126480',
  arn: 'arn:aws:sts::123837392027:assumed-role/stratus-red-team-leave-org-role/aws-go-sdk-1688990515440126480',
  accountId: '123837392027',
  accessKeyId: 'ASIATFQR7NSCVW2R4OHT',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROATFQR7NSCRI4ZA26CX',
      arn: 'arn:aws:iam::123837392027:role/stratus-red-team-leave-org-role',
      accountId: '123837392027',
      userName: 'stratus-red-team-leave-org-role',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2023-07-10T12:02:04Z', mfaAuthenticated: 'false' },
  },
};

function leaving(e: ApiEvent): boolean {
  return e.eventName === 'LeaveOrganization';
}

export default defineApiRule({
  id: 'aws.evasion.organization-left',
  title: 'Account left its AWS organisation',
  category: 'evasion',
  row: null,
  priority: 'critical',
  mitre: ['T1666', 'T1562.008'],
  description:
    'A member account called LeaveOrganization, or the management account removed a member ' +
    '(RemoveAccountFromOrganization, reported one level lower: it takes the most privileged ' +
    'account in the organisation, and account moves between organisations are a routine use of ' +
    'it). Once out, no service control policy applies to the account, the organisation trail ' +
    'stops recording it, and delegated GuardDuty, Security Hub and Config administrators lose ' +
    'sight of it: an attacker with administrator rights in a member account gets an account ' +
    'that no organisation guardrail, trail or security service watches any more. Failed calls are reported one level ' +
    'lower as attempts: an AccessDenied (the service control policy or the caller policy held) ' +
    'or a ConstraintViolationException (the account lacks the billing details a standalone ' +
    'account needs) still shows someone trying to break out, as Stratus Red Team does in the ' +
    'Invictus dataset.',
  falsePositives: [
    'An account moving to another organisation after a merger, divestment or reorganisation.',
    'Closing down a project account through the organisation owners.',
  ],
  response: [
    'Find out from the organisation owners whether the move was planned; if not, treat the account as compromised.',
    'If it left: the owners must regain the account (root password recovery if needed) and invite it back; until then, review its own CloudTrail, not the organisation trail, for what happened after it left.',
    'If the call failed: the caller had administrator intent; disable its access keys or revoke its role sessions and review its other activity.',
    'Keep a service control policy that denies organizations:LeaveOrganization to every principal in member accounts.',
  ],
  references: [
    'https://docs.aws.amazon.com/organizations/latest/APIReference/API_LeaveOrganization.html',
    'https://docs.aws.amazon.com/organizations/latest/APIReference/API_RemoveAccountFromOrganization.html',
    'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_remove.html',
    'https://attack.mitre.org/techniques/T1666/',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['organizations.amazonaws.com'],
    eventNames: ['LeaveOrganization', 'RemoveAccountFromOrganization'],
  },
  match: () => true,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'critical', { lower: !leaving(e) }),
  summary: (e) => {
    if (leaving(e)) {
      const account = e.account ?? e.actor.accountId ?? '(unknown)';
      return (
        `${actorName(e)} ${did(e, 'took', 'take')} account ${account} out of its AWS ` +
        `organisation ${where(e)}`
      );
    }
    return (
      `${actorName(e)} ${did(e, 'removed', 'remove')} member account ` +
      `${reqString(e, 'accountId') ?? '(unnamed)'} from the AWS organisation ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A member account leaves the organisation',
        record: ctRecord({
          eventSource: 'organizations.amazonaws.com',
          eventName: 'LeaveOrganization',
          identity: 'role',
          requestParameters: null,
          responseElements: null,
        }),
      },
      {
        title: 'A failed attempt as Stratus Red Team left it in the Invictus dataset',
        record: ctRecord({
          eventVersion: '1.08',
          eventSource: 'organizations.amazonaws.com',
          eventName: 'LeaveOrganization',
          identity: STRATUS_IDENTITY,
          eventTime: '2023-07-10T12:02:05Z',
          sourceIPAddress: '192.168.10.20',
          userAgent: 'stratus-red-team_7d2a6913-ded3-49c6-a31c-0cdeebcc259c',
          errorCode: 'AccessDenied',
          errorMessage:
            'User: arn:aws:sts::123837392027:assumed-role/stratus-red-team-leave-org-role/aws-go-sdk-1688990515440126480 is not authorized to perform: organizations:LeaveOrganization on resource: * because no identity-based policy allows the organizations:LeaveOrganization action',
          requestParameters: null,
          responseElements: null,
          requestID: '0c762aa3-c5df-4a3b-8a14-5a3b3791ecbd',
        }),
      },
      {
        title: 'The management account removes a member',
        record: ctRecord({
          eventSource: 'organizations.amazonaws.com',
          eventName: 'RemoveAccountFromOrganization',
          identity: 'role',
          userAgent: USER_AGENTS.console,
          requestParameters: { accountId: '210987654321' },
        }),
      },
    ],
    miss: [
      {
        title: 'The organisation described by the same role',
        record: ctRecord({
          eventSource: 'organizations.amazonaws.com',
          eventName: 'DescribeOrganization',
          identity: STRATUS_IDENTITY,
          eventVersion: '1.08',
          eventTime: '2023-07-10T12:02:04Z',
          sourceIPAddress: '192.168.10.20',
          userAgent: 'stratus-red-team_7d2a6913-ded3-49c6-a31c-0cdeebcc259c',
          readOnly: true,
        }),
      },
    ],
  },
});
