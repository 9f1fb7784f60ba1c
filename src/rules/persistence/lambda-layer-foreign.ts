/**
 * `aws.persistence.lambda-layer-foreign`: a function created or reconfigured with a layer
 * published by an account outside the organisation. A layer's code runs inside the function with
 * its role and its data; a layer from an account the attacker controls is persistent code
 * execution that survives redeployments of the function's own code.
 */
import { z } from 'zod';
import type { Priority } from '../../config/schema.js';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  IDENTITIES,
  isAutomation,
  list,
  names,
  reqString,
  shift,
  str,
  strings,
  where,
} from '../lib.js';
import {
  accountKnown,
  accountOfArn,
  accountsAssumption,
  automationAssumption,
  FOREIGN_ACCOUNT,
} from '../lib/iam-principals.js';

/** Layer ARNs from the request, else from the response (`layers[].arn`). */
function layerArns(e: ApiEvent): string[] {
  const requested = strings(e.request, 'layers');
  if (requested.length > 0) return requested;
  return list(e.response, 'layers')
    .map((l) => str(l, 'arn'))
    .filter((x): x is string => x !== undefined);
}

function foreignLayers(e: ApiEvent, ctx: RuleContext<typeof knobs>): string[] {
  const known = accountKnown(e, ctx.org);
  return layerArns(e).filter((arn) => {
    const account = accountOfArn(arn);
    return account !== undefined && !known(account) && !matchesAny(ctx.knobs.trustedLayers, arn);
  });
}

const knobs = {
  trustedLayers: knob(
    z.array(z.string()),
    [
      'arn:aws:lambda:*:580247275435:layer:LambdaInsightsExtension*',
      'arn:aws:lambda:*:017000801446:layer:AWSLambdaPowertools*',
      'arn:aws:lambda:*:901920570463:layer:aws-otel-*',
      'arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension*',
      'arn:aws:lambda:us-east-2:590474943231:layer:AWS-Parameters-and-Secrets-Lambda-Extension*',
    ],
    'Layer version ARNs (globs) from outside the organisation that are trusted, such as layers AWS publishes (Lambda Insights, Powertools, ADOT, the Parameters and Secrets extension) and those of vendors you use.',
  ),
};

export default defineApiRule({
  id: 'aws.persistence.lambda-layer-foreign',
  title: 'Lambda layer from a foreign account added to a function',
  category: 'persistence',
  row: 'PER-2',
  priority: 'medium',
  mitre: ['T1546', 'T1195.002'],
  description:
    'CreateFunction or UpdateFunctionConfiguration (logged with API-version suffixes) set layers ' +
    'whose version ARN names an account that is neither configured (organisation.accounts, ' +
    "trustedAccounts) nor the event's own, and that the `trustedLayers` knob does not list. The " +
    'layers are read from requestParameters.layers, or from responseElements.layers when the request ' +
    'is trimmed. Layers of the own organisation and AWS-published layers in the knob do not match. The ' +
    'configured automation and failed calls lower the priority one level each.',
  falsePositives: [
    'Vendor layers (monitoring and security agents) not yet listed in trustedLayers or trustedAccounts.',
    'Public layers of other AWS teams not in the default list (check the publisher and add them).',
  ],
  response: [
    "Identify the layer's publisher (GetLayerVersionByArn shows the content location; the account in the ARN owns it).",
    "If unknown, remove the layer from the function (UpdateFunctionConfiguration) and review the function's invocations and role activity since.",
    'Restrict lambda:UpdateFunctionConfiguration and require code signing for functions with privileged roles.',
  ],
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html',
  ],
  knobs,
  assumptions: (ctx) => [...automationAssumption(ctx.org), ...accountsAssumption(ctx.org)],
  kind: 'match',
  on: {
    eventSource: ['lambda.amazonaws.com'],
    eventNames: ['UpdateFunctionConfiguration', 'CreateFunction'],
  },
  match: (e, ctx) => foreignLayers(e, ctx).length > 0,
  priorityOf: (e, ctx): Priority =>
    shift(basePriority(ctx, 'medium'), -(isAutomation(e, ctx.org) ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e, ctx) => {
    const layers = foreignLayers(e, ctx);
    const accounts = [...new Set(layers.map((l) => accountOfArn(l) ?? '?'))];
    const verb = e.eventName === 'CreateFunction' ? ['created', 'create'] : ['updated', 'update'];
    return (
      `${actorName(e)} ${did(e, verb[0] as string, verb[1] as string)} Lambda function ` +
      `${reqString(e, 'functionName') ?? '(unnamed)'} with layer ${names(layers, 2)} from foreign account ` +
      `${names(accounts)} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A layer of a foreign account added to an existing function',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'UpdateFunctionConfiguration20150331v2',
          identity: IDENTITIES.role,
          requestParameters: {
            functionName: 'billing-export',
            layers: [`arn:aws:lambda:us-east-1:${FOREIGN_ACCOUNT}:layer:perf-utils:3`],
          },
          responseElements: {
            functionName: 'billing-export',
            functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:billing-export',
            runtime: 'python3.12',
            role: 'arn:aws:iam::123456789012:role/billing-export-role',
            handler: 'app.handler',
            layers: [
              {
                arn: `arn:aws:lambda:us-east-1:${FOREIGN_ACCOUNT}:layer:perf-utils:3`,
                codeSize: 18342,
              },
            ],
            state: 'Active',
            lastUpdateStatus: 'InProgress',
          },
        }),
      },
      {
        title: 'A function created with a foreign layer next to an AWS one',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'CreateFunction20150331',
          requestParameters: {
            functionName: 'nightly-sync',
            runtime: 'nodejs20.x',
            role: 'arn:aws:iam::123456789012:role/nightly-sync',
            handler: 'index.handler',
            code: {},
            layers: [
              'arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:49',
              `arn:aws:lambda:us-east-1:${FOREIGN_ACCOUNT}:layer:node-deps:12`,
            ],
          },
        }),
      },
    ],
    miss: [
      {
        title: 'The Lambda Insights layer published by AWS',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'UpdateFunctionConfiguration20150331v2',
          requestParameters: {
            functionName: 'billing-export',
            layers: ['arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:49'],
          },
        }),
      },
      {
        title: 'A layer of the own account',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'UpdateFunctionConfiguration20150331v2',
          requestParameters: {
            functionName: 'billing-export',
            layers: ['arn:aws:lambda:us-east-1:123456789012:layer:shared-libs:7'],
          },
        }),
      },
    ],
  },
});
