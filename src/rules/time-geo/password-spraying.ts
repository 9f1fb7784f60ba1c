/**
 * `aws.time-geo.password-spraying`: failed console sign-ins for many different users from one
 * address. Spraying tries a few common passwords against many accounts, staying under any
 * per-user lockout; what gives it away is one source failing as many users.
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import { signinOutcome } from '../lib/iam-signin.js';
import {
  asApi,
  describePlace,
  groupSpan,
  MINUTE,
  serviceCall,
  someValues,
  sourceFacts,
  timeline,
} from '../lib/principal-behaviour.js';
import { consoleLogin, signinTarget } from '../lib/session-place.js';

const knobs = {
  windowMinutes: knob(
    z.number().int().min(1).max(1440),
    30,
    'Length of the sliding window, in minutes.',
  ),
  users: knob(
    z.number().int().min(2),
    5,
    'Distinct users with a failed console sign-in from one address within the window that fire the rule.',
  ),
};

const USERS = ['jane', 'omar', 'li.wei', 'priya', 'tomasz', 'grace', 'mateo'];

function user(name: string, i: number): JsonObject {
  return {
    type: 'IAMUser',
    principalId: `AIDA4XJ7LBQ5EXAMPLE${String(40 + i)}`,
    arn: `arn:aws:iam::123456789012:user/${name}`,
    accountId: '123456789012',
    userName: name,
  };
}

/** One failed sign-in per time, cycling through the users and the addresses. */
function spray(times: readonly string[], users: readonly string[], ips: readonly string[]) {
  return times.map((eventTime, i) =>
    consoleLogin({
      eventTime,
      outcome: 'Failure',
      identity: user(users[i % users.length] as string, i % users.length),
      sourceIPAddress: ips[i % ips.length] as string,
    }),
  );
}

export default defineThresholdRule({
  id: 'aws.time-geo.password-spraying',
  title: 'Password spraying: failed sign-ins for many users from one address',
  category: 'time-geo',
  row: 'GEO-1',
  priority: 'medium',
  mitre: ['T1110.003'],
  description:
    'Counts, per source address, the distinct users with a failed console sign-in (ConsoleLogin ' +
    'with outcome `Failure`) in a sliding window of `windowMinutes`, and fires at `users`. Users ' +
    'are told apart by ARN, or by user name and account when the record has no ARN. Sign-ins to ' +
    'user names that do not exist all carry the same hidden name ' +
    '(HIDDEN_DUE_TO_SECURITY_REASONS), so a spray of made-up names counts as one user per ' +
    'account and is caught only through the real users it hits, or by ' +
    'aws.time-geo.console-brute-force. A spray spread over many addresses (a botnet, rotating ' +
    'proxies) stays under this rule by design; the brute-force rule counts per user instead. ' +
    'Addresses that are AWS service names are left out. State per address is its failures ' +
    'within the window; with `--state` it carries across runs. Triage: check whether any of ' +
    'the users signed in successfully from the same address afterwards.',
  falsePositives: [
    'A shared office or VPN exit where several people mistype their passwords within the window.',
    'A training session or workshop signing many new users in at once.',
  ],
  response: [
    'Look for a successful sign-in from the same address, for any of the users; treat such an account as taken over.',
    'Block the address where possible and make sure every listed user has MFA.',
    'Check the password policy (length, reuse) and whether the users’ passwords appear in known breaches.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
    'https://attack.mitre.org/techniques/T1110/003/',
  ],
  knobs,
  kind: 'threshold',
  on: { eventSource: ['signin.amazonaws.com'], eventNames: ['ConsoleLogin'] },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && signinOutcome(e) === 'Failure' && !serviceCall(e);
  },
  key: (ev) => asApi(ev)?.sourceIp,
  value: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : signinTarget(e);
  },
  facts: (ev) => {
    const e = asApi(ev);
    return e === undefined ? {} : sourceFacts(e);
  },
  windowMs: (ctx) => ctx.knobs.windowMinutes * MINUTE,
  threshold: (ctx) => ctx.knobs.users,
  summary: (group) =>
    `${describePlace(group.last)} failed console sign-ins as ${group.figures.observed} distinct ` +
    `users (${someValues(group, 3)}) ${groupSpan(group)}, ${group.count} attempts in all; ` +
    `threshold ${group.figures.threshold} users in ${group.figures.windowMinutes} min`,
  examples: {
    fire: [
      {
        title: 'Seven users tried from one address in eight minutes',
        records: spray(timeline('2026-02-26T01:05:00Z', 7, 80_000), USERS, ['41.203.64.1']),
      },
      {
        title: 'Two passwords each against five users in twenty minutes',
        records: spray(timeline('2026-02-26T01:05:00Z', 10, 2 * MINUTE), USERS.slice(0, 5), [
          '85.214.132.117',
        ]),
      },
    ],
    miss: [
      {
        title: 'Four users: one short of the threshold',
        records: spray(timeline('2026-02-26T01:05:00Z', 8, 80_000), USERS.slice(0, 4), [
          '41.203.64.1',
        ]),
      },
      {
        title: 'Seven users tried from seven different addresses',
        records: spray(timeline('2026-02-26T01:05:00Z', 7, 80_000), USERS, [
          '41.203.64.1',
          '5.45.207.1',
          '85.214.132.117',
          '81.2.69.142',
          '24.48.0.1',
          '80.67.169.12',
          '212.58.244.1',
        ]),
      },
      {
        title: 'Seven users tried from one address over three and a half hours',
        records: spray(timeline('2026-02-26T01:05:00Z', 7, 35 * MINUTE), USERS, ['41.203.64.1']),
      },
    ],
  },
});
