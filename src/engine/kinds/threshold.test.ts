import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../config/schema.js';
import { TrailhoundError } from '../../errors.js';
import { MemoryStore } from '../../state/memory.js';
import type { StateStore } from '../../state/store.js';
import { compileRules, type CompiledStatefulRule } from '../compile.js';
import { defineThresholdRule, knob, type Group, type Signal, type ThresholdRule } from '../rule.js';
import {
  dropIndex,
  MAX_GROUP_VALUES,
  SLACK,
  thresholdKind,
  type ThresholdState,
} from './threshold.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T10:00:00Z');
const ALICE = 'arn:aws:iam::111122223333:user/alice';

function rule(opts: { distinct?: boolean; windowMinutes?: number } = {}): ThresholdRule {
  return defineThresholdRule({
    id: 'aws.recon.test-burst',
    title: 'test burst',
    category: 'recon',
    row: 'REC-1',
    priority: 'medium',
    mitre: ['T1087.004'],
    description: 'd',
    falsePositives: [],
    response: [],
    references: [],
    examples: { fire: [], miss: [] },
    kind: 'threshold',
    on: { eventNames: '*' },
    knobs: { threshold: knob(z.number().int().min(1), 3, 'calls in the window') },
    key: (e) => (e.kind === 'api' ? e.actor.arn : undefined),
    ...(opts.distinct ? { value: (e) => (e.kind === 'api' ? e.eventName : undefined) } : {}),
    windowMs: () => (opts.windowMinutes ?? 10) * MIN,
    threshold: (ctx) => ctx.knobs.threshold,
    summary: (g) => `${g.key} made ${g.count} calls`,
  }) as ThresholdRule;
}

function compiled(r: ThresholdRule, knobs: Record<string, unknown> = {}) {
  const config = configSchema.parse({ rules: { [r.id]: { knobs } } });
  return compileRules([r], config).stateful[0] as CompiledStatefulRule & { rule: ThresholdRule };
}

interface Harness {
  observe(...signals: Signal[]): void;
  groups: Group[];
  stats: { evicted: number; late: number };
  store: StateStore;
}

function harness(
  r: ThresholdRule,
  opts: {
    store?: StateStore;
    maxEntities?: number;
    latenessMs?: number;
    maxEvidence?: number;
    knobs?: Record<string, unknown>;
  } = {},
): Harness {
  const groups: Group[] = [];
  const stats = { evicted: 0, late: 0 };
  const store = opts.store ?? new MemoryStore();
  const ev = thresholdKind({
    rule: compiled(r, opts.knobs),
    store,
    ns: r.id,
    maxEntities: opts.maxEntities ?? 1_000,
    latenessMs: opts.latenessMs ?? 30 * MIN,
    maxEvidence: opts.maxEvidence ?? 50,
    emit: (g) => groups.push(g),
    stats,
  });
  return {
    observe: (...signals) => {
      for (const s of signals) ev.observe(s);
      ev.finish();
    },
    groups,
    stats,
    store,
  };
}

let seq = 0;
/** A signal as signals.ts makes one from a CloudTrail record, `minute` minutes after T0. */
function sig(minute: number, opts: { key?: string; value?: string } = {}): Signal {
  const n = seq++;
  const s: Signal = {
    ruleId: 'aws.recon.test-burst',
    key: opts.key ?? ALICE,
    time: T0 + minute * MIN,
    facts: { sourceIp: '203.0.113.9' },
    eventId: `evt-${n}`,
    origin: { file: 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/x.json.gz', index: n },
    account: '111122223333',
    region: 'us-east-1',
    actor: { arn: opts.key ?? ALICE, type: 'IAMUser', sourceIp: '203.0.113.9' },
  };
  if (opts.value !== undefined) s.value = opts.value;
  return s;
}

const span = (g: Group) => [(g.first.time - T0) / MIN, (g.last.time - T0) / MIN];

describe('thresholdKind', () => {
  it('fires once the count reaches the threshold, and not below it', () => {
    const h = harness(rule());
    const [a, b, c] = [sig(0), sig(4), sig(9)];
    h.observe(a, b);
    expect(h.groups).toEqual([]);
    h.observe(c);
    expect(h.groups).toEqual([
      {
        key: ALICE,
        first: a,
        last: c,
        count: 3,
        values: [],
        figures: { threshold: 3, observed: 3, windowMinutes: 10 },
        eventIds: [a.eventId, b.eventId, c.eventId],
        origins: [a.origin, b.origin, c.origin],
      },
    ]);
  });

  it('takes the threshold from the configured knob', () => {
    const h = harness(rule(), { knobs: { threshold: 2 } });
    h.observe(sig(0), sig(1));
    expect(h.groups).toHaveLength(1);
    expect(h.groups[0]?.figures).toMatchObject({ threshold: 2, observed: 2 });
  });

  it('uses a half-open window: signals exactly one window apart are not in one window', () => {
    const h = harness(rule());
    h.observe(sig(0), sig(5), sig(10));
    expect(h.groups).toEqual([]);
    h.observe(sig(14));
    expect(h.groups.map(span)).toEqual([[5, 14]]);
  });

  it('keeps keys apart', () => {
    const h = harness(rule());
    h.observe(sig(0), sig(1, { key: 'bob' }), sig(2), sig(3, { key: 'bob' }));
    expect(h.groups).toEqual([]);
    h.observe(sig(4, { key: 'bob' }));
    expect(h.groups.map((g) => g.key)).toEqual(['bob']);
  });

  it('counts distinct values when the rule has a value', () => {
    const h = harness(rule({ distinct: true }));
    h.observe(
      sig(0, { value: 'ListUsers' }),
      sig(1, { value: 'ListUsers' }),
      sig(2, { value: 'ListUsers' }),
      sig(3, { value: 'ListRoles' }),
    );
    expect(h.groups).toEqual([]);
    h.observe(sig(4, { value: 'ListBuckets' }));
    expect(h.groups).toHaveLength(1);
    expect(h.groups[0]).toMatchObject({
      count: 5,
      values: ['ListUsers', 'ListRoles', 'ListBuckets'],
      figures: { threshold: 3, observed: 3, windowMinutes: 10 },
    });
  });

  it('keeps every distinct value when repeats of one value overflow the held signals', () => {
    const h = harness(rule({ distinct: true }));
    h.observe(sig(0, { value: 'ListUsers' }), sig(0.5, { value: 'ListRoles' }));
    for (let i = 0; i < 3 * SLACK; i++) h.observe(sig(1 + i / 100, { value: 'ListRoles' }));
    expect(h.groups).toEqual([]);
    h.observe(sig(3, { value: 'ListBuckets' }));
    expect(h.groups).toHaveLength(1);
    expect(h.groups[0]?.values).toEqual(['ListUsers', 'ListRoles', 'ListBuckets']);
  });

  it('gives one group per burst: no repeat while the window has not passed since the firing', () => {
    const h = harness(rule());
    for (let m = 0; m <= 12; m++) h.observe(sig(m));
    expect(h.groups.map(span)).toEqual([[0, 2]]);
  });

  it('fires again for a burst that goes on beyond the window, with no signal in common', () => {
    const h = harness(rule());
    for (let m = 0; m < 30; m++) h.observe(sig(m));
    // Fired at 2 (quiet until 12); the next window must start after 2, so ends after 12.
    expect(h.groups.map(span)).toEqual([
      [0, 2],
      [4, 13],
      [15, 24],
    ]);
    expect(h.groups.map((g) => g.count)).toEqual([3, 10, 10]);
  });

  it('fires again for a second burst after a quiet spell', () => {
    const h = harness(rule());
    h.observe(sig(0), sig(1), sig(2), sig(40), sig(41), sig(42));
    expect(h.groups.map(span)).toEqual([
      [0, 2],
      [40, 42],
    ]);
  });

  it('places out-of-order signals within the lateness bound by their event time', () => {
    const h = harness(rule());
    h.observe(sig(0), sig(20), sig(5));
    expect(h.groups).toEqual([]);
    h.observe(sig(8));
    expect(h.groups.map(span)).toEqual([[0, 8]]);
    expect(h.stats.late).toBe(0);
  });

  it('lets a late signal complete a window that ends at a signal seen before it', () => {
    const h = harness(rule());
    h.observe(sig(0), sig(9), sig(4));
    expect(h.groups.map(span)).toEqual([[0, 9]]);
    expect(h.groups[0]?.first.time).toBe(T0);
  });

  it('counts signals older than the newest time minus the lateness as late', () => {
    const h = harness(rule(), { latenessMs: 30 * MIN });
    h.observe(sig(0), sig(1), sig(100, { key: 'bob' }), sig(100));
    h.observe(sig(75, { key: 'carol' }));
    expect(h.stats.late).toBe(0);
    h.observe(sig(60, { key: 'carol' }));
    expect(h.stats.late).toBe(1);
    // Too late to be placed: its neighbours at 0 and 1 are gone, so no window can be completed.
    h.observe(sig(2));
    expect(h.stats.late).toBe(2);
    expect(h.groups).toEqual([]);
  });

  it('keeps per-key state bounded during a long burst', () => {
    const h = harness(rule(), { maxEvidence: 2 });
    for (let i = 0; i < 1_000; i++) h.observe(sig(i / 200));
    const st = h.store.get<ThresholdState>('aws.recon.test-burst', ALICE);
    expect(st?.held.length).toBeLessThanOrEqual(3 + SLACK);
    expect(h.groups).toHaveLength(1);
  });

  it('caps evidence at maxEvidence and listed values at MAX_GROUP_VALUES', () => {
    const h = harness(rule({ distinct: true }), { maxEvidence: 2, knobs: { threshold: 60 } });
    for (let i = 0; i < 60; i++) h.observe(sig(i / 10, { value: `secret-${i}` }));
    expect(h.groups).toHaveLength(1);
    const g = h.groups[0] as Group;
    expect(g.count).toBe(60);
    expect(g.figures).toMatchObject({ observed: 60 });
    expect(g.values).toHaveLength(MAX_GROUP_VALUES);
    expect(g.eventIds).toHaveLength(2);
    expect(g.origins).toHaveLength(2);
  });

  it('evicts the least recently used keys beyond maxEntities and counts them', () => {
    const h = harness(rule(), { maxEntities: 5 });
    for (let i = 0; i < 20; i++) h.observe(sig(i, { key: `user-${i}` }));
    expect(h.store.count('aws.recon.test-burst')).toBe(5);
    expect(h.stats.evicted).toBe(15);
    expect([...h.store.entries('aws.recon.test-burst')].map(([key]) => key)).toEqual([
      'user-15',
      'user-16',
      'user-17',
      'user-18',
      'user-19',
    ]);
  });

  it('keeps its state only in the store: a second evaluator on the same store goes on', () => {
    const store = new MemoryStore();
    harness(rule(), { store }).observe(sig(0), sig(1));
    const second = harness(rule(), { store });
    second.observe(sig(2));
    expect(second.groups.map(span)).toEqual([[0, 2]]);
  });

  it('gives the same groups for the same input, and keeps state that survives JSON', () => {
    const input: Signal[] = [];
    let x = 7;
    for (let i = 0; i < 400; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const jitter = (x % 7) - 3;
      input.push(
        sig(i / 4 + jitter, {
          key: `user-${x % 5}`,
          value: ['Get', 'List', 'Describe'][x % 3] as string,
        }),
      );
    }
    const run = (r: ThresholdRule) => {
      const h = harness(r, { maxEntities: 4 });
      h.observe(...input);
      return h;
    };
    for (const r of [rule(), rule({ distinct: true })]) {
      const a = run(r);
      const b = run(r);
      expect(a.groups.length).toBeGreaterThan(0);
      expect(b.groups).toEqual(a.groups);
      expect(b.stats).toEqual(a.stats);
      for (const [, value] of a.store.entries('aws.recon.test-burst')) {
        expect(JSON.parse(JSON.stringify(value))).toEqual(value);
      }
    }
  });

  it('refuses a threshold below 1 or a window that is not positive', () => {
    const base = rule();
    const bad = (r: Partial<ThresholdRule>) => () => harness({ ...base, ...r } as ThresholdRule);
    expect(bad({ threshold: () => 0 })).toThrow(TrailhoundError);
    expect(bad({ threshold: () => 2.5 })).toThrow(TrailhoundError);
    expect(bad({ windowMs: () => 0 })).toThrow(TrailhoundError);
    expect(bad({ windowMs: () => Number.NaN })).toThrow(TrailhoundError);
  });
  it('lets go of keys whose signals have all aged out, keeping only the active ones', () => {
    // One burst per session key: 2,000 keys over 2,000 minutes, each quiet after its own minute.
    const h = harness(rule(), { maxEntities: 100_000 });
    for (let m = 0; m < 2_000; m++) h.observe(sig(m, { key: `session-${m}` }));
    // Held for at most window (10) + lateness (30) minutes, swept once event time has moved on by
    // as much again: at most ~80 minutes of keys remain, not 2,000, and none was evicted.
    expect(h.store.count('aws.recon.test-burst')).toBeLessThanOrEqual(81);
    expect(h.stats.evicted).toBe(0);
    // A key that returns after expiry starts afresh and still fires on a burst.
    h.observe(sig(2_001, { key: 'session-5' }), sig(2_002, { key: 'session-5' }));
    expect(h.groups).toHaveLength(0);
    h.observe(sig(2_003, { key: 'session-5' }));
    expect(h.groups).toHaveLength(1);
  });
});

describe('dropIndex', () => {
  /** The oldest index whose value occurs again later, by brute force; 0 when none does. */
  const reference = (values: (string | undefined)[]): number => {
    for (let i = 0; i < values.length; i++) if (values.indexOf(values[i], i + 1) !== -1) return i;
    return 0;
  };
  const held = (values: (string | undefined)[]) =>
    values.map((value, i) => {
      const h = { ...sig(i) } as Partial<Signal>;
      delete h.ruleId;
      delete h.key;
      if (value === undefined) delete h.value;
      else h.value = value;
      return h as Omit<Signal, 'ruleId' | 'key'>;
    });

  it('drops the oldest signal whose value occurs again, else the oldest', () => {
    expect(dropIndex(held(['a', 'b', 'a']), true)).toBe(0);
    expect(dropIndex(held(['a', 'b', 'c', 'b']), true)).toBe(1);
    expect(dropIndex(held(['a', 'b', 'c']), true)).toBe(0);
    expect(dropIndex(held(['a', 'b', 'c']), false)).toBe(0);
    // Counting signals, always the oldest.
    expect(dropIndex(held(['a', 'b', 'b']), false)).toBe(0);
  });

  it('agrees with a brute-force search on random lists', () => {
    let x = 7;
    const next = () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let round = 0; round < 500; round++) {
      const length = 1 + (next() % 40);
      const kinds = 1 + (next() % 12);
      const values = Array.from({ length }, () => {
        const v = next() % (kinds + 1);
        return v === kinds ? undefined : `v${v}`;
      });
      expect(dropIndex(held(values), true)).toBe(reference(values));
    }
  });
});
