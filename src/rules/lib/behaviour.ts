/**
 * Shared parts of the rules that watch behaviour over time (the stateful kinds) on CloudTrail:
 * which stable identity state is kept for (a role rather than its rotating sessions), the facts a
 * signal carries about the caller and its address, how a summary words those facts later (it sees
 * only a group's first and last signal, never the events), and the clock arithmetic their example
 * stories are built with. Everything here is pure and never throws on odd data.
 */
import type { ApiEvent, Event } from '../../model/event.js';
import { actorName, reqString, str } from '../lib.js';
import type { Group, Signal } from '../../engine/rule.js';
import { principalKey } from './principal-behaviour.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The API event behind a stateful rule's callback; flow events give undefined. */
export function apiEvent(e: Event): ApiEvent | undefined {
  return e.kind === 'api' ? e : undefined;
}

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

/** A fact of a signal as a string, or undefined. */
export function fact(s: Signal, name: string): string | undefined {
  const v = Object.hasOwn(s.facts, name) ? s.facts[name] : undefined;
  if (typeof v === 'number') return String(v);
  return v === undefined || v.length === 0 ? undefined : v;
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
  if (ms < MINUTE_MS) {
    const sec = Math.max(0, Math.round(ms / 1000));
    return `${sec} ${sec === 1 ? 'second' : 'seconds'}`;
  }
  if (ms < HOUR_MS) {
    const m = Math.max(0, Math.round(ms / MINUTE_MS));
    return `${m} ${m === 1 ? 'minute' : 'minutes'}`;
  }
  if (ms < 2 * DAY_MS) return `${round(ms / HOUR_MS)} hours`;
  return `${round(ms / DAY_MS)} days`;
}

/** `2026-01-02T03:04:05Z` shifted by `ms`, in CloudTrail's format (whole seconds, `Z`). */
export function timeAfter(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
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
