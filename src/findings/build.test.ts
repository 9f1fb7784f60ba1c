import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { compileRules } from '../engine/compile.js';
import { defineApiRule, type Rule } from '../engine/rule.js';
import { findingId, foldHits } from './build.js';
import { buildFindings } from './spool.js';
import type { Hit } from './finding.js';

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
