/**
 * `aws.persistence.lambda-function-url-public`: a Lambda function URL created or changed with
 * `authType: NONE`, so anyone who knows the URL can run the function. An unauthenticated URL on a
 * function with a privileged role is a remote entry point that needs no AWS credentials at all.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  IDENTITIES,
  isAutomation,
  reqString,
  shift,
  str,
  where,
} from '../lib.js';
import { automationAssumption } from '../lib/iam-principals.js';

const open = (e: ApiEvent): boolean => reqString(e, 'authType')?.toUpperCase() === 'NONE';

export default defineApiRule({
  id: 'aws.persistence.lambda-function-url-public',
  title: 'Lambda function URL without authentication',
  category: 'persistence',
  row: 'PER-2',
  priority: 'medium',
  mitre: ['T1546', 'T1190'],
  description:
    'CreateFunctionUrlConfig or UpdateFunctionUrlConfig (logged with an API-version suffix, e.g. ' +
    'CreateFunctionUrlConfig20211031) with authType NONE: the function can be invoked over HTTPS by ' +
    'anyone, without AWS credentials (the URL still needs the AddPermission statement for ' +
    'lambda:InvokeFunctionUrl, which aws.persistence.lambda-permission-opened reports). URLs with ' +
    'authType AWS_IAM do not match. The configured automation and failed calls lower the priority one ' +
    'level each.',
  falsePositives: [
    'Public webhooks and small public APIs deliberately served from a function URL.',
  ],
  response: [
    'Check with the function owner that the URL is meant to be public; if not, set authType AWS_IAM or delete the URL config.',
    "Review the function's role: an unauthenticated caller gets whatever the code does with it.",
  ],
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunctionUrlConfig.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['lambda.amazonaws.com'],
    eventNames: ['CreateFunctionUrlConfig', 'UpdateFunctionUrlConfig'],
  },
  match: (e) => open(e),
  priorityOf: (e, ctx): Priority =>
    shift(basePriority(ctx, 'medium'), -(isAutomation(e, ctx.org) ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e) => {
    const url = str(e.response, 'functionUrl');
    return (
      `${actorName(e)} ${did(e, 'made', 'make')} the URL of Lambda function ${reqString(e, 'functionName') ?? '(unnamed)'} ` +
      `callable without authentication${url === undefined ? '' : ` (${url})`} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A function URL created with authType NONE',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'CreateFunctionUrlConfig20211031',
          requestParameters: { functionName: 'billing-export', authType: 'NONE' },
          responseElements: {
            functionUrl: 'https://7mnq3pw2xqz5kx4c2yq5hudcb40gkadr.lambda-url.us-east-1.on.aws/',
            functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:billing-export',
            authType: 'NONE',
            creationTime: '2026-01-02T03:04:05.107562Z',
          },
        }),
      },
      {
        title: 'An existing URL switched from AWS_IAM to NONE',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'UpdateFunctionUrlConfig20211031',
          identity: IDENTITIES.role,
          requestParameters: { functionName: 'internal-report', authType: 'NONE' },
          responseElements: {
            functionUrl: 'https://q2c6n4zr3yb5vbxw7qkq3h5s2e0jzjtp.lambda-url.us-east-1.on.aws/',
            functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:internal-report',
            authType: 'NONE',
            creationTime: '2025-11-20T09:15:44.201113Z',
            lastModifiedTime: '2026-01-02T03:04:05.542119Z',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'A function URL that requires IAM authentication',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'CreateFunctionUrlConfig20211031',
          requestParameters: { functionName: 'internal-report', authType: 'AWS_IAM' },
          responseElements: {
            functionUrl: 'https://q2c6n4zr3yb5vbxw7qkq3h5s2e0jzjtp.lambda-url.us-east-1.on.aws/',
            functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:internal-report',
            authType: 'AWS_IAM',
            creationTime: '2026-01-02T03:04:05.107562Z',
          },
        }),
      },
    ],
  },
});
