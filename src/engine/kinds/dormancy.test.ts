import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../config/schema.js';
import { TrailhoundError } from '../../errors.js';
import { MemoryStore } from '../../state/memory.js';
import type { StateStore } from '../../state/store.js';
import { compileRules, type CompiledStatefulRule } from '../compile.js';
import { defineDormancyRule, knob, type DormancyRule, type Group, type Signal } from '../rule.js';
import { dormancyKind, type LastSeenState } from './dormancy.js';

const DAY = 24 * 3_600_000;
const T0 = Date.parse('2026-01-05T08:30:00Z');
const NS = 'aws.iam.test-dormant-key';
const KEY = 'AKIAIOSFODNN7EXAMPLE';

const testRule = defineDormancyRule({
  id: NS,
  title: 'test dormant key',
  category: 'iam',
  row: 'IAM-3',
  priority: 'medium',
  mitre: ['T1078.004'],
  description: 'd',
  falsePositives: [],
  response: [],
  references: [],
  examples: { fire: [], miss: [] },
  kind: 'dormancy',
  on: { eventNames: '*' },
  knobs: { dormantDays: knob(z.number().positive(), 30, 'days without use') },
  key: (e) => (e.kind === 'api' ? e.actor.accessKeyId : undefined),
  dormantMs: (ctx) => ctx.knobs.dormantDays * DAY,
  summary: (g) => `key ${g.key} unused for ${g.figures.dormantDays} days`,
}) as unknown as DormancyRule;

interface Harness {
  observe(...signals: Signal[]): void;
  groups: Group[];
  stats: { evicted: number; late: number };
  store: StateStore;
}

function harness(
  opts: { rule?: DormancyRule; store?: StateStore; maxEntities?: number; latenessMs?: number } = {},
): Harness {
  const r = opts.rule ?? testRule;
  const compiled = compileRules([r], configSchema.parse({})).stateful[0] as CompiledStatefulRule & {
    rule: DormancyRule;
  };
  const groups: Group[] = [];
  const stats = { evicted: 0, late: 0 };
  const store = opts.store ?? new MemoryStore();
  const ev = dormancyKind({
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
/** A signal for an API call made with access key `key`, `days` after T0. */
function sig(days: number, key = KEY): Signal {
  const n = seq++;
  return {
    ruleId: NS,
    key,
    time: T0 + Math.round(days * DAY),
    facts: { sourceIp: '203.0.113.9', eventName: 'ListBuckets' },
    eventId: `evt-${n}`,
    origin: { file: 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/01/05/x.json.gz', index: n },
    account: '111122223333',
    region: 'eu-west-1',
    actor: {
      arn: 'arn:aws:iam::111122223333:user/svc-backup',
      type: 'IAMUser',
      accessKeyId: key,
      sourceIp: '203.0.113.9',
    },
  };
}

const days = (h: Harness) => h.groups.map((g) => g.figures.dormantDays);

describe('dormancyKind', () => {
  it('reports a key used again after the dormant period', () => {
    const h = harness();
    const back = sig(143.25);
    h.observe(sig(0), back);
    expect(h.groups).toEqual([
      {
        key: KEY,
        first: back,
        last: back,
        count: 1,
        values: [],
        figures: { dormantDays: 143.2, lastSeen: '2026-01-05T08:30:00.000Z' },
        eventIds: [back.eventId],
        origins: [back.origin],
      },
    ]);
  });

  it('fires at exactly the dormant period, and not a moment before', () => {
    const h = harness();
    h.observe(sig(0), sig(30 - 1 / DAY));
    expect(h.groups).toEqual([]);
    h.observe(sig(60 - 1 / DAY));
    expect(days(h)).toEqual([30]);
  });

  it('measures from the latest use: regular use never fires', () => {
    const h = harness();
    for (let d = 0; d <= 300; d += 20) h.observe(sig(d));
    expect(h.groups).toEqual([]);
  });

  it('measures from the latest time a folded signal stands for (until)', () => {
    const h = harness();
    // Uses on days 0 to 20 folded into one signal by the worker; day 45 is 25 days after the last.
    h.observe({ ...sig(0), n: 5, until: T0 + 20 * DAY }, sig(45));
    expect(h.groups).toEqual([]);
    h.observe(sig(80));
    expect(days(h)).toEqual([35]);
  });

  it('does not count the signals after a folded one as late because of its until', () => {
    const h = harness({ latenessMs: DAY });
    // A chunk: one signal stands for uses up to day 20; the next came from an event of day 2.
    h.observe({ ...sig(0), n: 5, until: T0 + 20 * DAY }, sig(2, 'AKIAI44QH8DHBEXAMPLE'));
    expect(h.stats.late).toBe(0);
    h.observe(sig(0.5, 'AKIAI44QH8DHBEXAMPLE'));
    expect(h.stats.late).toBe(1);
  });

  it('does not fire for a key with no history', () => {
    const h = harness();
    h.observe(sig(500), sig(501, 'AKIAI44QH8DHBEXAMPLE'));
    expect(h.groups).toEqual([]);
  });

  it('neither fires on nor rewinds to an out-of-order signal', () => {
    const h = harness({ latenessMs: 60 * DAY });
    h.observe(sig(0), sig(40), sig(10));
    expect(days(h)).toEqual([40]);
    // Rewound to day 10, day 45 would look 35 days dormant.
    h.observe(sig(45));
    expect(days(h)).toEqual([40]);
    expect(h.store.get<LastSeenState>(NS, KEY)).toEqual({ last: T0 + 45 * DAY });
    expect(h.stats.late).toBe(0);
  });

  it('counts signals older than the newest time minus the lateness as late', () => {
    const h = harness({ latenessMs: DAY });
    h.observe(sig(10), sig(9.5), sig(10, 'AKIAI44QH8DHBEXAMPLE'));
    expect(h.stats.late).toBe(0);
    h.observe(sig(8));
    expect(h.stats.late).toBe(1);
    expect(h.groups).toEqual([]);
  });

  it('carries history across runs on the same store', () => {
    const store = new MemoryStore();
    harness({ store }).observe(sig(0));
    const second = harness({ store });
    second.observe(sig(90));
    expect(days(second)).toEqual([90]);
  });

  it('evicts the least recently used keys beyond maxEntities, counts them, and forgets them', () => {
    const h = harness({ maxEntities: 2 });
    h.observe(sig(0, 'AKIA0000000000000001'), sig(0, 'AKIA0000000000000002'));
    h.observe(sig(1, 'AKIA0000000000000001'), sig(1, 'AKIA0000000000000003'));
    expect(h.stats.evicted).toBe(1);
    expect([...h.store.entries(NS)].map(([key]) => key)).toEqual([
      'AKIA0000000000000001',
      'AKIA0000000000000003',
    ]);
    // The evicted key has no history left: its return is not reported.
    h.observe(sig(100, 'AKIA0000000000000001'), sig(100, 'AKIA0000000000000002'));
    expect(h.groups.map((g) => g.key)).toEqual(['AKIA0000000000000001']);
    expect(h.store.count(NS)).toBe(2);
    expect(h.stats.evicted).toBe(2);
  });

  it('gives the same groups for the same input, and keeps state that survives JSON', () => {
    const input: Signal[] = [];
    let x = 3;
    for (let i = 0; i < 400; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      input.push(sig(i + (x % 40) - 20, `AKIA00000000000000${10 + (x % 8)}`));
    }
    const run = () => {
      const h = harness({ maxEntities: 6, latenessMs: 10 * DAY });
      h.observe(...input);
      return h;
    };
    const a = run();
    const b = run();
    expect(a.groups.length).toBeGreaterThan(0);
    expect(b.groups).toEqual(a.groups);
    expect(b.stats).toEqual(a.stats);
    for (const [, value] of a.store.entries(NS)) {
      expect(JSON.parse(JSON.stringify(value))).toEqual(value);
    }
  });

  it('refuses a dormant period that is not positive', () => {
    const bad = { ...testRule, dormantMs: () => 0 } as DormancyRule;
    expect(() => harness({ rule: bad })).toThrow(TrailhoundError);
  });
});
