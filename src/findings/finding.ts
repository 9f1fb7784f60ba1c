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
  };
  /** What the rule assumed because the configuration did not say (omitted when nothing). */
  assumptions?: string[];
  suppressed: null | { by: string; reason?: string; ticket?: string };
}
