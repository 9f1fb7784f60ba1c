/**
 * `aws.iam.session-token-first-use`: a principal calling GetSessionToken or GetFederationToken for
 * the first time. Both turn a long-term key into temporary credentials that keep working until
 * they expire (up to 36 hours), even after the key is deactivated or deleted, which makes them a
 * favourite of attackers holding a leaked key and a rarity for everyone else.
 */
import { z } from 'zod';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import { basePriority, byAwsService, IDENTITIES, reqString, shift } from '../lib.js';
import {
  actorOf,
  asApi,
  callerFacts,
  DAY,
  fact,
  figure,
  maskKey,
  placeOf,
  stablePrincipal,
  isoAfter,
} from '../lib/behaviour.js';
import { IAM_IDENTITIES } from '../lib/iam-principals.js';
import { sessionTokenRecord } from '../lib/sts-fixtures.js';

const knobs = {
  learningDays: knob(
    z.number().positive(),
    7,
    'Days, from the first GetSessionToken or GetFederationToken the rule sees, during which the principals that use them are learned without being reported.',
  ),
};

const START = '2026-01-02T03:04:05Z';

function at(days: number): string {
  return isoAfter(START, days * DAY);
}

export default defineFirstSeenRule({
  id: 'aws.iam.session-token-first-use',
  title: 'Principal obtained session or federation tokens for the first time',
  category: 'iam',
  row: 'IAM-3',
  priority: 'medium',
  mitre: ['T1550.001', 'T1078.004'],
  description:
    'A successful GetSessionToken or GetFederationToken by a principal that had never made that ' +
    'call before (the value learned per principal is the event name, so a principal known for ' +
    'GetSessionToken is still news when it first calls GetFederationToken). The principal is ' +
    'its stable identity (the IAM user’s or root ARN: only long-term credentials may call these). State: per ' +
    'principal, the token calls it has made, plus the time learning began. For `learningDays` ' +
    '(7) from the first such call the rule ever saw, principals are recorded silently; with ' +
    '`--state FILE` what was learned carries across runs, so only principals new since earlier ' +
    'hunts are reported. GetSessionToken with an MFA serial number (the usual MFA-protected CLI ' +
    'set-up) is one level lower. Failed calls are neither learned nor reported. Triage: the key ' +
    'used, the address and user agent, and what the temporary credentials did (CloudTrail by the ' +
    'access key id in the response); federation tokens also name a federated user and may carry ' +
    'a session policy.',
  falsePositives: [
    'Engineers who start using an MFA-protected CLI profile after the learning period.',
    'Identity brokers or legacy SSO tools that issue federation tokens, deployed after the learning period.',
  ],
  response: [
    'Ask the key owner whether they requested temporary credentials, from that address.',
    'If not: deactivate the key, and since the tokens outlive it, attach a deny-all policy to the user: both kinds of session are bounded by the user’s own permissions.',
    'Review what the temporary credentials did.',
  ],
  references: [
    'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html',
    'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html',
  ],
  knobs,
  kind: 'firstSeen',
  on: {
    eventSource: ['sts.amazonaws.com'],
    eventNames: ['GetSessionToken', 'GetFederationToken'],
  },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && e.errorCode === undefined && !byAwsService(e);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : stablePrincipal(e);
  },
  value: (ev) => asApi(ev)?.eventName,
  facts: (ev) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    const federated = reqString(e, 'name');
    return {
      ...callerFacts(e),
      mfa: reqString(e, 'serialNumber') === undefined ? 0 : 1,
      ...(e.actor.accessKeyId === undefined ? {} : { key: e.actor.accessKeyId }),
      ...(e.eventName === 'GetFederationToken' && federated !== undefined ? { federated } : {}),
    };
  },
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  priorityOf: (g, ctx) => shift(basePriority(ctx, 'medium'), fact(g.last, 'mfa') === '1' ? -1 : 0),
  summary: (g) => {
    const s = g.last;
    const call = g.values[0] ?? 'a token call';
    const known = figure(g, 'knownValues') ?? 0;
    const federated = fact(s, 'federated');
    const what = federated === undefined ? '' : ` for federated user ${federated}`;
    const mfa = fact(s, 'mfa') === '1' ? ' with MFA' : ' without MFA';
    const key = fact(s, 'key');
    return (
      `${actorOf(s)} called ${call}${what} for the first time` +
      `${known > 0 ? ' (it had used the other token call before)' : ''}${call === 'GetSessionToken' ? mfa : ''}` +
      `${key === undefined ? '' : ` with key ${maskKey(key)}`}, from ${placeOf(s)}, after watching since ` +
      `${String(g.figures.learnedSince ?? '').slice(0, 10)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'alice first obtains a session token after a week of learning',
        records: [
          sessionTokenRecord({
            identity: IAM_IDENTITIES.admin,
            eventTime: at(0),
            serialNumber: 'arn:aws:iam::123456789012:mfa/dave',
          }),
          sessionTokenRecord({
            identity: IAM_IDENTITIES.admin,
            eventTime: at(4),
            serialNumber: 'arn:aws:iam::123456789012:mfa/dave',
          }),
          sessionTokenRecord({
            identity: IDENTITIES.user,
            eventTime: at(8),
            sourceIPAddress: '185.220.101.47',
          }),
        ],
      },
      {
        title: 'A principal known for session tokens turns to federation tokens',
        records: [
          sessionTokenRecord({ identity: IDENTITIES.user, eventTime: at(0) }),
          sessionTokenRecord({
            identity: IDENTITIES.user,
            eventTime: at(9),
            eventName: 'GetFederationToken',
            name: 'backup',
            sourceIPAddress: '45.133.1.20',
          }),
        ],
      },
    ],
    miss: [
      {
        title: 'alice’s first session token falls in the learning period',
        records: [
          sessionTokenRecord({ identity: IAM_IDENTITIES.admin, eventTime: at(0) }),
          sessionTokenRecord({ identity: IDENTITIES.user, eventTime: at(2) }),
        ],
      },
      {
        title: 'alice obtains session tokens again after learning',
        records: [
          sessionTokenRecord({ identity: IDENTITIES.user, eventTime: at(0) }),
          sessionTokenRecord({
            identity: IDENTITIES.user,
            eventTime: at(10),
            sourceIPAddress: '81.2.69.160',
          }),
        ],
      },
    ],
  },
});
