/**
 * `aws.service-misuse.command-fan-out`: one principal reaching many instances through Systems
 * Manager (Session Manager sessions, Run Command) within minutes. Operators work on a host or two
 * at a time; an intruder with `ssm:*` walks the fleet: harvesting instance credentials, planting
 * tooling, looking for the host that reaches the database.
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  basePriority,
  byAwsService,
  IDENTITIES,
  isAutomation,
  list,
  names,
  reqString,
  shift,
  str,
  strings,
} from '../lib.js';
import {
  actorOf,
  asApi,
  callerFacts,
  fact,
  figure,
  MINUTE,
  placeOf,
  stablePrincipal,
  isoAfter,
} from '../lib/behaviour.js';
import { isJumpUser } from '../lib/caller.js';
import { automationAssumption } from '../lib/iam-principals.js';
import {
  instanceId,
  sendCommandRecord,
  startSessionRecord,
  type Call,
} from '../lib/ssm-fixtures.js';

const knobs = {
  windowMinutes: knob(z.number().positive(), 15, 'Sliding window, in minutes of event time.'),
  threshold: knob(
    z.number().int().min(2),
    10,
    'Distinct targets (instances, or the instance set or tag target of one multi-instance command) one principal must reach within the window.',
  ),
};

/**
 * What one call reaches, as one counted value: the instance of a session or of a single-instance
 * command; for a command naming several instances, that set (sorted, so the same set counts once);
 * for a command aimed by tag or resource group, its target expression.
 */
export function commandTarget(e: ApiEvent): string | undefined {
  if (e.eventName === 'StartSession') return reqString(e, 'target');
  const ids = [...new Set(strings(e.request, 'instanceIds'))].sort();
  if (ids.length > 0) return ids.join(',');
  const exprs: string[] = [];
  for (const t of list(e.request, 'targets')) {
    const key = str(t, 'key');
    const values = strings(t, 'values');
    if (key !== undefined) exprs.push(`${key}=${values.join(',')}`);
  }
  return exprs.length > 0 ? exprs.sort().join(';') : undefined;
}

const START = '2026-01-02T03:04:05Z';

function alice(minutes: number, identity: JsonObject = IDENTITIES.user): Call {
  return {
    identity,
    eventTime: isoAfter(START, minutes * MINUTE),
    sourceIPAddress: '185.220.101.47',
  };
}

/** Sessions to `count` distinct instances (or all to one), one every `everyMinutes`. */
function sessions(
  count: number,
  everyMinutes: number,
  opts: { same?: boolean; identity?: JsonObject } = {},
) {
  return Array.from({ length: count }, (_, i) =>
    startSessionRecord(
      alice(i * everyMinutes, opts.identity),
      instanceId(opts.same === true ? 0 : i),
    ),
  );
}

export default defineThresholdRule({
  id: 'aws.service-misuse.command-fan-out',
  title: 'Sessions or commands fanning out to many instances',
  category: 'service-misuse',
  row: 'SVC-1',
  priority: 'medium',
  mitre: ['T1651', 'T1021.007'],
  description:
    'One principal (its stable identity: the role for role sessions, the person’s session for a ' +
    'shared IAM Identity Center role) reaching at least ' +
    '`threshold` (10) distinct targets through StartSession (Session Manager) and SendCommand ' +
    '(Run Command) within `windowMinutes` (15). Each call is one signal with one counted value: ' +
    'the instance of a session or of a single-instance command; a command that names several ' +
    'instances counts once, as its set of instances, and a command aimed by tag or resource ' +
    'group once, as its target expression. A single command to many instances is therefore ' +
    'judged by aws.service-misuse.command-to-many-instances, not here; this rule catches the ' +
    'walk from host to host. Failed calls count too (TargetNotConnected, InvalidInstanceId, ' +
    'AccessDenied): probing for reachable hosts is part of the pattern. State: per principal, ' +
    'the calls that can still fall in a window (a few more than the threshold); one burst fires ' +
    'once, and with `--state FILE` a burst spanning two runs is seen whole. The configured ' +
    'automation and AWS services (State Manager, Maintenance Windows) are not counted; approved ' +
    'jump users are reported one level lower. Triage: which instances, which documents, and ' +
    'what the sessions ran (Session Manager logs, command output).',
  falsePositives: [
    'Operators or on-call engineers running an ad-hoc fix across a fleet by hand.',
    'Inventory or patching scripts run from a workstation instead of the configured automation.',
  ],
  response: [
    'List the sessions and commands (ssm:DescribeSessions, ListCommands) and read their logs or output.',
    'If unexpected: terminate the sessions, revoke the principal’s credentials, and check the reached instances for new users, keys and processes, and their instance-role credentials for use elsewhere.',
    'Restrict ssm:StartSession and ssm:SendCommand to jump-user roles and to tagged instances.',
  ],
  references: [
    'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartSession.html',
    'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'threshold',
  on: { eventSource: ['ssm.amazonaws.com'], eventNames: ['StartSession', 'SendCommand'] },
  filter: (ev, ctx) => {
    const e = asApi(ev);
    return e !== undefined && !byAwsService(e) && !isAutomation(e, ctx.org);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : stablePrincipal(e);
  },
  value: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : commandTarget(e);
  },
  facts: (ev, ctx) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    return { ...callerFacts(e), jump: isJumpUser(e, ctx.org) ? 1 : 0 };
  },
  windowMs: (ctx) => ctx.knobs.windowMinutes * MINUTE,
  threshold: (ctx) => ctx.knobs.threshold,
  priorityOf: (g, ctx) => shift(basePriority(ctx, 'medium'), fact(g.last, 'jump') === '1' ? -1 : 0),
  summary: (g, ctx) => {
    const observed = figure(g, 'observed') ?? g.values.length;
    return (
      `${actorOf(g.last)} reached ${observed} distinct targets through Session Manager and Run ` +
      `Command within ${figure(g, 'windowMinutes') ?? ctx.knobs.windowMinutes} minutes ` +
      `(${names(g.values, 4)}; threshold ${figure(g, 'threshold') ?? ctx.knobs.threshold}) in ` +
      `${g.count} calls, from ${placeOf(g.last)} in ${g.last.region ?? 'an unknown region'}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Shell sessions on ten instances in twelve minutes',
        records: sessions(10, 1.3),
      },
      {
        title: 'Sessions and single-instance commands together reach ten instances',
        records: [
          ...Array.from({ length: 6 }, (_, i) =>
            sendCommandRecord(alice(i), [instanceId(100 + i)]),
          ),
          ...Array.from({ length: 4 }, (_, i) =>
            startSessionRecord(alice(6 + i), instanceId(200 + i)),
          ),
        ],
      },
    ],
    miss: [
      {
        title: 'Nine instances (one short of the threshold)',
        records: sessions(9, 1),
      },
      {
        title: 'Ten instances over forty minutes (never ten within fifteen)',
        records: sessions(10, 4.5),
      },
      {
        title: 'Twelve sessions to the same instance',
        records: sessions(12, 1, { same: true }),
      },
      {
        title: 'The configured deployment role opens sessions on ten instances',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        records: sessions(10, 1, { identity: IDENTITIES.ci }),
      },
    ],
  },
});
