/**
 * The shape of a rule. A rule is data (metadata, the events it listens to, its knobs and labelled
 * examples) plus a few small pure functions. Each detection kind declares only the fields it needs;
 * `match` rules look at one event at a time, the stateful kinds (`threshold`, `firstSeen`,
 * `dormancy`, `sequence`, `baseline`, `beacon`) look at behaviour over event time through the
 * engine's state store.
 */
import type { z } from 'zod';
import type { Organisation, Priority } from '../config/schema.js';
import type { ApiEvent, Event, FlowEvent, JsonObject } from '../model/event.js';

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
export type Example = { title: string; config?: Record<string, unknown> } & (
  { record: JsonObject } | { flow: string; header?: string }
);

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
 * What the stateful kinds see when they fire: the key they grouped on, the window, the count and a
 * capped list of contributing events, and the figures that triggered them (threshold and observed
 * value, baseline and spike).
 */
export interface Group<E extends Event = Event> {
  key: string;
  first: number;
  last: number;
  count: number;
  events: readonly E[];
  figures: Readonly<Record<string, number | string>>;
}

interface StatefulBase<K extends Knobs, E extends Event> extends RuleMeta<K> {
  on: ApiSelector | 'flow';
  /** Narrows the selected events further; all selected events when omitted. */
  filter?(e: E, ctx: RuleContext<K>): boolean;
  key(e: E, ctx: RuleContext<K>): string | undefined;
  summary(group: Group<E>, ctx: RuleContext<K>): string;
}

/** A count (or count of distinct values) per key in a sliding event-time window. */
export interface ThresholdRule<
  K extends Knobs = Knobs,
  E extends Event = Event,
> extends StatefulBase<K, E> {
  kind: 'threshold';
  windowMs: number;
  threshold: number;
  distinct?(e: E, ctx: RuleContext<K>): string | undefined;
}

/** A tuple seen for the first time after a learning period. */
export interface FirstSeenRule<
  K extends Knobs = Knobs,
  E extends Event = Event,
> extends StatefulBase<K, E> {
  kind: 'firstSeen';
  learningMs: number;
}

/** An entity active again after at least `dormantMs` without activity. */
export interface DormancyRule<
  K extends Knobs = Knobs,
  E extends Event = Event,
> extends StatefulBase<K, E> {
  kind: 'dormancy';
  dormantMs: number;
}

/** Several named signals joined on a key within a window, ordered when `ordered` is set. */
export interface SequenceRule<
  K extends Knobs = Knobs,
  E extends Event = Event,
> extends StatefulBase<K, E> {
  kind: 'sequence';
  windowMs: number;
  ordered: boolean;
  steps: readonly {
    name: string;
    on: ApiSelector | 'flow';
    when(e: E, ctx: RuleContext<K>): boolean;
  }[];
}

/** A per-entity numeric series compared with its own robust history. */
export interface BaselineRule<
  K extends Knobs = Knobs,
  E extends Event = Event,
> extends StatefulBase<K, E> {
  kind: 'baseline';
  bucketMs: number;
  value(e: E, ctx: RuleContext<K>): number;
  minHistory: number;
  deviations: number;
}

/** Periodic contact from one source to one destination. */
export interface BeaconRule<K extends Knobs = Knobs> extends StatefulBase<K, FlowEvent> {
  kind: 'beacon';
  minContacts: number;
  maxJitter: number;
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
export function knob<T>(schema: z.ZodType<T>, defaultValue: T, description: string): Knob<T> {
  return { default: defaultValue, description, schema };
}
