/**
 * `aws.evasion.cloudtrail-stopped`: a trail stops recording (`StopLogging`). The trail and its
 * settings stay in place, so the change is easy to miss in the console and quick to undo afterwards.
 */
import { defineApiRule } from '../../engine/rule.js';
import { actorName, ctRecord, did, reqString, tamperPriority, where } from '../lib.js';

const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail';

export default defineApiRule({
  id: 'aws.evasion.cloudtrail-stopped',
  title: 'CloudTrail logging stopped',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.008'],
  description:
    'A principal called StopLogging on a trail. From that moment the trail records nothing, in every ' +
    'region it covers, until someone calls StartLogging again; attackers stop a trail before the ' +
    'actions they want to hide and often restart it afterwards. Failed calls (AccessDenied, ' +
    'TrailNotFoundException) are reported one level lower: they are attempts, and someone probing ' +
    'whether they can blind the account is worth a look.',
  falsePositives: [
    'A planned trail migration or decommissioning by the team that owns logging.',
    'Infrastructure-as-code that briefly stops a trail while replacing it.',
  ],
  response: [
    'Call StartLogging on the trail at once and confirm with GetTrailStatus that IsLogging is true.',
    'Ask the owner of the acting identity whether the change was planned; if not, disable its access keys or revoke its role sessions.',
    'Treat the window between StopLogging and StartLogging as blind: review other trails, CloudWatch Logs and service logs for that period.',
    'Restrict cloudtrail:StopLogging with a service control policy to a break-glass role.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-turning-off-logging.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['cloudtrail.amazonaws.com'], eventNames: ['StopLogging'] },
  match: () => true,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'high'),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'stopped logging on', 'stop logging on')} CloudTrail trail ` +
    `${reqString(e, 'name') ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'An IAM user stops the organisation trail from the CLI',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'StopLogging',
          requestParameters: { name: TRAIL_ARN },
        }),
      },
      {
        title: 'A failed attempt on a trail that does not exist (as Stratus Red Team leaves it)',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'StopLogging',
          identity: 'role',
          userAgent: 'stratus-red-team_e27c7b82-502b-4432-a99a-be984762c413',
          errorCode: 'TrailNotFoundException',
          errorMessage:
            'Unknown trail: arn:aws:cloudtrail:us-east-1:123456789012:trail/stratus-red-team-ct-stop-trail-qzbgnfqisx for the user: 123456789012',
          requestParameters: { name: 'stratus-red-team-ct-stop-trail-qzbgnfqisx' },
        }),
      },
    ],
    miss: [
      {
        title: 'StartLogging turns the same trail back on',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'StartLogging',
          requestParameters: { name: TRAIL_ARN },
        }),
      },
    ],
  },
});
