/**
 * The shape of a rule. A rule is data (metadata, the events it listens to, its knobs and labelled
 * examples) plus a few small pure functions. Each detection kind declares only the fields it needs;
 * `match` rules look at one event at a time, the stateful kinds (`threshold`, `firstSeen`,
 * `dormancy`, `sequence`, `baseline`, `beacon`) look at behaviour over event time through the
 * engine's state store.
 */
import type { z } from 'zod';
import type { Organisation, Priority } from '../config/schema.js';
import type { FindingActor } from '../findings/finding.js';
import type { ApiEvent, Event, FlowEvent, JsonObject, Origin } from '../model/event.js';

export const CATEGORIES = [
  'iam',
  'network',
  'data',
  'compute',
  'evasion',
  'recon',
  'persistence',
  'time-geo',
  'credential',
  'cross-account',
  'service-misuse',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The rows of the threat matrix, each with the category it belongs to. */
export const ROWS = {
  'IAM-1': 'iam',
  'IAM-2': 'iam',
  'IAM-3': 'iam',
  'NET-1': 'network',
  'NET-2': 'network',
  'NET-3': 'network',
  'DATA-1': 'data',
  'DATA-2': 'data',
  'COMP-1': 'compute',
  'COMP-2': 'compute',
  'EVA-1': 'evasion',
  'EVA-2': 'evasion',
  'REC-1': 'recon',
  'PER-1': 'persistence',
  'PER-2': 'persistence',
  'PER-3': 'persistence',
  'GEO-1': 'time-geo',
  'CRED-1': 'credential',
  'XACCT-1': 'cross-account',
  'SVC-1': 'service-misuse',
} as const satisfies Record<string, Category>;
export type Row = keyof typeof ROWS;

/** A tuning value: its default, what it means, and how an override from config is validated. */
export interface Knob<T> {
  default: T;
  description: string;
  schema: z.ZodType<T>;
}
export type Knobs = Record<string, Knob<unknown>>;
export type KnobValues<K extends Knobs> = { [P in keyof K]: K[P]['default'] };

/** What every rule function receives besides the event. */
export interface RuleContext<K extends Knobs = Knobs> {
  knobs: KnobValues<K>;
  org: Organisation;
  /**
   * The rule's priority after configuration overrides. `priorityOf` starts from this (raising or
   * lowering it per event) so that re-prioritising a rule in config still takes effect.
   */
  priority?: Priority;
  /** Names of the configured threat-intelligence lists (`intel.lists[].name`). */
  intelLists?: readonly string[];
}

/**
 * A labelled example: a record exactly as AWS logs it (a CloudTrail record, or one flow-log line
 * with the header of its file; the default v2 layout when `header` is omitted), and optionally the
 * configuration it is evaluated under (a partial config file, as YAML would give it).
 */
interface ExampleBase {
  title: string;
  config?: Record<string, unknown>;
}
export type Example =
  | (ExampleBase & { record: JsonObject })
  | (ExampleBase & { flow: string; header?: string })
  /** Stateful rules: the events of one story, in order (CloudTrail records or flow lines). */
  | (ExampleBase & { records: readonly JsonObject[] })
  | (ExampleBase & { flows: readonly string[]; header?: string });

export interface RuleMeta<K extends Knobs = Knobs> {
  /** `aws.<category>.<name>`, equal to the rule's path under `src/rules/`. */
  id: string;
  title: string;
  category: Category;
  /** The matrix row this rule implements, or null for detections beyond the seed matrix. */
  row: Row | null;
  priority: Priority;
  /** MITRE ATT&CK technique ids (`T1562.008`). */
  mitre: readonly string[];
  description: string;
  falsePositives: readonly string[];
  /** What a responder should do, in order. */
  response: readonly string[];
  references: readonly string[];
  knobs: K;
  /**
   * What the rule assumes because the configuration leaves something out (for example "no CI/CD
   * identities configured: every identity is treated as a person"). Computed once per run from the
   * configuration; each finding of the rule carries these so a responder knows what to tune.
   */
  assumptions?(ctx: RuleContext<K>): string[];
  /** Records that must fire (`fire`) and near misses that must not (`miss`). */
  examples: { fire: readonly Example[]; miss: readonly Example[] };
}

/** Which CloudTrail events a rule can match; the engine indexes rules by these. */
export interface ApiSelector {
  /** Event sources (`cloudtrail.amazonaws.com`); any when omitted. */
  eventSource?: readonly string[];
  /** Event names without version suffix, or `'*'` for every API event. */
  eventNames: readonly string[] | '*';
}

export interface ApiMatchRule<K extends Knobs = Knobs> extends RuleMeta<K> {
  kind: 'match';
  on: ApiSelector;
  match(e: ApiEvent, ctx: RuleContext<K>): boolean;
  /** A priority for this event other than the rule's own (for example, higher for admin ports). */
  priorityOf?(e: ApiEvent, ctx: RuleContext<K>): Priority;
  /** The deduplication key; by default the acting principal. */
  key?(e: ApiEvent, ctx: RuleContext<K>): string;
  /** One sentence naming who did what to what, where. */
  summary(e: ApiEvent, ctx: RuleContext<K>): string;
}

export interface FlowMatchRule<K extends Knobs = Knobs> extends RuleMeta<K> {
  kind: 'match';
  on: 'flow';
  match(e: FlowEvent, ctx: RuleContext<K>): boolean;
  priorityOf?(e: FlowEvent, ctx: RuleContext<K>): Priority;
  key?(e: FlowEvent, ctx: RuleContext<K>): string;
  summary(e: FlowEvent, ctx: RuleContext<K>): string;
}

/**
 * What a stateful rule keeps of one event. Computed where the event is (in a worker thread) by the
 * rule's own functions, and small enough to cross threads: the stateful stage, which owns all
 * state, never sees whole events. `facts` are the few values a summary needs later (the source
 * address and its country, the instance type, …).
 */
export interface Signal {
  ruleId: string;
  /** The entity state is kept for (a principal, a key pair, a source → destination pair). */
  key: string;
  /** Event time, epoch ms. */
  time: number;
  /** threshold: the value counted distinctly; firstSeen: the value whose first use is news;
   * dormancy: unused; beacon: unused. */
  value?: string;
  /** baseline: the amount added to the entity's series (1 for a count, bytes for volume). */
  amount?: number;
  /** sequence: names of the steps this event satisfies. */
  steps?: string[];
  facts: Record<string, string | number>;
  /**
   * Set when this signal stands for several events of one file folded together by the worker (see
   * `createSignalBatcher`): how many (default 1) and the latest event time among them.
   */
  n?: number;
  until?: number;
  eventId?: string;
  origin: Origin;
  account?: string;
  region?: string;
  actor: FindingActor;
}

/**
 * What a stateful rule describes when it fires: the key, the first and last contributing signals,
 * how many contributed, the distinct values seen (capped), and the figures that triggered it
 * (threshold and observed value, baseline and spike, days dormant, …).
 */
export interface Group {
  key: string;
  first: Signal;
  last: Signal;
  count: number;
  values: readonly string[];
  figures: Readonly<Record<string, number | string>>;
  /** Contributing event ids and origins, capped at `findings.maxEvidence`. */
  eventIds: readonly string[];
  origins: readonly Origin[];
}

interface StatefulBase<K extends Knobs> extends RuleMeta<K> {
  on: ApiSelector | 'flow';
  /** Narrows the selected events further; all selected events when omitted. */
  filter?(e: Event, ctx: RuleContext<K>): boolean;
  /** The entity; an event with no key (undefined) is not tracked. */
  key(e: Event, ctx: RuleContext<K>): string | undefined;
  /** Values for the summary, taken from the event while it is at hand. */
  facts?(e: Event, ctx: RuleContext<K>): Record<string, string | number>;
  /** A priority for this group other than the rule's own. */
  priorityOf?(group: Group, ctx: RuleContext<K>): Priority;
  /** One sentence naming who did what, stating the evidence. */
  summary(group: Group, ctx: RuleContext<K>): string;
}

/** A count, or a count of distinct `value`s, per key within a sliding event-time window. */
export interface ThresholdRule<K extends Knobs = Knobs> extends StatefulBase<K> {
  kind: 'threshold';
  /** The value counted distinctly; when omitted, events are counted. */
  value?(e: Event, ctx: RuleContext<K>): string | undefined;
  windowMs(ctx: RuleContext<K>): number;
  threshold(ctx: RuleContext<K>): number;
}

/**
 * A value seen for the first time for its key (a country for a principal, a role for a caller),
 * after a learning period in which values are recorded but not reported. The learning period runs
 * from the first event the rule ever saw (kept in state, so it carries across runs).
 */
export interface FirstSeenRule<K extends Knobs = Knobs> extends StatefulBase<K> {
  kind: 'firstSeen';
  value(e: Event, ctx: RuleContext<K>): string | undefined;
  learningMs(ctx: RuleContext<K>): number;
}

/** A key active again after at least `dormantMs` without activity. */
export interface DormancyRule<K extends Knobs = Knobs> extends StatefulBase<K> {
  kind: 'dormancy';
  dormantMs(ctx: RuleContext<K>): number;
}

/**
 * Several named steps by one key within a window. Unordered unless `ordered`; fires once all
 * steps are seen (in order, when ordered) with the first step no older than the window.
 */
export interface SequenceRule<K extends Knobs = Knobs> extends StatefulBase<K> {
  kind: 'sequence';
  ordered: boolean;
  /** Step names, in order when `ordered`. */
  stepNames: readonly string[];
  /** The steps an event satisfies (usually one). */
  steps(e: Event, ctx: RuleContext<K>): readonly string[];
  windowMs(ctx: RuleContext<K>): number;
}

/**
 * A per-key series of sums over fixed event-time buckets, compared with the key's own history by
 * robust statistics (median and median absolute deviation); nothing fires before `minHistory`
 * buckets of history.
 */
export interface BaselineRule<K extends Knobs = Knobs> extends StatefulBase<K> {
  kind: 'baseline';
  amount(e: Event, ctx: RuleContext<K>): number;
  bucketMs(ctx: RuleContext<K>): number;
  minHistory(ctx: RuleContext<K>): number;
  /** How many MADs above the median a bucket must be to fire. */
  deviations(ctx: RuleContext<K>): number;
  /** A bucket below this total never fires, however unusual (avoids 0 → 3 "spikes"). */
  minAmount(ctx: RuleContext<K>): number;
}

/** Periodic contact from one source to one destination: regular intervals between contacts. */
export interface BeaconRule<K extends Knobs = Knobs> extends StatefulBase<K> {
  kind: 'beacon';
  minContacts(ctx: RuleContext<K>): number;
  /** Largest coefficient of variation of the intervals that still counts as periodic. */
  maxJitter(ctx: RuleContext<K>): number;
}

export type MatchRule<K extends Knobs = Knobs> = ApiMatchRule<K> | FlowMatchRule<K>;
export type StatefulRule<K extends Knobs = Knobs> =
  | ThresholdRule<K>
  | FirstSeenRule<K>
  | DormancyRule<K>
  | SequenceRule<K>
  | BaselineRule<K>
  | BeaconRule<K>;
export type Rule<K extends Knobs = Knobs> = MatchRule<K> | StatefulRule<K>;
export type RuleKind = Rule['kind'];

/** Type helpers so a rule file gets its knob types inferred. */
export function defineApiRule<K extends Knobs>(rule: ApiMatchRule<K>): ApiMatchRule<K> {
  return rule;
}
export function defineFlowRule<K extends Knobs>(rule: FlowMatchRule<K>): FlowMatchRule<K> {
  return rule;
}
export function defineThresholdRule<K extends Knobs>(rule: ThresholdRule<K>): ThresholdRule<K> {
  return rule;
}
export function defineFirstSeenRule<K extends Knobs>(rule: FirstSeenRule<K>): FirstSeenRule<K> {
  return rule;
}
export function defineDormancyRule<K extends Knobs>(rule: DormancyRule<K>): DormancyRule<K> {
  return rule;
}
export function defineSequenceRule<K extends Knobs>(rule: SequenceRule<K>): SequenceRule<K> {
  return rule;
}
export function defineBaselineRule<K extends Knobs>(rule: BaselineRule<K>): BaselineRule<K> {
  return rule;
}
export function defineBeaconRule<K extends Knobs>(rule: BeaconRule<K>): BeaconRule<K> {
  return rule;
}
export function knob<T>(schema: z.ZodType<T>, defaultValue: T, description: string): Knob<T> {
  return { default: defaultValue, description, schema };
}
