/**
 * `aws.evasion.guardduty-detector-disabled`: `UpdateDetector` suspends GuardDuty (`enable: false`)
 * or switches off some of its protection plans, leaving the detector in place and looking healthy.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  bool,
  ctRecord,
  did,
  failed,
  list,
  names,
  reqString,
  shift,
  str,
  where,
} from '../lib.js';

const DETECTOR = '6ec1aa76c9c3020a93af9e89a5a3a439';

/** Protection plans turned off, in the `features` form and the older `dataSources` form. */
function disabledPlans(e: ApiEvent): string[] {
  const out: string[] = [];
  for (const f of list(e.request, 'features')) {
    const name = str(f, 'name');
    if (str(f, 'status') === 'DISABLED' && name !== undefined) out.push(name);
  }
  if (bool(e.request, 'dataSources', 's3Logs', 'enable') === false) out.push('S3 logs');
  if (bool(e.request, 'dataSources', 'kubernetes', 'auditLogs', 'enable') === false) {
    out.push('Kubernetes audit logs');
  }
  if (
    bool(
      e.request,
      'dataSources',
      'malwareProtection',
      'scanEc2InstanceWithFindings',
      'ebsVolumes',
    ) === false
  ) {
    out.push('malware protection');
  }
  return out;
}

function suspended(e: ApiEvent): boolean {
  return bool(e.request, 'enable') === false;
}

export default defineApiRule({
  id: 'aws.evasion.guardduty-detector-disabled',
  title: 'GuardDuty detector suspended or protection plans disabled',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.001'],
  description:
    'An UpdateDetector call set enable to false, which suspends GuardDuty in the region without ' +
    'deleting the detector, or turned protection plans off (features with status DISABLED, or ' +
    'dataSources with enable false: S3 data events, EKS audit logs, runtime monitoring, malware ' +
    'protection). Suspension is reported at the rule priority, disabled plans one level lower. ' +
    'UpdateDetector calls that only change the publishing frequency or enable plans do not match. ' +
    'Failed calls are reported one level lower as attempts.',
  falsePositives: [
    'Cost reduction that turns off protection plans in non-production accounts.',
    'Suspending GuardDuty in a region that is being closed down.',
  ],
  response: [
    'Re-enable the detector or the plans (UpdateDetector with enable true / features ENABLED).',
    'Review activity in the region during the suspension, starting with the acting identity.',
    'Restrict guardduty:UpdateDetector to the security team with a service control policy.',
  ],
  references: [
    'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateDetector.html',
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_suspend-disable.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['guardduty.amazonaws.com'], eventNames: ['UpdateDetector'] },
  match: (e) => suspended(e) || disabledPlans(e).length > 0,
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), (suspended(e) ? 0 : -1) - (failed(e) ? 1 : 0)),
  summary: (e) => {
    const detector = reqString(e, 'detectorId') ?? '(unknown)';
    const what = suspended(e)
      ? `${did(e, 'suspended', 'suspend')} GuardDuty detector ${detector}`
      : `${did(e, 'disabled', 'disable')} ${names(disabledPlans(e))} protection on GuardDuty detector ${detector}`;
    return `${actorName(e)} ${what} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'Detector suspended with enable false',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'UpdateDetector',
          requestParameters: { detectorId: DETECTOR, enable: false },
        }),
      },
      {
        title: 'Runtime monitoring and EKS audit logs turned off through features',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'UpdateDetector',
          identity: 'role',
          requestParameters: {
            detectorId: DETECTOR,
            features: [
              { name: 'RUNTIME_MONITORING', status: 'DISABLED' },
              { name: 'EKS_AUDIT_LOGS', status: 'DISABLED' },
            ],
          },
        }),
      },
      {
        title: 'S3 protection turned off through the older dataSources form',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'UpdateDetector',
          requestParameters: { detectorId: DETECTOR, dataSources: { s3Logs: { enable: false } } },
        }),
      },
    ],
    miss: [
      {
        title: 'Detector re-enabled',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'UpdateDetector',
          requestParameters: { detectorId: DETECTOR, enable: true },
        }),
      },
      {
        title: 'Only the finding publishing frequency changes',
        record: ctRecord({
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'UpdateDetector',
          requestParameters: { detectorId: DETECTOR, findingPublishingFrequency: 'SIX_HOURS' },
        }),
      },
    ],
  },
});
