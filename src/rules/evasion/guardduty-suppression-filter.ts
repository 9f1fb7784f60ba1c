/**
 * `aws.evasion.guardduty-suppression-filter`: a GuardDuty filter with the ARCHIVE action, a
 * suppression rule that archives matching findings as they arrive so nobody sees them.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  obj,
  reqString,
  shift,
  where,
} from '../lib.js';

const DETECTOR = '6ec1aa76c9c3020a93af9e89a5a3a439';

function archives(e: ApiEvent): boolean {
  return reqString(e, 'action')?.toUpperCase() === 'ARCHIVE';
}

/**
 * A filter that names no finding type, resource or service attribute suppresses by severity, time
 * or account alone, which can hide whole classes of findings.
 */
function broad(e: ApiEvent): boolean {
  const criterion = obj(e.request, 'findingCriteria', 'criterion');
  if (criterion === undefined) return true;
  return !Object.keys(criterion).some(
    (k) => k === 'type' || k === 'id' || k.startsWith('resource.') || k.startsWith('service.'),
  );
}

export default defineApiRule({
  id: 'aws.evasion.guardduty-suppression-filter',
  title: 'GuardDuty findings auto-archived by a suppression rule',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.001'],
  description:
    'A CreateFilter or UpdateFilter call set the filter action to ARCHIVE. GuardDuty then archives ' +
    'every new matching finding on arrival: it never shows in the console as active and is not ' +
    'sent to EventBridge, Security Hub or the SIEM. Broad suppression (criteria on severity, time ' +
    'or account only, with no finding type, resource or service attribute) is reported at the ' +
    'rule priority; suppression scoped to a finding type or resource one level lower. Filters with ' +
    'the NOOP action (saved views) and UpdateFilter calls that do not set the action do not match. ' +
    'Failed calls are reported one level lower.',
  falsePositives: [
    'Suppression rules for known-benign findings (a vulnerability scanner, an expected port probe) created by the security team.',
  ],
  response: [
    'Read the filter (GetFilter) and check which finding types, resources and severities it hides.',
    'List archived findings that match it (ListFindings with the same criteria and service.archived true) and review them.',
    'Delete the filter or set its action to NOOP unless the security team owns it.',
    'Restrict guardduty:CreateFilter and guardduty:UpdateFilter to the security team.',
  ],
  references: [
    'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateFilter.html',
    'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateFilter.html',
    'https://docs.aws.amazon.com/guardduty/latest/ug/findings_suppression-rule.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['guardduty.amazonaws.com'], eventNames: ['CreateFilter', 'UpdateFilter'] },
  match: archives,
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), (broad(e) ? 0 : -1) - (failed(e) ? 1 : 0)),
  summary: (e) => {
    const name = reqString(e, 'name') ?? reqString(e, 'filterName') ?? '(unnamed)';
    const scope = broad(e) ? 'broad ' : '';
    const verb =
      e.eventName === 'CreateFilter' ? did(e, 'created', 'create') : did(e, 'set', 'set');
    return (
      `${actorName(e)} ${verb} ${scope}GuardDuty suppression rule ${name} that auto-archives ` +
      `findings on detector ${reqString(e, 'detectorId') ?? '(unknown)'} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Archive everything below severity 9',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'CreateFilter',
          requestParameters: {
            detectorId: DETECTOR,
            name: 'noise',
            action: 'ARCHIVE',
            rank: 1,
            findingCriteria: { criterion: { severity: { lt: 9 } } },
            clientToken: 'd4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70',
          },
          responseElements: { name: 'noise' },
        }),
      },
      {
        title: 'An existing filter switched to ARCHIVE for one finding type',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'UpdateFilter',
          identity: 'role',
          requestParameters: {
            detectorId: DETECTOR,
            filterName: 'portscan',
            action: 'ARCHIVE',
            findingCriteria: {
              criterion: {
                type: {
                  eq: ['UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS'],
                },
              },
            },
          },
          responseElements: { name: 'portscan' },
        }),
      },
    ],
    miss: [
      {
        title: 'A saved filter with the NOOP action',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'CreateFilter',
          requestParameters: {
            detectorId: DETECTOR,
            name: 'high-severity',
            action: 'NOOP',
            rank: 1,
            findingCriteria: { criterion: { severity: { gte: 7 } } },
          },
          responseElements: { name: 'high-severity' },
        }),
      },
    ],
  },
});
