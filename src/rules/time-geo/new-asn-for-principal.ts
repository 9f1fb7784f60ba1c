/**
 * `aws.time-geo.new-asn-for-principal`: a console sign-in or a role assumption from a network
 * (autonomous system) this principal has never started a session from, after learning. A new
 * network in a known country is weaker than a new country, but it is how stolen credentials used
 * from a hosting provider or a VPN exit in the victim's own country show up.
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
import type { ApiEvent } from '../../model/event.js';
import {
  assumeRole,
  consoleLogin,
  learnableSessionStart,
  sessionFacts,
} from '../lib/session-place.js';
import { SESSION_START_EVENTS } from '../lib/session-start.js';

const knobs = {
  learningDays: knob(
    z.number().min(0).max(365),
    14,
    'Days, from the first session start the rule sees, during which networks are learned without reporting.',
  ),
};

const START = '2026-02-01T08:12:00Z';

/** The AS number of a public (or the organisation's own) address, as a state value. */
function network(e: ApiEvent): string | undefined {
  const s = e.source;
  if (s === undefined || (s.class !== 'public' && s.class !== 'internal')) return undefined;
  return s.asn === undefined ? undefined : `AS${s.asn}`;
}

export default defineFirstSeenRule({
  id: 'aws.time-geo.new-asn-for-principal',
  title: 'Session started from a network (ASN) new for the principal',
  category: 'time-geo',
  row: 'GEO-1',
  priority: 'low',
  mitre: ['T1078.004'],
  description:
    'Keeps, per principal, the autonomous systems (the network operator enrichment gives the ' +
    'source address: an ISP, a mobile carrier, a hosting provider) of its successful console ' +
    'sign-ins and credential requests (ConsoleLogin, AssumeRole, AssumeRoleWithSAML, ' +
    'AssumeRoleWithWebIdentity, GetSessionToken), and fires on a network not seen for that ' +
    'principal before, once `learningDays` have passed since the first session start the rule ' +
    'saw. It is one level lower than aws.time-geo.new-country-for-principal because people ' +
    'change networks (home, office, phone, hotel) far more often than countries; read it next to ' +
    'the organisation of the network: a cloud or VPS provider for a person is the strong case. ' +
    'The principal is the stable identity (the user, the calling role, the Identity Center ' +
    'person). Only successful session starts are learned and judged; addresses without an AS ' +
    'number, AWS addresses, AWS services and the configured automation are left out. A ' +
    'principal first seen after learning fires one level lower still; root is one level higher. ' +
    'State: the networks of each principal with when each was last seen; with `--state` it ' +
    'carries across runs.',
  falsePositives: [
    'Working from a new place: a hotel, a customer site, a phone hotspot, a new home ISP.',
    'A company VPN or proxy that changed provider.',
    'A new employee or principal after the learning period (reported one level lower).',
  ],
  response: [
    'Look at the network’s organisation: a consumer ISP or mobile carrier in the person’s country is usually benign, a hosting or VPN provider is not.',
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
    return e !== undefined && network(e) !== undefined && learnableSessionStart(e, ctx.org);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : principalKey(e);
  },
  value: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : network(e);
  },
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
    const history =
      known === 0
        ? 'the first network seen for this principal'
        : `a network new for this principal (${known} ${known === 1 ? 'network' : 'networks'} known)`;
    return (
      `${groupActor(group)} ${fact(group.last, 'verb') ?? 'started a session'} from ` +
      `${describePlace(group.last)} at ${utcText(group.last.time)}, ${history}; learning since ` +
      `${String(group.figures.learnedSince).slice(0, 10)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Sign-ins from a US cable ISP for three weeks, then from a US satellite network',
        records: [
          ...[0, 2, 5, 8, 12, 15, 19].map((day) =>
            consoleLogin({
              eventTime: isoAfter(START, day * DAY),
              sourceIPAddress: '73.162.10.20',
            }),
          ),
          consoleLogin({ eventTime: isoAfter(START, 21 * DAY), sourceIPAddress: '98.97.12.4' }),
        ],
      },
      {
        title: 'A user assumes a role from a UK ISP, then from a German hosting provider',
        records: [
          ...[0, 3, 7, 11, 14].map((day) =>
            assumeRole({ eventTime: isoAfter(START, day * DAY), sourceIPAddress: '81.2.69.142' }),
          ),
          assumeRole({ eventTime: isoAfter(START, 16 * DAY), sourceIPAddress: '85.214.132.117' }),
        ],
      },
    ],
    miss: [
      {
        title: 'A new network during learning, then only known networks',
        records: [
          consoleLogin({ eventTime: START, sourceIPAddress: '73.162.10.20' }),
          consoleLogin({ eventTime: isoAfter(START, 4 * DAY), sourceIPAddress: '98.97.12.4' }),
          consoleLogin({ eventTime: isoAfter(START, 20 * DAY), sourceIPAddress: '98.97.12.4' }),
          consoleLogin({ eventTime: isoAfter(START, 22 * DAY), sourceIPAddress: '73.162.10.20' }),
        ],
      },
      {
        title: 'After learning, another address of the same ISP',
        records: [
          consoleLogin({ eventTime: START, sourceIPAddress: '73.162.10.20' }),
          consoleLogin({ eventTime: isoAfter(START, 20 * DAY), sourceIPAddress: '73.162.200.7' }),
        ],
      },
      {
        title: 'After learning, a documentation address with no known network',
        records: [
          consoleLogin({ eventTime: START, sourceIPAddress: '73.162.10.20' }),
          consoleLogin({ eventTime: isoAfter(START, 20 * DAY), sourceIPAddress: '203.0.113.24' }),
        ],
      },
    ],
  },
});
