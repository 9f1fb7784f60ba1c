/**
 * `aws.evasion.bedrock-invocation-logging-disabled`: Amazon Bedrock model invocation logging is
 * deleted, or rewritten so that it records nothing (or no text), so that prompts and completions
 * of stolen model access (LLMjacking) leave no trace beyond the bare CloudTrail call.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  bool,
  ctRecord,
  failed,
  obj,
  str,
  tamperPriority,
  USER_AGENTS,
  where,
} from '../lib.js';

const DATA_TYPES = ['text', 'image', 'embedding', 'video'] as const;

interface Weakening {
  /** Past-tense clause for the summary. */
  what: string;
  /** Set for the partial variant, reported one level lower. */
  partial: boolean;
}

/**
 * What a PutModelInvocationLoggingConfiguration call turned off, judged from the request alone
 * (the previous configuration is not in the record). Undefined when nothing was turned off, or
 * when CloudTrail logged no `loggingConfig` to judge by.
 */
function weakening(e: ApiEvent): Weakening | undefined {
  const cfg = obj(e.request, 'loggingConfig');
  if (cfg === undefined) return undefined;
  const s3 = str(cfg, 's3Config', 'bucketName');
  const logGroup = str(cfg, 'cloudWatchConfig', 'logGroupName');
  if (s3 === undefined && logGroup === undefined) {
    return { what: 'left it without a destination, so nothing is logged', partial: false };
  }
  // The delivery flags are optional and off unless set to true.
  const on = DATA_TYPES.filter((t) => bool(cfg, `${t}DataDeliveryEnabled`) === true);
  if (on.length === 0) {
    return { what: 'turned off logging of every data type', partial: false };
  }
  if (!on.includes('text')) {
    return {
      what: `stopped logging text prompts and completions (still logging ${on.join(', ')})`,
      partial: true,
    };
  }
  return undefined;
}

function deleted(e: ApiEvent): boolean {
  return e.eventName === 'DeleteModelInvocationLoggingConfiguration';
}

export default defineApiRule({
  id: 'aws.evasion.bedrock-invocation-logging-disabled',
  title: 'Amazon Bedrock model invocation logging turned off',
  category: 'evasion',
  row: null,
  priority: 'high',
  mitre: ['T1562.008'],
  description:
    'Model invocation logging records the prompts, completions and metadata of every Amazon ' +
    'Bedrock call in a region to S3 or CloudWatch Logs; it is how misuse of models (LLMjacking: ' +
    'stolen keys reselling model access, jailbreak attempts, data leaking through prompts) is ' +
    'seen at all. This rule reports DeleteModelInvocationLoggingConfiguration, which turns it ' +
    'off in the region, and PutModelInvocationLoggingConfiguration calls whose new configuration ' +
    'has no S3 or CloudWatch Logs destination, or delivers no data type at all. A new ' +
    'configuration that still logs images, embeddings or video but not text is reported one ' +
    'level lower: text is what text models are abused with. Calls that keep text logging on to ' +
    "a destination do not match. Failed calls and calls by the organisation's automation are " +
    'reported one level lower; a failed Delete shows the intent all the same.',
  falsePositives: [
    'Tearing down a sandbox or a stack that owned the logging configuration.',
    'Moving logging to a new destination in two steps (delete, then put).',
  ],
  response: [
    'Restore the logging configuration (PutModelInvocationLoggingConfiguration) with text delivery to the usual destination.',
    'Review CloudTrail InvokeModel, Converse and InvokeModelWithResponseStream events in the region since the change: their volume and callers show use that the missing logs would have recorded.',
    'Check for other LLMjacking steps: model access requests (PutUseCaseForModelAccess, CreateFoundationModelAgreement) and calls from unusual addresses.',
    'Restrict bedrock:DeleteModelInvocationLoggingConfiguration and bedrock:PutModelInvocationLoggingConfiguration with a service control policy.',
  ],
  references: [
    'https://docs.aws.amazon.com/bedrock/latest/APIReference/API_DeleteModelInvocationLoggingConfiguration.html',
    'https://docs.aws.amazon.com/bedrock/latest/APIReference/API_PutModelInvocationLoggingConfiguration.html',
    'https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['bedrock.amazonaws.com'],
    eventNames: [
      'DeleteModelInvocationLoggingConfiguration',
      'PutModelInvocationLoggingConfiguration',
    ],
  },
  match: (e) => deleted(e) || weakening(e) !== undefined,
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'high', {
      lower: !deleted(e) && weakening(e)?.partial === true,
      automationLowers: true,
    }),
  summary: (e) => {
    if (deleted(e)) {
      return (
        `${actorName(e)} ${failed(e) ? 'tried to delete' : 'deleted'} the Amazon Bedrock model ` +
        `invocation logging configuration, turning invocation logging off, ${where(e)}`
      );
    }
    const w = weakening(e);
    return (
      `${actorName(e)} ${failed(e) ? 'tried to rewrite' : 'rewrote'} the Amazon Bedrock model ` +
      `invocation logging configuration and ${failed(e) ? 'would have ' : ''}` +
      `${w?.what ?? 'weakened it'} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Invocation logging deleted with a stolen access key from a Python script',
        record: ctRecord({
          eventSource: 'bedrock.amazonaws.com',
          eventName: 'DeleteModelInvocationLoggingConfiguration',
          sourceIPAddress: '198.51.100.77',
          userAgent: USER_AGENTS.boto3,
          requestParameters: null,
          responseElements: null,
        }),
      },
      {
        title: 'A configuration that keeps the bucket but delivers no data type',
        record: ctRecord({
          eventSource: 'bedrock.amazonaws.com',
          eventName: 'PutModelInvocationLoggingConfiguration',
          identity: 'role',
          requestParameters: {
            loggingConfig: {
              s3Config: { bucketName: 'acme-bedrock-invocation-logs', keyPrefix: 'us-east-1/' },
              textDataDeliveryEnabled: false,
              imageDataDeliveryEnabled: false,
              embeddingDataDeliveryEnabled: false,
              videoDataDeliveryEnabled: false,
            },
          },
        }),
      },
      {
        title: 'Text logging dropped while image logging stays on',
        record: ctRecord({
          eventSource: 'bedrock.amazonaws.com',
          eventName: 'PutModelInvocationLoggingConfiguration',
          requestParameters: {
            loggingConfig: {
              cloudWatchConfig: {
                logGroupName: '/aws/bedrock/model-invocations',
                roleArn: 'arn:aws:iam::123456789012:role/bedrock-invocation-logging',
              },
              textDataDeliveryEnabled: false,
              imageDataDeliveryEnabled: true,
            },
          },
        }),
      },
    ],
    miss: [
      {
        title: 'Logging of every data type to CloudWatch Logs and S3 set up by the pipeline',
        record: ctRecord({
          eventSource: 'bedrock.amazonaws.com',
          eventName: 'PutModelInvocationLoggingConfiguration',
          identity: 'ci',
          userAgent: USER_AGENTS.terraform,
          requestParameters: {
            loggingConfig: {
              cloudWatchConfig: {
                logGroupName: '/aws/bedrock/model-invocations',
                roleArn: 'arn:aws:iam::123456789012:role/bedrock-invocation-logging',
                largeDataDeliveryS3Config: {
                  bucketName: 'acme-bedrock-invocation-logs',
                  keyPrefix: 'large/',
                },
              },
              s3Config: { bucketName: 'acme-bedrock-invocation-logs', keyPrefix: 'us-east-1/' },
              textDataDeliveryEnabled: true,
              imageDataDeliveryEnabled: true,
              embeddingDataDeliveryEnabled: true,
              videoDataDeliveryEnabled: true,
            },
          },
        }),
      },
      {
        title: 'The logging configuration read (reconnaissance, not tampering)',
        record: ctRecord({
          eventSource: 'bedrock.amazonaws.com',
          eventName: 'GetModelInvocationLoggingConfiguration',
          sourceIPAddress: '198.51.100.77',
          userAgent: USER_AGENTS.boto3,
          readOnly: true,
        }),
      },
    ],
  },
});
