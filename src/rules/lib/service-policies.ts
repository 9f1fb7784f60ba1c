/**
 * Resource policies set through the APIs of services other than S3 and KMS, as the resource-policy
 * rules read them: a Secrets Manager secret (`PutResourcePolicy`, `resourcePolicy`), an ECR
 * repository (`SetRepositoryPolicy`, `policyText`), an SNS topic (`SetTopicAttributes` with
 * `attributeName: Policy`, or `CreateTopic` with `attributes.Policy`), an SQS queue
 * (`SetQueueAttributes` / `CreateQueue` with `attributes.Policy`) and an EFS file system
 * (`PutFileSystemPolicy`, `policy`). Each call is reduced to the service, the resource it names and
 * the parsed policy; who the policy lets in is judged by `resource-policy.ts`. Also the example
 * records of those calls.
 */
import type { ApiSelector } from '../../engine/rule.js';
import type { ApiEvent, JsonObject, JsonValue } from '../../model/event.js';
import { at, ctRecord, reqString, str } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { parsePolicy } from './resource-policy.js';

/** The events that set a resource policy on one of the five services. */
export const SERVICE_POLICY_EVENTS: ApiSelector = {
  eventSource: [
    'secretsmanager.amazonaws.com',
    'ecr.amazonaws.com',
    'sns.amazonaws.com',
    'sqs.amazonaws.com',
    'elasticfilesystem.amazonaws.com',
  ],
  eventNames: [
    'PutResourcePolicy',
    'SetRepositoryPolicy',
    'SetTopicAttributes',
    'CreateTopic',
    'SetQueueAttributes',
    'CreateQueue',
    'PutFileSystemPolicy',
  ],
};

/** A resource policy set by one call. */
export interface ServicePolicy {
  /** What the resource is, in words (`secret`, `ECR repository`, …). */
  kind: string;
  /** The resource as the request names it (a name, an ARN or a queue URL's name). */
  resource: string;
  /** The secret id when the resource is a secret, for the sensitive-secret lists. */
  secretId?: string;
  doc: JsonObject;
}

/** The queue name at the end of a queue URL (`https://sqs.…/123456789012/orders` → `orders`). */
function queueName(url: string): string {
  const tail = url.replace(/\/+$/, '').split('/').at(-1);
  return tail !== undefined && tail.length > 0 ? tail : url;
}

/**
 * The policy a call sets, or undefined when the call sets none (another attribute, an empty
 * policy that removes it, an event of another service with the same name).
 */
export function servicePolicy(e: ApiEvent): ServicePolicy | undefined {
  const named = (
    kind: string,
    resource: string | undefined,
    raw: JsonValue | undefined,
  ): ServicePolicy | undefined => {
    const doc = parsePolicy(raw);
    return doc === undefined ? undefined : { kind, resource: resource ?? '(unnamed)', doc };
  };
  switch (`${e.eventSource} ${e.eventName}`) {
    case 'secretsmanager.amazonaws.com PutResourcePolicy': {
      const id = reqString(e, 'secretId');
      const p = named('secret', id, at(e.request, 'resourcePolicy'));
      return p === undefined || id === undefined ? p : { ...p, secretId: id };
    }
    case 'ecr.amazonaws.com SetRepositoryPolicy':
      return named('ECR repository', reqString(e, 'repositoryName'), at(e.request, 'policyText'));
    case 'sns.amazonaws.com SetTopicAttributes':
      return str(e.request, 'attributeName')?.toLowerCase() === 'policy'
        ? named('SNS topic', reqString(e, 'topicArn'), at(e.request, 'attributeValue'))
        : undefined;
    case 'sns.amazonaws.com CreateTopic':
      return named('SNS topic', reqString(e, 'name'), at(e.request, 'attributes', 'Policy'));
    case 'sqs.amazonaws.com SetQueueAttributes': {
      const url = reqString(e, 'queueUrl');
      return named(
        'SQS queue',
        url === undefined ? undefined : queueName(url),
        at(e.request, 'attributes', 'Policy'),
      );
    }
    case 'sqs.amazonaws.com CreateQueue':
      return named('SQS queue', reqString(e, 'queueName'), at(e.request, 'attributes', 'Policy'));
    case 'elasticfilesystem.amazonaws.com PutFileSystemPolicy':
      return named('EFS file system', reqString(e, 'fileSystemId'), at(e.request, 'policy'));
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Example records
// ---------------------------------------------------------------------------------------------

type Extra = Partial<CtRecordInput>;

function policyText(statements: JsonObject[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** PutResourcePolicy on a secret, as Secrets Manager logs it. */
export function secretPolicyRecord(
  name: string,
  statements: JsonObject[],
  { blockPublicPolicy = false, ...extra }: Extra & { blockPublicPolicy?: boolean } = {},
) {
  const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-Xy7Pq2`;
  return ctRecord({
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'PutResourcePolicy',
    eventVersion: '1.08',
    requestParameters: {
      secretId: name,
      resourcePolicy: policyText(statements),
      blockPublicPolicy,
    },
    // A refused call has no response.
    responseElements: extra.errorCode === undefined ? { aRN: arn, name } : null,
    ...extra,
  });
}

/** SetRepositoryPolicy on an ECR repository; ECR echoes the policy, pretty-printed. */
export function ecrPolicyRecord(repository: string, statements: JsonObject[], extra: Extra = {}) {
  return ctRecord({
    eventSource: 'ecr.amazonaws.com',
    eventName: 'SetRepositoryPolicy',
    eventVersion: '1.08',
    requestParameters: {
      repositoryName: repository,
      policyText: policyText(statements),
      force: false,
    },
    responseElements: {
      registryId: '123456789012',
      repositoryName: repository,
      policyText: JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2),
    },
    resources: [
      {
        accountId: '123456789012',
        ARN: `arn:aws:ecr:us-east-1:123456789012:repository/${repository}`,
      },
    ],
    ...extra,
  });
}

/** SetTopicAttributes of the Policy attribute on an SNS topic. */
export function snsPolicyRecord(topic: string, statements: JsonObject[], extra: Extra = {}) {
  return ctRecord({
    eventSource: 'sns.amazonaws.com',
    eventName: 'SetTopicAttributes',
    eventVersion: '1.08',
    requestParameters: {
      topicArn: `arn:aws:sns:us-east-1:123456789012:${topic}`,
      attributeName: 'Policy',
      attributeValue: policyText(statements),
    },
    ...extra,
  });
}

/** SetQueueAttributes with a Policy attribute on an SQS queue. */
export function sqsPolicyRecord(queue: string, statements: JsonObject[], extra: Extra = {}) {
  return ctRecord({
    eventSource: 'sqs.amazonaws.com',
    eventName: 'SetQueueAttributes',
    eventVersion: '1.08',
    requestParameters: {
      queueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/${queue}`,
      attributes: { Policy: policyText(statements) },
    },
    ...extra,
  });
}

/** PutFileSystemPolicy on an EFS file system; EFS echoes the policy in the response. */
export function efsPolicyRecord(fileSystemId: string, statements: JsonObject[], extra: Extra = {}) {
  return ctRecord({
    eventSource: 'elasticfilesystem.amazonaws.com',
    eventName: 'PutFileSystemPolicy',
    eventVersion: '1.08',
    requestParameters: {
      fileSystemId,
      policy: policyText(statements),
      bypassPolicyLockoutSafetyCheck: false,
    },
    responseElements: { fileSystemId, policy: policyText(statements) },
    ...extra,
  });
}
