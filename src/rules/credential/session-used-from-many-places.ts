/**
 * `aws.credential.session-used-from-many-places`: one set of temporary credentials (one `ASIA…`
 * access key) used from several networks within an hour. A session lives on one machine; the
 * same key turning up elsewhere means it was copied: taken from an instance's metadata service,
 * a developer's cache file or a CI log, and replayed.
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { basePriority, ctRecord, IDENTITIES, names, shift, USER_AGENTS } from '../lib.js';
import {
  actorOf,
  asApi,
  callerFacts,
  fact,
  figure,
  maskKey,
  MINUTE,
  placeOf,
  isoAfter,
} from '../lib/behaviour.js';
import { instanceCredential, isTemporaryKey } from '../lib/caller.js';
import { fromAwsService } from '../lib/caller-source.js';
import { IAM_IDENTITIES } from '../lib/iam-principals.js';

const knobs = {
  windowMinutes: knob(z.number().positive(), 60, 'Sliding window, in minutes of event time.'),
  threshold: knob(
    z.number().int().min(2),
    3,
    'Distinct places (networks or addresses, see countBy) one session key must be used from within the window.',
  ),
  countBy: knob(
    z.enum(['asn', 'ip']),
    'asn',
    '`asn` counts networks (autonomous systems; private and internal addresses count as one place, an address with no known network as itself), `ip` counts addresses. Networks are the default: one laptop moving between Wi-Fi, IPv4 and IPv6, or a NAT pool, shows several addresses of one network, while a replayed token shows another network.',
  ),
  includeAwsAddresses: knob(
    z.boolean(),
    false,
    'Count addresses in AWS’s published ranges too. Off by default: sessions of Lambda functions, containers and instances are used from ever-changing AWS addresses; calls AWS services make on the session’s behalf (a service name instead of an address) are never counted.',
  ),
};

/** The place a call counts as, or undefined when it does not count (AWS services, no address). */
function placeOfCall(
  e: ApiEvent,
  knobs: { countBy: 'asn' | 'ip'; includeAwsAddresses: boolean },
): string | undefined {
  const ip = e.sourceIp;
  if (ip === undefined || fromAwsService(e)) return undefined;
  const s = e.source;
  if (s !== undefined) {
    if (s.class === 'service' || s.class === 'unknown') return undefined;
    if (s.class === 'aws' && !knobs.includeAwsAddresses) return undefined;
    if (knobs.countBy === 'asn') {
      if (s.asn !== undefined) return `AS${s.asn}`;
      if (s.class === 'private' || s.class === 'internal') return 'private network';
    }
  }
  return ip;
}

const START = '2026-01-02T03:04:05Z';

/** A call made with the stolen instance-role key, `minutes` after the start. */
function instanceCall(minutes: number, eventName: string, ip: string) {
  const sources: Record<string, string> = {
    GetCallerIdentity: 'sts.amazonaws.com',
    ListBuckets: 's3.amazonaws.com',
    DescribeInstances: 'ec2.amazonaws.com',
    ListSecrets: 'secretsmanager.amazonaws.com',
  };
  const eventSource = sources[eventName] ?? 'sts.amazonaws.com';
  return ctRecord({
    eventSource,
    eventName,
    identity: IAM_IDENTITIES.instanceRole,
    eventTime: isoAfter(START, minutes * MINUTE),
    sourceIPAddress: ip,
    userAgent: ip.startsWith('10.') ? USER_AGENTS.boto3 : USER_AGENTS.cli,
    readOnly: true,
    requestParameters: eventName === 'ListBuckets' ? { Host: 's3.us-east-1.amazonaws.com' } : null,
  });
}

/** A call of bob's Identity Center session, `minutes` after the start. */
function bobCall(minutes: number, ip: string, identity: JsonObject = IDENTITIES.role) {
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    identity,
    eventTime: isoAfter(START, minutes * MINUTE),
    sourceIPAddress: ip,
    readOnly: true,
    requestParameters: { instancesSet: {}, filterSet: {} },
  });
}

export default defineThresholdRule({
  id: 'aws.credential.session-used-from-many-places',
  title: 'Session credentials used from several networks',
  category: 'credential',
  row: 'CRED-1',
  priority: 'medium',
  mitre: ['T1550.001', 'T1528', 'T1552.005'],
  description:
    'One temporary access key (`ASIA…`: a role session, an Identity Center or console session, ' +
    'a GetSessionToken session) used from at least `threshold` (3) distinct places within ' +
    '`windowMinutes` (60). A place is, with `countBy: asn` (the default), the network an address ' +
    'belongs to (its autonomous system, from the enrichment shipped with trailhound; private and ' +
    'internal addresses together count as one place, an address whose network is unknown as ' +
    'itself), or with `countBy: ip` each address. Calls AWS services make on the session’s ' +
    'behalf (a service name instead of an address) never count, nor, unless ' +
    '`includeAwsAddresses`, addresses in AWS’s published ranges. Every call counts, failed or ' +
    'not: a denied call still shows where the key is. State: per session key, the calls that can ' +
    'still fall in a window (a few more than the threshold); one burst fires once. With `--state ' +
    'FILE` a window that spans two runs is still seen whole. Instance-profile sessions (EC2 ' +
    'credentials) are one level higher: their legitimate use is from the instance alone. ' +
    'Triage: the places in the finding, which of them the owner of the session recognises, and ' +
    'what the key did from the others.',
  falsePositives: [
    'A person whose laptop switches between office, VPN and mobile networks within the hour.',
    'Tools that proxy calls through several egress networks (configure their ranges as internal).',
  ],
  response: [
    'Revoke the session at once: for a role, deny sessions issued before now (AWSRevokeOlderSessions); for an instance role, also replace the instance’s credentials and require IMDSv2.',
    'List every call the key made from each place (CloudTrail by accessKeyId) and undo what the unknown places did.',
    'Find where the credentials were copied from: the instance (SSRF, a compromised process), a workstation, a CI log.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp.html',
    'https://aws.amazon.com/blogs/security/how-to-use-trust-policies-with-iam-roles/',
    'https://hackingthe.cloud/aws/avoiding-detection/steal-keys-undetected/',
  ],
  knobs,
  kind: 'threshold',
  on: { eventNames: '*' },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && isTemporaryKey(e);
  },
  key: (ev) => asApi(ev)?.actor.accessKeyId,
  value: (ev, ctx) => {
    const e = asApi(ev);
    return e === undefined ? undefined : placeOfCall(e, ctx.knobs);
  },
  facts: (ev) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    return { ...callerFacts(e), instance: instanceCredential(e) === undefined ? 0 : 1 };
  },
  windowMs: (ctx) => ctx.knobs.windowMinutes * MINUTE,
  threshold: (ctx) => ctx.knobs.threshold,
  priorityOf: (g, ctx) =>
    shift(basePriority(ctx, 'medium'), fact(g.last, 'instance') === '1' ? 1 : 0),
  summary: (g, ctx) => {
    const what = ctx.knobs.countBy === 'asn' ? 'networks' : 'addresses';
    const observed = figure(g, 'observed') ?? g.values.length;
    return (
      `session key ${maskKey(g.key)} of ${actorOf(g.last)} used from ${observed} ${what} within ` +
      `${figure(g, 'windowMinutes') ?? ctx.knobs.windowMinutes} minutes (${names(g.values, 5)}; ` +
      `threshold ${figure(g, 'threshold') ?? ctx.knobs.threshold}), first from ${placeOf(g.first)}, ` +
      `last from ${placeOf(g.last)}, over ${g.count} calls`
    );
  },
  examples: {
    fire: [
      {
        title: 'Instance credentials used in the VPC, then from two foreign networks',
        records: [
          instanceCall(0, 'DescribeInstances', '10.0.1.10'),
          instanceCall(14, 'GetCallerIdentity', '185.220.101.47'),
          instanceCall(15, 'ListBuckets', '185.220.101.47'),
          instanceCall(31, 'ListSecrets', '45.133.1.20'),
        ],
      },
      {
        title: 'Counting addresses: one session from three addresses of one network',
        config: {
          rules: { 'aws.credential.session-used-from-many-places': { knobs: { countBy: 'ip' } } },
        },
        records: [
          bobCall(0, '81.2.69.160'),
          bobCall(10, '81.2.69.161'),
          bobCall(20, '81.2.69.162'),
        ],
      },
    ],
    miss: [
      {
        title: 'Three addresses of one network, counted as networks',
        records: [
          bobCall(0, '81.2.69.160'),
          bobCall(10, '81.2.69.161'),
          bobCall(20, '81.2.69.162'),
        ],
      },
      {
        title: 'Two networks only (one short of the threshold)',
        records: [
          instanceCall(0, 'DescribeInstances', '10.0.1.10'),
          instanceCall(14, 'GetCallerIdentity', '185.220.101.47'),
          instanceCall(20, 'ListBuckets', '185.220.101.47'),
        ],
      },
      {
        title: 'Three networks spread over three hours (outside the window)',
        records: [
          instanceCall(0, 'DescribeInstances', '10.0.1.10'),
          instanceCall(70, 'GetCallerIdentity', '185.220.101.47'),
          instanceCall(140, 'ListSecrets', '45.133.1.20'),
        ],
      },
      {
        title: 'Calls AWS services make for the session do not count as places',
        records: [
          bobCall(0, '81.2.69.160'),
          bobCall(5, 'cloudformation.amazonaws.com', {
            ...IDENTITIES.role,
            invokedBy: 'cloudformation.amazonaws.com',
          }),
          bobCall(6, 'AWS Internal'),
          bobCall(9, '3.80.12.1'),
        ],
      },
    ],
  },
});
