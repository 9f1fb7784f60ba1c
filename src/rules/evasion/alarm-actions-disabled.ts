/**
 * `aws.evasion.alarm-actions-disabled`: CloudWatch alarm actions are disabled. The alarms still
 * change state but notify nobody, which is harder to spot than deleting them.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAnyIgnoreCase } from '../../util/glob.js';
import {
  actorName,
  ctRecord,
  DEFAULT_SENSITIVE_ALARMS,
  did,
  names,
  strings,
  tamperPriority,
  where,
} from '../lib.js';

function alarmNames(e: ApiEvent): string[] {
  return strings(e.request, 'alarmNames');
}

const knobs = {
  sensitiveAlarms: knob(
    z.array(z.string()),
    [...DEFAULT_SENSITIVE_ALARMS],
    'Alarm names (globs, case-insensitive) that watch for attacks; silencing one is reported one level higher.',
  ),
};

export default defineApiRule({
  id: 'aws.evasion.alarm-actions-disabled',
  title: 'CloudWatch alarm actions disabled',
  category: 'evasion',
  row: 'EVA-2',
  priority: 'medium',
  mitre: ['T1562.001'],
  description:
    'A principal disabled the actions of CloudWatch alarms (DisableAlarmActions): the alarms keep ' +
    'evaluating and show ALARM in the console, but no SNS message, Auto Scaling or EC2 action ' +
    'follows. Calls that include a security alarm (the `sensitiveAlarms` knob) are reported one ' +
    "level higher; calls by the organisation's automation and failed calls one level lower.",
  falsePositives: [
    'Muting alarms during a maintenance window (look for EnableAlarmActions afterwards).',
  ],
  response: [
    'Re-enable the actions (EnableAlarmActions) and check the alarm history for state changes that notified nobody.',
    'Confirm with the alarm owners whether a maintenance window was planned.',
    'Restrict cloudwatch:DisableAlarmActions on security alarms.',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DisableAlarmActions.html',
  ],
  knobs,
  kind: 'match',
  on: { eventSource: ['monitoring.amazonaws.com'], eventNames: ['DisableAlarmActions'] },
  match: () => true,
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'medium', {
      sensitive: alarmNames(e).some((n) => matchesAnyIgnoreCase(ctx.knobs.sensitiveAlarms, n)),
      automationLowers: true,
    }),
  summary: (e) => {
    const alarms = alarmNames(e);
    return (
      `${actorName(e)} ${did(e, 'disabled', 'disable')} the actions of CloudWatch alarm` +
      `${alarms.length === 1 ? '' : 's'} ${names(alarms)} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'The alarm on unauthorised API calls silenced',
        record: ctRecord({
          eventSource: 'monitoring.amazonaws.com',
          eventName: 'DisableAlarmActions',
          identity: 'role',
          requestParameters: { alarmNames: ['UnauthorizedAPICalls'] },
        }),
      },
    ],
    miss: [
      {
        title: 'Alarm actions re-enabled',
        record: ctRecord({
          eventSource: 'monitoring.amazonaws.com',
          eventName: 'EnableAlarmActions',
          identity: 'role',
          requestParameters: { alarmNames: ['UnauthorizedAPICalls'] },
        }),
      },
    ],
  },
});
