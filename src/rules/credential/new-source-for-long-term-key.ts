/**
 * `aws.credential.new-source-for-long-term-key`: a long-term access key (`AKIA…`) used from an
 * internet address it was never used from before, once the rule has learned where each key is
 * normally used. Long-term keys live in a few places (a laptop, a server, a CI runner); a leaked
 * key shows up somewhere else.
 */
import { z } from 'zod';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import { basePriority, ctRecord, IDENTITIES, shift } from '../lib.js';
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
import { isLongTermKey } from '../lib/caller.js';
import { internetSource } from '../lib/iam-principals.js';

const knobs = {
  learningDays: knob(
    z.number().positive(),
    7,
    'Days, from the first long-term key call the rule sees, during which the addresses of every key are learned without being reported.',
  ),
};

const START = '2026-01-02T03:04:05Z';

/** alice's key lists buckets from `ip`, `days` after the start. */
function aliceFrom(days: number, ip: string) {
  return ctRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    identity: IDENTITIES.user,
    eventTime: isoAfter(START, days * DAY),
    sourceIPAddress: ip,
    readOnly: true,
    requestParameters: { Host: 's3.us-east-1.amazonaws.com' },
  });
}

export default defineFirstSeenRule({
  id: 'aws.credential.new-source-for-long-term-key',
  title: 'Long-term access key used from a new internet address',
  category: 'credential',
  row: 'CRED-1',
  priority: 'low',
  mitre: ['T1078.004', 'T1552.001'],
  description:
    'A call with a long-term access key (`AKIA…`) from a public address (enrichment classes it ' +
    'public: not internal, private, AWS-owned or an AWS service name; without enrichment, any ' +
    'routable IP literal) that this key was never used from before. State: per key, the public ' +
    'addresses it has been used from (at most 1,000, the least recently seen dropped), plus the ' +
    'time learning began. For `learningDays` (7) from the first such call the rule ever saw, ' +
    'addresses are recorded silently; after that each new key → address pair is reported once, ' +
    'and a key first seen after learning is reported on its first address. With `--state FILE` ' +
    'the addresses carry across runs, so a weekly hunt reports only addresses new since the ' +
    'earlier hunts. Failed calls count: whoever made them holds the key. Home and mobile ' +
    'connections change addresses, so the rule starts low; an address on a threat-intelligence ' +
    'list is two levels higher. Calls from private, internal and AWS addresses are not judged ' +
    'here: the rule is about keys leaving the places they live in for the open internet. Triage: does the key’s owner recognise ' +
    'the address, its country and network, and the user agent?',
  falsePositives: [
    'People on dynamic home or mobile addresses (put office and VPN egress ranges in organisation.internalCidrs).',
    'A CI runner or server that moved to a new address.',
  ],
  response: [
    'Ask the key’s owner about the address; look up its network and country in the finding.',
    'If unknown: deactivate the key, review all calls from the new address (CloudTrail by sourceIPAddress and accessKeyId), and replace the key with a role where possible.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html',
  ],
  knobs,
  kind: 'firstSeen',
  on: { eventNames: '*' },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && isLongTermKey(e) && internetSource(e) !== undefined;
  },
  key: (ev) => asApi(ev)?.actor.accessKeyId,
  value: (ev) => asApi(ev)?.sourceIp,
  facts: (ev) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    const intel = e.source?.intel ?? [];
    return {
      ...callerFacts(e),
      call: `${e.eventSource.replace(/\.amazonaws\.com$/, '')}:${e.eventName}`,
      ...(intel.length > 0 ? { intel: intel.join(', ') } : {}),
    };
  },
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  priorityOf: (g, ctx) =>
    shift(basePriority(ctx, 'low'), fact(g.last, 'intel') === undefined ? 0 : 2),
  summary: (g) => {
    const s = g.last;
    const known = figure(g, 'knownValues') ?? 0;
    const intel = fact(s, 'intel');
    const history =
      known === 0
        ? 'no public address seen for it'
        : `${known} other public ${known === 1 ? 'address' : 'addresses'} seen for it`;
    return (
      `key ${maskKey(g.key)} of ${actorOf(s)} used from new address ${placeOf(s)}` +
      `${intel === undefined ? '' : ` (on threat list ${intel})`} to call ` +
      `${fact(s, 'call') ?? 'an API'} (${history} since ` +
      `${String(g.figures.learnedSince ?? '').slice(0, 10)})`
    );
  },
  examples: {
    fire: [
      {
        title: 'After a week from one office address, alice’s key is used from a TOR relay',
        records: [
          aliceFrom(0, '81.2.69.160'),
          aliceFrom(3, '81.2.69.160'),
          aliceFrom(8, '185.220.101.47'),
        ],
      },
      {
        title: 'A key first seen after the learning period',
        records: [
          ctRecord({
            eventSource: 'sts.amazonaws.com',
            eventName: 'GetCallerIdentity',
            identity: {
              type: 'IAMUser',
              principalId: 'AIDA4XJ7LBQ5EXAMPLE06',
              arn: 'arn:aws:iam::123456789012:user/ops/dave',
              accountId: '123456789012',
              accessKeyId: 'AKIA4XJ7LBQ5EXAMPLE6',
              userName: 'dave',
            },
            eventTime: START,
            sourceIPAddress: '81.2.69.161',
            readOnly: true,
            host: 'sts.amazonaws.com',
          }),
          aliceFrom(9, '45.133.1.20'),
        ],
      },
    ],
    miss: [
      {
        title: 'The same address again after learning',
        records: [aliceFrom(0, '81.2.69.160'), aliceFrom(9, '81.2.69.160')],
      },
      {
        title: 'A new address during the learning period',
        records: [aliceFrom(0, '81.2.69.160'), aliceFrom(2, '185.220.101.47')],
      },
      {
        title: 'New private and AWS addresses after learning are not judged',
        records: [
          aliceFrom(0, '81.2.69.160'),
          aliceFrom(9, '10.0.3.4'),
          aliceFrom(9.1, '3.80.12.1'),
        ],
      },
    ],
  },
});
