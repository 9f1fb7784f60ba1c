/**
 * `aws.evasion.guardduty-threat-intel-set`: a GuardDuty threat intelligence list is activated or
 * its contents replaced. Whoever controls the list decides which addresses GuardDuty treats as
 * known-bad, so a swapped list can hide an attacker's infrastructure or flood analysts.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { actorName, bool, ctRecord, did, reqString, str, tamperPriority, where } from '../lib.js';

const DETECTOR = '6ec1aa76c9c3020a93af9e89a5a3a439';

function activating(e: ApiEvent): boolean {
  const activate = bool(e.request, 'activate');
  if (activate === true) return true;
  return (
    e.eventName === 'UpdateThreatIntelSet' &&
    activate === undefined &&
    reqString(e, 'location') !== undefined
  );
}

export default defineApiRule({
  id: 'aws.evasion.guardduty-threat-intel-set',
  title: 'GuardDuty threat intelligence list activated or changed',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'medium',
  mitre: ['T1562.001'],
  description:
    'A CreateThreatIntelSet or UpdateThreatIntelSet call activated a GuardDuty threat list ' +
    '(activate true), or an update replaced the location of a list without deactivating it. ' +
    'Tampering with the indicators GuardDuty matches against changes what it reports; it is less ' +
    'direct than a trusted IP list, hence medium. Inactive lists do not match. Failed calls are ' +
    'reported one level lower.',
  falsePositives: ['The security team loading or refreshing a threat feed.'],
  response: [
    'Check the list location: it should be a bucket owned by the security team with a known feed.',
    'Compare the list with the feed it is supposed to hold; deactivate it if it was replaced.',
    'Restrict guardduty:CreateThreatIntelSet/UpdateThreatIntelSet to the security team.',
  ],
  references: [
    'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateThreatIntelSet.html',
    'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateThreatIntelSet.html',
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['guardduty.amazonaws.com'],
    eventNames: ['CreateThreatIntelSet', 'UpdateThreatIntelSet'],
  },
  match: activating,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'medium'),
  summary: (e) => {
    const list =
      reqString(e, 'name') ??
      reqString(e, 'threatIntelSetId') ??
      str(e.response, 'threatIntelSetId');
    const location = reqString(e, 'location');
    return (
      `${actorName(e)} ${bool(e.request, 'activate') === true ? did(e, 'activated', 'activate') : did(e, 'replaced the contents of', 'replace the contents of')} GuardDuty threat list ` +
      `${list ?? '(unnamed)'}${location === undefined ? '' : ` from ${location}`} on detector ` +
      `${reqString(e, 'detectorId') ?? '(unknown)'} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A threat list created and activated',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'CreateThreatIntelSet',
          requestParameters: {
            detectorId: DETECTOR,
            name: 'feed',
            format: 'TXT',
            location: 'https://s3.amazonaws.com/tmp-share-7f3a9c/feed.txt',
            activate: true,
            clientToken: 'c3a1d2e4-6f7b-4c8d-9e0f-1a2b3c4d5e6f',
          },
          responseElements: { threatIntelSetId: '20b82e2b6d8c5f2a4c91e6f0d3a7b519' },
        }),
      },
      {
        title: 'An existing threat list re-pointed',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'UpdateThreatIntelSet',
          requestParameters: {
            detectorId: DETECTOR,
            threatIntelSetId: '20b82e2b6d8c5f2a4c91e6f0d3a7b519',
            location: 'https://s3.amazonaws.com/tmp-share-7f3a9c/empty.txt',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'A threat list deactivated',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'UpdateThreatIntelSet',
          requestParameters: {
            detectorId: DETECTOR,
            threatIntelSetId: '20b82e2b6d8c5f2a4c91e6f0d3a7b519',
            activate: false,
          },
        }),
      },
    ],
  },
});
