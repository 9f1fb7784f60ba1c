/**
 * `aws.time-geo.new-country-for-principal`: a console sign-in or a role assumption from a country
 * this principal has never started a session from, once the rule has learned where each principal
 * usually works. Unlike `aws.time-geo.unexpected-country` it needs no list of countries: each
 * principal is compared with its own history.
 */
import { z } from 'zod';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import { basePriority, shift } from '../lib.js';
import {
  asApi,
  DAY,
  describePlace,
  fact,
  groupActor,
  isoAfter,
  principalKey,
  utcText,
} from '../lib/principal-behaviour.js';
import {
  assumeRole,
  consoleLogin,
  learnableSessionStart,
  placed,
  sessionFacts,
} from '../lib/session-place.js';
import { SESSION_START_EVENTS } from '../lib/session-start.js';

const knobs = {
  learningDays: knob(
    z.number().min(0).max(365),
    14,
    'Days, from the first session start the rule sees, during which countries are learned without reporting.',
  ),
};

const START = '2026-02-01T08:12:00Z';

export default defineFirstSeenRule({
  id: 'aws.time-geo.new-country-for-principal',
  title: 'Session started from a country new for the principal',
  category: 'time-geo',
  row: 'GEO-1',
  priority: 'medium',
  mitre: ['T1078.004'],
  description:
    'Keeps, per principal, the countries its successful console sign-ins (ConsoleLogin) and ' +
    'credential requests (AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity, ' +
    'GetSessionToken) came from, by the country enrichment gives the source address, and fires ' +
    'on a country not seen for that principal before, once `learningDays` have passed since the ' +
    'first session start the rule saw. The principal is the stable identity: the user, the ' +
    'calling role (not its rotating sessions), or for IAM Identity Center the person’s session. ' +
    'Only successful session starts are learned and judged: failed sign-ins are counted by ' +
    'aws.time-geo.console-brute-force and password-spraying, and learning them would let an ' +
    'attacker’s failures teach the rule their country. Addresses without a country, AWS ' +
    'addresses (workloads, CloudShell), AWS services and the configured automation are left ' +
    'out. A principal first seen after learning fires on its first country, one level lower (it ' +
    'has no history to differ from); root is one level higher. State: the countries of each ' +
    'principal with when each was last seen; with `--state` it carries across runs, so a ' +
    'second hunt does not learn again. Triage: ask the person whether they travelled or use a ' +
    'VPN; check what the session did.',
  falsePositives: [
    'Travel, and VPNs or proxies whose exit addresses are registered in another country.',
    'Mobile networks and satellite links (Starlink) whose addresses geolocate to a neighbouring country.',
    'A new employee or principal after the learning period (reported one level lower).',
  ],
  response: [
    'Ask the person whether they signed in from there; check MFA on the sign-in.',
    'If not: revoke the role’s sessions or the user’s console password and keys, then review what the session did.',
    'Consider an SCP or IAM condition on aws:SourceIp for sensitive roles.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html',
  ],
  knobs,
  kind: 'firstSeen',
  on: SESSION_START_EVENTS,
  filter: (ev, ctx) => {
    const e = asApi(ev);
    return e !== undefined && placed(e) && learnableSessionStart(e, ctx.org);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : principalKey(e);
  },
  value: (ev) => {
    const e = asApi(ev);
    return e?.source?.country;
  },
  facts: (ev) => {
    const e = asApi(ev);
    return e === undefined ? {} : sessionFacts(e);
  },
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  priorityOf: (group, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (fact(group.last, 'actorType') === 'Root' ? 1 : 0) +
        (group.figures.knownValues === 0 ? -1 : 0),
    ),
  summary: (group) => {
    const known = Number(group.figures.knownValues);
    const history =
      known === 0
        ? 'the first country seen for this principal'
        : `a country new for this principal (${known} ${known === 1 ? 'country' : 'countries'} known)`;
    return (
      `${groupActor(group)} ${fact(group.last, 'verb') ?? 'started a session'} from ` +
      `${describePlace(group.last)} at ${utcText(group.last.time)}, ${history}; learning since ` +
      `${String(group.figures.learnedSince).slice(0, 10)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Console sign-ins from the US for three weeks, then one from Russia',
        records: [
          ...[0, 2, 5, 8, 12, 15, 19].map((day) =>
            consoleLogin({
              eventTime: isoAfter(START, day * DAY),
              sourceIPAddress: '73.162.10.20',
            }),
          ),
          consoleLogin({ eventTime: isoAfter(START, 21 * DAY), sourceIPAddress: '5.45.207.1' }),
        ],
      },
      {
        title: 'A user assumes a role from the UK for two weeks, then from Nigeria',
        records: [
          ...[0, 3, 7, 11, 14].map((day) =>
            assumeRole({ eventTime: isoAfter(START, day * DAY), sourceIPAddress: '81.2.69.142' }),
          ),
          assumeRole({ eventTime: isoAfter(START, 16 * DAY), sourceIPAddress: '41.203.64.1' }),
        ],
      },
    ],
    miss: [
      {
        title: 'A new country during the learning period, then only known countries',
        records: [
          consoleLogin({ eventTime: START, sourceIPAddress: '73.162.10.20' }),
          consoleLogin({ eventTime: isoAfter(START, 4 * DAY), sourceIPAddress: '85.214.132.117' }),
          consoleLogin({ eventTime: isoAfter(START, 20 * DAY), sourceIPAddress: '85.214.132.117' }),
          consoleLogin({ eventTime: isoAfter(START, 22 * DAY), sourceIPAddress: '73.162.10.20' }),
        ],
      },
      {
        title: 'After learning, a sign-in from an AWS address (CloudShell or an instance)',
        records: [
          consoleLogin({ eventTime: START, sourceIPAddress: '73.162.10.20' }),
          consoleLogin({ eventTime: isoAfter(START, 20 * DAY), sourceIPAddress: '3.80.12.4' }),
        ],
      },
      {
        title: 'After learning, a failed sign-in from Russia (counted by the brute-force rules)',
        records: [
          consoleLogin({ eventTime: START, sourceIPAddress: '73.162.10.20' }),
          consoleLogin({
            eventTime: isoAfter(START, 20 * DAY),
            sourceIPAddress: '5.45.207.1',
            outcome: 'Failure',
          }),
        ],
      },
      {
        title: 'Learning for 30 days (knob): Russia on day 21 is still learned',
        config: {
          rules: { 'aws.time-geo.new-country-for-principal': { knobs: { learningDays: 30 } } },
        },
        records: [
          consoleLogin({ eventTime: START, sourceIPAddress: '73.162.10.20' }),
          consoleLogin({ eventTime: isoAfter(START, 21 * DAY), sourceIPAddress: '5.45.207.1' }),
        ],
      },
    ],
  },
});
