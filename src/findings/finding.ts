/**
 * The finding: trailhound's output contract (DESIGN.md, "Finding"). Rules never build findings
 * themselves; the engine emits `Hit`s (one per matching event, or one per fired group for stateful
 * kinds) and `buildFindings` groups them by rule, key and window into findings with stable ids.
 */
import type { Priority } from '../config/schema.js';
import type { Category, Row } from '../engine/rule.js';
import type { Origin } from '../model/event.js';

export interface FindingActor {
  arn?: string;
  type?: string;
  accessKeyId?: string;
  sourceIp?: string;
  userAgent?: string;
}

/** One rule firing on one event (or one stateful group), as sent from a worker. Plain data. */
export interface Hit {
  ruleId: string;
  key: string;
  priority: Priority;
  summary: string;
  /** Event time of the first contributing event, epoch ms. */
  time: number;
  /** Event time of the last contributing event (stateful groups), epoch ms. */
  lastTime?: number;
  /** Number of events this hit stands for (1 for match rules). */
  count: number;
  eventIds: string[];
  origins: Origin[];
  account: string | undefined;
  region: string | undefined;
  actor: FindingActor;
  figures?: Record<string, number | string>;
  /**
   * Actions of the contributing events as `service:EventName` (`iam:CreateUser`; the service is the
   * event source without `.amazonaws.com`). Set by match rules on API events; absent when unknown
   * (stateful groups, flows), which approved-change correlation treats as "not known to be allowed".
   */
  actions?: string[];
}

/**
 * An approved change or deploy run a finding only partly falls inside: the principal matches and
 * the times overlap, but some events are outside the window or do actions the ticket does not
 * allow (or the actions are unknown). The finding keeps its priority and names the ticket.
 */
export interface FindingChange {
  /** `change` for an approved-change ticket, `deploy` for a CI/CD deploy run. */
  by: 'change' | 'deploy';
  /** Ticket id (`CHG-123`), or `<pipeline>#<run>` for a deploy run. */
  ticket: string;
  overlap: 'partial';
  /** What lies outside the ticket, e.g. "actions not allowed: iam:AttachUserPolicy". */
  reason: string;
}

export interface Finding {
  id: string;
  rule: { id: string; title: string };
  matrix: { category: Category; row: Row | null };
  priority: Priority;
  mitre: string[];
  time: { first: string; last: string };
  account: string | null;
  region: string | null;
  actor: FindingActor;
  summary: string;
  evidence: {
    count: number;
    eventIds: string[];
    origins: string[];
    /** Set when more events contributed than `eventIds` lists. */
    truncated?: boolean;
    figures?: Record<string, number | string>;
    /**
     * Distinct actions of the events (`iam:CreateUser`), sorted. Only when every event's action is
     * known (match rules) and there are at most `maxEvidence` of them; absent otherwise.
     */
    actions?: string[];
  };
  /** What the rule assumed because the configuration did not say (omitted when nothing). */
  assumptions?: string[];
  /**
   * Why the finding is suppressed (marked, still written with `--show-suppressed` and counted), or
   * null. `by`: `suppression` (a configured entry; `reason`, and `ticket` when the entry names one),
   * `change` (inside an approved-change ticket; `ticket`) or `deploy` (inside a CI/CD deploy run;
   * `ticket` is `<pipeline>#<run>`).
   */
  suppressed: null | { by: string; reason?: string; ticket?: string };
  /** Approved changes and deploy runs the finding only partly overlaps (omitted when none). */
  changes?: FindingChange[];
}
