import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { compileRules } from '../engine/compile.js';
import { defineApiRule, type Rule } from '../engine/rule.js';
import { TrailhoundError } from '../errors.js';
import { foldHits } from './build.js';
import { buildFindings } from './spool.js';
import {
  actionAllowed,
  actorArns,
  correlate,
  csvRows,
  loadChangeFeeds,
  parseFeed,
  type ApprovedWindow,
} from './changes.js';
import type { Finding, Hit } from './finding.js';

const T = (iso: string) => Date.parse(iso);

function finding(over: Partial<Finding> = {}, actions?: string[]): Finding {
  const f: Finding = {
    id: '0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f',
    rule: { id: 'aws.iam.user-created', title: 'IAM user created' },
    matrix: { category: 'iam', row: 'IAM-2' },
    priority: 'medium',
    mitre: ['T1136.003'],
    time: { first: '2026-03-14T13:39:30Z', last: '2026-03-14T13:39:52Z' },
    account: '111122223333',
    region: 'eu-west-1',
    actor: {
      arn: 'arn:aws:iam::111122223333:user/ops-alice',
      type: 'IAMUser',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      sourceIp: '198.51.100.7',
      userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.6.0 exe/x86_64.ubuntu.22',
    },
    summary: 'ops-alice created IAM user reporting-svc',
    evidence: { count: 2, eventIds: ['e1', 'e2'], origins: ['a.json#1', 'a.json#2'] },
    suppressed: null,
    ...over,
  };
  if (actions !== undefined) f.evidence.actions = actions;
  return f;
}

function win(over: Partial<ApprovedWindow> = {}): ApprovedWindow {
  return {
    by: 'change',
    ticket: 'CHG-123',
    principals: ['arn:aws:iam::111122223333:user/ops-*'],
    actions: ['iam:*'],
    start: T('2026-03-14T13:00:00Z'),
    end: T('2026-03-14T14:00:00Z'),
    origin: 'chg.csv:2',
    ...over,
  };
}

const HEADER = 'ticket,principal,actions,start,end';

describe('csvRows', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and knows start lines', () => {
    const text = 'a,b\r\n"x, y","say ""hi""\nthere"\n\n3,4\n';
    const { rows, error } = csvRows(text);
    expect(error).toBeUndefined();
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"\nthere'] },
      { line: 5, cells: ['3', '4'] },
    ]);
  });

  it('stops at an unterminated quote and says on which line it opened', () => {
    const { rows, error } = csvRows('a,b\n1,2\n"open,3\n4,5\n');
    expect(rows).toHaveLength(2);
    expect(error).toEqual({ line: 3, reason: 'a quoted field is never closed' });
  });
});

describe('parseFeed: approved-change CSV', () => {
  it('reads tickets, with globs, lists, dates and zones, ignoring extra columns', () => {
    const text = [
      `${HEADER},approver`,
      'CHG-123,arn:aws:iam::111122223333:user/ops-*,"iam:*; CreateRole",2026-03-14T13:00:00Z,2026-03-14T14:00:00Z,bob',
      'CHG-124,arn:aws:sts::*:assumed-role/admin/* arn:aws:iam::*:user/root-ops,ec2.amazonaws.com:RunInstances,2026-03-14,2026-03-15T10:00+02:00,carol',
    ].join('\n');
    const { windows, problems } = parseFeed(text, 'changes.csv', 'change');
    expect(problems).toEqual([]);
    expect(windows).toEqual([
      {
        by: 'change',
        ticket: 'CHG-123',
        principals: ['arn:aws:iam::111122223333:user/ops-*'],
        actions: ['iam:*', 'CreateRole'],
        start: T('2026-03-14T13:00:00Z'),
        end: T('2026-03-14T14:00:00Z'),
        origin: 'changes.csv:2',
      },
      {
        by: 'change',
        ticket: 'CHG-124',
        principals: ['arn:aws:sts::*:assumed-role/admin/*', 'arn:aws:iam::*:user/root-ops'],
        actions: ['ec2:RunInstances'],
        start: T('2026-03-14T00:00:00Z'),
        end: T('2026-03-15T08:00:00Z'),
        origin: 'changes.csv:3',
      },
    ]);
  });

  it('reports each bad row with file, line and every reason, and uses the good ones', () => {
    const text = [
      HEADER,
      'CHG-1,arn:aws:iam::111122223333:user/ops,iam:*,2026-03-14,2026-03-14',
      ',ops-alice,iam:Create(User),tomorrow,2026-02-30',
      'CHG-3,arn:aws:iam::111122223333:user/ops,iam:*,2026-03-15,2026-03-14',
      'CHG-4,arn:aws:iam::111122223333:user/ops,iam:*,2026-03-14',
      '"CHG-5, the big one",arn:aws:iam::111122223333:user/ops,,2026-03-14,2026-03-14',
    ].join('\n');
    const { windows, problems } = parseFeed(text, '/feeds/changes.csv', 'change');
    expect(windows.map((w) => w.ticket)).toEqual(['CHG-1']);
    expect(problems).toEqual([
      {
        code: 'feed-bad-record',
        severity: 'warning',
        file: '/feeds/changes.csv',
        line: 3,
        reason:
          'ticket: missing; principal: expected an ARN or ARN glob (arn:aws:iam::*:role/deploy), found "ops-alice"; ' +
          'actions: expected globs over service:EventName or EventName (iam:*, CreateUser), found "iam:Create(User)"; ' +
          'start: expected a date (2026-03-14) or an ISO 8601 time (2026-03-14T13:30:00Z), found "tomorrow"; ' +
          'end: expected a date (2026-03-14) or an ISO 8601 time (2026-03-14T13:30:00Z), found "2026-02-30"',
      },
      {
        code: 'feed-bad-record',
        severity: 'warning',
        file: '/feeds/changes.csv',
        line: 4,
        reason: 'end (2026-03-14) is before start (2026-03-15)',
      },
      {
        code: 'feed-bad-record',
        severity: 'warning',
        file: '/feeds/changes.csv',
        line: 5,
        reason: 'expected 5 fields as in the header, found 4',
      },
      {
        code: 'feed-bad-record',
        severity: 'warning',
        file: '/feeds/changes.csv',
        line: 6,
        reason: 'actions: missing',
      },
    ]);
  });

  it('reports a header without the required columns once, for the whole file', () => {
    const { windows, problems } = parseFeed('id,who,when\nCHG-1,x,2026-03-14\n', 'c.csv', 'change');
    expect(windows).toEqual([]);
    expect(problems).toEqual([
      {
        code: 'feed-bad-file',
        severity: 'warning',
        file: 'c.csv',
        line: 1,
        reason:
          'the header row has no ticket, principal, actions, start, end columns; expected ticket, principal, actions, start, end (found id, who, when)',
      },
    ]);
  });

  it('keeps the rows before an unterminated quote and reports where it opened', () => {
    const text = `${HEADER}\nCHG-1,arn:aws:iam::1:user/a,iam:*,2026-03-14,2026-03-14\n"CHG-2,arn:aws:iam::1:user/a,iam:*,2026-03-14,2026-03-14\n`;
    const { windows, problems } = parseFeed(text, 'c.csv', 'change');
    expect(windows.map((w) => w.ticket)).toEqual(['CHG-1']);
    expect(problems).toEqual([
      {
        code: 'feed-bad-record',
        severity: 'warning',
        file: 'c.csv',
        line: 3,
        reason: 'a quoted field is never closed',
      },
    ]);
  });

  it('treats header cells such as __proto__ and constructor as data', () => {
    const text = `__proto__,constructor,${HEADER}\n{"polluted":1},x,CHG-1,arn:aws:iam::1:user/a,iam:*,2026-03-14,2026-03-14\n`;
    const { windows, problems } = parseFeed(text, 'c.csv', 'change');
    expect(problems).toEqual([]);
    expect(windows.map((w) => w.ticket)).toEqual(['CHG-1']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(windows[0])).toBe(Object.prototype);
  });
});

describe('parseFeed: deploy runs', () => {
  it('reads CSV deploy runs; the ticket is pipeline#run and no actions means any action', () => {
    const text =
      'pipeline,run,role,start,end,actions\n' +
      'infra-deploy,4711,arn:aws:iam::111122223333:role/github-deploy,2026-03-14T10:00:00Z,2026-03-14T10:15:00Z,\n' +
      'app-deploy,88,arn:aws:iam::*:role/app-deploy,2026-03-14T11:00:00Z,2026-03-14T11:05:00Z,lambda:*\n';
    const { windows, problems } = parseFeed(text, 'runs.csv', 'deploy');
    expect(problems).toEqual([]);
    expect(windows.map((w) => [w.by, w.ticket, w.actions])).toEqual([
      ['deploy', 'infra-deploy#4711', undefined],
      ['deploy', 'app-deploy#88', ['lambda:*']],
    ]);
  });

  it('reads a JSON list, reporting bad objects with the line they start on and their index', () => {
    const text = `[
  {
    "pipeline": "infra-deploy",
    "run": 4711,
    "role": ["arn:aws:iam::111122223333:role/github-deploy"],
    "start": "2026-03-14T10:00:00Z",
    "end": "2026-03-14T10:15:00Z"
  },
  "not an object",
  { "pipeline": "x", "run": {"id": 1}, "role": "arn:aws:iam::1:role/x", "start": "2026-03-14", "end": "2026-03-14", "actions": [1] },
  { "__proto__": { "polluted": true }, "pipeline": "p", "run": "7", "role": "arn:aws:iam::1:role/p",
    "start": "2026-03-14", "end": "2026-03-14" }
]`;
    const { windows, problems } = parseFeed(text, 'runs.json', 'deploy');
    expect(windows.map((w) => [w.ticket, w.principals, w.origin])).toEqual([
      ['infra-deploy#4711', ['arn:aws:iam::111122223333:role/github-deploy'], 'runs.json:2'],
      ['p#7', ['arn:aws:iam::1:role/p'], 'runs.json:11'],
    ]);
    expect(problems).toEqual([
      {
        code: 'feed-bad-record',
        severity: 'warning',
        file: 'runs.json',
        line: 9,
        index: 1,
        reason: 'expected an object, found "not an object"',
      },
      {
        code: 'feed-bad-record',
        severity: 'warning',
        file: 'runs.json',
        line: 10,
        index: 2,
        reason:
          'run: expected a string, found an object; actions: expected a string or a list of strings, found a list',
      },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports invalid JSON and a JSON document that is not a list as a bad file', () => {
    const broken = parseFeed('[\n  {"ticket": "CHG-1",}\n]', 'c.json', 'change');
    expect(broken.windows).toEqual([]);
    expect(broken.problems).toHaveLength(1);
    expect(broken.problems[0]).toMatchObject({ code: 'feed-bad-file', file: 'c.json', line: 2 });
    expect(broken.problems[0]?.reason).toMatch(/^not valid JSON: /);

    const object = parseFeed('{"changes": []}', 'c.json', 'change');
    expect(object.problems).toEqual([
      {
        code: 'feed-bad-file',
        severity: 'warning',
        file: 'c.json',
        reason: 'expected a JSON list of tickets, found an object',
      },
    ]);
  });

  it('recognises JSON by its first character when the file name does not say', () => {
    const text =
      '[{"ticket":"CHG-9","principal":"arn:aws:iam::1:user/a","actions":"*","start":"2026-03-14","end":"2026-03-14"}]';
    expect(parseFeed(text, 'changes.txt', 'change').windows.map((w) => w.ticket)).toEqual([
      'CHG-9',
    ]);
  });
});

describe('loadChangeFeeds', () => {
  it('reads every ticket and deploy file, and refuses a missing file as a config error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailhound-changes-'));
    writeFileSync(
      join(dir, 'c.csv'),
      `${HEADER}\nCHG-1,arn:aws:iam::1:user/a,iam:*,2026-03-14,2026-03-14\nbad\n`,
    );
    writeFileSync(
      join(dir, 'd.json'),
      '[{"pipeline":"p","run":"1","role":"arn:aws:iam::1:role/p","start":"2026-03-14","end":"2026-03-14"}]',
    );
    const loaded = await loadChangeFeeds({
      tickets: [join(dir, 'c.csv')],
      deploys: [join(dir, 'd.json')],
    });
    expect(loaded.windows.map((w) => `${w.by} ${w.ticket}`)).toEqual([
      'change CHG-1',
      'deploy p#1',
    ]);
    expect(loaded.problems).toMatchObject([{ file: join(dir, 'c.csv'), line: 3 }]);

    const missing = loadChangeFeeds({ tickets: [join(dir, 'nope.csv')], deploys: [] });
    await expect(missing).rejects.toBeInstanceOf(TrailhoundError);
    await expect(missing).rejects.toMatchObject({
      code: 'config',
      message: 'cannot read approved-change feed: no such file',
      location: { file: join(dir, 'nope.csv') },
    });
  });
});

describe('actions and actors', () => {
  it('matches service:EventName globs against the action and bare globs against the name', () => {
    expect(actionAllowed(['iam:*'], 'iam:CreateUser')).toBe(true);
    expect(actionAllowed(['iam:*'], 'sts:GetCallerIdentity')).toBe(false);
    expect(actionAllowed(['CreateUser'], 'iam:CreateUser')).toBe(true);
    expect(actionAllowed(['Create*'], 'iam:CreateUser')).toBe(true);
    expect(actionAllowed(['createuser'], 'iam:CreateUser')).toBe(true);
    expect(actionAllowed(['Create'], 'iam:CreateUser')).toBe(false);
    expect(actionAllowed(['ec2:*'], 'iam:CreateUser')).toBe(false);
    expect(actionAllowed(['*'], 'iam:CreateUser')).toBe(true);
  });

  it('knows an assumed-role session also by its role ARN', () => {
    expect(
      actorArns({ arn: 'arn:aws:sts::111122223333:assumed-role/github-deploy/GitHubActions' }),
    ).toEqual([
      'arn:aws:sts::111122223333:assumed-role/github-deploy/GitHubActions',
      'arn:aws:iam::111122223333:role/github-deploy',
    ]);
    expect(actorArns({ arn: 'arn:aws:iam::111122223333:user/alice' })).toEqual([
      'arn:aws:iam::111122223333:user/alice',
    ]);
    expect(actorArns({ sourceIp: '10.0.0.1' })).toEqual([]);
  });
});

describe('correlate', () => {
  const allowed = ['iam:CreateUser', 'iam:CreateAccessKey'];

  it('is inside when principal, every action and the whole time span fit', () => {
    const c = correlate(finding({}, allowed), [win()]);
    expect(c.inside?.ticket).toBe('CHG-123');
    expect(c.partial).toEqual([]);
  });

  it('is partial when an action is not allowed, naming it', () => {
    const c = correlate(finding({}, [...allowed, 'cloudtrail:StopLogging']), [win()]);
    expect(c.inside).toBeUndefined();
    expect(c.partial).toEqual([
      {
        by: 'change',
        ticket: 'CHG-123',
        overlap: 'partial',
        reason: 'actions not allowed: cloudtrail:StopLogging',
      },
    ]);
  });

  it('is partial when the finding starts before or ends after the window', () => {
    const early = correlate(
      finding({ time: { first: '2026-03-14T12:59:59Z', last: '2026-03-14T13:10:00Z' } }, allowed),
      [win()],
    );
    expect(early.partial[0]?.reason).toBe('events before the window opens (2026-03-14T13:00:00Z)');
    const late = correlate(
      finding({ time: { first: '2026-03-14T13:50:00Z', last: '2026-03-14T14:00:01Z' } }, allowed),
      [win()],
    );
    expect(late.partial[0]?.reason).toBe('events after the window closes (2026-03-14T14:00:00Z)');
  });

  it('is unrelated when the times do not meet or the principal differs', () => {
    const after = finding(
      { time: { first: '2026-03-14T14:00:01Z', last: '2026-03-14T14:05:00Z' } },
      allowed,
    );
    expect(correlate(after, [win()])).toEqual({ partial: [] });
    const other = finding({ actor: { arn: 'arn:aws:iam::111122223333:user/mallory' } }, allowed);
    expect(correlate(other, [win()])).toEqual({ partial: [] });
  });

  it('treats unknown actions (behaviour over time) as at most partial, unless any action is allowed', () => {
    const stateful = finding();
    expect(correlate(stateful, [win()]).partial[0]?.reason).toBe(
      'the actions of its events are not known, so not known to be allowed',
    );
    expect(correlate(stateful, [win({ actions: ['*'] })]).inside?.ticket).toBe('CHG-123');
    const run = win({ by: 'deploy', ticket: 'infra#7', actions: undefined });
    expect(correlate(stateful, [run]).inside?.ticket).toBe('infra#7');
  });

  it('matches a deploy role against the assumed-role session that acted', () => {
    const f = finding(
      {
        actor: { arn: 'arn:aws:sts::111122223333:assumed-role/github-deploy/GitHubActions' },
        time: { first: '2026-03-14T10:02:31Z', last: '2026-03-14T10:02:31Z' },
      },
      ['lambda:CreateFunction'],
    );
    const run = win({
      by: 'deploy',
      ticket: 'infra-deploy#4711',
      principals: ['arn:aws:iam::111122223333:role/github-deploy'],
      actions: undefined,
      start: T('2026-03-14T10:00:00Z'),
      end: T('2026-03-14T10:15:00Z'),
    });
    expect(correlate(f, [run]).inside?.ticket).toBe('infra-deploy#4711');
  });

  it('takes the first window the finding is inside and lists the partial ones', () => {
    const c = correlate(finding({}, allowed), [
      win({ ticket: 'CHG-1', actions: ['ec2:*'] }),
      win({ ticket: 'CHG-2' }),
      win({ ticket: 'CHG-3' }),
    ]);
    expect(c.inside?.ticket).toBe('CHG-2');
    expect(c.partial.map((p) => p.ticket)).toEqual(['CHG-1']);
  });
});

describe('evidence.actions, which correlation relies on', () => {
  const rule = defineApiRule({
    id: 'aws.iam.x',
    title: 'X',
    category: 'iam',
    row: 'IAM-2',
    priority: 'high',
    mitre: ['T1136.003'],
    description: 'd',
    falsePositives: [],
    response: [],
    references: [],
    knobs: {},
    examples: { fire: [], miss: [] },
    kind: 'match',
    on: { eventNames: ['CreateUser'] },
    match: () => true,
    summary: () => 's',
  });
  const set = compileRules([rule as Rule], configSchema.parse({}));
  const t0 = Date.UTC(2026, 2, 14, 13, 0, 0);
  const hit = (i: number, actions?: string[]): Hit => {
    const h: Hit = {
      ruleId: 'aws.iam.x',
      key: 'alice',
      priority: 'high',
      summary: 's',
      time: t0 + i * 1000,
      count: 1,
      eventIds: [`e${i}`],
      origins: [{ file: 'a', index: i }],
      account: '111122223333',
      region: 'eu-west-1',
      actor: { arn: 'arn:aws:iam::111122223333:user/alice' },
    };
    if (actions !== undefined) h.actions = actions;
    return h;
  };
  const opts = { windowMs: 3_600_000, maxEvidence: 3 };

  it('are the distinct, sorted actions of every event, the same folded per file or not', () => {
    const hits = [
      hit(0, ['iam:CreateUser']),
      hit(1, ['iam:AttachUserPolicy']),
      hit(2, ['iam:CreateUser']),
    ];
    const direct = buildFindings(hits, set, opts);
    expect(direct[0]?.evidence.actions).toEqual(['iam:AttachUserPolicy', 'iam:CreateUser']);
    const folded = buildFindings(
      [...foldHits(hits.slice(0, 2), opts), ...foldHits(hits.slice(2), opts)],
      set,
      opts,
    );
    expect(folded[0]?.evidence.actions).toEqual(direct[0]?.evidence.actions);
  });

  it('are left out when one event is unknown or there are more than maxEvidence', () => {
    const unknown = buildFindings([hit(0, ['iam:CreateUser']), hit(1)], set, opts);
    expect(unknown[0]?.evidence.actions).toBeUndefined();
    const folded = buildFindings(foldHits([hit(0), hit(1, ['iam:CreateUser'])], opts), set, opts);
    expect(folded[0]?.evidence.actions).toBeUndefined();
    const many = ['iam:A', 'iam:B', 'iam:C', 'iam:D'].map((a, i) => hit(i, [a]));
    expect(buildFindings(many, set, opts)[0]?.evidence.actions).toBeUndefined();
    expect(buildFindings(foldHits(many, opts), set, opts)[0]?.evidence.actions).toBeUndefined();
  });
});
