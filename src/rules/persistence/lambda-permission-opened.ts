/**
 * `aws.persistence.lambda-permission-opened`: a Lambda function's resource policy opened with
 * AddPermission to every principal (`*`) or to a foreign account. Whoever is let in can invoke
 * the function, and with it the function's role, from outside: a trigger no one in the account
 * controls any more.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
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
  where,
} from '../lib.js';
import {
  accountKnown,
  accountOfArn,
  accountsAssumption,
  automationAssumption,
  FOREIGN_ACCOUNT,
} from '../lib/iam-principals.js';
import { accountOfPrincipal } from '../lib/policy.js';

interface Opening {
  kind: 'public' | 'foreign' | 'foreign-source';
  what: string;
}

function opening(e: ApiEvent, ctx: RuleContext): Opening | undefined {
  const principal = reqString(e, 'principal')?.trim();
  if (principal === undefined) return undefined;
  const known = accountKnown(e, ctx.org);
  if (principal === '*') {
    // A source ARN, source account or organisation id narrows "*" to one caller or the org.
    const narrowed =
      reqString(e, 'sourceArn') ?? reqString(e, 'sourceAccount') ?? reqString(e, 'principalOrgID');
    if (narrowed !== undefined) return undefined;
    const url = reqString(e, 'functionUrlAuthType');
    return {
      kind: 'public',
      what:
        url?.toUpperCase() === 'NONE'
          ? 'anyone on the internet (function URL without authentication)'
          : 'anyone (principal "*")',
    };
  }
  const account = accountOfPrincipal(principal);
  if (account !== undefined) {
    return known(account) ? undefined : { kind: 'foreign', what: `foreign account ${account}` };
  }
  // A service principal acting for a resource of another account (confused deputy).
  const source = reqString(e, 'sourceAccount') ?? accountOfArn(reqString(e, 'sourceArn'));
  if (source !== undefined && !known(source)) {
    return {
      kind: 'foreign-source',
      what: `${principal} for resources of foreign account ${source}`,
    };
  }
  return undefined;
}

export default defineApiRule({
  id: 'aws.persistence.lambda-permission-opened',
  title: 'Lambda function opened to everyone or a foreign account',
  category: 'persistence',
  row: 'PER-2',
  priority: 'high',
  mitre: ['T1546', 'T1098'],
  description:
    'AddPermission (logged as AddPermission20150331v2 and other versions; the engine strips the ' +
    "suffix) added a statement to a function's resource policy for principal `*` with no sourceArn, " +
    'sourceAccount or principalOrgID to narrow it (anyone in AWS, or anyone on the internet when ' +
    'functionUrlAuthType is NONE), or for an AWS account that is neither configured ' +
    "(organisation.accounts, trustedAccounts) nor the event's own: both reported at the rule " +
    'priority. A service principal acting for a resource in a foreign account (sourceAccount or the ' +
    "sourceArn's account) is reported one level lower. Permissions for services of the own account " +
    'do not match. The configured automation and failed calls lower the priority one level each.',
  falsePositives: [
    'Public webhooks deliberately exposed through a function URL with authType NONE.',
    'Cross-account invocation by a partner whose account is not yet in organisation.trustedAccounts.',
  ],
  response: [
    "Read the function's policy (GetPolicy) and remove the statement (RemovePermission with its statementId) if it is not intended.",
    "Review the function's code and role: what can an outside caller make it do?",
    'Check invocations since the change (CloudWatch metrics, Lambda data events).',
  ],
  references: [
    'https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html',
  ],
  knobs: {},
  assumptions: (ctx) => [...automationAssumption(ctx.org), ...accountsAssumption(ctx.org)],
  kind: 'match',
  on: { eventSource: ['lambda.amazonaws.com'], eventNames: ['AddPermission'] },
  match: (e, ctx) => opening(e, ctx) !== undefined,
  priorityOf: (e, ctx): Priority => {
    let steps = opening(e, ctx)?.kind === 'foreign-source' ? -1 : 0;
    if (isAutomation(e, ctx.org)) steps -= 1;
    if (failed(e)) steps -= 1;
    return shift(basePriority(ctx, 'high'), steps);
  },
  summary: (e, ctx) =>
    `${actorName(e)} ${did(e, 'let', 'let')} ${opening(e, ctx)?.what ?? '(unknown)'} invoke Lambda function ` +
    `${reqString(e, 'functionName') ?? '(unnamed)'} (${reqString(e, 'action') ?? 'lambda:InvokeFunction'}) ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'Principal "*" on a function (Stratus Red Team backdoor, as recorded)',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'AddPermission20150331v2',
          userAgent: 'stratus-red-team_1222242e-efe2-4641-a881-346fa54f41e1',
          requestParameters: {
            functionName: 'stratus-red-team-backdoor-f-func',
            statementId: 'backdoor',
            action: 'lambda:InvokeFunction',
            principal: '*',
          },
          responseElements: {
            statement:
              '{"Sid":"backdoor","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:stratus-red-team-backdoor-f-func"}',
          },
        }),
      },
      {
        title: 'Invocation granted to a foreign account',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'AddPermission20150331v2',
          identity: IDENTITIES.role,
          requestParameters: {
            functionName: 'billing-export',
            statementId: 'partner',
            action: 'lambda:InvokeFunction',
            principal: FOREIGN_ACCOUNT,
          },
          responseElements: {
            statement: `{"Sid":"partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${FOREIGN_ACCOUNT}:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:billing-export"}`,
          },
        }),
      },
      {
        title: 'Public invocation through an unauthenticated function URL',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'AddPermission20150331v2',
          requestParameters: {
            functionName: 'billing-export',
            statementId: 'FunctionURLAllowPublicAccess',
            action: 'lambda:InvokeFunctionUrl',
            principal: '*',
            functionUrlAuthType: 'NONE',
          },
          responseElements: {
            statement:
              '{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:us-east-1:123456789012:function:billing-export","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'S3 of the own account allowed to invoke the function',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'AddPermission20150331v2',
          requestParameters: {
            functionName: 'thumbnailer',
            statementId: 's3-invoke',
            action: 'lambda:InvokeFunction',
            principal: 's3.amazonaws.com',
            sourceArn: 'arn:aws:s3:::acme-uploads',
            sourceAccount: '123456789012',
          },
          responseElements: {
            statement:
              '{"Sid":"s3-invoke","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:thumbnailer","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::acme-uploads"}}}',
          },
        }),
      },
      {
        title: 'Principal "*" narrowed by the organisation id',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'AddPermission20150331v2',
          requestParameters: {
            functionName: 'shared-lookup',
            statementId: 'org',
            action: 'lambda:InvokeFunction',
            principal: '*',
            principalOrgID: 'o-a1b2c3d4e5',
          },
        }),
      },
    ],
  },
});
