/**
 * Tests of `rules test` as a module: the sample file passes, every kind of failing case says what
 * happened instead, configuration layers as documented, flow cases run, and every kind of
 * malformed file is refused with its path and line before anything runs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApiRule, defineFlowRule, defineThresholdRule, knob } from '../engine/rule.js';
import type { Rule } from '../engine/rule.js';
import { configSchema } from '../config/schema.js';
import { TrailhoundError } from '../errors.js';
import type { JsonObject } from '../model/event.js';
import { runExample } from './examples.js';
import { ctRecord } from './lib.js';
import { DAY, HOUR, isoAfter } from './lib/principal-behaviour.js';
import { RULES } from './registry.js';
import {
  formatResults,
  loadUserTests,
  parseUserTests,
  runUserTests,
  type CaseResult,
} from './user-tests.js';

const SAMPLE = 'test/fixtures/rules-test/cases.yaml';

const STOP = ctRecord({
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  requestParameters: { name: 'org-trail' },
});

/** A YAML document of cases whose records are given as JSON (JSON is YAML). */
function doc(cases: object[], config?: object): string {
  return JSON.stringify(config === undefined ? { cases } : { config, cases }, null, 2);
}

function run(text: string, rules: readonly Rule[] = RULES): CaseResult[] {
  return runUserTests(parseUserTests(text, 'cases.yaml', { rules }));
}

function refusal(text: string, rules: readonly Rule[] = RULES): TrailhoundError {
  try {
    parseUserTests(text, 'cases.yaml', { rules });
  } catch (err) {
    if (err instanceof TrailhoundError) return err;
    throw err;
  }
  throw new Error('the file was accepted');
}

describe('the sample file', () => {
  it('passes every case, including priorities and layered configuration', async () => {
    const results = runUserTests(await loadUserTests([SAMPLE], { rules: RULES }));
    expect(results.map((r) => [r.case.rule, r.case.expect, r.passed])).toEqual([
      ['aws.evasion.cloudtrail-stopped', 'fire', true],
      ['aws.evasion.cloudtrail-stopped', 'miss', true],
      ['aws.evasion.organization-left', 'fire', true],
      ['aws.evasion.region-enabled', 'fire', true],
      ['aws.evasion.region-enabled', 'miss', true],
      ['aws.evasion.eventbridge-rule-disabled', 'fire', true],
      ['aws.evasion.log-retention-shortened', 'miss', true],
      ['aws.time-geo.new-service-for-principal', 'fire', true],
      ['aws.time-geo.new-service-for-principal', 'miss', true],
    ]);
    // The file-level automationArns reached the case without a config of its own.
    expect(results[5]?.hit?.priority).toBe('low');
    expect(results[2]?.hit?.summary).toContain('stratus-red-team-leave-org-role');
    expect(results.every((r) => r.case.file === SAMPLE && r.case.line !== undefined)).toBe(true);
    // The story: three records, each placed at its own line; the miss reuses it by YAML alias.
    const [story, learning] = results.slice(7);
    expect(story?.case.lines).toHaveLength(3);
    expect(new Set(story?.case.lines).size).toBe(3);
    expect(story?.hits.map((h) => h.eventIds)).toEqual([['5588d149-6777-469f-b5e3-fa4497bba322']]);
    expect(story?.hit?.summary).toContain('called secretsmanager:GetSecretValue');
    expect(learning?.hits).toEqual([]);
  });
});

describe('running cases', () => {
  it('reports a miss case that fires, with the finding it produced', () => {
    const [r] = run(
      doc([
        { title: 'stop', rule: 'aws.evasion.cloudtrail-stopped', expect: 'miss', record: STOP },
      ]),
    );
    expect(r?.passed).toBe(false);
    expect(r?.reason).toMatch(
      /^expected aws\.evasion\.cloudtrail-stopped not to fire; it fired at high: /,
    );
    expect(r?.reason).toContain('stopped logging on CloudTrail trail org-trail');
  });

  it('names the rules that fired instead when the expected one did not', () => {
    const [r] = run(
      doc([
        { title: 'stop', rule: 'aws.evasion.cloudtrail-deleted', expect: 'fire', record: STOP },
      ]),
    );
    expect(r?.passed).toBe(false);
    expect(r?.reason).toBe(
      'expected aws.evasion.cloudtrail-deleted to fire; it did not (fired instead: aws.evasion.cloudtrail-stopped (high))',
    );
  });

  it('says so when no rule fired at all', () => {
    const start = ctRecord({
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'StartLogging',
      requestParameters: { name: 'org-trail' },
    });
    const [r] = run(
      doc([
        { title: 'start', rule: 'aws.evasion.cloudtrail-stopped', expect: 'fire', record: start },
      ]),
    );
    expect(r?.reason).toBe(
      'expected aws.evasion.cloudtrail-stopped to fire; it did not (no rule fired)',
    );
  });

  it('checks the priority of the finding when the case gives one', () => {
    const [low, high] = run(
      doc([
        {
          title: 'a',
          rule: 'aws.evasion.cloudtrail-stopped',
          expect: 'fire',
          priority: 'critical',
          record: STOP,
        },
        {
          title: 'b',
          rule: 'aws.evasion.cloudtrail-stopped',
          expect: 'fire',
          priority: 'high',
          record: STOP,
        },
      ]),
    );
    expect(low?.passed).toBe(false);
    expect(low?.reason).toMatch(
      /^expected aws\.evasion\.cloudtrail-stopped to fire at critical; it fired at high: /,
    );
    expect(high?.passed).toBe(true);
  });

  it('fails a fire case whose configuration disables the rule, and passes the miss', () => {
    const config = { rules: { 'aws.evasion.*': { enabled: false } } };
    const [fire, miss] = run(
      doc([
        {
          title: 'a',
          rule: 'aws.evasion.cloudtrail-stopped',
          expect: 'fire',
          config,
          record: STOP,
        },
        {
          title: 'b',
          rule: 'aws.evasion.cloudtrail-stopped',
          expect: 'miss',
          config,
          record: STOP,
        },
      ]),
    );
    expect(fire?.reason).toBe(
      'expected aws.evasion.cloudtrail-stopped to fire, but the configuration disables it',
    );
    expect(miss?.passed).toBe(true);
  });

  it('fails the case of a rule that throws, without stopping the others', () => {
    const broken = defineApiRule({
      ...(RULES.find((r) => r.id === 'aws.evasion.cloudtrail-stopped') as Parameters<
        typeof defineApiRule
      >[0]),
      id: 'aws.evasion.broken',
      match: () => {
        throw new Error('cannot read properties of undefined');
      },
    });
    const [a, b] = run(
      doc([
        { title: 'a', rule: 'aws.evasion.broken', expect: 'miss', record: STOP },
        { title: 'b', rule: 'aws.evasion.cloudtrail-stopped', expect: 'fire', record: STOP },
      ]),
      [broken, ...RULES],
    );
    expect(a?.passed).toBe(false);
    expect(a?.reason).toBe(
      'aws.evasion.broken threw on this record: cannot read properties of undefined',
    );
    expect(b?.passed).toBe(true);
  });

  it('enriches events before rules see them, as a hunt does', () => {
    const seen: string[] = [];
    const probe = defineApiRule({
      ...(RULES.find((r) => r.id === 'aws.evasion.cloudtrail-stopped') as Parameters<
        typeof defineApiRule
      >[0]),
      id: 'aws.evasion.probe',
      match: (e) => {
        seen.push(e.source?.class ?? 'not enriched');
        return e.source?.class === 'internal';
      },
    });
    const config = { organisation: { internalCidrs: ['203.0.113.0/24'] } };
    const [r] = run(
      doc([{ title: 'a', rule: 'aws.evasion.probe', expect: 'fire', config, record: STOP }]),
      [probe],
    );
    expect(seen).toEqual(['internal']);
    expect(r?.passed).toBe(true);
  });
});

describe('configuration layers', () => {
  const enable = (region: string): JsonObject =>
    ctRecord({
      eventSource: 'account.amazonaws.com',
      eventName: 'EnableRegion',
      requestParameters: { regionName: region },
    });

  it('lays the case config over the file config over the base, replacing lists', () => {
    const text = doc(
      [
        // File config alone: eu-south-2 is approved, so the rule must not fire.
        {
          title: 'file',
          rule: 'aws.evasion.region-enabled',
          expect: 'miss',
          record: enable('eu-south-2'),
        },
        // The case's list replaces the file's: eu-south-2 is no longer approved.
        {
          title: 'case',
          rule: 'aws.evasion.region-enabled',
          expect: 'fire',
          priority: 'high',
          config: { organisation: { approvedRegions: ['eu-west-1'] } },
          record: enable('eu-south-2'),
        },
      ],
      { organisation: { approvedRegions: ['eu-west-1', 'eu-south-2'] } },
    );
    const base = configSchema.parse({ organisation: { accounts: ['111122223333'] } });
    const cases = parseUserTests(text, 'cases.yaml', { rules: RULES, base });
    // Mappings merge: the base's accounts survive under both layers.
    expect(cases.map((c) => c.config.organisation.accounts)).toEqual([
      ['111122223333'],
      ['111122223333'],
    ]);
    expect(cases.map((c) => c.config.organisation.approvedRegions)).toEqual([
      ['eu-west-1', 'eu-south-2'],
      ['eu-west-1'],
    ]);
    expect(runUserTests(cases).map((r) => r.passed)).toEqual([true, true]);
  });

  it('reads the base from a configuration file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trailhound-user-tests-'));
    try {
      await writeFile(
        join(dir, 'trailhound.yaml'),
        'organisation:\n  approvedRegions: [af-south-1]\n',
      );
      await writeFile(
        join(dir, 'cases.yaml'),
        doc([
          {
            title: 'approved',
            rule: 'aws.evasion.region-enabled',
            expect: 'miss',
            record: enable('af-south-1'),
          },
        ]),
      );
      const files = [join(dir, 'cases.yaml')];
      const withBase = await loadUserTests(files, {
        rules: RULES,
        configFile: join(dir, 'trailhound.yaml'),
      });
      expect(runUserTests(withBase)[0]?.passed).toBe(true);
      const without = await loadUserTests(files, { rules: RULES });
      expect(runUserTests(without)[0]?.passed).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('flow cases', () => {
  const toBadPort = defineFlowRule({
    id: 'aws.network.test-port-4444',
    title: 'Traffic to port 4444',
    category: 'network',
    row: 'NET-1',
    priority: 'medium',
    mitre: ['T1571'],
    description: 'A test rule: accepted traffic to port 4444, the default of many reverse shells.',
    falsePositives: ['none'],
    response: ['none'],
    references: ['https://example.com/'],
    knobs: { port: knob(z.number().int(), 4444, 'the port') },
    kind: 'match',
    on: 'flow',
    match: (e, ctx) => e.dstPort === ctx.knobs.port && e.action === 'ACCEPT',
    summary: (e) => `${e.srcAddr ?? '?'} reached ${e.dstAddr ?? '?'} on port ${e.dstPort ?? '?'}`,
    examples: { fire: [], miss: [] },
  });
  const line = (port: number, status = 'OK'): string =>
    `2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.5 198.51.100.7 49152 ${port} 6 10 840 1710255300 1710255360 ACCEPT ${status}`;

  it('parses the default layout, or the header given, and runs flow rules', () => {
    const results = run(
      doc([
        { title: 'shell', rule: toBadPort.id, expect: 'fire', flow: line(4444) },
        { title: 'https', rule: toBadPort.id, expect: 'fire', flow: line(443) },
        {
          title: 'custom order',
          rule: toBadPort.id,
          expect: 'fire',
          header: 'version srcaddr dstaddr srcport dstport protocol action start end log-status',
          flow: '5 10.0.1.5 198.51.100.7 49152 4444 6 ACCEPT 1710255300 1710255360 OK',
        },
      ]),
      [toBadPort],
    );
    expect(results.map((r) => r.passed)).toEqual([true, false, true]);
    expect(results[1]?.reason).toBe(`expected ${toBadPort.id} to fire; it did not (no rule fired)`);
    expect(results[0]?.hit?.summary).toBe('10.0.1.5 reached 198.51.100.7 on port 4444');
  });

  it('treats NODATA lines as carrying no traffic', () => {
    const nodata =
      '2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1710255300 1710255360 - NODATA';
    const results = run(
      doc([
        { title: 'quiet miss', rule: toBadPort.id, expect: 'miss', flow: nodata },
        { title: 'quiet fire', rule: toBadPort.id, expect: 'fire', flow: nodata },
      ]),
      [toBadPort],
    );
    expect(results[0]?.passed).toBe(true);
    expect(results[1]?.reason).toBe(
      `expected ${toBadPort.id} to fire, but the flow line is a NODATA record, which carries no traffic`,
    );
  });

  it('refuses a record for a flow rule and a flow line for a CloudTrail rule', () => {
    const text = [
      'cases:',
      '  - title: a',
      `    rule: ${toBadPort.id}`,
      '    expect: miss',
      `    record: ${JSON.stringify(STOP)}`, // line 5
      '  - title: b',
      '    rule: aws.evasion.cloudtrail-stopped',
      '    expect: miss',
      `    flow: '${line(22)}'`, // line 9
      '',
    ].join('\n');
    const err = refusal(text, [toBadPort, ...RULES]);
    expect(err.details).toEqual([
      `cases[0].record: ${toBadPort.id} reads flow-log records; give a flow line (line 5)`,
      'cases[1].flow: aws.evasion.cloudtrail-stopped reads CloudTrail records; give a record (line 9)',
    ]);
  });
});

describe('malformed files', () => {
  it('refuses a file that is not YAML, with the line', () => {
    const err = refusal('cases:\n  - title: a\n    rule: [unclosed\n');
    expect(err.code).toBe('config');
    expect(err.message).toBe('not valid YAML');
    expect(err.location?.file).toBe('cases.yaml');
    expect(err.location?.line).toBeGreaterThan(1);
  });

  it('lists every problem of every case together, each with its path and line', () => {
    const text = [
      'cases:',
      '  - title: no such rule', // line 2
      '    rule: cloudtrail-stopped',
      '    expect: fire',
      '    record: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging, eventTime: "2026-01-02T03:04:05Z"}',
      '  - rule: aws.evasion.cloudtrail-stopped', // line 6: no title, bad expect, unknown key
      '    expect: fires',
      '    flags: [x]',
      '    record: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging, eventTime: "2026-01-02T03:04:05Z"}',
      '  - title: both inputs', // line 10
      '    rule: aws.evasion.cloudtrail-stopped',
      '    expect: miss',
      '    priority: high',
      '    flow: "2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK"',
      '    record: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging, eventTime: "2026-01-02T03:04:05Z"}',
      '  - title: unusable record', // line 16
      '    rule: aws.evasion.cloudtrail-stopped',
      '    expect: miss',
      '    record: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging}',
      '  - title: a whole delivery file', // line 20
      '    rule: aws.evasion.cloudtrail-stopped',
      '    expect: miss',
      '    record: {Records: []}',
      '',
    ].join('\n');
    const err = refusal(text);
    expect(err.code).toBe('config');
    expect(err.message).toBe('8 problems in the rules test file');
    expect(err.location).toEqual({ file: 'cases.yaml', line: 3 });
    expect(err.details).toEqual([
      'cases[0].rule: no rule with id "cloudtrail-stopped"; did you mean aws.evasion.cloudtrail-stopped? (line 3)',
      'cases[1].title: missing: expected string (line 6)',
      'cases[1].expect: expected fire or miss (line 7)',
      'cases[1]: unknown key flags (line 6)',
      'cases[2]: expected exactly one of record (a CloudTrail record), records (a story of them), flow (a flow-log line) and flows (a story of them) (line 10)',
      'cases[2].priority: priority only applies to a case that expects the rule to fire (line 13)',
      'cases[3].record: not a usable CloudTrail record: CloudTrail record without eventTime (line 19)',
      'cases[4].record: holds a Records list, as CloudTrail delivers files; give one record, or its records as a story under records (line 23)',
    ]);
  });

  it('refuses configuration that does not validate, at file and case level', () => {
    const text = [
      'config:',
      '  organisation:',
      '    accounts: [123456789012]', // line 3: unquoted account id
      'cases:',
      '  - title: a',
      '    rule: aws.evasion.cloudtrail-stopped',
      '    expect: miss',
      '    record: {eventSource: cloudtrail.amazonaws.com, eventName: StartLogging, eventTime: "2026-01-02T03:04:05Z"}',
      '',
    ].join('\n');
    expect(refusal(text).details).toEqual([
      'config.organisation.accounts[0]: expected a string, found the number 123456789012; quote it (line 3)',
    ]);
    const knobText = doc([
      {
        title: 'a',
        rule: 'aws.evasion.log-retention-shortened',
        expect: 'miss',
        config: {
          rules: { 'aws.evasion.log-retention-shortened': { knobs: { minRetention: 3 } } },
        },
        record: STOP,
      },
    ]);
    const knobErr = refusal(knobText);
    expect(knobErr.details).toHaveLength(1);
    expect(knobErr.details[0]).toMatch(
      /^cases\[0\]\.config: rules\.aws\.evasion\.log-retention-shortened\.knobs\.minRetention: unknown knob; expected one of minRetentionDays, sensitiveLogGroups \(line \d+\)$/,
    );
  });

  it('keeps __proto__ keys in a case configuration as data and refuses them', () => {
    const text =
      'cases:\n  - title: a\n    rule: aws.evasion.cloudtrail-stopped\n    expect: miss\n' +
      '    config: {__proto__: {polluted: true}}\n' +
      '    record: {eventSource: cloudtrail.amazonaws.com, eventName: StartLogging, eventTime: "2026-01-02T03:04:05Z"}\n';
    const err = refusal(text);
    expect(err.details).toEqual(['cases[0].config: unknown key __proto__ (line 5)']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a file with no cases, and a top level that is neither list nor mapping', () => {
    expect(refusal('cases: []\n').details).toEqual([
      'cases: no cases: a test file must hold at least one case (line 1)',
    ]);
    expect(refusal('just text\n').details).toEqual([
      '(top level): expected a list of cases, or a mapping with cases (and optionally config) (line 1)',
    ]);
    expect(refusal('cases: []\nsettings: {}\n').details[0]).toBe(
      'settings: unknown key (expected cases and, optionally, config) (line 2)',
    );
  });

  it('accepts a bare list of cases', () => {
    const text = JSON.stringify([
      { title: 'a', rule: 'aws.evasion.cloudtrail-stopped', expect: 'fire', record: STOP },
    ]);
    expect(run(text).map((r) => r.passed)).toEqual([true]);
  });

  it('reports each unreadable or malformed file in one error when several are given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trailhound-user-tests-'));
    try {
      const bad = join(dir, 'bad.yaml');
      await writeFile(
        bad,
        doc([{ title: 'a', rule: 'aws.evasion.nope', expect: 'fire', record: STOP }]),
      );
      const missing = join(dir, 'missing.yaml');
      const err = await loadUserTests([SAMPLE, bad, missing], { rules: RULES }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TrailhoundError);
      const e = err as TrailhoundError;
      expect(e.message).toBe('2 rules test files have problems');
      expect(e.details).toEqual([
        `${bad}: cases[0].rule: no rule with id "aws.evasion.nope"; \`trailhound rules list\` shows every rule id (line 5)`,
        `${missing}: no such file`,
      ]);
      const alone = await loadUserTests([missing], { rules: RULES }).catch((x: unknown) => x);
      expect(alone).toMatchObject({ code: 'usage', location: { file: missing } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('stories', () => {
  const SERVICE = 'aws.time-geo.new-service-for-principal';
  const T0 = '2026-03-02T06:10:44Z';
  const learnFor = (days: number) => ({ rules: { [SERVICE]: { knobs: { learningDays: days } } } });
  const describeInstances = (eventTime: string): JsonObject =>
    ctRecord({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances',
      readOnly: true,
      eventTime,
      requestParameters: { instancesSet: {}, filterSet: {} },
    });
  const readSecret = (eventTime: string): JsonObject =>
    ctRecord({
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'GetSecretValue',
      readOnly: true,
      eventTime,
      sourceIPAddress: '5.45.207.1',
      requestParameters: { secretId: 'prod/orders/db' },
    });
  const sendQuota = (eventTime: string): JsonObject =>
    ctRecord({
      eventSource: 'ses.amazonaws.com',
      eventName: 'GetSendQuota',
      readOnly: true,
      eventTime,
      sourceIPAddress: '5.45.207.1',
    });
  /** Two days of alice reading instances, then her first secret read. */
  const story = [
    describeInstances(T0),
    describeInstances(isoAfter(T0, DAY)),
    readSecret(isoAfter(T0, 2 * DAY)),
  ];

  it('runs a stateful rule over records in order, under the case configuration', () => {
    const results = run(
      doc([
        {
          title: 'a',
          rule: SERVICE,
          expect: 'fire',
          priority: 'medium',
          config: learnFor(1),
          records: story,
        },
        { title: 'b', rule: SERVICE, expect: 'miss', records: story },
        { title: 'c', rule: SERVICE, expect: 'miss', config: learnFor(1), records: story },
      ]),
    );
    expect(results.map((r) => r.passed)).toEqual([true, true, false]);
    const [fired, , wrong] = results;
    // The finding is the secret read's, found by the stateful stage.
    expect(fired?.hits.map((h) => h.eventIds)).toEqual([[story[2]?.eventID]]);
    expect(wrong?.reason).toMatch(
      /^expected aws\.time-geo\.new-service-for-principal not to fire; it fired at medium: arn:aws:iam::123456789012:user\/alice called secretsmanager:GetSecretValue /,
    );
  });

  it('checks the priority against every finding of a story, and says how often it fired', () => {
    const twice = [...story, sendQuota(isoAfter(T0, 2 * DAY + HOUR))];
    const config = learnFor(1);
    const [low, high, miss] = run(
      doc([
        { title: 'a', rule: SERVICE, expect: 'fire', priority: 'low', config, records: twice },
        { title: 'b', rule: SERVICE, expect: 'fire', priority: 'high', config, records: twice },
        { title: 'c', rule: SERVICE, expect: 'miss', config, records: twice },
      ]),
    );
    expect(low?.passed).toBe(true);
    expect(low?.hit?.summary).toContain('ses:GetSendQuota');
    expect(high?.reason).toMatch(
      /^expected aws\.time-geo\.new-service-for-principal to fire at high; it fired at medium, low \(2 times; the first shown\): .*secretsmanager:GetSecretValue/,
    );
    expect(miss?.reason).toMatch(/; it fired at medium \(2 times; the first shown\): /);
  });

  it('takes a single record for a stateful rule and a story for a match rule', () => {
    const stop = (eventTime: string, eventName = 'StopLogging'): JsonObject =>
      ctRecord({
        eventSource: 'cloudtrail.amazonaws.com',
        eventName,
        eventTime,
        requestParameters: { name: 'org-trail' },
      });
    const results = run(
      doc([
        // No learning: the first service of a principal is news, one level lower.
        {
          title: 'a',
          rule: SERVICE,
          expect: 'fire',
          priority: 'low',
          config: learnFor(0),
          record: readSecret(T0),
        },
        {
          title: 'b',
          rule: 'aws.evasion.cloudtrail-stopped',
          expect: 'fire',
          records: [stop(T0, 'StartLogging'), stop(isoAfter(T0, HOUR))],
        },
        {
          title: 'c',
          rule: 'aws.evasion.cloudtrail-stopped',
          expect: 'miss',
          records: [stop(T0, 'StartLogging'), stop(isoAfter(T0, HOUR), 'StartLogging')],
        },
      ]),
    );
    expect(results.map((r) => r.passed)).toEqual([true, true, true]);
  });

  it('names each other rule that fired once, however often a story fired it', () => {
    const stops = [0, 1, 2].map((h) =>
      ctRecord({
        eventSource: 'cloudtrail.amazonaws.com',
        eventName: 'StopLogging',
        eventTime: isoAfter(T0, h * HOUR),
        requestParameters: { name: 'org-trail' },
      }),
    );
    const [r] = run(
      doc([{ title: 'a', rule: 'aws.evasion.cloudtrail-deleted', expect: 'fire', records: stops }]),
    );
    expect(r?.others).toHaveLength(3);
    expect(r?.reason).toBe(
      'expected aws.evasion.cloudtrail-deleted to fire; it did not (fired instead: aws.evasion.cloudtrail-stopped (high))',
    );
  });

  it('agrees with the example harness on the rules’ own stories', () => {
    const ids = [
      'aws.compute.new-image-for-account',
      'aws.time-geo.new-region-for-principal',
      SERVICE,
    ];
    const cases: object[] = [];
    const expected: string[][] = [];
    for (const id of ids) {
      const rule = RULES.find((r) => r.id === id) as Rule;
      for (const [expect, list] of [
        ['fire', rule.examples.fire],
        ['miss', rule.examples.miss],
      ] as const) {
        for (const x of list) {
          cases.push({ ...x, rule: id, expect });
          expected.push(runExample(RULES, rule, x).hits.map((h) => h.summary));
        }
      }
    }
    const results = run(doc(cases));
    expect(results.every((r) => r.passed)).toBe(true);
    expect(results.map((r) => r.hits.map((h) => h.summary))).toEqual(expected);
    expect(expected.some((summaries) => summaries.length > 0)).toBe(true);
  });
});

describe('flow stories', () => {
  const portScan = defineThresholdRule({
    id: 'aws.network.test-port-sweep',
    title: 'Many destination ports from one source',
    category: 'network',
    row: 'NET-1',
    priority: 'medium',
    mitre: ['T1046'],
    description:
      'A test rule: one source reaching three or more distinct ports within ten minutes.',
    falsePositives: ['none'],
    response: ['none'],
    references: ['https://example.com/'],
    knobs: { ports: knob(z.number().int(), 3, 'distinct ports') },
    kind: 'threshold',
    on: 'flow',
    key: (e) => (e.kind === 'flow' ? e.srcAddr : undefined),
    value: (e) => (e.kind === 'flow' && e.dstPort !== undefined ? String(e.dstPort) : undefined),
    windowMs: () => 600_000,
    threshold: (ctx) => ctx.knobs.ports,
    summary: (g) => `${g.key} reached ${g.values.length} ports`,
    examples: { fire: [], miss: [] },
  });
  const HEADER = 'version srcaddr dstaddr srcport dstport protocol action start end log-status';
  const line = (port: number, start: number): string =>
    `5 10.0.1.5 10.0.2.9 49152 ${port} 6 ACCEPT ${start} ${start + 30} OK`;
  const nodata = (start: number): string => `5 - - - - - - ${start} ${start + 60} NODATA`;

  it('runs flow lines in order through a stateful flow rule, skipping lines without traffic', () => {
    const t = 1_772_431_200;
    const results = run(
      doc([
        {
          title: 'sweep',
          rule: portScan.id,
          expect: 'fire',
          header: HEADER,
          flows: [line(22, t), nodata(t + 10), line(445, t + 60), line(3389, t + 120)],
        },
        {
          title: 'two ports',
          rule: portScan.id,
          expect: 'fire',
          header: HEADER,
          flows: [line(22, t), line(445, t + 60)],
        },
        {
          title: 'quiet',
          rule: portScan.id,
          expect: 'fire',
          header: HEADER,
          flows: [nodata(t), nodata(t + 60)],
        },
        {
          title: 'quiet miss',
          rule: portScan.id,
          expect: 'miss',
          header: HEADER,
          flows: [nodata(t)],
        },
      ]),
      [portScan],
    );
    expect(results.map((r) => r.passed)).toEqual([true, false, false, true]);
    expect(results[0]?.hit?.summary).toBe('10.0.1.5 reached 3 ports');
    expect(results[1]?.reason).toBe(`expected ${portScan.id} to fire; it did not (no rule fired)`);
    expect(results[2]?.reason).toBe(
      `expected ${portScan.id} to fire, but none of its 2 flow lines carries traffic (NODATA or SKIPDATA records)`,
    );
  });

  it('refuses malformed stories with the path and line of each problem', () => {
    const good = JSON.stringify(STOP);
    const text = [
      'cases:',
      '  - title: empty story',
      '    rule: aws.evasion.cloudtrail-stopped',
      '    expect: miss',
      '    records: []', // line 5
      '  - title: a bad record in the middle',
      '    rule: aws.evasion.cloudtrail-stopped',
      '    expect: miss',
      '    records:',
      `      - ${good}`,
      '      - {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging}', // line 11
      '      - {Records: []}', // line 12
      '  - title: flows for a CloudTrail rule',
      '    rule: aws.evasion.cloudtrail-stopped',
      '    expect: miss',
      `    flows: ['${line(22, 1_772_431_200)}']`, // line 16
      '  - title: records for a flow rule',
      `    rule: ${portScan.id}`,
      '    expect: miss',
      `    records: [${good}]`, // line 20
      '  - title: a header with records',
      '    rule: aws.evasion.cloudtrail-stopped',
      '    expect: miss',
      `    header: '${HEADER}'`, // line 24
      `    records: [${good}]`,
      '  - title: a story that is no list', // line 26
      '    rule: aws.evasion.cloudtrail-stopped',
      '    expect: miss',
      `    records: ${good}`, // line 29
      '  - title: one record and a story', // line 30
      '    rule: aws.evasion.cloudtrail-stopped',
      '    expect: miss',
      `    record: ${good}`,
      `    records: [${good}]`,
      '',
    ].join('\n');
    const err = refusal(text, [portScan, ...RULES]);
    expect(err.details).toEqual([
      'cases[0].records: expected at least one CloudTrail record (line 5)',
      'cases[1].records[1]: not a usable CloudTrail record: CloudTrail record without eventTime (line 11)',
      'cases[1].records[2]: holds a Records list, as CloudTrail delivers files; give one record, or its records as a story under records (line 12)',
      'cases[2].flows: aws.evasion.cloudtrail-stopped reads CloudTrail records; give records (line 16)',
      `cases[3].records: ${portScan.id} reads flow-log records; give flows (line 20)`,
      'cases[4].header: header only applies to a flow or flows case (line 24)',
      'cases[5].records: expected a list of CloudTrail records, in order (line 29)',
      'cases[6]: expected exactly one of record (a CloudTrail record), records (a story of them), flow (a flow-log line) and flows (a story of them) (line 30)',
    ]);
  });
});

describe('the report', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trailhound-user-tests-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints one line per case, failures with their place and reason, then the totals', async () => {
    const file = join(dir, 'cases.yaml');
    await writeFile(
      file,
      [
        'cases:',
        '  - title: |-',
        '      stop',
        '      on two lines',
        '    rule: aws.evasion.cloudtrail-stopped',
        '    expect: fire',
        `    record: ${JSON.stringify(STOP)}`,
        '  - title: stop is no miss',
        '    rule: aws.evasion.cloudtrail-stopped',
        '    expect: miss',
        `    record: ${JSON.stringify(STOP)}`,
        '',
      ].join('\n'),
    );
    const lines = formatResults(runUserTests(await loadUserTests([file], { rules: RULES })));
    expect(lines).toEqual([
      'PASS  aws.evasion.cloudtrail-stopped  stop on two lines',
      `FAIL  aws.evasion.cloudtrail-stopped  stop is no miss (${file}:8): expected aws.evasion.cloudtrail-stopped not to fire; it fired at high: arn:aws:iam::123456789012:user/alice stopped logging on CloudTrail trail org-trail in us-east-1`,
      '1 passed, 1 failed',
    ]);
  });
});
