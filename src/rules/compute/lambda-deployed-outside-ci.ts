/**
 * `aws.compute.lambda-deployed-outside-ci`: Lambda functions created or given new code by an
 * identity that is not the organisation's CI/CD. A function is code that runs with its role's
 * permissions on every trigger; replacing it by hand is a classic way to plant a backdoor.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  isAutomation,
  reqString,
  shift,
  str,
  USER_AGENTS,
  where,
} from '../lib.js';
import { automationConfigured, lastSegment } from '../lib/caller.js';

const CI_CONFIG = {
  organisation: { automationArns: ['arn:aws:iam::123456789012:role/deploy-*'] },
};

/** The function's name as a function ARN gives it (`…:function:name:1` → `name`). */
function arnFunction(arn: string): string {
  const m = /:function:([^:]+)/.exec(arn);
  return m?.[1] ?? arn;
}

function functionName(e: ApiEvent): string {
  const name = reqString(e, 'functionName') ?? str(e.response, 'functionName');
  if (name === undefined) return '(unnamed)';
  return name.startsWith('arn:') ? arnFunction(name) : name;
}

function codeSource(e: ApiEvent): string {
  const bucket = str(e.request, 'code', 's3Bucket') ?? reqString(e, 's3Bucket');
  const key = str(e.request, 'code', 's3Key') ?? reqString(e, 's3Key');
  if (bucket !== undefined) return ` from s3://${bucket}/${key ?? ''}`;
  const image = str(e.request, 'code', 'imageUri') ?? reqString(e, 'imageUri');
  return image === undefined ? '' : ` from image ${image}`;
}

export default defineApiRule({
  id: 'aws.compute.lambda-deployed-outside-ci',
  title: 'Lambda function deployed outside CI/CD',
  category: 'compute',
  row: 'COMP-1',
  priority: 'high',
  mitre: ['T1648'],
  description:
    'CreateFunction or UpdateFunctionCode (CloudTrail logs them with API-version suffixes such ' +
    'as CreateFunction20150331 and UpdateFunctionCode20150331v2; the engine matches the base ' +
    'names) by an identity that is neither an AWS service nor the CI/CD in ' +
    '`organisation.automationArns` / `automationUserAgents`. Code deployed by hand bypasses ' +
    'review: attackers create functions that run with a privileged role, or swap the code of an ' +
    'existing function that already has triggers, permissions and trust. Triage: which role the ' +
    'function runs as, where the code came from (bucket, image), and whether the change matches ' +
    'a release. With no CI/CD configured every deployment is reported one level lower and the ' +
    'finding says so; failed calls are reported one level lower again as attempts.',
  falsePositives: [
    'Developers deploying to their own sandbox functions from the console or the SAM CLI.',
    'Pipelines not yet listed in organisation.automationArns or automationUserAgents.',
  ],
  response: [
    'Compare the deployed code (GetFunction returns a download link) and its hash with the last release.',
    'Review the function role and any new triggers, URLs or resource-policy permissions.',
    'If unexpected: restore the released version, remove added permissions and revoke the credentials used.',
  ],
  references: [
    'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html',
  ],
  knobs: {},
  assumptions: (ctx) =>
    automationConfigured(ctx.org)
      ? []
      : [
          'No CI/CD identities or user agents are configured (organisation.automationArns, ' +
            'automationUserAgents): every Lambda deployment not made by an AWS service is ' +
            'reported, one level lower.',
        ],
  kind: 'match',
  on: {
    eventSource: ['lambda.amazonaws.com'],
    eventNames: ['CreateFunction', 'UpdateFunctionCode'],
  },
  match: (e, ctx) => !byAwsService(e) && !isAutomation(e, ctx.org),
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'high'),
      (automationConfigured(ctx.org) ? 0 : -1) + (failed(e) ? -1 : 0),
    ),
  summary: (e) => {
    const name = functionName(e);
    const role = reqString(e, 'role') ?? str(e.response, 'role');
    const roleText = role === undefined ? '' : ` running as ${lastSegment(role)}`;
    const verb =
      e.eventName === 'CreateFunction'
        ? failed(e)
          ? 'tried to create'
          : 'created'
        : failed(e)
          ? 'tried to replace the code of'
          : 'replaced the code of';
    return `${actorName(e)} ${verb} Lambda function ${name}${roleText}${codeSource(e)} outside CI/CD ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'CreateFunction20150331 from Terraform on a laptop (Invictus shape)',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'CreateFunction20150331',
          userAgent: USER_AGENTS.terraform,
          requestParameters: {
            functionName: 'backdoor-func',
            runtime: 'nodejs18.x',
            role: 'arn:aws:iam::123456789012:role/backdoor-lambda',
            handler: 'index.test',
            code: { s3Bucket: 'backdoor-f-bucket-ufamgrrnmw', s3Key: 'index.zip' },
            description: '',
            timeout: 3,
            memorySize: 128,
            publish: false,
            packageType: 'Zip',
            environment: {},
          },
          responseElements: {
            functionName: 'backdoor-func',
            functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:backdoor-func',
            runtime: 'nodejs18.x',
            role: 'arn:aws:iam::123456789012:role/backdoor-lambda',
            handler: 'index.test',
            codeSize: 289,
            description: '',
            timeout: 3,
            memorySize: 128,
            lastModified: '2026-01-02T03:04:04.895+0000',
            codeSha256: '6mU00z0AtY615GKqrB2BcmV8gc8FQJReR64GOMZi2pM=',
            version: '$LATEST',
            environment: {},
            tracingConfig: { mode: 'PassThrough' },
            state: 'Pending',
            stateReason: 'The function is being created.',
            stateReasonCode: 'Creating',
            packageType: 'Zip',
            architectures: ['x86_64'],
            ephemeralStorage: { size: 512 },
          },
        }),
      },
      {
        title: 'UpdateFunctionCode20150331v2 by a script with CI/CD configured (Invictus shape)',
        config: CI_CONFIG,
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'UpdateFunctionCode20150331v2',
          userAgent: 'stratus-red-team_f771f4ac-25d0-4db4-91b6-30f3b5c46f0c',
          requestParameters: {
            fullyQualifiedArn: {
              arnPrefix: { partition: 'aws', region: 'us-east-1', account: '123456789012' },
              relativeId: { functionName: 'orders-api' },
              functionQualifier: {},
            },
            functionName: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api',
            publish: true,
            s3Key: 'lambda.zip',
            s3Bucket: 'olc-bucket-xhfgzaowxc',
            dryRun: false,
          },
          responseElements: {
            functionName: 'orders-api',
            functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api:2',
            runtime: 'python3.9',
            role: 'arn:aws:iam::123456789012:role/orders-api',
            handler: 'lambda.lambda_handler',
            codeSize: 187,
            timeout: 3,
            memorySize: 128,
            codeSha256: '3YIlWyiz6gTvDk01MIlMlJO/NVNlDXCTy7hsM27xthM=',
            version: '2',
            state: 'Pending',
            packageType: 'Zip',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'The deployment role ships a new version',
        config: CI_CONFIG,
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'UpdateFunctionCode20150331v2',
          identity: 'ci',
          userAgent: USER_AGENTS.terraform,
          requestParameters: {
            functionName: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api',
            publish: true,
            s3Key: 'releases/orders-api-1.42.0.zip',
            s3Bucket: 'acme-build-artifacts',
            dryRun: false,
          },
        }),
      },
      {
        title: 'A deployment from a user agent configured as CI/CD (the SAM CLI in a pipeline)',
        config: { organisation: { automationUserAgents: ['*aws-sam-cli*'] } },
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'CreateFunction20150331',
          userAgent:
            'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 cfg/retry-mode#legacy Botocore/1.34.69 aws-sam-cli/1.113.0',
          requestParameters: {
            functionName: 'orders-api',
            runtime: 'python3.12',
            role: 'arn:aws:iam::123456789012:role/orders-api',
            handler: 'app.handler',
            code: { s3Bucket: 'acme-build-artifacts', s3Key: 'orders-api.zip' },
            packageType: 'Zip',
          },
        }),
      },
    ],
  },
});
