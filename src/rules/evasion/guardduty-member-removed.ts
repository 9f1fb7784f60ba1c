/**
 * `aws.evasion.guardduty-member-removed`: the link between GuardDuty member accounts and their
 * administrator is cut or paused, so the security account stops seeing the members' findings.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  ctRecord,
  failed,
  names,
  reqString,
  strings,
  tamperPriority,
  where,
} from '../lib.js';

const DETECTOR = '6ec1aa76c9c3020a93af9e89a5a3a439';

const VERBS: Record<string, [past: string, infinitive: string]> = {
  DisassociateMembers: ['disassociated', 'disassociate'],
  DeleteMembers: ['deleted', 'delete'],
  StopMonitoringMembers: ['stopped monitoring', 'stop monitoring'],
};

function describe(e: ApiEvent): string {
  const detector = reqString(e, 'detectorId') ?? '(unknown)';
  if (
    e.eventName === 'DisassociateFromMasterAccount' ||
    e.eventName === 'DisassociateFromAdministratorAccount'
  ) {
    const verb = failed(e) ? 'tried to disassociate' : 'disassociated';
    return `${verb} GuardDuty detector ${detector} from its administrator account`;
  }
  const [past, inf] = VERBS[e.eventName] ?? ['changed', 'change'];
  const accounts = strings(e.request, 'accountIds');
  const verb = failed(e) ? `tried to ${inf}` : past;
  return `${verb} GuardDuty member account${accounts.length === 1 ? '' : 's'} ${names(accounts)} of detector ${detector}`;
}

export default defineApiRule({
  id: 'aws.evasion.guardduty-member-removed',
  title: 'GuardDuty member accounts disassociated or unmonitored',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.001'],
  description:
    'A member account left its GuardDuty administrator (DisassociateFromAdministratorAccount, or ' +
    'the older DisassociateFromMasterAccount), or the administrator disassociated, deleted or ' +
    'stopped monitoring members (DisassociateMembers, DeleteMembers, StopMonitoringMembers). The ' +
    "security account then no longer receives those members' findings, which is how an attacker " +
    'in a member account hides from a central SOC. Failed calls are reported one level lower.',
  falsePositives: [
    'Accounts being closed or moved to another organisation.',
    'A change of GuardDuty delegated administrator.',
  ],
  response: [
    'List members from the administrator (ListMembers) and re-invite or re-enable monitoring of the affected accounts.',
    'Review activity in the affected accounts for the period they were not monitored.',
    'Use a service control policy to deny guardduty:DisassociateFromAdministratorAccount in member accounts.',
  ],
  references: [
    'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DisassociateFromAdministratorAccount.html',
    'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DisassociateMembers.html',
    'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_StopMonitoringMembers.html',
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_accounts.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['guardduty.amazonaws.com'],
    eventNames: [
      'DisassociateMembers',
      'DisassociateFromMasterAccount',
      'DisassociateFromAdministratorAccount',
      'DeleteMembers',
      'StopMonitoringMembers',
    ],
  },
  match: () => true,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'high'),
  summary: (e) => `${actorName(e)} ${describe(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A member account leaves its administrator',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'DisassociateFromAdministratorAccount',
          identity: 'role',
          requestParameters: { detectorId: DETECTOR },
        }),
      },
      {
        title: 'The administrator stops monitoring two members',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'StopMonitoringMembers',
          requestParameters: { detectorId: DETECTOR, accountIds: ['210987654321', '345678901234'] },
          responseElements: { unprocessedAccounts: [] },
        }),
      },
      {
        title: 'The older DisassociateFromMasterAccount name',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'DisassociateFromMasterAccount',
          requestParameters: { detectorId: DETECTOR },
        }),
      },
    ],
    miss: [
      {
        title: 'Monitoring of members resumed',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'StartMonitoringMembers',
          requestParameters: { detectorId: DETECTOR, accountIds: ['210987654321'] },
          responseElements: { unprocessedAccounts: [] },
        }),
      },
    ],
  },
});
