import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../config/schema.js';
import { TrailhoundError } from '../errors.js';
import type { ApiEvent, Event } from '../model/event.js';
import { normaliseCloudTrail } from '../normalise/cloudtrail.js';
import { compileRules } from './compile.js';
import { evaluateMatch, type RuleFailure } from './evaluate.js';
import { defineApiRule, knob, type Rule } from './rule.js';
import type { Hit } from '../findings/finding.js';

const meta = {
  category: 'evasion' as const,
  row: 'EVA-1' as const,
  priority: 'high' as const,
  mitre: ['T1562.008'],
  description: 'd',
  falsePositives: [],
  response: [],
  references: [],
  examples: { fire: [], miss: [] },
};

const stop = defineApiRule({
  ...meta,
  id: 'aws.evasion.test-stop',
  title: 'stop',
  kind: 'match',
  on: { eventSource: ['cloudtrail.amazonaws.com'], eventNames: ['StopLogging'] },
  knobs: { minLength: knob(z.number().int().min(1), 3, 'length') },
  match: (e, ctx) =>
    (e.request?.name as string | undefined)?.length !== undefined &&
    String(e.request?.name).length >= ctx.knobs.minLength,
  summary: (e) => `${e.actor.arn ?? '?'} stopped ${String(e.request?.name)}`,
});
const any = defineApiRule({
  ...meta,
  id: 'aws.evasion.test-any',
  title: 'any',
  kind: 'match',
  on: { eventNames: '*' },
  knobs: {},
  match: (e) => {
    if (e.userAgent === 'boom') throw new Error('bad data');
    return e.userAgent === 'kali';
  },
  summary: () => 'tool',
});
const registry: Rule[] = [stop as Rule, any as Rule];

function ev(name: string, extra: Record<string, unknown> = {}): ApiEvent {
  const r = normaliseCloudTrail(
    {
      eventTime: '2026-01-02T03:04:05Z',
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: name,
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111111111111:user/alice' },
      ...extra,
    } as never,
    { file: 'x', index: 0 },
  );
  if (!r.ok) throw new Error(r.reason);
  return r.event;
}

function run(set: ReturnType<typeof compileRules>, e: Event) {
  const hits: Hit[] = [];
  const failures: RuleFailure[] = [];
  evaluateMatch(set, e, hits, failures);
  return { hits, failures };
}

describe('compileRules', () => {
  it('indexes by event name and source, and sends every event to wildcard rules', () => {
    const set = compileRules(registry, configSchema.parse({}));
    expect(set.apiRulesFor(ev('StopLogging')).map((c) => c.rule.id)).toEqual([
      'aws.evasion.test-stop',
      'aws.evasion.test-any',
    ]);
    expect(
      set
        .apiRulesFor(ev('StopLogging', { eventSource: 'other.amazonaws.com' }))
        .map((c) => c.rule.id),
    ).toEqual(['aws.evasion.test-any']);
    expect(set.apiRulesFor(ev('DescribeTrails')).map((c) => c.rule.id)).toEqual([
      'aws.evasion.test-any',
    ]);
  });

  it('answers the same for a name and source asked again, and after many distinct ones', () => {
    const set = compileRules(registry, configSchema.parse({}));
    const ids = (e: ApiEvent) => set.apiRulesFor(e).map((c) => c.rule.id);
    const other = ev('StopLogging', { eventSource: 'other.amazonaws.com' });
    expect(ids(other)).toEqual(['aws.evasion.test-any']);
    expect(ids(ev('StopLogging'))).toEqual(['aws.evasion.test-stop', 'aws.evasion.test-any']);
    // Names and sources come from the input: more pairs than the cache keeps must not change answers.
    for (let i = 0; i < 60_000; i++) set.apiRulesFor(ev(`Junk${i}`));
    expect(ids(ev('StopLogging'))).toEqual(['aws.evasion.test-stop', 'aws.evasion.test-any']);
    expect(ids(other)).toEqual(['aws.evasion.test-any']);
  });

  it('applies knobs, priority and enablement from config, exact id over glob', () => {
    const set = compileRules(
      registry,
      configSchema.parse({
        rules: {
          'aws.evasion.*': { priority: 'low' },
          'aws.evasion.test-stop': { priority: 'critical', knobs: { minLength: 10 } },
          'aws.evasion.test-any': { enabled: false },
        },
      }),
    );
    expect(set.rules.map((r) => r.rule.id)).toEqual(['aws.evasion.test-stop']);
    expect(set.byId.get('aws.evasion.test-stop')?.priority).toBe('critical');
    expect(run(set, ev('StopLogging', { requestParameters: { name: 'short' } })).hits).toHaveLength(
      0,
    );
    const { hits } = run(
      set,
      ev('StopLogging', { requestParameters: { name: 'a-long-trail-name' } }),
    );
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      priority: 'critical',
      key: 'arn:aws:iam::111111111111:user/alice',
      summary: 'arn:aws:iam::111111111111:user/alice stopped a-long-trail-name',
    });
  });

  it('reports every problem in rule settings at once', () => {
    try {
      compileRules(
        registry,
        configSchema.parse({
          rules: {
            'aws.evasion.test-stop': { knobs: { minLength: 0, nope: 1 } },
            'aws.nothing.*': { enabled: false },
          },
        }),
      );
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TrailhoundError);
      const details = (err as TrailhoundError).details.join('\n');
      expect(details).toContain('rules.aws.evasion.test-stop.knobs.minLength');
      expect(details).toContain('rules.aws.evasion.test-stop.knobs.nope: unknown knob');
      expect(details).toContain('rules.aws.nothing.*: matches no rule id');
    }
  });

  it('a rule that throws is reported, and other rules still run', () => {
    const set = compileRules(registry, configSchema.parse({}));
    const { hits, failures } = run(
      set,
      ev('StopLogging', { userAgent: 'boom', requestParameters: { name: 'trail' } }),
    );
    expect(hits.map((h) => h.ruleId)).toEqual(['aws.evasion.test-stop']);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toBe('bad data');
  });
});
