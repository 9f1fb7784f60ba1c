/**
 * `aws.service-misuse.command-to-many-instances`: one Run Command call aimed at many instances at
 * once (a long list of instance ids, or every instance). The single-call half of SVC-1's fan-out:
 * aws.service-misuse.command-fan-out counts the targets of many calls, and a call naming fifty
 * instances is one of its targets, so the breadth of one call is judged here.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  IDENTITIES,
  isAutomation,
  num,
  shift,
  strings,
  where,
} from '../lib.js';
import { isJumpUser } from '../lib/caller.js';
import { automationAssumption } from '../lib/iam-principals.js';
import { commandTargets, documentName } from '../lib/run-command.js';
import { sendCommandResponse } from '../lib/compute-fixtures.js';
import { instanceId, sendCommandRecord } from '../lib/ssm-fixtures.js';

const knobs = {
  minInstances: knob(
    z.number().int().min(2),
    10,
    'Instances one SendCommand must reach to be reported: the instance ids it names, or the target count SSM returns for a tag or resource-group target.',
  ),
};

/**
 * How many instances the call reaches, as far as the record says: the ids it names, or the
 * `targetCount` SSM returned in the response; `Infinity` for an explicit every-instance target
 * (`InstanceIds=*`, a tag value `*`).
 */
function reach(e: ApiEvent): number {
  const t = commandTargets(e);
  if (t.all) return Infinity;
  const named = new Set(strings(e.request, 'instanceIds')).size;
  const counted = num(e.response, 'command', 'targetCount') ?? 0;
  return Math.max(named, counted);
}

const TWELVE = Array.from({ length: 12 }, (_, i) => instanceId(300 + i));
const PATCH_COMMAND = sendCommandResponse('AWS-RunPatchBaseline', []).command as JsonObject;

export default defineApiRule({
  id: 'aws.service-misuse.command-to-many-instances',
  title: 'One Run Command call sent to many instances',
  category: 'service-misuse',
  row: 'SVC-1',
  priority: 'medium',
  mitre: ['T1651', 'T1072'],
  description:
    'A SendCommand that reaches at least `minInstances` (10) instances in one call: the instance ' +
    'ids in `requestParameters.instanceIds`, or for a tag or resource-group target the ' +
    '`targetCount` SSM returned, or every instance (a target value `*`). Any document counts, ' +
    'since the breadth is the point: running even an inventory document everywhere shows what ' +
    'an intruder can reach, and a shell document everywhere is a fleet compromise ' +
    '(aws.service-misuse.shell-command-by-unexpected-principal judges the document). The ' +
    'configured automation and AWS services are not reported; approved jump users are one level ' +
    'lower, failed calls one level lower as attempts. Many calls to a few instances each are ' +
    'counted by aws.service-misuse.command-fan-out. Triage: the document, the instances, and ' +
    'the command output.',
  falsePositives: [
    'Operators running patching or inventory documents across a fleet by hand.',
    'Fleet tooling not configured as automation.',
  ],
  response: [
    'Fetch the command’s output for every instance (ListCommandInvocations) and the script it ran.',
    'If unexpected: cancel the command (CancelCommand), revoke the caller’s credentials, and check the instances for what it left.',
    'Restrict ssm:SendCommand by document and by instance tags.',
  ],
  references: [
    'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/send-commands-multiple.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['ssm.amazonaws.com'], eventNames: ['SendCommand'] },
  match: (e, ctx) =>
    !byAwsService(e) && !isAutomation(e, ctx.org) && reach(e) >= ctx.knobs.minInstances,
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'medium'), (isJumpUser(e, ctx.org) ? -1 : 0) + (failed(e) ? -1 : 0)),
  summary: (e) => {
    const n = reach(e);
    const count = n === Infinity ? 'every managed instance' : `${n} instances`;
    return (
      `${actorName(e)} ${failed(e) ? 'tried to send' : 'sent'} ${documentName(e) ?? 'a command'} ` +
      `to ${count} in one call (${commandTargets(e).text}) ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A shell script sent to twelve instances by id',
        record: sendCommandRecord(
          {
            identity: IDENTITIES.user,
            eventTime: '2026-01-02T03:04:05Z',
            sourceIPAddress: '185.220.101.47',
          },
          TWELVE,
        ),
      },
      {
        title: 'Every instance tagged Env, by an SSO session (the response counts 40 targets)',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'SendCommand',
          identity: IDENTITIES.role,
          requestParameters: {
            targets: [{ key: 'tag:Env', values: ['prod'] }],
            documentName: 'AWS-RunPatchBaseline',
            parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            interactive: false,
          },
          responseElements: {
            command: {
              ...PATCH_COMMAND,
              targets: [{ key: 'tag:Env', values: ['prod'] }],
              targetCount: 40,
            },
          },
        }),
      },
    ],
    miss: [
      {
        title: 'A command to three instances',
        record: sendCommandRecord(
          { identity: IDENTITIES.user, eventTime: '2026-01-02T03:04:05Z' },
          TWELVE.slice(0, 3),
        ),
      },
      {
        title: 'The configured deployment role patches twelve instances',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: sendCommandRecord(
          { identity: IDENTITIES.ci, eventTime: '2026-01-02T03:04:05Z' },
          TWELVE,
          'AWS-RunPatchBaseline',
        ),
      },
    ],
  },
});
