/**
 * `aws.time-geo.console-brute-force`: many failed console sign-ins for one user within minutes.
 * One failure is a typo; ten in a quarter of an hour is someone guessing the password, from one
 * address or from many.
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import { basePriority, shift } from '../lib.js';
import { signinOutcome } from '../lib/iam-signin.js';
import {
  asApi,
  describePlace,
  fact,
  groupSpan,
  MINUTE,
  sourceFacts,
  timeline,
} from '../lib/principal-behaviour.js';
import { consoleLogin, signinTarget } from '../lib/session-place.js';

const knobs = {
  windowMinutes: knob(
    z.number().int().min(1).max(1440),
    15,
    'Length of the sliding window, in minutes.',
  ),
  failures: knob(
    z.number().int().min(2),
    10,
    'Failed console sign-ins for one user within the window that fire the rule.',
  ),
};

const JANE: JsonObject = {
  type: 'IAMUser',
  principalId: 'AIDA4XJ7LBQ5EXAMPLE18',
  arn: 'arn:aws:iam::123456789012:user/jane',
  accountId: '123456789012',
  userName: 'jane',
};

const ROOT: JsonObject = {
  type: 'Root',
  principalId: '123456789012',
  arn: 'arn:aws:iam::123456789012:root',
  accountId: '123456789012',
};

function attempts(
  times: readonly string[],
  identity: JsonObject,
  ips: readonly string[],
  outcome: 'Success' | 'Failure' = 'Failure',
): JsonObject[] {
  return times.map((eventTime, i) =>
    consoleLogin({ eventTime, identity, outcome, sourceIPAddress: ips[i % ips.length] as string }),
  );
}

export default defineThresholdRule({
  id: 'aws.time-geo.console-brute-force',
  title: 'Console brute force: many failed sign-ins for one user',
  category: 'time-geo',
  row: 'GEO-1',
  priority: 'medium',
  mitre: ['T1110.001'],
  description:
    'Counts, per target user, the failed console sign-ins (ConsoleLogin whose ' +
    '`responseElements.ConsoleLogin` is `Failure`; CloudTrail gives these no errorCode, only an ' +
    'errorMessage such as `Failed authentication`) in a sliding window of `windowMinutes`, and ' +
    'fires at `failures`. The user is the one the sign-in was for, whatever address the ' +
    'attempts came from, so guessing spread over several addresses still adds up (password ' +
    'spraying across users from one address is aws.time-geo.password-spraying). Attempts on user ' +
    'names that do not exist carry no name (AWS writes HIDDEN_DUE_TO_SECURITY_REASONS), so they ' +
    'are counted together per account. Root is one level higher. The single-event rule ' +
    'aws.credential.console-login-failed reports each failure at low priority; this one says ' +
    'they were a burst. State per user is the failures within the window; with `--state` it ' +
    'carries across runs. Triage: look for a successful ConsoleLogin for the same user after ' +
    'the burst, and at the addresses the attempts came from.',
  falsePositives: [
    'A person who forgot a changed password, or a password manager filling an old one repeatedly.',
    'A misconfigured tool or browser extension retrying a sign-in.',
  ],
  response: [
    'Look for a successful sign-in of the same user after the failures; if there is one from the same addresses, treat the account as taken over.',
    'Make sure the user has MFA; rotate the password if it may be known.',
    'Block the source addresses at the edge where possible, and check other users for failures from them.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
    'https://attack.mitre.org/techniques/T1110/001/',
  ],
  knobs,
  kind: 'threshold',
  on: { eventSource: ['signin.amazonaws.com'], eventNames: ['ConsoleLogin'] },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && signinOutcome(e) === 'Failure';
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : signinTarget(e);
  },
  facts: (ev) => {
    const e = asApi(ev);
    return e === undefined
      ? {}
      : {
          ...sourceFacts(e),
          reason: e.errorMessage ?? 'no reason given',
          actorType: e.actor.type ?? 'unknown',
        };
  },
  windowMs: (ctx) => ctx.knobs.windowMinutes * MINUTE,
  threshold: (ctx) => ctx.knobs.failures,
  priorityOf: (group, ctx) =>
    shift(basePriority(ctx, 'medium'), fact(group.last, 'actorType') === 'Root' ? 1 : 0),
  summary: (group) => {
    const first = describePlace(group.first);
    const last = describePlace(group.last);
    const from = first === last ? `from ${first}` : `first from ${first}, last from ${last}`;
    return (
      `${group.count} failed console sign-ins for ${group.key} ${groupSpan(group)} ${from} ` +
      `(${fact(group.last, 'reason') ?? 'no reason given'}); threshold ` +
      `${group.figures.threshold} in ${group.figures.windowMinutes} min`
    );
  },
  examples: {
    fire: [
      {
        title: 'Twelve wrong passwords for one user in six minutes from one address',
        records: attempts(timeline('2026-02-25T03:10:00Z', 12, 30_000), JANE, ['41.203.64.1']),
      },
      {
        title: 'Ten wrong root passwords from three addresses in fifteen minutes',
        records: attempts(timeline('2026-02-25T03:10:00Z', 10, 95_000), ROOT, [
          '5.45.207.1',
          '85.214.132.117',
          '41.203.64.1',
        ]),
      },
    ],
    miss: [
      {
        title: 'Nine failures: one short of the threshold',
        records: attempts(timeline('2026-02-25T03:10:00Z', 9, 30_000), JANE, ['41.203.64.1']),
      },
      {
        title: 'Twelve failures spread over two hours (at most two in any window)',
        records: attempts(timeline('2026-02-25T03:10:00Z', 12, 11 * MINUTE), JANE, ['41.203.64.1']),
      },
      {
        title: 'Twelve successful sign-ins (a shared account, not guessing)',
        records: attempts(
          timeline('2026-02-25T03:10:00Z', 12, 30_000),
          JANE,
          ['73.162.10.20'],
          'Success',
        ),
      },
    ],
  },
});
