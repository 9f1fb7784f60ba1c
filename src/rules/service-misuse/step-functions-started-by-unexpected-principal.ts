/**
 * `aws.service-misuse.step-functions-started-by-unexpected-principal`: a Step Functions state
 * machine executed by hand, by a principal that is not the organisation's automation. State
 * machines run with their own, often broad, role; starting one borrows every permission it has.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
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
  where,
} from '../lib.js';
import { automationConfigured } from '../lib/caller.js';

const knobs = {
  starters: knob(
    z.array(z.string()),
    [],
    'ARN globs of principals expected to start executions besides CI/CD (applications and schedulers); matched against the caller and, for assumed roles, the role.',
  ),
  sensitiveStateMachines: knob(
    z.array(z.string()),
    [],
    'State-machine ARN or name globs whose executions are one level higher (machines that touch IAM, data stores or other accounts).',
  ),
};

function stateMachine(e: ApiEvent): string {
  const arn = reqString(e, 'stateMachineArn');
  if (arn === undefined) return '(unnamed)';
  const m = /:stateMachine:([^:]+)/.exec(arn);
  return m?.[1] ?? arn;
}

export default defineApiRule({
  id: 'aws.service-misuse.step-functions-started-by-unexpected-principal',
  title: 'Step Functions execution started by an unexpected principal',
  category: 'service-misuse',
  row: 'SVC-1',
  priority: 'medium',
  mitre: ['T1059.009', 'T1648'],
  description:
    'StartExecution or StartSyncExecution by a principal that is neither the configured CI/CD ' +
    'nor in the `starters` knob; executions started by AWS services (EventBridge rules, API ' +
    'Gateway, other state machines) are ignored. A state machine acts with its own execution ' +
    'role, so anyone allowed to start it can drive that role’s permissions with an input they ' +
    'choose: attackers use existing workflows to reach data, other accounts or IAM without ' +
    'touching those permissions themselves, and as a quiet way to run code. Executions of ' +
    'machines in `sensitiveStateMachines` are one level higher. With neither CI/CD nor starters ' +
    'configured every manual execution is reported one level lower and the finding says so; ' +
    'failed calls are reported one level lower again as attempts.',
  falsePositives: [
    'Operators re-running a failed workflow from the console.',
    'Applications that start executions and are not listed in the starters knob.',
  ],
  response: [
    'Review the execution’s input and history (DescribeExecution, GetExecutionHistory) for what it did with its role.',
    'Ask the owner of the identity whether they started it; revoke the credentials if not.',
    'Limit states:StartExecution on each machine to the callers that need it.',
  ],
  references: [
    'https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html',
    'https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html',
  ],
  knobs,
  assumptions: (ctx) =>
    automationConfigured(ctx.org) || ctx.knobs.starters.length > 0
      ? []
      : [
          'No CI/CD identities or execution starters are configured (organisation.automationArns, ' +
            'automationUserAgents, the starters knob): every execution not started by an AWS ' +
            'service is reported, one level lower.',
        ],
  kind: 'match',
  on: {
    eventSource: ['states.amazonaws.com'],
    eventNames: ['StartExecution', 'StartSyncExecution'],
  },
  match: (e, ctx) =>
    !byAwsService(e) &&
    !isAutomation(e, ctx.org) &&
    !matchesAny(ctx.knobs.starters, e.actor.arn) &&
    !matchesAny(ctx.knobs.starters, e.actor.sessionIssuerArn),
  priorityOf: (e, ctx) => {
    const configured = automationConfigured(ctx.org) || ctx.knobs.starters.length > 0;
    const arn = reqString(e, 'stateMachineArn');
    const sensitive =
      matchesAny(ctx.knobs.sensitiveStateMachines, arn) ||
      matchesAny(ctx.knobs.sensitiveStateMachines, stateMachine(e));
    return shift(
      basePriority(ctx, 'medium'),
      (configured ? 0 : -1) + (sensitive ? 1 : 0) + (failed(e) ? -1 : 0),
    );
  },
  summary: (e) => {
    const execution = reqString(e, 'name') ?? str(e.response, 'executionArn');
    const executionText = execution === undefined ? '' : ` (execution ${execution})`;
    return `${actorName(e)} ${failed(e) ? 'tried to start' : 'started'} state machine ${stateMachine(e)}${executionText} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'An IAM user starts an execution from the CLI',
        record: ctRecord({
          eventSource: 'states.amazonaws.com',
          eventName: 'StartExecution',
          requestParameters: {
            input: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:user-offboarding',
            name: 'manual-7f1d2c',
          },
          responseElements: {
            startDate: 'Jan 2, 2026, 3:04:05 AM',
            executionArn:
              'arn:aws:states:us-east-1:123456789012:execution:user-offboarding:manual-7f1d2c',
          },
        }),
      },
      {
        title: 'A denied synchronous execution of a sensitive machine',
        config: {
          organisation: { automationArns: ['arn:aws:iam::123456789012:role/deploy-*'] },
          rules: {
            'aws.service-misuse.step-functions-started-by-unexpected-principal': {
              knobs: { sensitiveStateMachines: ['*:stateMachine:iam-*'] },
            },
          },
        },
        record: ctRecord({
          eventSource: 'states.amazonaws.com',
          eventName: 'StartSyncExecution',
          identity: 'role',
          errorCode: 'AccessDeniedException',
          errorMessage:
            'User: arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40/bob@example.com is not authorized to perform: states:StartSyncExecution on resource: arn:aws:states:us-east-1:123456789012:stateMachine:iam-grant-admin',
          requestParameters: {
            input: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:iam-grant-admin',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'An EventBridge schedule starts the execution',
        record: ctRecord({
          eventSource: 'states.amazonaws.com',
          eventName: 'StartExecution',
          identity: {
            type: 'AssumedRole',
            principalId: 'AROA4XJ7LBQ5EXAMPLE11:8c1f2d3e4b5a69788c1f2d3e4b5a6978',
            arn: 'arn:aws:sts::123456789012:assumed-role/nightly-report-scheduler/8c1f2d3e4b5a69788c1f2d3e4b5a6978',
            accountId: '123456789012',
            accessKeyId: 'ASIA4XJ7LBQ5EXAMPL11',
            sessionContext: {
              sessionIssuer: {
                type: 'Role',
                principalId: 'AROA4XJ7LBQ5EXAMPLE11',
                arn: 'arn:aws:iam::123456789012:role/nightly-report-scheduler',
                accountId: '123456789012',
                userName: 'nightly-report-scheduler',
              },
              webIdFederationData: {},
              attributes: { creationDate: '2026-01-02T03:00:00Z', mfaAuthenticated: 'false' },
            },
            invokedBy: 'events.amazonaws.com',
          },
          sourceIPAddress: 'events.amazonaws.com',
          userAgent: 'events.amazonaws.com',
          requestParameters: {
            input: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nightly-report',
          },
        }),
      },
      {
        title: 'The deployment role runs a migration workflow',
        config: { organisation: { automationArns: ['arn:aws:iam::123456789012:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'states.amazonaws.com',
          eventName: 'StartExecution',
          identity: 'ci',
          requestParameters: {
            input: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:db-migrate',
            name: 'release-1-42-0',
          },
        }),
      },
    ],
  },
});
