import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../config/schema.js';
import { TrailhoundError } from '../../errors.js';
import { MemoryStore } from '../../state/memory.js';
import type { StateStore } from '../../state/store.js';
import { compileRules, type CompiledStatefulRule } from '../compile.js';
import { defineFirstSeenRule, knob, type FirstSeenRule, type Group, type Signal } from '../rule.js';
import {
  LEARNING_KEY,
  MAX_VALUES_PER_KEY,
  firstSeenKind,
  type KnownValues,
  type LearningState,
} from './first-seen.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-02T10:00:00Z');
const NS = 'aws.time-geo.test-new-country';
const ALICE = 'arn:aws:iam::111122223333:user/alice';

const testRule = defineFirstSeenRule({
  id: NS,
  title: 'test new country',
  category: 'time-geo',
  row: 'GEO-1',
  priority: 'medium',
  mitre: ['T1078.004'],
  description: 'd',
  falsePositives: [],
  response: [],
  references: [],
  examples: { fire: [], miss: [] },
  kind: 'firstSeen',
  on: { eventNames: ['ConsoleLogin'] },
  knobs: { learningDays: knob(z.number().min(0), 7, 'days of learning') },
  key: (e) => (e.kind === 'api' ? e.actor.arn : undefined),
  value: (e) => (e.kind === 'api' ? e.source?.country : undefined),
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  summary: (g) => `${g.key} logged in from ${g.values.join(', ')}`,
}) as unknown as FirstSeenRule;

interface Harness {
  observe(...signals: Signal[]): void;
  groups: Group[];
  stats: { evicted: number; late: number };
  store: StateStore;
}

function harness(
  opts: {
    rule?: FirstSeenRule;
    store?: StateStore;
    maxEntities?: number;
    latenessMs?: number;
    learningDays?: number;
  } = {},
): Harness {
  const r = opts.rule ?? testRule;
  const config = configSchema.parse({
    rules: { [r.id]: { knobs: { learningDays: opts.learningDays ?? 7 } } },
  });
  const compiled = compileRules([r], config).stateful[0] as CompiledStatefulRule & {
    rule: FirstSeenRule;
  };
  const groups: Group[] = [];
  const stats = { evicted: 0, late: 0 };
  const store = opts.store ?? new MemoryStore();
  const ev = firstSeenKind({
    rule: compiled,
    store,
    ns: r.id,
    maxEntities: opts.maxEntities ?? 1_000,
    latenessMs: opts.latenessMs ?? 30 * 60_000,
    maxEvidence: 50,
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
/** A ConsoleLogin signal `days` after T0 from a country, as signals.ts would make it. */
function sig(days: number, country: string, key = ALICE): Signal {
  const n = seq++;
  return {
    ruleId: NS,
    key,
    time: T0 + Math.round(days * DAY),
    value: country,
    facts: { sourceIp: '198.51.100.7', country },
    eventId: `evt-${n}`,
    origin: { file: 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/x.json.gz', index: n },
    account: '111122223333',
    region: 'us-east-1',
    actor: { arn: key, type: 'IAMUser', sourceIp: '198.51.100.7' },
  };
}

const fired = (h: Harness) => h.groups.map((g) => `${g.key}:${g.values.join(',')}`);

describe('firstSeenKind', () => {
  it('learns silently, then reports a value new for its key', () => {
    const h = harness();
    h.observe(sig(0, 'US'), sig(1, 'DE'), sig(6.9, 'NL'));
    expect(h.groups).toEqual([]);
    const fr = sig(8, 'FR');
    h.observe(sig(7.5, 'US'), sig(7.6, 'DE'), fr);
    expect(h.groups).toEqual([
      {
        key: ALICE,
        first: fr,
        last: fr,
        count: 1,
        values: ['FR'],
        figures: { learnedSince: '2026-03-02T10:00:00.000Z', knownValues: 3 },
        eventIds: [fr.eventId],
        origins: [fr.origin],
      },
    ]);
    // Reported once: it is known from now on.
    h.observe(sig(9, 'FR'));
    expect(h.groups).toHaveLength(1);
  });

  it('ends learning exactly learningMs after the first signal', () => {
    const h = harness({ learningDays: 1 });
    h.observe(sig(0, 'US'), sig(1 - 1 / DAY, 'DE'));
    expect(h.groups).toEqual([]);
    h.observe(sig(1, 'FR'));
    expect(fired(h)).toEqual([`${ALICE}:FR`]);
  });

  it('reports the first value of a key never seen before, once learning is over', () => {
    const h = harness({ learningDays: 1 });
    h.observe(sig(0, 'US'), sig(2, 'JP', 'bob'));
    expect(h.groups).toHaveLength(1);
    expect(h.groups[0]).toMatchObject({ key: 'bob', figures: { knownValues: 0 } });
  });

  it('keeps values per key', () => {
    const h = harness({ learningDays: 1 });
    h.observe(sig(0, 'US'), sig(0.5, 'DE', 'bob'), sig(2, 'DE'), sig(3, 'US', 'bob'));
    expect(fired(h)).toEqual([`${ALICE}:DE`, 'bob:US']);
  });

  it('does not report an out-of-order signal from inside the learning period, but learns it', () => {
    const h = harness({ learningDays: 1, latenessMs: 3 * DAY });
    h.observe(sig(0, 'US'), sig(1.5, 'US'), sig(0.9, 'BR'));
    expect(h.groups).toEqual([]);
    h.observe(sig(2, 'BR'));
    expect(h.groups).toEqual([]);
    expect(h.stats.late).toBe(0);
  });

  it('counts signals older than the newest time minus the lateness as late', () => {
    const h = harness({ learningDays: 1, latenessMs: HOUR });
    h.observe(sig(0, 'US'), sig(5, 'US'), sig(5 - 0.5 / 24, 'US'));
    expect(h.stats.late).toBe(0);
    h.observe(sig(4, 'CA'));
    expect(h.stats.late).toBe(1);
    // Still judged by its own time, which is after learning: news.
    expect(fired(h)).toEqual([`${ALICE}:CA`]);
  });

  it('does not count the signals after a folded one as late because of its until', () => {
    const h = harness({ learningDays: 1, latenessMs: HOUR });
    // A chunk: one signal stands for uses up to day 3; the next came from an event of day 1.
    h.observe({ ...sig(0, 'US'), n: 9, until: T0 + 3 * DAY }, sig(1, 'DE', 'bob'));
    expect(h.stats.late).toBe(0);
    h.observe(sig(0.5, 'FR', 'bob'));
    expect(h.stats.late).toBe(1);
  });

  it('keeps the learning start in state, so a second run goes on from the first', () => {
    const store = new MemoryStore();
    const first = harness({ store });
    first.observe(sig(0, 'US'), sig(3, 'DE'));
    expect(first.groups).toEqual([]);
    expect(store.get<LearningState>(`${NS}#meta`, LEARNING_KEY)).toEqual({ since: T0 });

    const second = harness({ store });
    second.observe(sig(30, 'US'), sig(30.5, 'DE'), sig(31, 'KP'));
    expect(fired(second)).toEqual([`${ALICE}:KP`]);
    expect(second.groups[0]?.figures).toEqual({
      learnedSince: '2026-03-02T10:00:00.000Z',
      knownValues: 2,
    });

    // The same second-run input on a fresh store is all learning.
    const fresh = harness();
    fresh.observe(sig(30, 'US'), sig(30.5, 'DE'), sig(31, 'KP'));
    expect(fresh.groups).toEqual([]);
  });

  it('keeps at most MAX_VALUES_PER_KEY values, dropping the least recently seen', () => {
    const h = harness({ learningDays: 10 });
    const step = 1 / (MAX_VALUES_PER_KEY + 10);
    for (let i = 0; i < MAX_VALUES_PER_KEY; i++) h.observe(sig(i * step, `v${i}`));
    h.observe(sig(MAX_VALUES_PER_KEY * step, 'v0'), sig(2, 'extra'));
    const known = h.store.get<KnownValues>(NS, ALICE) as KnownValues;
    expect(known.values).toHaveLength(MAX_VALUES_PER_KEY);
    expect(known.values).toContain('v0');
    expect(known.values).not.toContain('v1');
    expect(h.groups).toEqual([]);
    h.observe(sig(11, 'v0'), sig(11, 'v2'), sig(11, 'v1'));
    expect(fired(h)).toEqual([`${ALICE}:v1`]);
  });

  it('records the latest time a folded signal stands for (until) as the value last seen', () => {
    const h = harness({ learningDays: 10 });
    h.observe({ ...sig(0, 'US'), n: 3, until: T0 + 2 * DAY });
    h.observe(
      { ...sig(3, 'DE'), n: 2, until: T0 + 5 * DAY },
      { ...sig(4, 'US'), until: T0 + 6 * DAY },
    );
    const known = h.store.get<KnownValues>(NS, ALICE) as KnownValues;
    expect(known.values).toEqual(['US', 'DE']);
    expect(known.lastSeen).toEqual([T0 + 6 * DAY, T0 + 5 * DAY]);
  });

  it('evicts the least recently used keys beyond maxEntities and counts them', () => {
    const h = harness({ maxEntities: 3, learningDays: 0 });
    for (let i = 0; i < 10; i++) h.observe(sig(i, 'US', `user-${i}`));
    expect(h.store.count(NS)).toBe(3);
    expect(h.stats.evicted).toBe(7);
    expect([...h.store.entries(NS)].map(([key]) => key)).toEqual(['user-7', 'user-8', 'user-9']);
    // Learning state is not an entity and is never evicted.
    expect(h.store.count(`${NS}#meta`)).toBe(1);
  });

  it('gives the same groups for the same input, and keeps state that survives JSON', () => {
    const input: Signal[] = [];
    let x = 11;
    for (let i = 0; i < 500; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const country = ['US', 'DE', 'FR', 'JP', 'BR', 'NL', 'KP'][x % 7] as string;
      input.push(sig(i / 50 + ((x % 5) - 2) / 100, country, `user-${x % 6}`));
    }
    const run = () => {
      const h = harness({ maxEntities: 5, learningDays: 2 });
      h.observe(...input);
      return h;
    };
    const a = run();
    const b = run();
    expect(a.groups.length).toBeGreaterThan(0);
    expect(b.groups).toEqual(a.groups);
    expect(b.stats).toEqual(a.stats);
    for (const ns of [NS, `${NS}#meta`]) {
      for (const [, value] of a.store.entries(ns)) {
        expect(JSON.parse(JSON.stringify(value))).toEqual(value);
      }
    }
  });

  it('refuses a learning period that is not a number of ms', () => {
    const bad = { ...testRule, learningMs: () => Number.NaN } as FirstSeenRule;
    expect(() => harness({ rule: bad })).toThrow(TrailhoundError);
  });
});
