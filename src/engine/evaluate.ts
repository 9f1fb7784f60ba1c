/**
 * Evaluating match rules against one event. A rule function that throws on odd data does not stop
 * the run: the failure is returned as a problem naming the rule and the record, and the other rules
 * still see the event.
 */
import type { Priority } from '../config/schema.js';
import type { FindingActor, Hit } from '../findings/finding.js';
import type { ApiEvent, Event, FlowEvent } from '../model/event.js';
import type { CompiledApiRule, CompiledFlowRule, CompiledRuleSet } from './compile.js';

export interface RuleFailure {
  ruleId: string;
  event: Event;
  message: string;
}

/** The actor fields a finding carries, taken from an API event. */
export function apiActor(e: ApiEvent): FindingActor {
  const a: FindingActor = {};
  const arn = e.actor.arn ?? e.actor.principalId;
  if (arn !== undefined) a.arn = arn;
  if (e.actor.type !== undefined) a.type = e.actor.type;
  if (e.actor.accessKeyId !== undefined) a.accessKeyId = e.actor.accessKeyId;
  if (e.sourceIp !== undefined) a.sourceIp = e.sourceIp;
  if (e.userAgent !== undefined) a.userAgent = e.userAgent;
  return a;
}

/** The default deduplication key of an API event: the acting principal, not its address. */
export function defaultApiKey(e: ApiEvent): string {
  return e.actor.arn ?? e.actor.principalId ?? e.actor.accessKeyId ?? 'unknown-principal';
}

function flowActor(e: FlowEvent): FindingActor {
  const a: FindingActor = {};
  if (e.srcAddr !== undefined) a.sourceIp = e.srcAddr;
  return a;
}

/**
 * The action an API event performed, as `service:EventName` (`iam:CreateUser`), the form
 * approved-change tickets allow actions in.
 */
export function apiAction(e: ApiEvent): string {
  return `${e.eventSource.replace(/\.amazonaws\.com$/i, '')}:${e.eventName}`;
}

function apiHit(c: CompiledApiRule, e: ApiEvent): Hit {
  const { rule, ctx } = c;
  const priority: Priority = rule.priorityOf?.(e, ctx) ?? c.priority;
  return {
    ruleId: rule.id,
    key: rule.key?.(e, ctx) ?? defaultApiKey(e),
    priority,
    summary: rule.summary(e, ctx),
    time: e.time,
    count: 1,
    eventIds: e.eventId === undefined ? [] : [e.eventId],
    origins: [e.origin],
    account: e.account,
    region: e.region,
    actor: apiActor(e),
    actions: [apiAction(e)],
  };
}

function flowHit(c: CompiledFlowRule, e: FlowEvent): Hit {
  const { rule, ctx } = c;
  return {
    ruleId: rule.id,
    key: rule.key?.(e, ctx) ?? e.srcAddr ?? 'unknown-source',
    priority: rule.priorityOf?.(e, ctx) ?? c.priority,
    summary: rule.summary(e, ctx),
    time: e.time,
    count: 1,
    eventIds: [],
    origins: [e.origin],
    account: e.account,
    region: e.region,
    actor: flowActor(e),
  };
}

/** Runs every match rule that can see `e`; pushes hits and failures into the given arrays. */
export function evaluateMatch(
  set: CompiledRuleSet,
  e: Event,
  hits: Hit[],
  failures: RuleFailure[],
): void {
  if (e.kind === 'api') {
    for (const c of set.apiRulesFor(e)) {
      try {
        if (c.rule.match(e, c.ctx)) hits.push(apiHit(c, e));
      } catch (err) {
        failures.push({ ruleId: c.rule.id, event: e, message: errorMessage(err) });
      }
    }
  } else {
    for (const c of set.flowRules) {
      try {
        if (c.rule.match(e, c.ctx)) hits.push(flowHit(c, e));
      } catch (err) {
        failures.push({ ruleId: c.rule.id, event: e, message: errorMessage(err) });
      }
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
