/**
 * `aws.iam.dormant-access-key-used`: a long-term access key (`AKIA…`) used again after a long
 * silence. Keys that nobody used for a month are forgotten keys: left in old laptops, CI
 * variables, backups and repositories, and the ones that leak. Their sudden return is IAM-3's
 * "sudden usage of long-dormant credentials".
 */
import { z } from 'zod';
import { defineDormancyRule, knob } from '../../engine/rule.js';
import { basePriority, ctRecord, IDENTITIES, USER_AGENTS, shift } from '../lib.js';
import { isLongTermKey } from '../lib/caller.js';
import {
  actorOf,
  asApi,
  callerFacts,
  DAY,
  fact,
  figure,
  maskKey,
  placeOf,
  isoAfter,
} from '../lib/behaviour.js';
import { IAM_IDENTITIES } from '../lib/iam-principals.js';

const knobs = {
  dormantDays: knob(
    z.number().positive(),
    30,
    'Days without any use of a key after which its next use is reported.',
  ),
};

const START = '2026-01-02T03:04:05Z';

/** Where the calls of the stories go. */
const SOURCES: Record<string, string> = {
  ListBuckets: 's3.amazonaws.com',
  GetCallerIdentity: 'sts.amazonaws.com',
  DescribeInstances: 'ec2.amazonaws.com',
  ListUsers: 'iam.amazonaws.com',
};

/** A read-only call by alice's long-term key, `days` after the start. */
function aliceCalls(days: number, eventName: string, ip: string) {
  const eventSource = SOURCES[eventName] ?? 'sts.amazonaws.com';
  return ctRecord({
    eventSource,
    eventName,
    identity: IDENTITIES.user,
    eventTime: isoAfter(START, days * DAY),
    sourceIPAddress: ip,
    userAgent: USER_AGENTS.cli,
    readOnly: true,
    requestParameters: eventName === 'ListBuckets' ? { Host: 's3.us-east-1.amazonaws.com' } : null,
    // IAM is global: one endpoint, logged in us-east-1.
    ...(eventSource === 'iam.amazonaws.com' ? { host: 'iam.amazonaws.com' } : {}),
  });
}

/** The root user's long-term access key (which should not exist at all). */
const ROOT_WITH_KEY = {
  type: 'Root',
  principalId: '123456789012',
  arn: 'arn:aws:iam::123456789012:root',
  accountId: '123456789012',
  accessKeyId: 'AKIA4XJ7LBQ5EXAMPRT1',
};

export default defineDormancyRule({
  id: 'aws.iam.dormant-access-key-used',
  title: 'Dormant long-term access key used again',
  category: 'iam',
  row: 'IAM-3',
  priority: 'medium',
  mitre: ['T1078.004', 'T1552.001'],
  description:
    'Any call made with a long-term access key (`AKIA…`, an IAM user’s or the root user’s) at ' +
    'least `dormantDays` (30) after the previous call with that key. State: per key, the latest ' +
    'event time it was used (one entry per key, bounded by the number of keys). Within one run a ' +
    'key needs an earlier use in the same input to be judged; with `--state FILE` the last use ' +
    'carries across runs, so a hunt over this week’s logs reports a key last seen in a hunt ' +
    'months ago. A key never seen before is not reported (its history is unknown), and a call ' +
    'that arrives out of order never rewinds the last use. Failed calls count as use: whoever ' +
    'made them holds the key. Temporary keys (`ASIA…`) are not tracked. Root keys are one level ' +
    'higher. Triage: the key’s owner, whether they recognise the address, country, network and ' +
    'user agent, and what the key did after its return.',
  falsePositives: [
    'Seasonal jobs (quarterly reports, yearly audits) using a dedicated key; raise dormantDays for them or move them to roles.',
    'An engineer back from a long leave using their old CLI key.',
  ],
  response: [
    'Ask the key’s owner whether the call was theirs; compare address, country and user agent with their usual ones.',
    'If not: deactivate the key (UpdateAccessKey Inactive), revoke sessions it minted, and review every call made with it since its return.',
    'Delete keys unused for months rather than waiting for their return; prefer roles and Identity Center for people.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#Using_RotateAccessKey',
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccessKeyLastUsed.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#remove-credentials',
  ],
  knobs,
  kind: 'dormancy',
  on: { eventNames: '*' },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && isLongTermKey(e);
  },
  key: (ev) => asApi(ev)?.actor.accessKeyId,
  facts: (ev) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    return {
      ...callerFacts(e),
      call: `${e.eventSource.replace(/\.amazonaws\.com$/, '')}:${e.eventName}`,
      root: e.actor.type === 'Root' ? 1 : 0,
      ...(e.errorCode === undefined ? {} : { error: e.errorCode }),
    };
  },
  dormantMs: (ctx) => ctx.knobs.dormantDays * DAY,
  priorityOf: (g, ctx) => shift(basePriority(ctx, 'medium'), fact(g.last, 'root') === '1' ? 1 : 0),
  summary: (g) => {
    const s = g.last;
    const days = figure(g, 'dormantDays');
    const lastSeen = String(g.figures.lastSeen ?? '').slice(0, 10);
    const error = fact(s, 'error');
    return (
      `key ${maskKey(g.key)} of ${actorOf(s)} unused for ${days ?? '?'} days (last used ` +
      `${lastSeen || 'earlier'}), used from ${placeOf(s)} to call ${fact(s, 'call') ?? 'an API'}` +
      `${error === undefined ? '' : ` (failed: ${error})`} in ${s.region ?? 'an unknown region'}`
    );
  },
  examples: {
    fire: [
      {
        title: 'alice’s key, quiet for 43 days, calls GetCallerIdentity from a new network',
        records: [
          aliceCalls(0, 'ListBuckets', '81.2.69.160'),
          aliceCalls(0.01, 'DescribeInstances', '81.2.69.160'),
          aliceCalls(43.2, 'GetCallerIdentity', '45.133.1.20'),
        ],
      },
      {
        title: 'A root access key returns after 90 days',
        records: [
          ctRecord({
            eventSource: 'iam.amazonaws.com',
            eventName: 'ListUsers',
            identity: ROOT_WITH_KEY,
            eventTime: START,
            readOnly: true,
            host: 'iam.amazonaws.com',
          }),
          ctRecord({
            eventSource: 'iam.amazonaws.com',
            eventName: 'CreateUser',
            identity: ROOT_WITH_KEY,
            eventTime: isoAfter(START, 90 * DAY),
            sourceIPAddress: '185.220.101.47',
            requestParameters: { userName: 'support' },
            host: 'iam.amazonaws.com',
          }),
        ],
      },
      {
        title: 'With dormantDays set to 7, a key back after 10 days',
        config: { rules: { 'aws.iam.dormant-access-key-used': { knobs: { dormantDays: 7 } } } },
        records: [
          aliceCalls(0, 'ListUsers', '81.2.69.160'),
          aliceCalls(10, 'ListUsers', '81.2.69.160'),
        ],
      },
    ],
    miss: [
      {
        title: 'alice’s key used again after 20 days (below 30)',
        records: [
          aliceCalls(0, 'ListBuckets', '81.2.69.160'),
          aliceCalls(20, 'ListBuckets', '81.2.69.160'),
        ],
      },
      {
        title: 'The first use of a key never seen before',
        records: [
          ctRecord({
            eventSource: 'sts.amazonaws.com',
            eventName: 'GetCallerIdentity',
            identity: IAM_IDENTITIES.admin,
            eventTime: START,
            readOnly: true,
            host: 'sts.amazonaws.com',
          }),
          aliceCalls(40, 'GetCallerIdentity', '45.133.1.20'),
        ],
      },
      {
        title: 'A temporary (ASIA) session key used 40 days apart is not tracked',
        records: [
          ctRecord({
            eventSource: 'sts.amazonaws.com',
            eventName: 'GetCallerIdentity',
            identity: IDENTITIES.role,
            eventTime: START,
            readOnly: true,
            host: 'sts.amazonaws.com',
          }),
          ctRecord({
            eventSource: 'sts.amazonaws.com',
            eventName: 'GetCallerIdentity',
            identity: IDENTITIES.role,
            eventTime: isoAfter(START, 40 * DAY),
            readOnly: true,
            host: 'sts.amazonaws.com',
          }),
        ],
      },
    ],
  },
});
