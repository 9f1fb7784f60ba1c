import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { compileRules } from '../engine/compile.js';
import { defineApiRule, type Rule } from '../engine/rule.js';
import { compareFindings, compareHits, findingOf, windowOf, type BuildOptions } from './build.js';
import type { Finding, Hit } from './finding.js';
import { buildFindings, createHitSpool } from './spool.js';

function rule(id: string): Rule {
  return defineApiRule({
    id,
    title: id,
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
  }) as Rule;
}
const RULE_IDS = ['aws.evasion.a', 'aws.evasion.b', 'aws.evasion.c'];
const set = compileRules(RULE_IDS.map(rule), configSchema.parse({}));
const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 2, 3, 0, 0);
const PRIORITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hits spread over rules, keys, windows, files and priorities; some times have a fraction. */
function hits(n: number, seed: number, summaryBytes = 10): Hit[] {
  const r = random(seed);
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
    const f = findingOf(g.win, g.hits, set, opts);
    if (f !== undefined) out.push(f);
  }
  return out.sort(compareFindings);
}

describe('the hit spool', () => {
  const opts = { windowMs: H, maxEvidence: 4 };

  it('builds the same findings, in the same order, as grouping every hit in memory', () => {
    for (const seed of [1, 2, 3]) {
      const all = hits(2_000, seed);
      const spooled = buildFindings(all, set, opts);
      expect(spooled.length).toBeGreaterThan(50);
      expect(spooled).toEqual(inMemory(all, opts));
    }
  });

  it('gives the same findings once it has moved from memory to its temporary file', () => {
    // A 64 KiB page cache against about 3 MB of hits: most pages live in the file.
    const all = hits(3_000, 7, 1_000);
    const spool = createHitSpool(set, opts, { cacheKiB: 64 });
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
    const f = buildFindings([at(T0 + 500, 'later'), at(T0, 'sooner')], set, opts);
    expect(f.map((x) => [x.summary, x.time.first])).toEqual([
      ['sooner', '2026-01-02T03:00:00Z'],
      ['later', '2026-01-02T03:00:00.500Z'],
    ]);
  });

  it('skips hits of rules not in the set, and is empty with no hits', () => {
    const stray = { ...hits(1, 9)[0]!, ruleId: 'aws.evasion.gone' };
    expect(buildFindings([stray], set, opts)).toEqual([]);
    expect(buildFindings([], set, opts)).toEqual([]);
  });

  it('is closed once its findings are read, or when the reader stops early', () => {
    const read = createHitSpool(set, opts);
    for (const h of hits(100, 4)) read.add(h);
    expect([...read.findings()].length).toBeGreaterThan(1);
    expect(() => read.add(hits(1, 5)[0]!)).toThrow(/after close/);
    expect(() => [...read.findings()]).toThrow(/read twice/);

    const stopped = createHitSpool(set, opts);
    for (const h of hits(100, 4)) stopped.add(h);
    for (const f of stopped.findings()) {
      expect(f.id).toMatch(/^[0-9a-f]{32}$/);
      break;
    }
    expect(() => stopped.add(hits(1, 5)[0]!)).toThrow(/after close/);
    stopped.close(); // closing twice is harmless
  });
});
