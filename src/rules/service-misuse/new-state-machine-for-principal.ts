/**
 * `aws.service-misuse.new-state-machine-for-principal`: a principal starting a Step Functions
 * state machine it has never started before. Workflows run with their own role; an intruder who
 * may call states:StartExecution borrows that role by starting machines its victim never used.
 */
import { z } from 'zod';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import { byAwsService, IDENTITIES, isAutomation, reqString } from '../lib.js';
import {
  actorOf,
  asApi,
  callerFacts,
  DAY,
  fact,
  figure,
  placeOf,
  stablePrincipal,
  isoAfter,
} from '../lib/behaviour.js';
import { automationAssumption } from '../lib/iam-principals.js';
import { startExecutionRecord, type Call } from '../lib/ssm-fixtures.js';

const knobs = {
  learningDays: knob(
    z.number().positive(),
    7,
    'Days, from the first execution the rule sees, during which principal → state machine pairs are learned without being reported.',
  ),
};

/** `user-offboarding` from `arn:aws:states:…:stateMachine:user-offboarding`. */
function machineName(arn: string): string {
  const m = /:stateMachine:([^:]+)/.exec(arn);
  return m?.[1] ?? arn;
}

const START = '2026-01-02T03:04:05Z';
const REPORTS = 'arn:aws:states:us-east-1:123456789012:stateMachine:nightly-report';
const IAM_ADMIN = 'arn:aws:states:us-east-1:123456789012:stateMachine:iam-grant-admin';

function bob(days: number, ip = '81.2.69.160'): Call {
  return {
    identity: IDENTITIES.role,
    eventTime: isoAfter(START, days * DAY),
    sourceIPAddress: ip,
  };
}

export default defineFirstSeenRule({
  id: 'aws.service-misuse.new-state-machine-for-principal',
  title: 'Principal started a state machine it never started before',
  category: 'service-misuse',
  row: 'SVC-1',
  priority: 'medium',
  mitre: ['T1648', 'T1059.009'],
  description:
    'A successful StartExecution or StartSyncExecution whose principal → state machine pair is ' +
    'new. The principal is its stable identity (the role for role sessions, the person’s session ' +
    'for a shared IAM Identity Center role, the user ARN for ' +
    'users); the value is the state machine ARN. State: per principal, the state machines it has ' +
    'started (at most 1,000), plus the time learning began. For `learningDays` (7) from the ' +
    'first execution the rule ever saw, pairs are recorded silently; after that each new pair is ' +
    'reported once. With `--state FILE` the pairs carry across runs. Failed calls are neither ' +
    'learned nor reported (aws.service-misuse.step-functions-started-by-unexpected-principal ' +
    'reports attempts by unexpected principals); executions started by AWS services ' +
    '(EventBridge, API Gateway, other state machines) and by the configured automation are not ' +
    'tracked. Triage: the machine’s definition and execution role, the execution’s input and ' +
    'history, and whether the principal had a reason to run it.',
  falsePositives: [
    'A new workflow deployed after the learning period and run by its owner for the first time.',
    'Operators re-running a rarely used workflow (a yearly clean-up).',
  ],
  response: [
    'Read the execution’s history (GetExecutionHistory) for what its role did.',
    'Ask the principal’s owner whether they started it; revoke the credentials if not.',
    'Limit states:StartExecution on each machine to the callers that need it.',
  ],
  references: [
    'https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html',
    'https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html',
    'https://docs.aws.amazon.com/step-functions/latest/dg/logging-using-cloudtrail.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'firstSeen',
  on: {
    eventSource: ['states.amazonaws.com'],
    eventNames: ['StartExecution', 'StartSyncExecution'],
  },
  filter: (ev, ctx) => {
    const e = asApi(ev);
    return (
      e !== undefined && e.errorCode === undefined && !byAwsService(e) && !isAutomation(e, ctx.org)
    );
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : stablePrincipal(e);
  },
  value: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : reqString(e, 'stateMachineArn');
  },
  facts: (ev) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    const execution = reqString(e, 'name');
    return { ...callerFacts(e), ...(execution === undefined ? {} : { execution }) };
  },
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  summary: (g) => {
    const s = g.last;
    const machine = g.values[0] === undefined ? '(unknown)' : machineName(g.values[0]);
    const known = figure(g, 'knownValues') ?? 0;
    const execution = fact(s, 'execution');
    return (
      `${actorOf(s)} started state machine ${machine}` +
      `${execution === undefined ? '' : ` (execution ${execution})`} for the first time ` +
      `(${known === 0 ? 'no execution by it seen before' : `${known} other ${known === 1 ? 'machine' : 'machines'} started by it before`}` +
      `, watched since ${String(g.figures.learnedSince ?? '').slice(0, 10)}), from ${placeOf(s)} ` +
      `in ${s.region ?? 'an unknown region'}`
    );
  },
  examples: {
    fire: [
      {
        title: 'An operator who only ran the nightly report starts iam-grant-admin',
        records: [
          startExecutionRecord(bob(0), REPORTS, 'rerun-0102'),
          startExecutionRecord(bob(5), REPORTS, 'rerun-0107'),
          startExecutionRecord(bob(9, '45.133.1.20'), IAM_ADMIN, 'x1'),
        ],
      },
      {
        title: 'A synchronous execution of a machine new to the caller',
        records: [
          startExecutionRecord(bob(0), REPORTS, 'rerun-0102'),
          startExecutionRecord(bob(8), IAM_ADMIN, 'sync-1', 'StartSyncExecution'),
        ],
      },
    ],
    miss: [
      {
        title: 'The same machine again after learning',
        records: [
          startExecutionRecord(bob(0), REPORTS, 'rerun-0102'),
          startExecutionRecord(bob(10), REPORTS, 'rerun-0112'),
        ],
      },
      {
        title: 'A new machine during the learning period',
        records: [
          startExecutionRecord(bob(0), REPORTS, 'rerun-0102'),
          startExecutionRecord(bob(2), IAM_ADMIN, 'x1'),
        ],
      },
      {
        title: 'A denied start of a new machine after learning',
        records: [
          startExecutionRecord(bob(0), REPORTS, 'rerun-0102'),
          startExecutionRecord(
            {
              ...bob(9),
              errorCode: 'AccessDeniedException',
              errorMessage: `User: arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40/bob@example.com is not authorized to perform: states:StartExecution on resource: ${IAM_ADMIN}`,
            },
            IAM_ADMIN,
            'x1',
          ),
        ],
      },
    ],
  },
});
