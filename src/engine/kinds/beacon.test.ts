import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../config/schema.js';
import { MemoryStore } from '../../state/memory.js';
import type { StateStore } from '../../state/store.js';
import { compileRules, type CompiledStatefulRule } from '../compile.js';
import {
  defineBeaconRule,
  knob,
  type BeaconRule,
  type Group,
  type Rule,
  type Signal,
} from '../rule.js';
import { beaconKind, IDLE_MS, MAX_CONTACTS, periodicRun, type BeaconState } from './beacon.js';
import type { Origin } from '../../model/event.js';
import type { KindContext } from './types.js';

const ID = 'aws.network.test-beacon';
const T0 = Date.parse('2026-03-02T08:00:00Z');
const SEC = 1_000;
const MIN = 60_000;
const HOUR = 3_600_000;
const PAIR = '10.0.1.25→198.51.100.77:443';
const FILE =
  'AWSLogs/111111111111/vpcflowlogs/us-east-1/2026/03/02/111111111111_vpcflowlogs_us-east-1_fl-0a1b2c3d_20260302T0800Z_9f8e.log.gz';

const rule = defineBeaconRule({
  id: ID,
  title: 'Beaconing to an external address',
  category: 'network',
  row: 'NET-1',
  priority: 'high',
  mitre: ['T1071'],
  description: 'test rule',
  falsePositives: [],
  response: [],
  references: [],
  examples: { fire: [], miss: [] },
  kind: 'beacon',
  on: 'flow',
  knobs: {
    minContacts: knob(z.number().int().min(3), 8, 'contacts before judging'),
    maxJitter: knob(z.number().min(0), 0.1, 'largest coefficient of variation'),
  },
  key: () => undefined,
  summary: (g) => `${g.key} contacted every ${g.figures.meanIntervalSeconds} s`,
  minContacts: (ctx) => ctx.knobs.minContacts,
  maxJitter: (ctx) => ctx.knobs.maxJitter,
}) as BeaconRule;

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
    rule: BeaconRule;
  };
  const store = o.store ?? new MemoryStore();
  const groups: Group[] = [];
  const stats = { evicted: 0, late: 0 };
  const k: KindContext<BeaconRule> = {
    rule: compiled,
    store,
    ns: ID,
    maxEntities: o.maxEntities ?? 1_000,
    latenessMs: o.latenessMs ?? 30 * MIN,
    maxEvidence: o.maxEvidence ?? 50,
    emit: (g) => groups.push(g),
    stats,
  };
  const ev = beaconKind(k);
  const run = (signals: readonly Signal[]): void => {
    for (const s of signals) ev.observe(s);
  };
  return { ev, groups, stats, store, run };
}

/** A flow-log record's signal: line `line` of one delivered file, key source → destination:port. */
function contact(time: number, line: number, key = PAIR): Signal {
  return {
    ruleId: ID,
    key,
    time,
    facts: { dstPort: 443, bytes: 1_840 },
    origin: { file: FILE, line },
    account: '111111111111',
    region: 'us-east-1',
    actor: { sourceIp: key.split('→')[0] as string },
  };
}

/** A deterministic PRNG (mulberry32), so "random" inputs are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` contacts every `periodMs`, each moved by up to ± `jitterMs`, from `start`. */
function regular(n: number, periodMs: number, jitterMs: number, start = T0, seed = 1): Signal[] {
  const rnd = prng(seed);
  return Array.from({ length: n }, (_, i) =>
    contact(start + i * periodMs + Math.round((rnd() * 2 - 1) * jitterMs), i + 1),
  );
}

describe('beacon kind', () => {
  it('fires on contacts every 60 s with a little jitter, once enough are seen', () => {
    const h = harness();
    const input = regular(10, 60 * SEC, 2 * SEC);
    h.run(input.slice(0, 7));
    expect(h.groups).toEqual([]);
    h.run(input.slice(7));
    expect(h.groups).toHaveLength(1);
    const g = h.groups[0] as Group;
    expect(g.key).toBe(PAIR);
    expect(g.count).toBe(8);
    expect(g.figures.contacts).toBe(8);
    expect(g.figures.meanIntervalSeconds as number).toBeGreaterThan(58);
    expect(g.figures.meanIntervalSeconds as number).toBeLessThan(62);
    expect(g.figures.jitter as number).toBeLessThanOrEqual(0.1);
    expect(g.figures.maxJitter).toBe(0.1);
    expect(g.first.time).toBe(input[0]?.time);
    expect(g.first.origin).toEqual({ file: FILE, line: 1 });
    expect(g.first.ruleId).toBe(ID);
    expect(g.first.key).toBe(PAIR);
    expect(g.last.time).toBe(input[7]?.time);
    expect(g.last.origin).toEqual({ file: FILE, line: 8 });
    expect(g.last.actor).toEqual({ sourceIp: '10.0.1.25' });
    expect(g.origins).toEqual(input.slice(0, 8).map((s) => s.origin));
    expect(g.eventIds).toEqual([]);
  });

  it('does not fire on random intervals', () => {
    const h = harness();
    const rnd = prng(42);
    let t = T0;
    const input: Signal[] = [];
    for (let i = 0; i < 400; i++) {
      t += Math.round(-Math.log(1 - rnd()) * 120 * SEC) + 1 * SEC;
      input.push(contact(t, i + 1));
    }
    h.run(input);
    expect(h.groups).toEqual([]);
  });

  it('does not fire on fewer contacts than minContacts, however regular', () => {
    const h = harness({ knobs: { minContacts: 12 } });
    const input = regular(12, 60 * SEC, 0);
    h.run(input.slice(0, 11));
    expect(h.groups).toEqual([]);
    h.run(input.slice(11));
    expect(h.groups).toHaveLength(1);
  });

  it('does not fire on regular contacts faster than the interval floor', () => {
    const h = harness();
    h.run(regular(40, 5 * SEC, 0));
    expect(h.groups).toEqual([]);
  });

  it('does not fire when the jitter exceeds maxJitter', () => {
    const h = harness({ knobs: { maxJitter: 0.05 } });
    h.run(regular(30, 60 * SEC, 15 * SEC, T0, 7));
    expect(h.groups).toEqual([]);
  });

  it('fires again only after twice as many contacts or a day of event time', () => {
    const h = harness({ knobs: { minContacts: 4 } });
    h.run(regular(60, HOUR, 0));
    expect(h.groups.map((g) => g.last.origin.line)).toEqual([4, 8, 16, 32, 56]);
  });

  it('places out-of-order contacts by event time', () => {
    const input = regular(10, 60 * SEC, 2 * SEC);
    const swapped = [...input];
    [swapped[4], swapped[5]] = [swapped[5] as Signal, swapped[4] as Signal];
    const inOrder = harness();
    const outOfOrder = harness();
    inOrder.run(input);
    outOfOrder.run(swapped);
    expect(outOfOrder.groups).toHaveLength(1);
    expect(outOfOrder.groups).toEqual(inOrder.groups);
    expect(outOfOrder.stats.late).toBe(0);
  });

  it("keeps each contact's event id beside its time, also when contacts come out of order", () => {
    const h = harness();
    const input = regular(10, 60 * SEC, 2 * SEC).map((s, i) =>
      // Only some records carry an event id; the first has none.
      i % 3 === 0 ? s : { ...s, eventId: `ev-${i}` },
    );
    [input[4], input[5]] = [input[5] as Signal, input[4] as Signal];
    h.run(input);
    expect(h.groups).toHaveLength(1);
    const g = h.groups[0] as Group;
    expect(g.first.eventId).toBeUndefined();
    expect('eventId' in g.first).toBe(false);
    // Contacts 0-7 in event time: ids of 1, 2, 4, 5, 7 (0, 3 and 6 have none).
    expect(g.eventIds).toEqual(['ev-1', 'ev-2', 'ev-4', 'ev-5', 'ev-7']);
    expect(g.origins.map((o) => o.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const st = h.store.get<BeaconState>(ID, PAIR);
    expect(st?.ids).toEqual([
      null,
      'ev-1',
      'ev-2',
      null,
      'ev-4',
      'ev-5',
      null,
      'ev-7',
      'ev-8',
      null,
    ]);
  });

  /**
   * Eight contacts with event ids, the first seven stored as `earlier` writes them: resuming from
   * that state must give what one run over all eight gives.
   */
  function resumesFrom(earlier: (seven: Signal[]) => unknown): void {
    const store = new MemoryStore();
    const input = regular(8, 60 * SEC, 2 * SEC).map((s, i) => ({ ...s, eventId: `ev-${i}` }));
    store.set(ID, PAIR, earlier(input.slice(0, 7)));
    const resumed = harness({ store });
    resumed.run(input.slice(7));
    const fresh = harness();
    fresh.run(input);
    expect(resumed.groups).toHaveLength(1);
    expect(resumed.groups).toEqual(fresh.groups);
    expect(resumed.store.get(ID, PAIR)).toEqual(fresh.store.get(ID, PAIR));
  }

  it('reads a state stored with a list of contacts (state files of earlier versions)', () => {
    resumesFrom((seven) => {
      const last = seven[6] as Signal;
      return {
        contacts: seven.map((s) => ({ t: s.time, o: s.origin, id: s.eventId })),
        total: 7,
        last: {
          time: last.time,
          facts: last.facts,
          eventId: last.eventId,
          origin: last.origin,
          account: last.account,
          region: last.region,
          actor: last.actor,
        },
        firedAt: null,
        firedTotal: 0,
      };
    });
  });

  it('reads a state stored with an origin object per contact (state files of earlier versions)', () => {
    resumesFrom((seven) => ({
      times: seven.map((s) => s.time),
      origins: seven.map((s) => s.origin),
      ids: seven.map((s) => s.eventId),
      total: 7,
      firedAt: null,
      firedTotal: 0,
    }));
  });

  it('cites records by line, by index inside a document, or by file alone', () => {
    const h = harness();
    const doc = 'AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/02/trail.json.gz';
    const places: Origin[] = [
      { file: FILE, line: 7 },
      { file: doc, index: 0 },
      { file: doc, index: 41 },
      { file: 'stdin' },
      { file: FILE, line: 100_000 },
      { file: doc, index: 3 },
      { file: FILE, line: 1 },
      { file: 'stdin' },
    ];
    const input = regular(8, 60 * SEC, 0).map((s, i) => ({ ...s, origin: places[i] as Origin }));
    h.run(input);
    expect(h.groups).toHaveLength(1);
    const g = h.groups[0] as Group;
    expect(g.origins).toEqual(places);
    expect(g.first.origin).toEqual(places[0]);
    expect(g.last.origin).toEqual(places[7]);
  });

  it('describes a finding by the contact that completes the run, at the times of the run', () => {
    const h = harness();
    const input = regular(8, 60 * SEC, 2 * SEC).map((s, i) => ({
      ...s,
      facts: { dstPort: 443, bytes: 1_000 + i },
    }));
    // The seventh contact in event time is delivered last, so it completes the run.
    const delivered = [...input.slice(0, 6), input[7] as Signal, input[6] as Signal];
    h.run(delivered);
    expect(h.groups).toHaveLength(1);
    const g = h.groups[0] as Group;
    expect(g.first.time).toBe(input[0]?.time);
    expect(g.first.origin.line).toBe(1);
    expect(g.last.time).toBe(input[7]?.time);
    expect(g.last.origin.line).toBe(8);
    expect(g.last.facts).toEqual({ dstPort: 443, bytes: 1_006 });
    expect(g.origins.map((o) => o.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // State holds times, files and places, no copy of a signal.
    const st = h.store.get<Record<string, unknown>>(ID, PAIR);
    expect(Object.keys(st ?? {}).sort()).toEqual([
      'files',
      'firedAt',
      'firedTotal',
      'places',
      'times',
      'total',
    ]);
  });

  it('counts a contact older than the lateness bound as late', () => {
    const h = harness({ latenessMs: 10 * MIN });
    h.run(regular(30, 60 * SEC, 0));
    h.run([contact(T0 + 5 * MIN + 30 * SEC, 99)]);
    expect(h.stats.late).toBe(1);
  });

  it('takes records less than a second apart as one contact', () => {
    const h = harness();
    const input = regular(8, 60 * SEC, 0);
    input.splice(3, 0, contact((input[2] as Signal).time + 500, 50));
    h.run(input);
    expect(h.groups).toHaveLength(1);
    expect(h.groups[0]?.figures.contacts).toBe(8);
    expect(h.groups[0]?.figures.jitter).toBe(0);
  });

  it('fires on a beacon that starts after an earlier, unrelated contact', () => {
    const h = harness();
    h.run([
      contact(T0 - 7 * 24 * HOUR, 1),
      ...regular(8, 60 * SEC, 1 * SEC).map((s, i) => ({
        ...s,
        origin: { file: FILE, line: i + 2 },
      })),
    ]);
    expect(h.groups).toHaveLength(1);
    expect(h.groups[0]?.figures.contacts).toBe(8);
    expect(h.groups[0]?.first.origin.line).toBe(2);
  });

  it('keeps at most MAX_CONTACTS contacts per key', () => {
    const h = harness();
    h.run(regular(MAX_CONTACTS + 30, 10 * MIN, 3 * MIN));
    const st = h.store.get<BeaconState>(ID, PAIR);
    expect(st?.times).toHaveLength(MAX_CONTACTS);
    expect(st?.files).toHaveLength(MAX_CONTACTS);
    expect(st?.places).toHaveLength(MAX_CONTACTS);
    // The latest are kept, each time beside its own record.
    expect(st?.files[0]).toBe(FILE);
    expect(st?.places[0]).toBe(31);
    expect(st?.places[MAX_CONTACTS - 1]).toBe(MAX_CONTACTS + 30);
    expect(st?.ids).toBeUndefined();
    expect(st?.total).toBe(MAX_CONTACTS + 30);
  });

  it('evicts the least recently used keys beyond maxEntities and counts them', () => {
    const h = harness({ maxEntities: 4 });
    for (let i = 0; i < 10; i++) h.run([contact(T0 + i * SEC, i, `10.0.1.${i}→198.51.100.77:443`)]);
    expect(h.store.count(ID)).toBe(4);
    expect(h.stats.evicted).toBe(6);
    expect(h.store.get(ID, '10.0.1.0→198.51.100.77:443')).toBeUndefined();
    expect(h.store.get(ID, '10.0.1.9→198.51.100.77:443')).toBeDefined();
  });

  it('gives the same groups for the same input', () => {
    const input: Signal[] = [];
    for (let k = 0; k < 6; k++) {
      const key = `10.0.1.${k}→198.51.100.77:443`;
      const rnd = prng(100 + k);
      let t = T0;
      for (let i = 0; i < 50; i++) {
        t += k % 2 === 0 ? 60 * SEC + Math.round(rnd() * 2 * SEC) : Math.round(rnd() * 600 * SEC);
        input.push(contact(t, k * 100 + i, key));
      }
    }
    input.sort((a, b) => a.time - b.time);
    const a = harness({ maxEntities: 5 });
    const b = harness({ maxEntities: 5 });
    a.run(input);
    b.run(input);
    expect(a.groups.length).toBeGreaterThan(0);
    expect(b.groups).toEqual(a.groups);
    expect(b.stats).toEqual(a.stats);
  });

  it('keeps state as plain JSON: a copied store goes on exactly like the original', () => {
    const input = regular(12, 60 * SEC, 2 * SEC);
    const a = harness();
    a.run(input.slice(0, 5));
    const copy = new MemoryStore();
    for (const [key, value] of a.store.entries<BeaconState>(ID)) {
      const json = JSON.parse(JSON.stringify(value)) as unknown;
      expect(json).toStrictEqual(value);
      copy.set(ID, key, json);
    }
    const b = harness({ store: copy });
    a.run(input.slice(5));
    b.run(input.slice(5));
    expect(a.groups).toHaveLength(1);
    expect(b.groups).toEqual(a.groups);
  });
});

describe('periodicRun', () => {
  const at = (...seconds: number[]) => seconds.map((s) => s * SEC);

  it('finds the longest regular run of latest contacts', () => {
    const run = periodicRun(at(0, 1000, 1060, 1120, 1180, 1240), 4, 0.1);
    expect(run).toEqual({ from: 1, mean: 60 * SEC, jitter: 0 });
  });

  it('measures jitter as the coefficient of variation of the intervals', () => {
    const run = periodicRun(at(0, 50, 120, 170, 240), 3, 1);
    // intervals 50, 70, 50, 70: mean 60, population standard deviation 10
    expect(run?.from).toBe(0);
    expect(run?.mean).toBe(60 * SEC);
    expect(run?.jitter).toBeCloseTo(10 / 60, 10);
  });
  it('lets go of pairs idle for a day, and still finds a beacon that starts later', () => {
    const h = harness({ maxEntities: 1_000_000 });
    // 3,000 one-off contacts to different destinations, one a minute over two days.
    const oneOffs = Array.from({ length: 3_000 }, (_, i) =>
      contact(T0 + i * 60 * SEC, i + 1, `10.0.1.5→198.51.100.${i % 250}:${1_000 + i}`),
    );
    h.run(oneOffs);
    // Only pairs from within the last day and the sweep interval remain, not all 3,000.
    const last = T0 + 2_999 * 60 * SEC;
    const kept = h.store.count(ID);
    expect(kept).toBeLessThan(3_000);
    // Swept once event time passed two days: the first day's pairs are gone.
    expect(kept).toBeLessThanOrEqual(3_000 - Math.floor((IDLE_MS - 30 * 60 * SEC) / (60 * SEC)));
    h.run(regular(12, 5 * 60 * SEC, 2 * SEC, last + 60 * SEC));
    expect(h.groups).toHaveLength(1);
    expect(h.stats.evicted).toBe(0);
  });
});
