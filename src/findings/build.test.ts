import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { compileRules } from '../engine/compile.js';
import { defineApiRule, type Rule } from '../engine/rule.js';
import { Rng } from '../simulate/random.js';
import {
  compareFindings,
  compareHits,
  findingId,
  findingOf,
  foldHits,
  windowOf,
  type BuildOptions,
} from './build.js';
import { buildFindings, createHitSpool } from './spool.js';
import type { Finding, Hit } from './finding.js';

const rule = defineApiRule({
  id: 'aws.evasion.x',
  title: 'X',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.008'],
  description: 'd',
  falsePositives: [],
  response: [],
  references: [],
  knobs: {},
  examples: { fire: [], miss: [] },
  kind: 'match',
  on: { eventNames: ['X'] },
  match: () => true,
  summary: () => 's',
});
const set = compileRules([rule as Rule], configSchema.parse({}));
const H = 3_600_000;

function hit(
  time: number,
  key: string,
  file = 'a',
  index = 0,
  priority: Hit['priority'] = 'high',
): Hit {
  return {
    ruleId: 'aws.evasion.x',
    key,
    priority,
    summary: `${key} did x`,
    time,
    count: 1,
    eventIds: [`${file}-${index}`],
    origins: [{ file, index }],
    account: '111111111111',
    region: 'us-east-1',
    actor: { arn: key },
  };
}

describe('buildFindings', () => {
  const t0 = Date.UTC(2026, 0, 2, 3, 0, 0);
  it('groups by rule, key and window, with stable ids', () => {
    const hits = [
      hit(t0 + 10, 'alice', 'b', 1),
      hit(t0 + 5, 'alice', 'a', 0, 'critical'),
      hit(t0 + H + 1, 'alice'),
      hit(t0 + 20, 'bob'),
    ];
    const f = buildFindings(hits, set, { windowMs: H, maxEvidence: 10 });
    expect(f.map((x) => [x.actor.arn, x.evidence.count])).toEqual([
      ['alice', 2],
      ['bob', 1],
      ['alice', 1],
    ]);
    const first = f[0]!;
    expect(first.id).toBe(findingId('aws.evasion.x', 'alice', t0));
    expect(first.priority).toBe('critical');
    expect(first.time).toEqual({
      first: '2026-01-02T03:00:00.005Z',
      last: '2026-01-02T03:00:00.010Z',
    });
    expect(first.evidence.origins).toEqual(['a#0', 'b#1']);
    expect(first.summary).toBe('alice did x (2 matching events in this window)');
    expect(first.matrix).toEqual({ category: 'evasion', row: 'EVA-1' });
  });

  it('gives the same output whatever the order hits arrive in', () => {
    const hits = Array.from({ length: 50 }, (_, i) =>
      hit(t0 + (i % 7) * 1000, `p${i % 5}`, `f${i % 3}`, i),
    );
    const a = buildFindings(hits, set, { windowMs: H, maxEvidence: 5 });
    const b = buildFindings([...hits].reverse(), set, { windowMs: H, maxEvidence: 5 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.every((f) => f.evidence.eventIds.length <= 5)).toBe(true);
    expect(a.some((f) => f.evidence.truncated === true)).toBe(true);
  });
});

describe('foldHits', () => {
  const t0 = Date.UTC(2026, 0, 2, 3, 0, 0);
  it('folds per file without changing ids, counts, times, priorities or summaries of the findings', () => {
    const fileA = Array.from({ length: 30 }, (_, i) =>
      hit(t0 + i * 97_000, `p${i % 3}`, 'a', i, i === 7 ? 'critical' : 'high'),
    );
    const fileB = Array.from({ length: 20 }, (_, i) => hit(t0 + i * 131_000, `p${i % 4}`, 'b', i));
    const opts = { windowMs: H, maxEvidence: 100 };
    const direct = buildFindings([...fileA, ...fileB], set, opts);
    const folded = buildFindings([...foldHits(fileA, opts), ...foldHits(fileB, opts)], set, opts);
    expect(foldHits(fileA, opts).length).toBeLessThan(fileA.length);
    const shape = (fs: typeof direct) =>
      fs.map((f) => [
        f.id,
        f.priority,
        f.time,
        f.evidence.count,
        [...f.evidence.eventIds].sort(),
        f.summary,
      ]);
    expect(shape(folded)).toEqual(shape(direct));
  });
});

const RULE_IDS = ['aws.evasion.a', 'aws.evasion.b', 'aws.evasion.c'];
const spoolSet = compileRules(
  RULE_IDS.map((id) => ({ ...rule, id }) as Rule),
  configSchema.parse({}),
);
const T0 = Date.UTC(2026, 0, 2, 3, 0, 0);
const PRIORITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

/** Hits spread over rules, keys, windows, files and priorities; some times have a fraction. */
function hits(n: number, seed: number, summaryBytes = 10): Hit[] {
  const rng = new Rng(seed);
  const r = () => rng.next();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  return Array.from({ length: n }, (_, i) => {
    const time = T0 + Math.floor(r() * 6) * 600_000 + Math.floor(r() * 3) * 500;
    const file = `f${Math.floor(r() * 4)}`;
    const h: Hit = {
      ruleId: pick(RULE_IDS),
      key: pick(['alice', 'bob', 'carol', 'ci-role']),
      priority: pick(PRIORITIES),
      summary: `${i} ${'x'.repeat(summaryBytes)}`,
      time: time + Math.floor(r() * 24) * H,
      count: 1 + Math.floor(r() * 3),
      eventIds: [`e${i}`],
      origins: r() < 0.5 ? [{ file, line: 1 + (i % 50) }] : [{ file, index: i % 50 }],
      account: '111111111111',
      region: pick(['us-east-1', undefined]),
      actor: { arn: `arn:aws:iam::111111111111:user/${i % 7}` },
    };
    if (r() < 0.3) h.actions = [pick(['iam:CreateUser', 'iam:CreateAccessKey'])];
    return h;
  });
}

/** The reference: every hit in memory, sorted, grouped, then findings sorted. */
function inMemory(all: readonly Hit[], opts: BuildOptions): Finding[] {
  const groups = new Map<string, { win: number; hits: Hit[] }>();
  for (const h of [...all].sort(compareHits)) {
    const win = windowOf(h.time, opts.windowMs);
    const k = `${h.ruleId}\u0000${h.key}\u0000${win}`;
    let g = groups.get(k);
    if (g === undefined) groups.set(k, (g = { win, hits: [] }));
    g.hits.push(h);
  }
  const out: Finding[] = [];
  for (const g of groups.values()) {
    const f = findingOf(g.win, g.hits, spoolSet, opts);
    if (f !== undefined) out.push(f);
  }
  return out.sort(compareFindings);
}

describe('the hit spool', () => {
  const opts = { windowMs: H, maxEvidence: 4 };

  it('builds the same findings, in the same order, as grouping every hit in memory', () => {
    for (const seed of [1, 2, 3]) {
      const all = hits(2_000, seed);
      const spooled = buildFindings(all, spoolSet, opts);
      expect(spooled.length).toBeGreaterThan(50);
      expect(spooled).toEqual(inMemory(all, opts));
    }
  });

  it('gives the same findings once it has moved from memory to its temporary file', () => {
    // A 64 KiB page cache against about 3 MB of hits: most pages live in the file.
    const all = hits(3_000, 7, 1_000);
    const spool = createHitSpool(spoolSet, opts, { cacheKiB: 64 });
    for (const h of all) spool.add(h);
    expect(spool.size).toBe(3_000);
    expect([...spool.findings()]).toEqual(inMemory(all, opts));
  });

  it('orders findings by the instant they start, a fraction of a second included', () => {
    const at = (time: number, key: string): Hit => ({
      ruleId: 'aws.evasion.a',
      key,
      priority: 'low',
      summary: key,
      time,
      count: 1,
      eventIds: [key],
      origins: [{ file: 'f', index: 0 }],
      account: undefined,
      region: undefined,
      actor: {},
    });
    const f = buildFindings([at(T0 + 500, 'later'), at(T0, 'sooner')], spoolSet, opts);
    expect(f.map((x) => [x.summary, x.time.first])).toEqual([
      ['sooner', '2026-01-02T03:00:00Z'],
      ['later', '2026-01-02T03:00:00.500Z'],
    ]);
  });

  it('skips hits of rules not in the set, and is empty with no hits', () => {
    const stray = { ...hits(1, 9)[0]!, ruleId: 'aws.evasion.gone' };
    expect(buildFindings([stray], spoolSet, opts)).toEqual([]);
    expect(buildFindings([], spoolSet, opts)).toEqual([]);
  });

  it('is closed once its findings are read, or when the reader stops early', () => {
    const read = createHitSpool(spoolSet, opts);
    for (const h of hits(100, 4)) read.add(h);
    expect([...read.findings()].length).toBeGreaterThan(1);
    expect(() => read.add(hits(1, 5)[0]!)).toThrow(/after close/);
    expect(() => [...read.findings()]).toThrow(/read twice/);

    const stopped = createHitSpool(spoolSet, opts);
    for (const h of hits(100, 4)) stopped.add(h);
    for (const f of stopped.findings()) {
      expect(f.id).toMatch(/^[0-9a-f]{32}$/);
      break;
    }
    expect(() => stopped.add(hits(1, 5)[0]!)).toThrow(/after close/);
    stopped.close(); // closing twice is harmless
  });
});
