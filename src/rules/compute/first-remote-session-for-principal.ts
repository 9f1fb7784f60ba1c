/**
 * `aws.compute.first-remote-session-for-principal`: a principal opening a remote session on an
 * instance (Session Manager, EC2 Instance Connect, the serial console) in a way it never did
 * before. Who gets onto hosts is a short, steady list; the jump-user rules judge that list when it
 * is configured, this rule learns it when it is not.
 */
import { z } from 'zod';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import { basePriority, byAwsService, IDENTITIES, isAutomation, reqString, shift } from '../lib.js';
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
import { isJumpUser } from '../lib/caller.js';
import { IAM_IDENTITIES } from '../lib/iam-principals.js';
import {
  instanceId,
  sendSshKeyRecord,
  startSessionRecord,
  type Call,
} from '../lib/ssm-fixtures.js';

const knobs = {
  learningDays: knob(
    z.number().positive(),
    7,
    'Days, from the first remote session the rule sees, during which principal → action pairs are learned without being reported.',
  ),
};

const ACTIONS: Record<string, string> = {
  StartSession: 'Session Manager session',
  SendSSHPublicKey: 'EC2 Instance Connect SSH login',
  SendSerialConsoleSSHPublicKey: 'serial console login',
};

const START = '2026-01-02T03:04:05Z';

function by(identity: Call['identity'], days: number, ip = '81.2.69.160'): Call {
  return { identity, eventTime: isoAfter(START, days * DAY), sourceIPAddress: ip };
}

export default defineFirstSeenRule({
  id: 'aws.compute.first-remote-session-for-principal',
  title: 'Principal opened a remote session on an instance for the first time',
  category: 'compute',
  row: 'COMP-2',
  priority: 'medium',
  mitre: ['T1021.007', 'T1021.004'],
  description:
    'A successful StartSession (Session Manager), SendSSHPublicKey (EC2 Instance Connect) or ' +
    'SendSerialConsoleSSHPublicKey (serial console) by a principal that never made that call ' +
    'before. The principal is its stable identity (the role for role sessions, the person’s ' +
    'session for a shared IAM Identity Center role, the user ARN for ' +
    'users); the value is the action, so a principal known for Session Manager is still news ' +
    'the first time it pushes a key to a serial console. State: per principal, the actions it ' +
    'has used, plus the time learning began. For `learningDays` (7) from the first such call ' +
    'the rule ever saw, pairs are recorded silently; with `--state FILE` they carry across ' +
    'runs, so the list of people who reach hosts is learned once and kept. Serial console logins ' +
    'are one level higher (they bypass network controls); approved jump users ' +
    '(`organisation.jumpUsers`) and the configured automation are one level lower. Failed ' +
    'calls are not learned here (the jump-user rules report attempts); AWS services are ignored. ' +
    'Triage: the instance, the person, and what the session did (Session Manager logs, the ' +
    'instance’s auth log).',
  falsePositives: [
    'A new engineer or on-call rotation member after the learning period.',
    'Engineers trying EC2 Instance Connect or the serial console for the first time while debugging.',
  ],
  response: [
    'Confirm with the person that the session was theirs and needed.',
    'If not: end the session (TerminateSession), isolate the instance, and revoke the credentials used.',
    'Keep ssm:StartSession and ec2-instance-connect:* to the jump-user roles.',
  ],
  references: [
    'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartSession.html',
    'https://docs.aws.amazon.com/ec2-instance-connect/latest/APIReference/API_SendSSHPublicKey.html',
    'https://docs.aws.amazon.com/ec2-instance-connect/latest/APIReference/API_SendSerialConsoleSSHPublicKey.html',
  ],
  knobs,
  kind: 'firstSeen',
  on: {
    eventSource: ['ssm.amazonaws.com', 'ec2-instance-connect.amazonaws.com'],
    eventNames: ['StartSession', 'SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey'],
  },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && e.errorCode === undefined && !byAwsService(e);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : stablePrincipal(e);
  },
  value: (ev) => asApi(ev)?.eventName,
  facts: (ev, ctx) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    const target = reqString(e, 'target', 'instanceId');
    return {
      ...callerFacts(e),
      ...(target === undefined ? {} : { target }),
      routine: isJumpUser(e, ctx.org) || isAutomation(e, ctx.org) ? 1 : 0,
    };
  },
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  priorityOf: (g, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (g.values[0] === 'SendSerialConsoleSSHPublicKey' ? 1 : 0) +
        (fact(g.last, 'routine') === '1' ? -1 : 0),
    ),
  summary: (g) => {
    const s = g.last;
    const action = g.values[0] ?? 'StartSession';
    const known = figure(g, 'knownValues') ?? 0;
    return (
      `${actorOf(s)} opened its first ${ACTIONS[action] ?? action} (${action}) on ` +
      `${fact(s, 'target') ?? 'an unnamed instance'}` +
      `${known === 0 ? '' : ', having used other ways onto instances before'}, from ` +
      `${placeOf(s)} in ${s.region ?? 'an unknown region'}, after watching since ` +
      `${String(g.figures.learnedSince ?? '').slice(0, 10)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'After a week of only the operators’ sessions, alice pushes an SSH key',
        records: [
          startSessionRecord(by(IDENTITIES.role, 0), instanceId(1)),
          startSessionRecord(by(IDENTITIES.role, 4), instanceId(2)),
          sendSshKeyRecord(by(IDENTITIES.user, 8, '185.220.101.47'), instanceId(3)),
        ],
      },
      {
        title: 'A principal known for Session Manager reaches a serial console',
        records: [
          startSessionRecord(by(IAM_IDENTITIES.admin, 0), instanceId(4)),
          sendSshKeyRecord(
            by(IAM_IDENTITIES.admin, 9),
            instanceId(4),
            'SendSerialConsoleSSHPublicKey',
          ),
        ],
      },
    ],
    miss: [
      {
        title: 'The same principal opens sessions again after learning',
        records: [
          startSessionRecord(by(IDENTITIES.user, 0), instanceId(1)),
          startSessionRecord(by(IDENTITIES.user, 9), instanceId(5)),
        ],
      },
      {
        title: 'A new principal during the learning period',
        records: [
          startSessionRecord(by(IDENTITIES.role, 0), instanceId(1)),
          sendSshKeyRecord(by(IDENTITIES.user, 3), instanceId(3)),
        ],
      },
      {
        title: 'A failed session after learning (target not connected)',
        records: [
          startSessionRecord(by(IDENTITIES.role, 0), instanceId(1)),
          startSessionRecord(
            {
              ...by(IDENTITIES.user, 9),
              errorCode: 'TargetNotConnected',
              errorMessage: `${instanceId(6)} is not connected.`,
            },
            instanceId(6),
          ),
        ],
      },
    ],
  },
});
