import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../config/schema.js';
import { MemoryStore } from '../../state/memory.js';
import type { StateStore } from '../../state/store.js';
import { compileRules, type CompiledStatefulRule } from '../compile.js';
import {
  defineBaselineRule,
  knob,
  type BaselineRule,
  type Group,
  type Rule,
  type Signal,
} from '../rule.js';
import { baselineKind, spikeThreshold, type BaselineState } from './baseline.js';
import type { KindContext } from './types.js';

const ID = 'aws.data.test-download-spike';
const HOUR = 3_600_000;
const MIN = 60_000;
/** The start of an hour bucket. */
const T0 = Date.parse('2026-03-02T00:00:00Z');

const rule = defineBaselineRule({
  id: ID,
  title: 'S3 download spike',
  category: 'data',
  row: 'DATA-1',
  priority: 'high',
  mitre: ['T1530'],
  description: 'test rule',
  falsePositives: [],
  response: [],
  references: [],
  examples: { fire: [], miss: [] },
  kind: 'baseline',
  on: { eventSource: ['s3.amazonaws.com'], eventNames: ['GetObject'] },
  knobs: {
    bucketMinutes: knob(z.number().int().min(1), 60, 'bucket length in minutes'),
    minHistory: knob(z.number().int().min(1), 5, 'buckets of history before any alert'),
    deviations: knob(z.number().min(0), 3, 'MADs above the median'),
    minAmount: knob(z.number().min(0), 20, 'smallest total that can fire'),
  },
  amount: () => 1,
  key: () => undefined,
  summary: (g) => `${g.key} downloaded ${g.figures.observed} objects`,
  bucketMs: (ctx) => ctx.knobs.bucketMinutes * MIN,
  minHistory: (ctx) => ctx.knobs.minHistory,
  deviations: (ctx) => ctx.knobs.deviations,
  minAmount: (ctx) => ctx.knobs.minAmount,
}) as BaselineRule;

interface Options {
  knobs?: Record<string, number>;
  maxEntities?: number;
  latenessMs?: number;
  maxEvidence?: number;
  store?: StateStore;
}

function harness(o: Options = {}) {
  const config = configSchema.parse(
    o.knobs === undefined ? {} : { rules: { [ID]: { knobs: o.knobs } } },
  );
  const compiled = compileRules([rule as Rule], config).stateful[0] as CompiledStatefulRule & {
    rule: BaselineRule;
  };
  const store = o.store ?? new MemoryStore();
  const groups: Group[] = [];
  const stats = { evicted: 0, late: 0 };
  const k: KindContext<BaselineRule> = {
    rule: compiled,
    store,
    ns: ID,
    maxEntities: o.maxEntities ?? 1_000,
    latenessMs: o.latenessMs ?? 10 * MIN,
    maxEvidence: o.maxEvidence ?? 50,
    emit: (g) => groups.push(g),
    stats,
  };
  const ev = baselineKind(k);
  const run = (signals: readonly Signal[]): void => {
    for (const s of signals) ev.observe(s);
  };
  return { ev, groups, stats, store, run };
}

let serial = 0;
/** A signal for `amount` objects read by principal `key` at `time`. */
function sig(key: string, time: number, amount: number): Signal {
  const n = serial++;
  return {
    ruleId: ID,
    key,
    time,
    amount,
    facts: { bucket: 'corp-payroll-exports' },
    eventId: `5b1d7e3a-0000-4000-8000-${String(n).padStart(12, '0')}`,
    origin: { file: 'AWSLogs/111111111111/CloudTrail/eu-west-1/2026/03/02/data.json.gz', index: n },
    account: '111111111111',
    region: 'eu-west-1',
    actor: { arn: `arn:aws:iam::111111111111:user/${key}`, type: 'IAMUser' },
  };
}

/** One signal per non-zero hour, half past the hour, with that hour's total. */
function hourly(key: string, totals: readonly number[], fromHour = 0): Signal[] {
  const out: Signal[] = [];
  totals.forEach((t, i) => {
    if (t !== 0) out.push(sig(key, T0 + (fromHour + i) * HOUR + 30 * MIN, t));
  });
  return out;
}

const STEADY = [10, 12, 9, 11, 10, 13, 8, 10, 11, 10];

describe('baseline kind', () => {
  it('stays quiet until minHistory buckets of history exist', () => {
    const quiet = harness();
    quiet.run(hourly('alice', [10, 10, 10, 10, 500]));
    quiet.ev.finish();
    expect(quiet.groups).toEqual([]);

    const enough = harness();
    enough.run(hourly('alice', [10, 10, 10, 10, 10, 500]));
    enough.ev.finish();
    expect(enough.groups).toHaveLength(1);
    expect(enough.groups[0]?.figures.history).toBe(5);
  });

  it('fires on a spike against the key’s own history, when the bucket closes at finish', () => {
    const h = harness();
    h.run(hourly('alice', [...STEADY, 200]));
    h.run(hourly('bob', [200, 210, 190, 205, 200, 195, 200, 210, 190, 200, 200]));
    expect(h.groups).toEqual([]);
    h.ev.finish();
    expect(h.groups).toHaveLength(1);
    const g = h.groups[0] as Group;
    expect(g.key).toBe('alice');
    expect(g.figures).toEqual({
      observed: 200,
      median: 10,
      mad: 1,
      deviations: 3,
      threshold: 14.45,
      bucketMinutes: 60,
      history: 10,
    });
    expect(g.count).toBe(1);
    expect(g.first.time).toBe(T0 + 10 * HOUR + 30 * MIN);
    expect(g.first.ruleId).toBe(ID);
    expect(g.first.key).toBe('alice');
    expect(g.eventIds).toEqual([g.first.eventId]);
  });

  it('fires as soon as a later bucket passes the lateness bound, with the bucket’s signals', () => {
    const h = harness({ latenessMs: 10 * MIN });
    const spike = [
      sig('alice', T0 + 10 * HOUR + 5 * MIN, 40),
      sig('alice', T0 + 10 * HOUR + 20 * MIN, 60),
      sig('alice', T0 + 10 * HOUR + 50 * MIN, 100),
    ];
    h.run([...hourly('alice', STEADY), ...spike]);
    h.run([sig('alice', T0 + 11 * HOUR + 5 * MIN, 10)]);
    expect(h.groups).toEqual([]);
    h.run([sig('alice', T0 + 11 * HOUR + 10 * MIN, 10)]);
    expect(h.groups).toHaveLength(1);
    const g = h.groups[0] as Group;
    expect(g.count).toBe(3);
    expect(g.figures.observed).toBe(200);
    expect(g.first.eventId).toBe(spike[0]?.eventId);
    expect(g.last.eventId).toBe(spike[2]?.eventId);
    expect(g.eventIds).toEqual(spike.map((s) => s.eventId));
  });

  it('does not fire on normal variation', () => {
    const h = harness();
    const totals = Array.from({ length: 48 }, (_, i) => 100 + ((i * 37) % 41) - 20);
    h.run(hourly('alice', totals));
    h.ev.finish();
    expect(h.groups).toEqual([]);
  });

  it('guards against a zero MAD: a steady history does not make a small change a spike', () => {
    const h = harness({ knobs: { minAmount: 0 } });
    h.run(hourly('tiny-steady', [...Array<number>(10).fill(3), 7]));
    h.run(hourly('small-steady', [...Array<number>(10).fill(10), 13]));
    h.run(hourly('small-spike', [...Array<number>(10).fill(10), 15]));
    h.run(hourly('large-steady', [...Array<number>(10).fill(1000), 1400]));
    h.run(hourly('large-spike', [...Array<number>(10).fill(1000), 1500]));
    h.ev.finish();
    expect(h.groups.map((g) => g.key)).toEqual(['large-spike', 'small-spike']);
    expect(h.groups[0]?.figures.mad).toBe(100);
    expect(h.groups[1]?.figures.mad).toBe(1);
  });

  it('a bucket below minAmount never fires, however unusual', () => {
    const h = harness();
    h.run(hourly('low', [...Array<number>(10).fill(2), 15]));
    h.run(hourly('high', [...Array<number>(10).fill(2), 25]));
    h.ev.finish();
    expect(h.groups.map((g) => g.key)).toEqual(['high']);
  });

  it('counts quiet buckets between active ones as zeros of history', () => {
    const h = harness();
    h.run(hourly('alice', [30, 0, 0, 0, 0, 0, 0, 30]));
    h.ev.finish();
    expect(h.groups).toHaveLength(1);
    expect(h.groups[0]?.figures).toMatchObject({ observed: 30, median: 0, history: 7 });
    expect(h.store.get<BaselineState>(ID, 'alice')?.history).toEqual([30, 0, 0, 0, 0, 0, 0, 30]);
  });

  it('places an out-of-order signal within the lateness bound in its own bucket', () => {
    const h = harness({ latenessMs: 40 * MIN });
    h.run(hourly('alice', [...STEADY, 10]));
    h.run([sig('alice', T0 + 11 * HOUR + 5 * MIN, 10)]);
    h.run([sig('alice', T0 + 10 * HOUR + 50 * MIN, 190)]);
    expect(h.stats.late).toBe(0);
    h.ev.finish();
    expect(h.groups).toHaveLength(1);
    expect(h.groups[0]?.figures.observed).toBe(200);
    expect(h.groups[0]?.count).toBe(2);
  });

  it('counts a signal for an evaluated bucket as late and adds it to that bucket’s history', () => {
    const h = harness({ latenessMs: 10 * MIN });
    h.run(hourly('alice', [10, 10, 10, 10, 10, 10]));
    expect(h.store.get<BaselineState>(ID, 'alice')?.history).toEqual([10, 10, 10, 10, 10]);
    h.run([sig('alice', T0 + 2 * HOUR + 15 * MIN, 7)]);
    expect(h.stats.late).toBe(1);
    expect(h.store.get<BaselineState>(ID, 'alice')?.history).toEqual([10, 10, 17, 10, 10]);
    expect(h.groups).toEqual([]);
  });

  it('keeps a bounded history', () => {
    const h = harness();
    h.run(
      hourly(
        'alice',
        Array.from({ length: 100 }, () => 10),
      ),
    );
    h.ev.finish();
    expect(h.store.get<BaselineState>(ID, 'alice')?.history).toHaveLength(60);
  });

  it('caps evidence at maxEvidence while counting every signal', () => {
    const h = harness({ maxEvidence: 3 });
    const spike = Array.from({ length: 8 }, (_, i) => sig('alice', T0 + 10 * HOUR + i * MIN, 25));
    h.run([...hourly('alice', STEADY), ...spike]);
    h.ev.finish();
    const g = h.groups[0] as Group;
    expect(g.count).toBe(8);
    expect(g.figures.observed).toBe(200);
    expect(g.eventIds).toEqual(spike.slice(0, 3).map((s) => s.eventId));
    expect(g.origins).toHaveLength(3);
  });

  it('evicts the least recently used keys beyond maxEntities and counts them', () => {
    const h = harness({ maxEntities: 3 });
    for (let i = 0; i < 8; i++) h.run([sig(`user-${i}`, T0 + i * MIN, 1)]);
    expect(h.store.count(ID)).toBe(3);
    expect(h.stats.evicted).toBe(5);
    expect(h.store.get(ID, 'user-0')).toBeUndefined();
    expect(h.store.get(ID, 'user-7')).toBeDefined();
  });

  it('gives the same groups for the same input', () => {
    const input: Signal[] = [];
    let x = 11;
    for (let n = 0; n < 3_000; n++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const hour = Math.floor(n / 100);
      const key = `user-${x % 5}`;
      const amount = hour === 24 && key === 'user-3' ? 400 : (x % 7) + 1;
      input.push(sig(key, T0 + hour * HOUR + (x % 50) * MIN, amount));
    }
    const a = harness();
    const b = harness();
    a.run(input);
    b.run(input);
    a.ev.finish();
    b.ev.finish();
    expect(a.groups.length).toBeGreaterThan(0);
    expect(b.groups).toEqual(a.groups);
    expect(b.stats).toEqual(a.stats);
  });

  it('keeps state as plain JSON: a copied store goes on exactly like the original', () => {
    const a = harness();
    a.run([...hourly('alice', STEADY), ...hourly('bob', STEADY)]);
    const copy = new MemoryStore();
    for (const [key, value] of a.store.entries<BaselineState>(ID)) {
      const json = JSON.parse(JSON.stringify(value)) as unknown;
      expect(json).toStrictEqual(value);
      copy.set(ID, key, json);
    }
    const b = harness({ store: copy });
    const rest = [...hourly('alice', [10, 300], 10), ...hourly('bob', [10, 11], 10)];
    a.run(rest);
    b.run(rest);
    a.ev.finish();
    b.ev.finish();
    expect(a.groups).toHaveLength(1);
    expect(b.groups).toEqual(a.groups);
  });
});

describe('spikeThreshold', () => {
  it('uses the median and the scaled MAD, floored at 1 and at a tenth of the median', () => {
    expect(spikeThreshold([1, 2, 3, 4, 100], 2)).toEqual({
      median: 3,
      mad: 1,
      threshold: 3 + 2 * 1.4826,
    });
    expect(spikeThreshold([10, 20, 30, 40, 50, 60], 1)).toEqual({
      median: 35,
      mad: 15,
      threshold: 35 + 1.4826 * 15,
    });
    expect(spikeThreshold([500, 500, 500], 1).mad).toBe(50);
    expect(spikeThreshold([2, 2, 2], 1).mad).toBe(1);
  });
});
