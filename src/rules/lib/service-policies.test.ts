import { describe, expect, it } from 'vitest';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { normaliseCloudTrail } from '../../normalise/cloudtrail.js';
import { ctRecord } from '../lib.js';
import { publicStatements } from './resource-policy.js';
import {
  ecrPolicyRecord,
  efsPolicyRecord,
  secretPolicyRecord,
  servicePolicy,
  snsPolicyRecord,
  sqsPolicyRecord,
} from './service-policies.js';

function event(record: JsonObject): ApiEvent {
  const n = normaliseCloudTrail(record, { file: 'test', index: 0 });
  if (!n.ok) throw new Error(n.reason);
  return n.event;
}

const OPEN: JsonObject = { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' };

describe('servicePolicy', () => {
  it('reads the policy each of the five services logs, with the resource it names', () => {
    const got = [
      secretPolicyRecord('prod/db', [OPEN]),
      ecrPolicyRecord('api', [OPEN]),
      snsPolicyRecord('alerts', [OPEN]),
      sqsPolicyRecord('jobs', [OPEN]),
      efsPolicyRecord('fs-0123456789abcdef0', [OPEN]),
    ].map((r) => {
      const p = servicePolicy(event(r));
      return [p?.kind, p?.resource, publicStatements(p?.doc).length];
    });
    expect(got).toEqual([
      ['secret', 'prod/db', 1],
      ['ECR repository', 'api', 1],
      ['SNS topic', 'arn:aws:sns:us-east-1:123456789012:alerts', 1],
      ['SQS queue', 'jobs', 1],
      ['EFS file system', 'fs-0123456789abcdef0', 1],
    ]);
    expect(servicePolicy(event(secretPolicyRecord('prod/db', [OPEN])))?.secretId).toBe('prod/db');
  });

  it('reads the Policy attribute of CreateTopic and CreateQueue', () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [OPEN] });
    const topic = ctRecord({
      eventSource: 'sns.amazonaws.com',
      eventName: 'CreateTopic',
      requestParameters: { name: 'alerts', attributes: { Policy: policy } },
      responseElements: { topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' },
    });
    const queue = ctRecord({
      eventSource: 'sqs.amazonaws.com',
      eventName: 'CreateQueue',
      requestParameters: { queueName: 'jobs', attributes: { Policy: policy } },
      responseElements: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs' },
    });
    expect(servicePolicy(event(topic))?.resource).toBe('alerts');
    expect(servicePolicy(event(queue))?.resource).toBe('jobs');
  });

  it('ignores calls that set no policy: other attributes, an emptied policy, other services', () => {
    const displayName = ctRecord({
      eventSource: 'sns.amazonaws.com',
      eventName: 'SetTopicAttributes',
      requestParameters: {
        topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
        attributeName: 'DisplayName',
        attributeValue: '{"looks":"like json"}',
      },
    });
    // The console clears a queue policy by sending an empty Policy attribute.
    const cleared = ctRecord({
      eventSource: 'sqs.amazonaws.com',
      eventName: 'SetQueueAttributes',
      requestParameters: {
        queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs',
        attributes: { Policy: '', VisibilityTimeout: '30' },
      },
    });
    const plainQueue = ctRecord({
      eventSource: 'sqs.amazonaws.com',
      eventName: 'CreateQueue',
      requestParameters: { queueName: 'jobs', attributes: { DelaySeconds: '0' } },
    });
    const otherService = ctRecord({
      eventSource: 'glue.amazonaws.com',
      eventName: 'PutResourcePolicy',
      requestParameters: { policyInJson: JSON.stringify({ Statement: [OPEN] }) },
    });
    for (const r of [displayName, cleared, plainQueue, otherService]) {
      expect(servicePolicy(event(r))).toBeUndefined();
    }
  });

  it('treats the SNS default policy (AWS:SourceOwner) as narrowed', () => {
    const p = servicePolicy(
      event(
        snsPolicyRecord('alerts', [
          {
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'SNS:Publish',
            Resource: 'arn:aws:sns:us-east-1:123456789012:alerts',
            Condition: { StringEquals: { 'AWS:SourceOwner': '123456789012' } },
          },
        ]),
      ),
    );
    expect(p).toBeDefined();
    expect(publicStatements(p?.doc)).toEqual([]);
  });
});
