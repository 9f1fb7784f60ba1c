/**
 * Shared parts of the rules that watch behaviour over time (the stateful kinds) on CloudTrail:
 * which stable identity state is kept for (a role rather than its rotating sessions), the facts a
 * signal carries about the caller and its address, how a summary words those facts later (it sees
 * only a group's first and last signal, never the events), and the clock arithmetic their example
 * stories are built with. Time units, `asApi`, `fact` and `isoAfter` are principal-behaviour.ts's,
 * re-exported so the rules that use this module import from one place. Everything here is pure
 * and never throws on odd data.
 */
import type { ApiEvent } from '../../model/event.js';
import { actorName, reqString, str } from '../lib.js';
import type { Group, Signal } from '../../engine/rule.js';
import { DAY, fact, HOUR, MINUTE, principalKey } from './principal-behaviour.js';

export { asApi, DAY, fact, HOUR, isoAfter, MINUTE } from './principal-behaviour.js';

/**
 * The identity that stays the same across a principal's sessions, for keys of state that must
 * outlive one set of credentials: `principalKey` of principal-behaviour.ts, so every stateful rule
 * means the same by "principal" (the role for assumed roles, except the person's own session ARN
 * for shared IAM Identity Center roles; the user, root or federated-user ARN otherwise). Undefined
 * for AWS services and for identities CloudTrail names only by account (`AWSAccount`, the role
 * side of a cross-account call), whose principal ids would make a second name for one caller.
 */
export function stablePrincipal(e: ApiEvent): string | undefined {
  switch (e.actor.type) {
    case 'AssumedRole':
    case 'IAMUser':
    case 'Root':
    case 'FederatedUser':
      return e.actor.arn === undefined ? undefined : principalKey(e);
    default:
      return undefined;
  }
}

/** `AKIA…7Q`: enough of an access key id to tell keys apart in a summary. */
export function maskKey(id: string): string {
  return id.length <= 8 ? id : `${id.slice(0, 4)}…${id.slice(-2)}`;
}

/** A fact of a signal as a number, or undefined. */
export function numFact(s: Signal, name: string): number | undefined {
  const v = Object.hasOwn(s.facts, name) ? s.facts[name] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A figure of a group as a number, or undefined. */
export function figure(g: Group, name: string): number | undefined {
  const v = Object.hasOwn(g.figures, name) ? g.figures[name] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * What a signal keeps of the caller: `actor` (its name as summaries write it: the ARN, with the
 * session name for roles) and, from enrichment, the address with its class, country and network.
 */
export function callerFacts(e: ApiEvent): Record<string, string | number> {
  const f: Record<string, string | number> = { actor: actorName(e) };
  if (e.sourceIp !== undefined) f.ip = e.sourceIp;
  const s = e.source;
  if (s !== undefined) {
    f.class = s.class;
    if (s.country !== undefined) f.country = s.country;
    if (s.asn !== undefined) f.asn = s.asn;
    if (s.asOrg !== undefined) f.asOrg = s.asOrg;
  }
  return f;
}

/** The actor a signal recorded, for summaries. */
export function actorOf(s: Signal): string {
  return fact(s, 'actor') ?? s.actor.arn ?? 'an unknown principal';
}

/**
 * `203.0.113.9 (NL, AS1234 Example BV)` from a signal's facts, as `describeSource` words an
 * event's address: its class when enrichment knew no country or network (`10.0.1.10 (private
 * address)`), the bare address when the event was not enriched.
 */
export function placeOf(s: Signal): string {
  const ip = fact(s, 'ip') ?? 'an unknown address';
  const parts: string[] = [];
  const country = fact(s, 'country');
  if (country !== undefined) parts.push(country);
  const asn = numFact(s, 'asn');
  if (asn !== undefined) {
    const org = fact(s, 'asOrg');
    parts.push(org === undefined ? `AS${asn}` : `AS${asn} ${org}`);
  }
  const cls = fact(s, 'class');
  if (parts.length === 0 && cls !== undefined) parts.push(`${cls} address`);
  return parts.length === 0 ? ip : `${ip} (${parts.join(', ')})`;
}

/** `40 seconds`, `12 minutes`, `3.5 hours`, `143 days`: a span of event time in words. */
export function span(ms: number): string {
  const round = (x: number): string => String(Math.round(x * 10) / 10);
  if (ms < MINUTE) {
    const sec = Math.max(0, Math.round(ms / 1000));
    return `${sec} ${sec === 1 ? 'second' : 'seconds'}`;
  }
  if (ms < HOUR) {
    const m = Math.max(0, Math.round(ms / MINUTE));
    return `${m} ${m === 1 ? 'minute' : 'minutes'}`;
  }
  if (ms < 2 * DAY) return `${round(ms / HOUR)} hours`;
  return `${round(ms / DAY)} days`;
}

/**
 * The role an AssumeRole names: from the request, else from `resources`, else from the error
 * message. A denied AssumeRole is logged with `requestParameters: null` and no resources; only its
 * message ("… is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::…:role/x")
 * names the role.
 */
export function assumedRoleArn(e: ApiEvent): string | undefined {
  const fromRequest = reqString(e, 'roleArn');
  if (fromRequest !== undefined) return fromRequest;
  for (const r of e.resources) {
    if (str(r, 'type') === 'AWS::IAM::Role') {
      const arn = str(r, 'ARN');
      if (arn !== undefined) return arn;
    }
  }
  const m = /on resource: (arn:aws[\w-]*:iam::\d{12}:role\/\S+)/.exec(e.errorMessage ?? '');
  return m?.[1];
}
