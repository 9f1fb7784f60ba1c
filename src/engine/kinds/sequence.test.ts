import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../config/schema.js';
import { MemoryStore } from '../../state/memory.js';
import type { StateStore } from '../../state/store.js';
import { compileRules, type CompiledStatefulRule } from '../compile.js';
import {
  defineSequenceRule,
  knob,
  type Group,
  type Rule,
  type SequenceRule,
  type Signal,
} from '../rule.js';
import { PER_STEP, sequenceKind, type SequenceState } from './sequence.js';
import type { KindContext } from './types.js';

const ID = 'aws.iam.test-backdoor-sequence';
const T0 = Date.parse('2026-03-02T10:00:00Z');
const MIN = 60_000;
const FILE =
  'AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/02/111111111111_CloudTrail_us-east-1_20260302T1000Z_a1b2.json.gz';

function sequenceRule(ordered: boolean): SequenceRule {
  return defineSequenceRule({
    id: ID,
    title: 'Backdoor user sequence',
    category: 'iam',
    row: 'IAM-2',
    priority: 'high',
    mitre: ['T1136.003'],
    description: 'test rule',
    falsePositives: [],
    response: [],
    references: [],
    examples: { fire: [], miss: [] },
    kind: 'sequence',
    on: {
      eventSource: ['iam.amazonaws.com'],
      eventNames: ['CreateUser', 'CreateAccessKey', 'AttachUserPolicy'],
    },
    knobs: { windowMinutes: knob(z.number().int().min(1), 60, 'window in minutes') },
    ordered,
    stepNames: ['create-user', 'create-key', 'attach-admin'],
    steps: () => [],
    key: () => undefined,
    summary: (g) => `${g.key} created a backdoor user`,
    windowMs: (ctx) => ctx.knobs.windowMinutes * MIN,
  }) as SequenceRule;
}

interface Options {
  ordered?: boolean;
  windowMinutes?: number;
  maxEntities?: number;
  latenessMs?: number;
  maxEvidence?: number;
  store?: StateStore;
}

function harness(o: Options = {}) {
  const rule = sequenceRule(o.ordered ?? false);
  const config = configSchema.parse(
    o.windowMinutes === undefined
      ? {}
      : { rules: { [ID]: { knobs: { windowMinutes: o.windowMinutes } } } },
  );
  const compiled = compileRules([rule as Rule], config).stateful[0] as CompiledStatefulRule & {
    rule: SequenceRule;
  };
  const store = o.store ?? new MemoryStore();
  const groups: Group[] = [];
  const stats = { evicted: 0, late: 0 };
  const k: KindContext<SequenceRule> = {
    rule: compiled,
    store,
    ns: ID,
    maxEntities: o.maxEntities ?? 1_000,
    latenessMs: o.latenessMs ?? 30 * MIN,
    maxEvidence: o.maxEvidence ?? 50,
    emit: (g) => groups.push(g),
    stats,
  };
  const ev = sequenceKind(k);
  const run = (signals: readonly Signal[]): void => {
    for (const s of signals) ev.observe(s);
  };
  return { ev, groups, stats, store, run };
}

/** A signal as the worker side builds it from a CloudTrail record by user `key`. */
function sig(key: string, minutes: number, steps: string[], n: number): Signal {
  return {
    ruleId: ID,
    key,
    time: T0 + minutes * MIN,
    steps,
    facts: { user: key },
    eventId: `0f3c2a9e-0000-4000-8000-${String(n).padStart(12, '0')}`,
    origin: { file: FILE, index: n },
    account: '111111111111',
    region: 'us-east-1',
    actor: {
      arn: `arn:aws:iam::111111111111:user/${key}`,
      type: 'IAMUser',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      sourceIp: '203.0.113.9',
    },
  };
}
const eid = (n: number): string => `0f3c2a9e-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('sequence kind', () => {
  it('fires an unordered chain once every step is seen within the window, in any order', () => {
    const h = harness();
    h.run([
      sig('mallory', 0, ['attach-admin'], 1),
      sig('mallory', 5, ['create-user'], 2),
      sig('alice', 6, ['create-key'], 3),
    ]);
    expect(h.groups).toEqual([]);
    h.run([sig('mallory', 20, ['create-key'], 4)]);
    expect(h.groups).toHaveLength(1);
    const g = h.groups[0] as Group;
    expect(g.key).toBe('mallory');
    expect(g.first.eventId).toBe(eid(1));
    expect(g.first.ruleId).toBe(ID);
    expect(g.first.key).toBe('mallory');
    expect(g.last.eventId).toBe(eid(4));
    expect(g.count).toBe(3);
    expect(g.values).toEqual(['attach-admin', 'create-user', 'create-key']);
    expect(g.figures).toEqual({ steps: 3, windowMinutes: 60, spanMinutes: 20 });
    expect(g.eventIds).toEqual([eid(1), eid(2), eid(4)]);
    expect(g.origins).toEqual([
      { file: FILE, index: 1 },
      { file: FILE, index: 2 },
      { file: FILE, index: 4 },
    ]);
  });

  it('ordered: steps out of order do not fire, the same steps in order do', () => {
    const h = harness({ ordered: true });
    h.run([
      sig('mallory', 0, ['attach-admin'], 1),
      sig('mallory', 5, ['create-key'], 2),
      sig('mallory', 10, ['create-user'], 3),
    ]);
    expect(h.groups).toEqual([]);
    h.run([sig('mallory', 15, ['create-key'], 4)]);
    expect(h.groups).toEqual([]);
    h.run([sig('mallory', 20, ['attach-admin'], 5)]);
    expect(h.groups).toHaveLength(1);
    const g = h.groups[0] as Group;
    expect(g.values).toEqual(['create-user', 'create-key', 'attach-admin']);
    expect(g.eventIds).toEqual([eid(3), eid(4), eid(5)]);
    expect(g.figures.spanMinutes).toBe(10);
  });

  it('ordered: steps at the same event time count as in order', () => {
    const h = harness({ ordered: true });
    h.run([
      sig('mallory', 0, ['create-user'], 1),
      sig('mallory', 0, ['create-key'], 2),
      sig('mallory', 0, ['attach-admin'], 3),
    ]);
    expect(h.groups).toHaveLength(1);
    expect((h.groups[0] as Group).values).toEqual(['create-user', 'create-key', 'attach-admin']);
  });

  it('does not fire a chain spread over more than the window, and fires a later one that fits', () => {
    const h = harness({ ordered: true, windowMinutes: 60 });
    h.run([
      sig('mallory', 0, ['create-user'], 1),
      sig('mallory', 30, ['create-key'], 2),
      sig('mallory', 61, ['attach-admin'], 3),
    ]);
    expect(h.groups).toEqual([]);
    h.run([sig('mallory', 40, ['create-user'], 4)]);
    expect(h.groups).toEqual([]);
    h.run([sig('mallory', 45, ['create-key'], 5)]);
    expect(h.groups).toHaveLength(1);
    const g = h.groups[0] as Group;
    expect(g.eventIds).toEqual([eid(4), eid(5), eid(3)]);
    expect(g.figures).toEqual({ steps: 3, windowMinutes: 60, spanMinutes: 21 });
  });

  it('the window comes from the knob as configured', () => {
    const h = harness({ windowMinutes: 10 });
    h.run([
      sig('mallory', 0, ['create-user'], 1),
      sig('mallory', 6, ['create-key'], 2),
      sig('mallory', 11, ['attach-admin'], 3),
    ]);
    expect(h.groups).toEqual([]);
    h.run([sig('mallory', 12, ['create-user'], 4)]);
    expect(h.groups).toHaveLength(1);
    expect((h.groups[0] as Group).figures.windowMinutes).toBe(10);
  });

  it('ordered: a step-1 signal arriving after step 2 but earlier in event time completes the chain', () => {
    const h = harness({ ordered: true, latenessMs: 30 * MIN });
    h.run([sig('mallory', 10, ['create-key'], 2), sig('mallory', 20, ['attach-admin'], 3)]);
    expect(h.groups).toEqual([]);
    h.run([sig('mallory', 5, ['create-user'], 1)]);
    expect(h.groups).toHaveLength(1);
    const g = h.groups[0] as Group;
    expect(g.first.eventId).toBe(eid(1));
    expect(g.last.eventId).toBe(eid(3));
    expect(g.values).toEqual(['create-user', 'create-key', 'attach-admin']);
    expect(h.stats.late).toBe(0);
  });

  it('counts a signal older than the lateness bound as late, and still uses it', () => {
    const h = harness({ ordered: true, latenessMs: 10 * MIN });
    h.run([sig('mallory', 25, ['create-key'], 2), sig('mallory', 30, ['attach-admin'], 3)]);
    h.run([sig('mallory', 5, ['create-user'], 1)]);
    expect(h.stats.late).toBe(1);
    expect(h.groups).toHaveLength(1);
    expect((h.groups[0] as Group).figures.spanMinutes).toBe(25);
  });

  it('does not fire the same chain twice, and fires a new complete chain', () => {
    const h = harness();
    h.run([
      sig('mallory', 0, ['create-user'], 1),
      sig('mallory', 1, ['create-key'], 2),
      sig('mallory', 2, ['attach-admin'], 3),
    ]);
    expect(h.groups).toHaveLength(1);
    expect(h.store.count(ID)).toBe(0);
    h.run([sig('mallory', 3, ['attach-admin'], 4), sig('mallory', 4, ['create-key'], 5)]);
    expect(h.groups).toHaveLength(1);
    h.run([sig('mallory', 5, ['create-user'], 6)]);
    expect(h.groups).toHaveLength(2);
    expect((h.groups[1] as Group).eventIds).toEqual([eid(4), eid(5), eid(6)]);
  });

  it('the same record seen twice is one candidate, not two', () => {
    const h = harness();
    const s = sig('mallory', 0, ['create-user'], 1);
    h.run([s, s]);
    expect(h.store.get<SequenceState>(ID, 'mallory')?.steps[0]).toHaveLength(1);
  });

  it('one signal never fills two steps of a chain', () => {
    const h = harness();
    h.run([sig('mallory', 0, ['create-user', 'create-key', 'attach-admin'], 1)]);
    expect(h.groups).toEqual([]);
    h.run([sig('mallory', 1, ['create-key'], 2)]);
    expect(h.groups).toEqual([]);
    h.run([sig('mallory', 2, ['attach-admin'], 3)]);
    expect(h.groups).toHaveLength(1);
    const g = h.groups[0] as Group;
    expect(g.count).toBe(3);
    expect(new Set(g.eventIds).size).toBe(3);
  });

  it('caps evidence at maxEvidence while counting every contributing signal', () => {
    const h = harness({ maxEvidence: 2 });
    h.run([
      sig('mallory', 0, ['create-user'], 1),
      sig('mallory', 1, ['create-key'], 2),
      sig('mallory', 2, ['attach-admin'], 3),
    ]);
    const g = h.groups[0] as Group;
    expect(g.count).toBe(3);
    expect(g.eventIds).toEqual([eid(1), eid(2)]);
    expect(g.origins).toHaveLength(2);
  });

  it('ignores step names the rule does not declare', () => {
    const h = harness();
    h.run([sig('mallory', 0, ['delete-user'], 1)]);
    expect(h.store.count(ID)).toBe(0);
  });

  it('keeps at most a few candidates per step, and none that can no longer join a chain', () => {
    const h = harness({ latenessMs: 10 * MIN, windowMinutes: 60 });
    const signals: Signal[] = [];
    for (let i = 0; i < 20; i++) signals.push(sig('mallory', i, ['create-user'], i));
    h.run(signals);
    const steps = h.store.get<SequenceState>(ID, 'mallory')?.steps ?? [];
    expect(steps[0]?.map((c) => c.eventId)).toEqual(
      Array.from({ length: PER_STEP }, (_, i) => eid(20 - PER_STEP + i)),
    );
    h.run([sig('mallory', 200, ['create-key'], 30)]);
    const after = h.store.get<SequenceState>(ID, 'mallory')?.steps ?? [];
    expect(after[0]).toEqual([]);
    expect(after[1]).toHaveLength(1);
  });

  it('evicts the least recently used keys beyond maxEntities and counts them', () => {
    const h = harness({ maxEntities: 5 });
    for (let i = 0; i < 12; i++) h.run([sig(`user-${i}`, i, ['create-user'], i)]);
    expect(h.store.count(ID)).toBe(5);
    expect(h.stats.evicted).toBe(7);
    expect(h.store.get(ID, 'user-0')).toBeUndefined();
    expect(h.store.get(ID, 'user-11')).toBeDefined();
  });

  it('gives the same groups for the same input', () => {
    const steps = ['create-user', 'create-key', 'attach-admin'];
    const input: Signal[] = [];
    let x = 7;
    for (let n = 0; n < 400; n++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const key = `user-${x % 7}`;
      input.push(sig(key, n * 3 - (x % 20), [steps[x % 3] as string], n));
    }
    const a = harness({ ordered: true, maxEntities: 4 });
    const b = harness({ ordered: true, maxEntities: 4 });
    a.run(input);
    b.run(input);
    expect(a.groups.length).toBeGreaterThan(0);
    expect(b.groups).toEqual(a.groups);
    expect(b.stats).toEqual(a.stats);
  });

  it('keeps state as plain JSON: a copied store goes on exactly like the original', () => {
    const a = harness({ ordered: true });
    a.run([sig('mallory', 0, ['create-user'], 1), sig('bob', 1, ['create-user'], 2)]);
    const copy = new MemoryStore();
    for (const [key, value] of a.store.entries<SequenceState>(ID)) {
      const json = JSON.parse(JSON.stringify(value)) as unknown;
      expect(json).toStrictEqual(value);
      copy.set(ID, key, json);
    }
    const b = harness({ ordered: true, store: copy });
    const rest = [sig('mallory', 2, ['create-key'], 3), sig('mallory', 3, ['attach-admin'], 4)];
    a.run(rest);
    b.run(rest);
    expect(a.groups).toHaveLength(1);
    expect(b.groups).toEqual(a.groups);
  });
});
