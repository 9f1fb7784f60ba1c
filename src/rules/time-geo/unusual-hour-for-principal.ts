/**
 * `aws.time-geo.unusual-hour-for-principal`: a console sign-in or role assumption at a time of day
 * this principal has never started a session at, after learning each principal's hours. Stolen
 * credentials are used when the attacker is awake, which is often when the owner is not.
 */
import { z } from 'zod';
import type { Organisation } from '../../config/schema.js';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import { basePriority, shift } from '../lib.js';
import {
  asApi,
  DAY,
  describePlace,
  fact,
  groupActor,
  HOUR,
  isoAfter,
  MINUTE,
  principalKey,
  utcText,
} from '../lib/principal-behaviour.js';
import {
  assumeRole,
  consoleLogin,
  learnableSessionStart,
  sessionFacts,
} from '../lib/session-place.js';
import { SESSION_START_EVENTS } from '../lib/session-start.js';
import { isKnownTimeZone, localTime } from '../lib/working-hours.js';

const knobs = {
  learningDays: knob(
    z.number().min(0).max(365),
    14,
    'Days, from the first session start the rule sees, during which hours are learned without reporting.',
  ),
  bucketHours: knob(
    z
      .number()
      .int()
      .min(1)
      .max(12)
      .refine((h) => 24 % h === 0, 'a number of hours that divides the day (1, 2, 3, 4, 6, 8, 12)'),
    3,
    'Width of the time-of-day blocks that are learned, in hours: 3 learns 00–02, 03–05, … UTC, or, with organisation.workingHours, blocks in its time zone laid out from its start (07:00 → 07–09, 10–12, …); 1 is stricter and noisier.',
  ),
};

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * How hours are bucketed: on the clock of the organisation's working-hours zone when configured and
 * known to the runtime, else UTC; and the hour the blocks are laid out from: the start of the
 * configured working day, else midnight.
 */
interface Clock {
  zone: string;
  /** Hour of the day one block starts at. */
  phase: number;
}

function clockOf(org: Organisation): Clock {
  const hours = org.workingHours;
  if (hours === undefined) return { zone: 'UTC', phase: 0 };
  const zone = isKnownTimeZone(hours.timeZone) ? hours.timeZone : 'UTC';
  return { zone, phase: Number(hours.start.slice(0, 2)) };
}

/**
 * The time-of-day block of `ms`, `07:00–09:59 Europe/Berlin` for 3-hour blocks laid out from 07:00.
 * Local time follows daylight saving, so a person who starts at 09:00 local all year stays in one
 * block when the UTC offset changes.
 */
function hourBlock(ms: number, hours: number, clock: Clock): string {
  const local = clock.zone === 'UTC' ? undefined : localTime(ms, clock.zone);
  const h = local === undefined ? new Date(ms).getUTCHours() : Math.floor(local.minutes / 60);
  const from = (h - ((((h - clock.phase) % hours) + hours) % hours) + 24) % 24;
  const to = (from + hours - 1) % 24;
  return `${pad(from)}:00–${pad(to)}:59 ${local === undefined ? 'UTC' : clock.zone}`;
}

const START = '2026-02-01T08:41:00Z';

/** Working-day sign-ins between 08:41 and 10:29 UTC for `days` days. */
function officeHours(days: number): ReturnType<typeof consoleLogin>[] {
  return Array.from({ length: days }, (_, d) =>
    consoleLogin({
      eventTime: isoAfter(START, d * DAY + ((d * 37) % 108) * MINUTE),
      sourceIPAddress: '73.162.10.20',
    }),
  );
}

/** The organisation works on Berlin time; European summer time began on 2026-03-29. */
const BERLIN = { organisation: { workingHours: { timeZone: 'Europe/Berlin' } } };

/**
 * Sign-ins between 10:00 and 10:47 Berlin time on the sixteen days before the clocks went forward
 * (09:00–09:47 UTC, in winter time).
 */
const BERLIN_WINTER = Array.from({ length: 16 }, (_, d) =>
  consoleLogin({
    eventTime: isoAfter('2026-03-12T09:00:00Z', d * DAY + ((d * 23) % 48) * MINUTE),
    sourceIPAddress: '84.150.97.13',
  }),
);

export default defineFirstSeenRule({
  id: 'aws.time-geo.unusual-hour-for-principal',
  title: 'Session started at an hour new for the principal',
  category: 'time-geo',
  row: 'GEO-1',
  priority: 'low',
  mitre: ['T1078.004'],
  description:
    'Keeps, per principal, the time-of-day blocks (`bucketHours` wide) in which its ' +
    'successful console sign-ins and credential requests (ConsoleLogin, AssumeRole, ' +
    'AssumeRoleWithSAML, AssumeRoleWithWebIdentity, GetSessionToken) happened, and fires on a ' +
    'block not seen for that principal before, once `learningDays` have passed since the first ' +
    'session start the rule saw. Each principal is compared with its own hours, so no working ' +
    'hours need to be configured (aws.time-geo.outside-working-hours judges against the ' +
    'configured ones). When `organisation.workingHours` is configured, blocks are on the clock ' +
    'of its `timeZone`, following its daylight-saving changes, so people who keep their local ' +
    'hours stay in their blocks when the clocks change, and they are laid out from the hour of ' +
    'its `start` (07:00 and 3-hour blocks: 07:00–09:59, 10:00–12:59, …, 04:00–06:59), so the ' +
    'morning arrivals the working day allows for share a block instead of being split at 09:00. ' +
    'Without it (or with a zone the runtime does not know) blocks are in UTC from midnight, ' +
    'where a daylight-saving change moves a person’s hours by one and can land them in a block ' +
    'never seen. Configure the zone most people work in; a team spread over zones with ' +
    'different daylight-saving dates still sees those shifts. Changing the zone or start ' +
    'changes the blocks, so learning starts again for state kept with `--state`. The rule ' +
    'knows new from known, not near from far: a block next to the usual ones ' +
    'fires like one twelve hours away, so read the hour in the finding. Priority is low (hours ' +
    'alone are weak evidence), root one level higher, a principal first seen after learning one ' +
    'level lower. Failed session starts, AWS services and the configured automation (which runs ' +
    'at any hour) are left out. State: the blocks of each principal with when each was last ' +
    'seen; with `--state` it carries across runs.',
  falsePositives: [
    'On-call work, travel across time zones, a deadline.',
    'Someone whose usual start of day lies near a block boundary starting a little earlier or later than during learning; wider blocks (`bucketHours`) or a `workingHours.start` at the earliest usual start help.',
    'Scheduled jobs running as a person’s credentials (move them to a role and list it as automation).',
  ],
  response: [
    'Check the finding’s source address and country against the principal’s usual ones.',
    'Ask the person whether they were working then; if not, end the sessions and review what they did.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
    'https://attack.mitre.org/techniques/T1078/004/',
  ],
  knobs,
  assumptions: (ctx) => {
    const zone = ctx.org.workingHours?.timeZone;
    if (zone === undefined) {
      return [
        'organisation.workingHours is not configured: hours are learned in UTC, so a ' +
          'daylight-saving change moves people who keep their local hours by one hour.',
      ];
    }
    if (!isKnownTimeZone(zone)) {
      return [
        `organisation.workingHours.timeZone ${JSON.stringify(zone)} is not a time zone this ` +
          'Node runtime knows: hours are learned in UTC.',
      ];
    }
    return [];
  },
  kind: 'firstSeen',
  on: SESSION_START_EVENTS,
  filter: (ev, ctx) => {
    const e = asApi(ev);
    return e !== undefined && learnableSessionStart(e, ctx.org);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : principalKey(e);
  },
  value: (ev, ctx) => hourBlock(ev.time, ctx.knobs.bucketHours, clockOf(ctx.org)),
  facts: (ev) => {
    const e = asApi(ev);
    return e === undefined ? {} : sessionFacts(e);
  },
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  priorityOf: (group, ctx) =>
    shift(
      basePriority(ctx, 'low'),
      (fact(group.last, 'actorType') === 'Root' ? 1 : 0) +
        (group.figures.knownValues === 0 ? -1 : 0),
    ),
  summary: (group) => {
    const known = Number(group.figures.knownValues);
    return (
      `${groupActor(group)} ${fact(group.last, 'verb') ?? 'started a session'} at ` +
      `${utcText(group.last.time)} from ${describePlace(group.last)}, in the ` +
      `${group.values[0] ?? 'unknown'} block where this principal had not started a session ` +
      `before (${known} ${known === 1 ? 'block' : 'blocks'} known, learning since ` +
      `${String(group.figures.learnedSince).slice(0, 10)})`
    );
  },
  examples: {
    fire: [
      {
        title: 'Three weeks of morning sign-ins, then one at 02:37 UTC',
        records: [
          ...officeHours(21),
          consoleLogin({
            eventTime: isoAfter(START, 21 * DAY + 17 * HOUR + 56 * MINUTE),
            sourceIPAddress: '73.162.10.20',
          }),
        ],
      },
      {
        title:
          'Working hours in Europe/Berlin: morning sign-ins before summer time, then one at 02:40 Berlin time after it',
        config: BERLIN,
        records: [
          ...BERLIN_WINTER,
          consoleLogin({ eventTime: '2026-03-31T00:40:00Z', sourceIPAddress: '84.150.97.13' }),
        ],
      },
      {
        title: 'Role assumptions at midday for two weeks, then one at 23:10 UTC',
        records: [
          ...Array.from({ length: 15 }, (_, d) =>
            assumeRole({
              eventTime: isoAfter('2026-02-01T12:20:00Z', d * DAY),
              sourceIPAddress: '81.2.69.142',
            }),
          ),
          assumeRole({ eventTime: '2026-02-16T23:10:00Z', sourceIPAddress: '81.2.69.142' }),
        ],
      },
    ],
    miss: [
      {
        title: 'A 02:37 sign-in during the learning period',
        records: [
          ...officeHours(5),
          consoleLogin({ eventTime: '2026-02-06T02:37:00Z', sourceIPAddress: '73.162.10.20' }),
          ...officeHours(21).slice(6),
        ],
      },
      {
        title: 'After learning, 11:50 UTC: later than usual but in a known block (09–11)',
        records: [
          ...officeHours(21),
          consoleLogin({ eventTime: '2026-02-22T11:50:00Z', sourceIPAddress: '73.162.10.20' }),
        ],
      },
      {
        title:
          'Working hours in Europe/Berlin: the same 10:10 Berlin sign-in after summer time began (08:10 UTC, an hour earlier in UTC)',
        config: BERLIN,
        records: [
          ...BERLIN_WINTER,
          consoleLogin({ eventTime: '2026-03-30T08:10:00Z', sourceIPAddress: '84.150.97.13' }),
          consoleLogin({ eventTime: '2026-03-31T08:26:00Z', sourceIPAddress: '84.150.97.13' }),
        ],
      },
      {
        title: 'At 02:37, an AssumeRole into the pipeline role (configured as automation)',
        config: { organisation: { automationArns: ['arn:aws:iam::123456789012:role/deploy-*'] } },
        records: [
          ...officeHours(21),
          assumeRole({
            eventTime: '2026-02-22T02:37:00Z',
            sourceIPAddress: '73.162.10.20',
            roleArn: 'arn:aws:iam::123456789012:role/deploy-terraform',
          }),
        ],
      },
    ],
  },
});
