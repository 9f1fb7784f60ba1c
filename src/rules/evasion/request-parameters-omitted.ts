/**
 * `aws.evasion.request-parameters-omitted`: CloudTrail recorded a call to a sensitive service
 * without its parameters because they were too large. Padding an IAM policy with whitespace past
 * CloudTrail's size limit hides the policy's content from everyone reading the trail.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { actorName, bool, ctRecord, did, num, str, tamperPriority, where } from '../lib.js';

/**
 * CloudTrail replaces oversized parameters with
 * `{"reason": "requestParameters too large", "omitted": true, "originalSize": N}`; exports may
 * turn the boolean and the number into strings.
 */
function omitted(e: ApiEvent): boolean {
  return (
    bool(e.request, 'omitted') === true ||
    (str(e.request, 'reason') ?? '').toLowerCase() === 'requestparameters too large'
  );
}

const knobs = {
  eventSources: knob(
    z.array(z.string()),
    [
      'iam.amazonaws.com',
      'sts.amazonaws.com',
      'organizations.amazonaws.com',
      'kms.amazonaws.com',
      's3.amazonaws.com',
      'secretsmanager.amazonaws.com',
      'lambda.amazonaws.com',
      'cloudtrail.amazonaws.com',
      'guardduty.amazonaws.com',
      'config.amazonaws.com',
      'sso.amazonaws.com',
      'ssm.amazonaws.com',
      'events.amazonaws.com',
      'logs.amazonaws.com',
    ],
    'Event sources whose calls are watched; these services take policies and configuration whose content matters.',
  ),
};

export default defineApiRule({
  id: 'aws.evasion.request-parameters-omitted',
  title: 'Request parameters omitted from CloudTrail as too large',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.008', 'T1027'],
  description:
    'CloudTrail logged a call to a sensitive service (the `eventSources` knob) with ' +
    'requestParameters replaced by {"reason": "requestParameters too large", "omitted": true}. ' +
    'IAM ignores whitespace when it checks policy size, so a policy padded to roughly 100-130 KB is ' +
    'accepted while CloudTrail drops its text: the trail shows that PutRolePolicy or ' +
    'CreatePolicyVersion happened, but not what it granted. Legitimate requests to these services ' +
    'are almost never that large. Failed calls are reported one level lower: the padding itself ' +
    'shows intent.',
  falsePositives: [
    'Very large legitimate requests, for example a Lambda or Step Functions definition with big inline configuration (remove the source from the knob).',
  ],
  response: [
    'Read the resource as it is now (GetRolePolicy, GetPolicyVersion, GetBucketPolicy, GetKeyPolicy) to see what the hidden request set.',
    'Revert any grant that is not expected and review what the affected principal did since.',
    'Investigate the acting identity: nobody pads policies by accident.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html',
    'https://permiso.io/blog/cloudtrail-logging-evasion-where-policy-size-matters',
  ],
  knobs,
  kind: 'match',
  on: { eventNames: '*' },
  match: (e, ctx) => ctx.knobs.eventSources.includes(e.eventSource) && omitted(e),
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'high'),
  summary: (e) => {
    const size = num(e.request, 'originalSize');
    const bytes = size === undefined ? '' : ` (${size} bytes)`;
    return (
      `${actorName(e)} ${did(e, 'called', 'call')} ${e.eventSource.replace(/\.amazonaws\.com$/, '')}:${e.eventName} ` +
      `with request parameters too large for CloudTrail to record${bytes} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'An inline role policy padded past the size limit',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutRolePolicy',
          eventVersion: '1.10',
          requestParameters: {
            reason: 'requestParameters too large',
            omitted: true,
            originalSize: 114738,
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A padded policy version, as an export with string values',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreatePolicyVersion',
          identity: 'role',
          requestParameters: {
            reason: 'requestParameters too large',
            omitted: 'true',
            originalSize: '149893',
          },
          responseElements: {
            policyVersion: {
              versionId: 'v4',
              isDefaultVersion: true,
              createDate: 'Jan 2, 2026, 3:04:05 AM',
            },
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'An inline role policy logged in full',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutRolePolicy',
          requestParameters: {
            roleName: 'app-reader',
            policyName: 'read-config',
            policyDocument:
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"arn:aws:ssm:us-east-1:123456789012:parameter/app/*"}]}',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'Omitted parameters on a service outside the watched list',
        record: ctRecord({
          eventSource: 'glue.amazonaws.com',
          eventName: 'UpdateTable',
          requestParameters: {
            reason: 'requestParameters too large',
            omitted: true,
            originalSize: 212004,
          },
        }),
      },
    ],
  },
});
