/**
 * `aws.evasion.guardduty-trusted-ip-list`: a GuardDuty trusted IP list is activated or its
 * contents replaced. GuardDuty raises no findings for traffic from trusted addresses, so an
 * attacker who lists their own addresses becomes invisible to it.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { actorName, bool, ctRecord, did, reqString, str, tamperPriority, where } from '../lib.js';

const DETECTOR = '6ec1aa76c9c3020a93af9e89a5a3a439';

/**
 * Creating a list matters only when it is activated; updating one also matters when it points the
 * list at new contents without deactivating it, since the list may already be active.
 */
function trusting(e: ApiEvent): boolean {
  const activate = bool(e.request, 'activate');
  if (activate === true) return true;
  return (
    e.eventName === 'UpdateIPSet' &&
    activate === undefined &&
    reqString(e, 'location') !== undefined
  );
}

export default defineApiRule({
  id: 'aws.evasion.guardduty-trusted-ip-list',
  title: 'GuardDuty trusted IP list activated or changed',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.001'],
  description:
    'A CreateIPSet or UpdateIPSet call activated a GuardDuty trusted IP list (activate true), or ' +
    'an UpdateIPSet call replaced the location of a list without deactivating it. GuardDuty ' +
    'generates no findings for traffic from addresses on an active trusted list, so this silences ' +
    'detection for whoever controls those addresses (Pacu ships a module for it). Lists created or ' +
    'updated with activate false do not match. Failed calls are reported one level lower.',
  falsePositives: ['The security team adding scanner, VPN or NAT addresses to the trusted list.'],
  response: [
    'Download the list from its location and check every address and CIDR against known corporate ranges.',
    'Deactivate or delete the list if any entry is unknown (UpdateIPSet with activate false, DeleteIPSet).',
    'Search GuardDuty-relevant activity (CloudTrail, flow logs) from the listed addresses since the change.',
    'Restrict guardduty:CreateIPSet/UpdateIPSet and iam:PutRolePolicy on the GuardDuty service role to the security team.',
  ],
  references: [
    'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateIPSet.html',
    'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateIPSet.html',
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['guardduty.amazonaws.com'], eventNames: ['CreateIPSet', 'UpdateIPSet'] },
  match: trusting,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'high'),
  summary: (e) => {
    const list = reqString(e, 'name') ?? reqString(e, 'ipSetId') ?? str(e.response, 'ipSetId');
    const location = reqString(e, 'location');
    return (
      `${actorName(e)} ${bool(e.request, 'activate') === true ? did(e, 'activated', 'activate') : did(e, 'replaced the contents of', 'replace the contents of')} GuardDuty trusted IP list ` +
      `${list ?? '(unnamed)'}${location === undefined ? '' : ` from ${location}`} on detector ` +
      `${reqString(e, 'detectorId') ?? '(unknown)'} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A trusted IP list created and activated',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'CreateIPSet',
          requestParameters: {
            detectorId: DETECTOR,
            name: 'office-egress',
            format: 'TXT',
            location: 'https://s3.amazonaws.com/tmp-share-7f3a9c/ips.txt',
            activate: true,
            clientToken: 'b2f0c1d4-5e6a-4b7c-8d9e-0f1a2b3c4d5e',
          },
          responseElements: { ipSetId: '0cb0141ab9fbde177613ab9436212e90' },
        }),
      },
      {
        title: 'An existing list pointed at new contents',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'UpdateIPSet',
          identity: 'role',
          requestParameters: {
            detectorId: DETECTOR,
            ipSetId: '0cb0141ab9fbde177613ab9436212e90',
            location: 'https://s3.amazonaws.com/tmp-share-7f3a9c/ips-v2.txt',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'A list created inactive',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'CreateIPSet',
          requestParameters: {
            detectorId: DETECTOR,
            name: 'office-egress',
            format: 'TXT',
            location: 'https://s3.amazonaws.com/acme-security-lists/trusted.txt',
            activate: false,
          },
          responseElements: { ipSetId: '0cb0141ab9fbde177613ab9436212e90' },
        }),
      },
      {
        title: 'A list deactivated',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'UpdateIPSet',
          requestParameters: {
            detectorId: DETECTOR,
            ipSetId: '0cb0141ab9fbde177613ab9436212e90',
            activate: false,
          },
        }),
      },
    ],
  },
});
