/**
 * `aws.evasion.config-recorder-stopped`: the AWS Config configuration recorder is stopped or
 * deleted, so resource changes are no longer recorded and Config rules stop evaluating them.
 */
import { defineApiRule } from '../../engine/rule.js';
import { actorName, ctRecord, did, reqString, tamperPriority, where } from '../lib.js';

export default defineApiRule({
  id: 'aws.evasion.config-recorder-stopped',
  title: 'AWS Config recorder stopped or deleted',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.001'],
  description:
    'A principal stopped (StopConfigurationRecorder) or deleted (DeleteConfigurationRecorder) the ' +
    'AWS Config recorder of a region. Configuration changes made afterwards leave no configuration ' +
    'history and no compliance evaluation: a security group opened, a bucket made public or a ' +
    'role changed goes unrecorded by Config. Failed calls are reported one level lower as attempts.',
  falsePositives: [
    'Cost reduction in sandbox accounts or unused regions.',
    'Account set-up tooling (Control Tower, Landing Zone) re-creating the recorder.',
  ],
  response: [
    'Start the recorder again (StartConfigurationRecorder) or re-create it with PutConfigurationRecorder.',
    'Review changes to resources in the region since the recorder stopped, from CloudTrail.',
    'Deny config:StopConfigurationRecorder and config:DeleteConfigurationRecorder with a service control policy.',
  ],
  references: [
    'https://docs.aws.amazon.com/config/latest/APIReference/API_StopConfigurationRecorder.html',
    'https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteConfigurationRecorder.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['config.amazonaws.com'],
    eventNames: ['StopConfigurationRecorder', 'DeleteConfigurationRecorder'],
  },
  match: () => true,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'high'),
  summary: (e) => {
    const verb =
      e.eventName === 'StopConfigurationRecorder'
        ? did(e, 'stopped', 'stop')
        : did(e, 'deleted', 'delete');
    return (
      `${actorName(e)} ${verb} AWS Config recorder ` +
      `${reqString(e, 'configurationRecorderName') ?? '(unnamed)'} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'The default recorder stopped',
        record: ctRecord({
          eventSource: 'config.amazonaws.com',
          eventName: 'StopConfigurationRecorder',
          requestParameters: { configurationRecorderName: 'default' },
        }),
      },
      {
        title: 'The recorder deleted by a console session in another region',
        record: ctRecord({
          eventSource: 'config.amazonaws.com',
          eventName: 'DeleteConfigurationRecorder',
          identity: 'role',
          awsRegion: 'ap-southeast-2',
          userAgent: 'AWS Internal',
          requestParameters: { configurationRecorderName: 'default' },
        }),
      },
    ],
    miss: [
      {
        title: 'The recorder started',
        record: ctRecord({
          eventSource: 'config.amazonaws.com',
          eventName: 'StartConfigurationRecorder',
          requestParameters: { configurationRecorderName: 'default' },
        }),
      },
    ],
  },
});
