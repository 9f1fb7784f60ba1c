/**
 * `aws.time-geo.impossible-travel`: one principal signing in to the console from two or more
 * countries within a couple of hours. One person cannot be in both places; two sessions from two
 * countries mean the password (and, without MFA, nothing else) is shared or stolen.
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import { basePriority, shift } from '../lib.js';
import {
  asApi,
  describePlace,
  fact,
  groupActor,
  groupSpan,
  isoAfter,
  MINUTE,
  principalKey,
  utcText,
} from '../lib/principal-behaviour.js';
import { consoleLogin, learnableSessionStart, placed, sessionFacts } from '../lib/session-place.js';

const knobs = {
  windowMinutes: knob(
    z
      .number()
      .int()
      .min(1)
      .max(7 * 1440),
    120,
    'Successful console sign-ins from different countries closer together than this (minutes) fire.',
  ),
  countries: knob(
    z.number().int().min(2),
    2,
    'Distinct countries within the window that fire the rule.',
  ),
};

const START = '2026-02-24T09:02:00Z';

export default defineThresholdRule({
  id: 'aws.time-geo.impossible-travel',
  title: 'Console sign-ins from several countries within hours (impossible travel)',
  category: 'time-geo',
  row: 'GEO-1',
  priority: 'medium',
  mitre: ['T1078.004'],
  description:
    'Counts, per principal, the distinct countries of its successful console sign-ins ' +
    '(ConsoleLogin) in a sliding window of `windowMinutes`, and fires when they reach ' +
    '`countries`. The comparison is at country level: trailhound ships country and network ' +
    'data, not coordinates, so it cannot compute a travel speed. Two countries within the ' +
    'window is the signal whatever the distance, which means two neighbouring countries (a ' +
    'commuter across a border, an address geolocated to the country next door) can trigger it, ' +
    'and a long window makes real travel look impossible; keep the window short. Failed ' +
    'sign-ins, addresses without a country, AWS addresses (CloudShell, instances), AWS services ' +
    'and the configured automation are left out. The principal is the stable identity (the ' +
    'user, or for IAM Identity Center the person’s session). Root is one level higher. State ' +
    'per principal is its sign-ins within the window; with `--state` a sign-in at the end of one ' +
    'batch and another at the start of the next still meet. Triage: compare the two addresses ' +
    'and user agents in the finding; a VPN or corporate proxy explains many, a second browser ' +
    'from an unknown network does not.',
  falsePositives: [
    'VPNs, corporate proxies and privacy relays whose exits change country.',
    'Neighbouring countries near a border, or mobile and satellite addresses geolocated to the country next door.',
    'Shared accounts used by people in two countries (a finding in itself).',
  ],
  response: [
    'Ask the person which of the sign-ins was theirs and whether they use a VPN.',
    'If one is not theirs: reset the console password, require MFA, end the sessions (revoke role sessions or delete the login profile temporarily), and review what the session did.',
    'Look for other principals signing in from the foreign address.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
    'https://attack.mitre.org/techniques/T1078/004/',
  ],
  knobs,
  kind: 'threshold',
  on: { eventSource: ['signin.amazonaws.com'], eventNames: ['ConsoleLogin'] },
  filter: (ev, ctx) => {
    const e = asApi(ev);
    return e !== undefined && placed(e) && learnableSessionStart(e, ctx.org);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : principalKey(e);
  },
  value: (ev) => asApi(ev)?.source?.country,
  facts: (ev) => {
    const e = asApi(ev);
    return e === undefined ? {} : sessionFacts(e);
  },
  windowMs: (ctx) => ctx.knobs.windowMinutes * MINUTE,
  threshold: (ctx) => ctx.knobs.countries,
  priorityOf: (group, ctx) =>
    shift(basePriority(ctx, 'medium'), fact(group.last, 'actorType') === 'Root' ? 1 : 0),
  summary: (group) =>
    `${groupActor(group)} signed in to the console from ${group.values.length} countries ` +
    `(${group.values.join(', ')}) ${groupSpan(group)}: from ${describePlace(group.first)} at ` +
    `${utcText(group.first.time)}, then from ${describePlace(group.last)} at ` +
    `${utcText(group.last.time)} (country-level comparison, window ` +
    `${group.figures.windowMinutes} min)`,
  examples: {
    fire: [
      {
        title: 'A sign-in from the US, then one from Russia 47 minutes later',
        records: [
          consoleLogin({ eventTime: START, sourceIPAddress: '73.162.10.20' }),
          consoleLogin({ eventTime: isoAfter(START, 47 * MINUTE), sourceIPAddress: '5.45.207.1' }),
        ],
      },
      {
        title: 'Root signs in from the UK, then from Nigeria within the hour',
        records: [
          consoleLogin({
            eventTime: START,
            sourceIPAddress: '81.2.69.142',
            identity: {
              type: 'Root',
              principalId: '123456789012',
              arn: 'arn:aws:iam::123456789012:root',
              accountId: '123456789012',
            },
          }),
          consoleLogin({
            eventTime: isoAfter(START, 38 * MINUTE),
            sourceIPAddress: '41.203.64.1',
            identity: {
              type: 'Root',
              principalId: '123456789012',
              arn: 'arn:aws:iam::123456789012:root',
              accountId: '123456789012',
            },
          }),
        ],
      },
    ],
    miss: [
      {
        title: 'The US, then Russia three and a half hours later (outside the window)',
        records: [
          consoleLogin({ eventTime: START, sourceIPAddress: '73.162.10.20' }),
          consoleLogin({ eventTime: isoAfter(START, 210 * MINUTE), sourceIPAddress: '5.45.207.1' }),
        ],
      },
      {
        title: 'Two US networks (cable and satellite) ten minutes apart',
        records: [
          consoleLogin({ eventTime: START, sourceIPAddress: '73.162.10.20' }),
          consoleLogin({ eventTime: isoAfter(START, 10 * MINUTE), sourceIPAddress: '98.97.12.4' }),
        ],
      },
      {
        title: 'A failed sign-in from Russia between two US sign-ins',
        records: [
          consoleLogin({ eventTime: START, sourceIPAddress: '73.162.10.20' }),
          consoleLogin({
            eventTime: isoAfter(START, 20 * MINUTE),
            sourceIPAddress: '5.45.207.1',
            outcome: 'Failure',
          }),
          consoleLogin({
            eventTime: isoAfter(START, 40 * MINUTE),
            sourceIPAddress: '73.162.10.20',
          }),
        ],
      },
    ],
  },
});
