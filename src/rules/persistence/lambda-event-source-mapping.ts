/**
 * `aws.persistence.lambda-event-source-mapping`: an event source mapping created outside CI/CD,
 * wiring a queue, stream or table to a Lambda function. Every record that arrives then runs the
 * function: a quiet trigger that also reads the data flowing through the source.
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
  str,
  where,
} from '../lib.js';
import {
  accountKnown,
  accountOfArn,
  accountsAssumption,
  automationAssumption,
  FOREIGN_ACCOUNT,
} from '../lib/iam-principals.js';

function source(e: ApiEvent): string | undefined {
  return reqString(e, 'eventSourceArn') ?? str(e.response, 'eventSourceArn');
}

function foreignSource(e: ApiEvent, ctx: RuleContext): string | undefined {
  const account = accountOfArn(source(e));
  return account !== undefined && !accountKnown(e, ctx.org)(account) ? account : undefined;
}

export default defineApiRule({
  id: 'aws.persistence.lambda-event-source-mapping',
  title: 'Lambda event source mapping created outside CI/CD',
  category: 'persistence',
  row: 'PER-2',
  priority: 'medium',
  mitre: ['T1546'],
  description:
    'CreateEventSourceMapping (logged as CreateEventSourceMapping20150331) by an identity outside the ' +
    'configured automation: a queue, stream, table or broker now invokes a function with each batch ' +
    'of records. A source in an account that is neither configured (organisation.accounts, ' +
    "trustedAccounts) nor the event's own is reported one level higher: the function then reads " +
    'data or takes orders from outside. Failed calls are reported one level lower.',
  falsePositives: [
    'Event-driven applications deployed by hand rather than by a pipeline listed in organisation.automationArns.',
  ],
  response: [
    'Check with the function owner that the mapping is expected (GetEventSourceMapping by the UUID in the response).',
    "If not, delete the mapping and review the function's code, role and recent invocations.",
  ],
  references: [
    'https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html',
  ],
  knobs: {},
  assumptions: (ctx) => [...automationAssumption(ctx.org), ...accountsAssumption(ctx.org)],
  kind: 'match',
  on: { eventSource: ['lambda.amazonaws.com'], eventNames: ['CreateEventSourceMapping'] },
  match: (e, ctx) => !isAutomation(e, ctx.org),
  priorityOf: (e, ctx): Priority =>
    shift(
      basePriority(ctx, 'medium'),
      (foreignSource(e, ctx) !== undefined ? 1 : 0) - (failed(e) ? 1 : 0),
    ),
  summary: (e, ctx) => {
    const foreign = foreignSource(e, ctx);
    return (
      `${actorName(e)} ${did(e, 'connected', 'connect')} ${source(e) ?? 'an event source'}` +
      `${foreign === undefined ? '' : ` (foreign account ${foreign})`} to Lambda function ` +
      `${reqString(e, 'functionName') ?? '(unnamed)'} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A queue wired to a function from the CLI',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'CreateEventSourceMapping20150331',
          requestParameters: {
            functionName: 'order-mirror',
            eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders',
            batchSize: 10,
            enabled: true,
          },
          responseElements: {
            uUID: '6d9bce8e-836b-442c-8070-74e77903c815',
            batchSize: 10,
            maximumBatchingWindowInSeconds: 0,
            eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders',
            functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:order-mirror',
            lastModified: 'Jan 2, 2026, 3:04:05 AM',
            state: 'Creating',
            stateTransitionReason: 'USER_INITIATED',
          },
        }),
      },
      {
        title: 'A stream of a foreign account wired to a function',
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'CreateEventSourceMapping20150331',
          identity: IDENTITIES.role,
          requestParameters: {
            functionName: 'stream-reader',
            eventSourceArn: `arn:aws:kinesis:us-east-1:${FOREIGN_ACCOUNT}:stream/commands`,
            startingPosition: 'LATEST',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'The configured pipeline creates the mapping',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'lambda.amazonaws.com',
          eventName: 'CreateEventSourceMapping20150331',
          identity: IDENTITIES.ci,
          requestParameters: {
            functionName: 'order-mirror',
            eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders',
          },
        }),
      },
    ],
  },
});
