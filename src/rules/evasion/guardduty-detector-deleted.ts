/**
 * `aws.evasion.guardduty-detector-deleted`: GuardDuty's detector is deleted in a region, which
 * ends threat detection there and discards its findings.
 */
import { defineApiRule } from '../../engine/rule.js';
import { actorName, ctRecord, did, reqString, tamperPriority, where } from '../lib.js';

const DETECTOR = '6ec1aa76c9c3020a93af9e89a5a3a439';

export default defineApiRule({
  id: 'aws.evasion.guardduty-detector-deleted',
  title: 'GuardDuty detector deleted',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.001'],
  description:
    'A principal deleted the GuardDuty detector of a region (DeleteDetector). GuardDuty stops ' +
    'analysing CloudTrail, VPC Flow Logs and DNS logs there at once, and the existing findings are ' +
    'deleted with the detector. Failed calls are reported one level lower as attempts.',
  falsePositives: [
    'Closing down a region or account that no longer runs workloads.',
    'Moving GuardDuty management to a delegated administrator, when done by the security team.',
  ],
  response: [
    'Re-create the detector in the region (CreateDetector with enable true) and re-attach it to the administrator account.',
    'Export or review findings from the administrator account, which keeps copies of member findings.',
    'Investigate the acting identity and everything it did in the region after the deletion.',
    'Deny guardduty:DeleteDetector with a service control policy outside the security team.',
  ],
  references: [
    'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DeleteDetector.html',
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_suspend-disable.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['guardduty.amazonaws.com'], eventNames: ['DeleteDetector'] },
  match: () => true,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'high'),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'deleted', 'delete')} GuardDuty detector ` +
    `${reqString(e, 'detectorId') ?? '(unknown)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'The detector of eu-west-1 is deleted',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'DeleteDetector',
          awsRegion: 'eu-west-1',
          requestParameters: { detectorId: DETECTOR },
        }),
      },
    ],
    miss: [
      {
        title: 'A detector is created',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'CreateDetector',
          awsRegion: 'eu-west-1',
          identity: 'ci',
          requestParameters: {
            enable: true,
            findingPublishingFrequency: 'FIFTEEN_MINUTES',
            clientToken: '3b8a6f1e-7c54-4d0a-9a34-2f1c7d9e5b60',
          },
          responseElements: { detectorId: DETECTOR },
        }),
      },
    ],
  },
});
