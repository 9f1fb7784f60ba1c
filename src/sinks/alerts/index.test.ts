import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import { configSchema, type Config } from '../../config/schema.js';
import { EXAMPLE_CONFIG } from '../../cli/config.js';
import { TrailhoundError } from '../../errors.js';
import type { Finding } from '../../findings/finding.js';
import { RULES } from '../../rules/registry.js';
import { startSinkServer, type SinkServer } from '../../../test/helpers/sink-server.js';
import { createAlertSinks, replayDeadLetters, type AlertSinkOptions } from './index.js';
import { groupAlerts } from './group.js';
import { parseRetryAfter } from './deliver.js';

const NOW = Date.parse('2026-03-14T14:00:00Z');
const SLACK_PATH = '/services/T0EXAMPLE/B0EXAMPLE/xoxbSecretPathPart42';
const HMAC_SECRET = 'whsec-4f1c9a7e-test-secret';
const JIRA_TOKEN = 'ATATT3xFfGF0-example-token-9d2c';

const servers: SinkServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(...args: Parameters<typeof startSinkServer>): Promise<SinkServer> {
  const s = await startSinkServer(...args);
  servers.push(s);
  return s;
}
const tmp = () => mkdtempSync(join(tmpdir(), 'trailhound-sinks-'));

let seq = 0;
function finding(over: Partial<Finding> & { at?: string; events?: number } = {}): Finding {
  seq++;
  const at = over.at ?? '2026-03-14T13:43:40Z';
  const events = over.events ?? 1;
  const eventIds = Array.from(
    { length: events },
    (_, i) => `3f9a2c1e-77d4-4c1b-9e0f-${String(seq * 100 + i).padStart(12, '0')}`,
  );
  const f: Finding = {
    id: `f${String(seq).padStart(31, '0')}`,
    rule: { id: 'aws.evasion.cloudtrail-stopped', title: 'CloudTrail logging stopped' },
    matrix: { category: 'evasion', row: 'EVA-1' },
    priority: 'high',
    mitre: ['T1562.008'],
    time: { first: at, last: at },
    account: '111122223333',
    region: 'eu-west-1',
    actor: {
      arn: 'arn:aws:iam::111122223333:user/svc-backup',
      type: 'IAMUser',
      accessKeyId: 'AKIAEXAMPLEBACKUP7Q2',
      sourceIp: '185.220.101.47',
      userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22',
    },
    summary: 'svc-backup stopped trail org-trail in eu-west-1',
    evidence: {
      count: events,
      eventIds,
      origins: eventIds.map(
        (_, i) =>
          `AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/14/111122223333_CloudTrail_eu-west-1_20260314T1345Z_Hn4bV8mCk3GjS0Lf.json.gz#${i}`,
      ),
    },
    suppressed: null,
  };
  const rest: Partial<Finding> & { at?: string; events?: number } = { ...over };
  delete rest.at;
  delete rest.events;
  return { ...f, ...rest };
}

function config(sinks: Record<string, unknown>): Config {
  return configSchema.parse({
    sinks: {
      retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 10_000, timeoutMs: 2000 },
      ...sinks,
    },
  });
}

/** Options with an injected clock, sleep and jitter; `sleeps` records the delays asked for. */
function harness(env: Record<string, string>, dir = tmp()) {
  const sleeps: number[] = [];
  const logs: Record<string, unknown>[] = [];
  const opts: AlertSinkOptions = {
    env,
    deadLetterDir: dir,
    log: (e) => logs.push(e),
    deps: {
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
      now: () => NOW,
    },
  };
  return { opts, sleeps, logs, dir };
}

const readLines = (file: string): any[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('retries and rate limits', () => {
  it('retries a failing server with exponential backoff and jitter, then delivers', async () => {
    const srv = await server([{ status: 500 }, { status: 502 }]);
    const h = harness({ HOOK: `${srv.url}${SLACK_PATH}` });
    const sinks = createAlertSinks(
      config({ destinations: [{ type: 'slack', name: 'soc', urlEnv: 'HOOK' }] }),
      h.opts,
    );
    const r = await sinks.send([finding()]);
    expect(r).toEqual({ sent: 1, deadLettered: 0, failures: [] });
    expect(srv.received).toHaveLength(3);
    // base 100 ms doubling, equal jitter at random() = 0.5: 3/4 of 100, then of 200.
    expect(h.sleeps).toEqual([75, 150]);
    expect(new Set(srv.received.map((q) => q.body)).size).toBe(1);
  });

  it('waits as long as Retry-After says (seconds) on 429, bounded by maxDelayMs', async () => {
    const srv = await server([
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 429, headers: { 'retry-after': '3600' } },
    ]);
    const h = harness({ HOOK: `${srv.url}/hook` });
    const sinks = createAlertSinks(
      config({
        retry: { attempts: 5, baseDelayMs: 100, maxDelayMs: 20_000, timeoutMs: 2000 },
        destinations: [{ type: 'slack', name: 'soc', urlEnv: 'HOOK' }],
      }),
      h.opts,
    );
    expect((await sinks.send([finding()])).sent).toBe(1);
    expect(srv.received).toHaveLength(3);
    expect(h.sleeps).toEqual([7000, 20_000]);
  });

  it('reads Retry-After as an HTTP date on 503', async () => {
    const srv = await server([
      { status: 503, headers: { 'retry-after': new Date(NOW + 42_000).toUTCString() } },
    ]);
    const h = harness({ HOOK: `${srv.url}/hook` });
    const sinks = createAlertSinks(
      config({ destinations: [{ type: 'slack', name: 'soc', urlEnv: 'HOOK' }] }),
      h.opts,
    );
    expect((await sinks.send([finding()])).sent).toBe(1);
    expect(h.sleeps).toEqual([10_000]); // 42 s asked, maxDelayMs 10 s
    expect(parseRetryAfter(new Date(NOW + 42_000).toUTCString(), NOW)).toBe(42_000);
    expect(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });

  it('does not retry a 400, and stops trying a destination that answers 404', async () => {
    const srv = await server([
      { status: 400, body: 'invalid_blocks' },
      { status: 404, body: 'no_service' },
    ]);
    const h = harness({ HOOK: `${srv.url}/hook` });
    const sinks = createAlertSinks(
      config({ destinations: [{ type: 'slack', name: 'soc', urlEnv: 'HOOK' }] }),
      h.opts,
    );
    const other = { arn: 'arn:aws:iam::111122223333:user/alice' };
    const third = { arn: 'arn:aws:iam::111122223333:user/bob' };
    const r = await sinks.send([finding(), finding({ actor: other }), finding({ actor: third })]);
    expect(srv.received).toHaveLength(2); // 400: next alert; 404: sink down, third not tried
    expect(h.sleeps).toEqual([]);
    expect(r.sent).toBe(0);
    expect(r.deadLettered).toBe(3);
    const dl = readLines(join(h.dir, 'soc.jsonl'));
    expect(dl.map((e) => e.attempts)).toEqual([1, 1, 0]);
    expect(dl[0].lastError).toBe('HTTP 400 Bad Request: invalid_blocks');
    expect(dl[2].lastError).toMatch(/^not tried: sink down \(HTTP 404/);
  });

  it('gives up on a request that outlives the timeout and tries again', async () => {
    const srv = await server([{ status: 200, delayMs: 30_000 }]);
    const h = harness({ HOOK: `${srv.url}/hook` });
    const sinks = createAlertSinks(
      config({
        retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 10_000, timeoutMs: 150 },
        destinations: [{ type: 'slack', name: 'soc', urlEnv: 'HOOK' }],
      }),
      h.opts,
    );
    expect((await sinks.send([finding()])).sent).toBe(1);
    expect(srv.received).toHaveLength(2);
    expect(h.logs.find((l) => l.msg === 'alert delivery failed, retrying')).toMatchObject({
      attempt: 1,
      error: 'no response within 150 ms',
    });
  });
});

describe('dead letters and replay', () => {
  it('dead-letters everything a down destination did not take, and replay delivers it later', async () => {
    const srv = await server([], { status: 500, body: 'upstream down' });
    const h = harness({ HOOK: `${srv.url}/hook`, KEY: HMAC_SECRET });
    const cfg = config({
      destinations: [{ type: 'webhook', name: 'siem', urlEnv: 'HOOK', secretEnv: 'KEY' }],
    });
    const findings = [
      finding(),
      finding({ actor: { arn: 'arn:aws:iam::111122223333:user/alice' } }),
    ];
    const r = await createAlertSinks(cfg, h.opts).send(findings);
    expect(r.sent).toBe(0);
    expect(r.deadLettered).toBe(2);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.sink).toBe('siem');
    expect(r.failures[0]!.message).toContain('HTTP 500 Internal Server Error: upstream down');
    // Three tries for the first alert; the second is not tried once the sink is known down.
    expect(srv.received).toHaveLength(3);
    const file = join(h.dir, 'siem.jsonl');
    const entries = readLines(file);
    expect(entries).toHaveLength(2);
    for (const e of entries) {
      expect(e).toMatchObject({
        version: 1,
        sink: 'siem',
        type: 'webhook',
        rule: 'aws.evasion.cloudtrail-stopped',
        firstFailure: '2026-03-14T14:00:00.000Z',
      });
      expect(e.payload.type).toBe('trailhound.alert');
    }
    expect(entries.map((e) => e.attempts)).toEqual([3, 0]);

    // Still down: replay keeps the entries, counting the new tries.
    const again = await replayDeadLetters(cfg, h.opts);
    expect(again.sinks).toEqual([
      expect.objectContaining({ sink: 'siem', delivered: 0, remaining: 2 }),
    ]);
    expect(readLines(file).map((e) => e.attempts)).toEqual([6, 0]);
    expect(srv.received).toHaveLength(6);

    // Recovered: replay delivers both, in order.
    srv.fallback = { status: 204 };
    const before = srv.received.length;
    const done = await replayDeadLetters(cfg, h.opts);
    expect(done.sinks).toEqual([{ sink: 'siem', delivered: 2, remaining: 0 }]);
    const delivered = srv.received.slice(before).map((q) => JSON.parse(q.body));
    expect(delivered).toEqual(entries.map((e) => e.payload));
    // Emptied: the claimed file is gone and nothing was given back.
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(h.dir).filter((n) => n.includes('.replay-'))).toEqual([]);
    // Nothing left: a further replay sends nothing.
    expect((await replayDeadLetters(cfg, h.opts)).sinks).toEqual([]);
    expect(srv.received).toHaveLength(before + 2);
  });

  it('replays one sink only with `sink`, keeps unreadable lines, and picks up an interrupted claim', async () => {
    const srv = await server();
    const dir = tmp();
    const h = harness({ A: `${srv.url}/a`, B: `${srv.url}/b` }, dir);
    const cfg = config({
      destinations: [
        { type: 'slack', name: 'a', urlEnv: 'A' },
        { type: 'slack', name: 'b', urlEnv: 'B' },
      ],
    });
    const entry = (sink: string, text: string) =>
      JSON.stringify({
        version: 1,
        sink,
        type: 'slack',
        alertId: 'x',
        rule: 'aws.evasion.cloudtrail-stopped',
        payload: { text },
        firstFailure: '2026-03-14T13:00:00.000Z',
        lastFailure: '2026-03-14T13:00:00.000Z',
        attempts: 5,
        lastError: 'HTTP 503',
      });
    writeFileSync(join(dir, 'a.jsonl'), `${entry('a', 'one')}\n{broken\n`);
    // Left behind by a replay that died (pid 1 is never a replay of ours).
    writeFileSync(join(dir, 'a.jsonl.replay-999999999-dead-0'), `${entry('a', 'two')}\n`);
    writeFileSync(join(dir, 'b.jsonl'), `${entry('b', 'three')}\n`);

    const r = await replayDeadLetters(cfg, { ...h.opts, sink: 'a' });
    expect(r.sinks).toEqual([
      { sink: 'a', delivered: 2, remaining: 1, problem: 'unreadable line kept (not JSON)' },
    ]);
    expect(srv.received.map((q) => [q.path, JSON.parse(q.body).text]).sort()).toEqual([
      ['/a', 'one'],
      ['/a', 'two'],
    ]);
    expect(readFileSync(join(dir, 'a.jsonl'), 'utf8')).toBe('{broken\n');
    expect(readLines(join(dir, 'b.jsonl'))).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(['a.jsonl', 'b.jsonl']);
    await expect(replayDeadLetters(cfg, { ...h.opts, sink: 'nope' })).rejects.toThrow(
      /no destination named "nope"/,
    );
  });
});

describe('destinations', () => {
  it('signs webhook bodies with HMAC-SHA256 over timestamp and body, verifiable with the secret', async () => {
    const srv = await server();
    const h = harness({ HOOK: `${srv.url}/ingest`, KEY: HMAC_SECRET });
    const sinks = createAlertSinks(
      config({
        destinations: [{ type: 'webhook', name: 'siem', urlEnv: 'HOOK', secretEnv: 'KEY' }],
      }),
      h.opts,
    );
    await sinks.send([finding()]);
    const [q] = srv.received;
    const ts = q!.headers['x-trailhound-timestamp'] as string;
    const sig = q!.headers['x-trailhound-signature'] as string;
    expect(ts).toBe(String(NOW / 1000));
    // What a receiver does: HMAC over `${timestamp}.${raw body}`, constant-time comparison.
    const verify = (secret: string, body: string) => {
      const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
      return (
        expected.length === sig.length && timingSafeEqual(Buffer.from(expected), Buffer.from(sig))
      );
    };
    expect(verify(HMAC_SECRET, q!.body)).toBe(true);
    expect(verify('wrong-secret', q!.body)).toBe(false);
    expect(verify(HMAC_SECRET, q!.body.replace('svc-backup', 'svc-backuq'))).toBe(false);
    const body = JSON.parse(q!.body);
    expect(q!.headers['x-trailhound-delivery']).toBe(body.alert.id);
    expect(q!.headers['content-type']).toBe('application/json');
    expect(body).toMatchObject({
      type: 'trailhound.alert',
      version: 1,
      alert: {
        rule: { id: 'aws.evasion.cloudtrail-stopped' },
        principal: 'arn:aws:iam::111122223333:user/svc-backup',
        count: { findings: 1, events: 1 },
      },
    });
  });

  it('creates a Jira issue (API v2, basic auth) with summary, evidence, response steps, labels and priority', async () => {
    const srv = await server([], {
      status: 201,
      body: '{"id":"10042","key":"SEC-17","self":"https://example.atlassian.net/rest/api/2/issue/10042"}',
    });
    const h = harness({ JIRA: JIRA_TOKEN });
    const sinks = createAlertSinks(
      config({
        destinations: [
          {
            type: 'jira',
            name: 'tickets',
            url: `${srv.url}/jira/`,
            project: 'SEC',
            issueType: 'Incident',
            labels: ['trailhound', 'aws'],
            priorities: { high: 'High', critical: 'Highest' },
            email: 'secops@example.com',
            tokenEnv: 'JIRA',
          },
        ],
      }),
      h.opts,
    );
    const f1 = finding({ summary: 'svc-backup stopped trail *org-trail* in eu-west-1 [x](y)' });
    const f2 = finding({ events: 2 });
    expect((await sinks.send([f1, f2])).sent).toBe(1);
    expect(srv.received).toHaveLength(1);
    const q = srv.received[0]!;
    expect(q.path).toBe('/jira/rest/api/2/issue');
    expect(q.headers.authorization).toBe(
      `Basic ${Buffer.from(`secops@example.com:${JIRA_TOKEN}`).toString('base64')}`,
    );
    const { fields } = JSON.parse(q.body);
    expect(Object.keys(fields).sort()).toEqual(
      ['description', 'issuetype', 'labels', 'priority', 'project', 'summary'].sort(),
    );
    expect(fields.project).toEqual({ key: 'SEC' });
    expect(fields.issuetype).toEqual({ name: 'Incident' });
    expect(fields.priority).toEqual({ name: 'High' });
    expect(fields.labels).toEqual(['trailhound', 'aws', 'aws.evasion.cloudtrail-stopped']);
    expect(fields.summary).toBe(
      'svc-backup stopped trail *org-trail* in eu-west-1 [x](y) (+1 more)',
    );
    const d: string = fields.description;
    expect(typeof d).toBe('string');
    // Markup from the log record is escaped, not interpreted.
    expect(d).toContain(
      'h3. svc\\-backup stopped trail \\*org\\-trail\\* in eu\\-west\\-1 \\[x\\](y)',
    );
    for (const id of [...f1.evidence.eventIds, ...f2.evidence.eventIds, f1.id, f2.id])
      expect(d).toContain(id);
    expect(d).toContain(f1.evidence.origins[0]);
    expect(d).toContain('*Count:* 2 finding(s), 3 event(s)');
    const rule = RULES.find((r) => r.id === 'aws.evasion.cloudtrail-stopped')!;
    const steps = d.split('\n').filter((l) => l.startsWith('# '));
    expect(steps).toHaveLength(rule.response.length);
    expect(steps[0]).toContain('StartLogging');
    expect(h.logs.find((l) => l.msg === 'alert delivered')).toMatchObject({
      sink: 'tickets',
      detail: 'SEC-17',
    });

    // A later batch growing the same group (watch) comments on that issue instead of opening one.
    const f3 = finding({ at: '2026-03-14T13:50:00Z' });
    expect((await sinks.send([f1, f3])).sent).toBe(1);
    expect(srv.received).toHaveLength(2);
    const update = srv.received[1]!;
    expect(update.path).toBe('/jira/rest/api/2/issue/SEC-17/comment');
    const comment = JSON.parse(update.body);
    expect(Object.keys(comment)).toEqual(['body']);
    expect(comment.body).toMatch(/^h3\. Update: /);
    expect(comment.body).toContain(f3.id);
    expect(comment.body).not.toContain(f1.id);
    expect(comment.body).toContain('*Count:* 1 finding(s), 1 event(s)');
  });

  it('creates a Jira issue through API v3 with an ADF description and a bearer token', async () => {
    const srv = await server([], { status: 201, body: '{"id":"1","key":"SEC-1"}' });
    const h = harness({ PAT: JIRA_TOKEN });
    const sinks = createAlertSinks(
      config({
        destinations: [
          {
            type: 'jira',
            name: 'tickets',
            url: srv.url,
            apiVersion: 3,
            project: 'SEC',
            auth: 'bearer',
            tokenEnv: 'PAT',
          },
        ],
      }),
      h.opts,
    );
    await sinks.send([finding()]);
    const q = srv.received[0]!;
    expect(q.path).toBe('/rest/api/3/issue');
    expect(q.headers.authorization).toBe(`Bearer ${JIRA_TOKEN}`);
    const { fields } = JSON.parse(q.body);
    expect(fields.priority).toBeUndefined();
    expect(fields.issuetype).toEqual({ name: 'Task' });
    expect(fields.description).toMatchObject({ type: 'doc', version: 1 });
    const types = fields.description.content.map((n: any) => n.type);
    expect(types).toContain('orderedList');
    expect(types).toContain('codeBlock');
    // ADF refuses empty text nodes anywhere in the tree.
    const texts: string[] = [];
    const walk = (n: any) => {
      if (n.type === 'text') texts.push(n.text);
      for (const c of n.content ?? []) walk(c);
    };
    walk(fields.description);
    expect(texts.every((t) => t.length > 0)).toBe(true);
    expect(texts.join('\n')).toContain('arn:aws:iam::111122223333:user/svc-backup');
  });

  it('posts Slack {text, blocks} with log-record text escaped', async () => {
    const srv = await server();
    const h = harness({ HOOK: `${srv.url}${SLACK_PATH}` });
    const sinks = createAlertSinks(
      config({ destinations: [{ type: 'slack', name: 'soc', urlEnv: 'HOOK' }] }),
      h.opts,
    );
    await sinks.send([
      finding({ summary: 'svc-backup stopped trail <!channel> & <https://evil|x>' }),
    ]);
    const body = JSON.parse(srv.received[0]!.body);
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body.text).toContain('[HIGH] CloudTrail logging stopped');
    expect(body.text).not.toContain('<!channel>');
    expect(body.text).toContain('&lt;!channel&gt; &amp; &lt;https://evil|x&gt;');
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '[HIGH] CloudTrail logging stopped' },
    });
    expect(JSON.stringify(body.blocks)).not.toContain('<!channel>');
  });

  it('appends alerts to a JSON-lines file sink, filtered by priority and rule globs', async () => {
    const dir = tmp();
    const h = harness({});
    const sinks = createAlertSinks(
      config({
        destinations: [
          { type: 'file', name: 'all', path: join(dir, 'all.jsonl'), minPriority: 'info' },
          {
            type: 'file',
            name: 'evasion-critical',
            path: join(dir, 'sub', 'crit.jsonl'),
            minPriority: 'critical',
            rules: ['aws.evasion.*'],
          },
        ],
      }),
      h.opts,
    );
    const crit = finding({ priority: 'critical' });
    const otherRule = finding({
      priority: 'critical',
      rule: { id: 'aws.iam.access-key-created', title: 'Access key created' },
    });
    const low = finding({ priority: 'low', actor: { accessKeyId: 'ASIAEXAMPLETEMP0001' } });
    const suppressed = finding({ suppressed: { by: 'config', reason: 'drill' } });
    const r = await sinks.send([crit, otherRule, low, suppressed]);
    expect(r).toEqual({ sent: 4, deadLettered: 0, failures: [] });
    const all = readLines(join(dir, 'all.jsonl'));
    expect(all.map((l) => l.alert.principal).sort()).toEqual([
      'ASIAEXAMPLETEMP0001',
      'arn:aws:iam::111122223333:user/svc-backup',
      'arn:aws:iam::111122223333:user/svc-backup',
    ]);
    expect(readLines(join(dir, 'sub', 'crit.jsonl')).map((l) => l.alert.findingIds)).toEqual([
      [crit.id],
    ]);
    // Findings already handled by this instance are not sent again.
    expect(await sinks.send([crit, otherRule])).toEqual({ sent: 0, deadLettered: 0, failures: [] });
    expect(readLines(join(dir, 'all.jsonl'))).toHaveLength(3);
  });
});

describe('secrets', () => {
  it('reports every missing secret as a configuration error naming the variable', () => {
    const cfg = config({
      destinations: [
        { type: 'slack', name: 'soc', urlEnv: 'NO_SUCH_URL' },
        { type: 'webhook', name: 'siem', urlEnv: 'HOOK', secretEnv: 'NO_SUCH_SECRET' },
        { type: 'slack', name: 'bad', urlEnv: 'NOT_A_URL' },
      ],
    });
    let err: unknown;
    try {
      createAlertSinks(cfg, {
        env: { HOOK: 'https://hooks.example.com/x', NOT_A_URL: 'ftp://secret-host/path' },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrailhoundError);
    const e = err as TrailhoundError;
    expect(e.code).toBe('config');
    expect(e.details).toEqual([
      'sinks.destinations.0 (soc): environment variable NO_SUCH_URL (the URL) is not set',
      'sinks.destinations.1 (siem): environment variable NO_SUCH_SECRET (the signing secret) is not set',
      'sinks.destinations.2 (bad): environment variable NOT_A_URL does not hold an http(s) URL',
    ]);
    expect(JSON.stringify(e.details)).not.toContain('secret-host');
  });

  it('keeps URLs, signing secrets and tokens out of logs, failures and dead-letter files', async () => {
    // The server echoes what it got, as some error pages do.
    const echo = (q: string) => ({ status: 401, body: `unauthorised request ${q}` });
    const srv = await server([
      echo(`POST ${SLACK_PATH}`),
      echo(`X-Trailhound secret=${HMAC_SECRET}`),
      echo(`Authorization: Bearer ${JIRA_TOKEN}`),
    ]);
    const h = harness({
      SLACK: `${srv.url}${SLACK_PATH}`,
      HOOK: `${srv.url}/ingest?token=${HMAC_SECRET}`,
      KEY: HMAC_SECRET,
      PAT: JIRA_TOKEN,
    });
    const sinks = createAlertSinks(
      config({
        destinations: [
          { type: 'slack', name: 'soc', urlEnv: 'SLACK' },
          { type: 'webhook', name: 'siem', urlEnv: 'HOOK', secretEnv: 'KEY' },
          {
            type: 'jira',
            name: 'tickets',
            url: srv.url,
            project: 'SEC',
            auth: 'bearer',
            tokenEnv: 'PAT',
          },
        ],
      }),
      h.opts,
    );
    const r = await sinks.send([finding()]);
    expect(r.deadLettered).toBe(3);
    expect(srv.received).toHaveLength(3);
    const everything = [
      JSON.stringify(h.logs),
      JSON.stringify(r),
      ...readdirSync(h.dir).map((n) => readFileSync(join(h.dir, n), 'utf8')),
    ].join('\n');
    for (const secret of [SLACK_PATH, 'xoxbSecretPathPart42', HMAC_SECRET, JIRA_TOKEN])
      expect(everything).not.toContain(secret);
    expect(everything).toContain('[redacted]');
    // The host is what identifies a destination in logs.
    expect(h.logs.filter((l) => l.msg === 'alert dead-lettered').map((l) => l.target)).toEqual(
      expect.arrayContaining([new URL(srv.url).host]),
    );
    expect(r.failures.map((f) => f.sink).sort()).toEqual(['siem', 'soc', 'tickets']);
  });
});

describe('grouping', () => {
  it('makes one alert per rule, principal and window, with counts and finding ids', () => {
    const windowMs = 60 * 60_000;
    const same = [
      finding({ at: '2026-03-14T13:01:00Z', events: 3 }),
      finding({ at: '2026-03-14T13:20:00Z' }),
      finding({ at: '2026-03-14T13:59:59Z', events: 2, priority: 'critical' }),
    ];
    const nextWindow = finding({ at: '2026-03-14T14:00:00Z' });
    const byKeyOnly = finding({ actor: { accessKeyId: 'AKIAEXAMPLEOTHER0001' } });
    const otherRule = finding({
      rule: { id: 'aws.evasion.guardduty-detector-disabled', title: 'GuardDuty disabled' },
    });
    const alerts = groupAlerts([...same, nextWindow, byKeyOnly, otherRule], windowMs);
    expect(alerts).toHaveLength(4);
    const main = alerts.find((a) => a.count.findings === 3)!;
    expect(main.count).toEqual({ findings: 3, events: 6 });
    expect(main.priority).toBe('critical');
    expect(main.findingIds).toEqual([same[2]!.id, same[0]!.id, same[1]!.id]);
    expect(main.window).toEqual({ start: '2026-03-14T13:00:00Z', end: '2026-03-14T14:00:00Z' });
    expect(main.time).toEqual({ first: '2026-03-14T13:01:00Z', last: '2026-03-14T13:59:59Z' });
    expect(main.evidence.eventIds).toHaveLength(6);
    expect(alerts.find((a) => a.principal === 'AKIAEXAMPLEOTHER0001')?.count.findings).toBe(1);
    // The id depends on rule, principal and window only: stable across runs and batches.
    expect(groupAlerts(same.slice(0, 1), windowMs)[0]!.id).toBe(main.id);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(4);
  });

  it('sends one grouped alert for a burst, not one per finding', async () => {
    const srv = await server();
    const h = harness({ HOOK: `${srv.url}/hook`, KEY: HMAC_SECRET });
    const sinks = createAlertSinks(
      config({
        windowMinutes: 30,
        destinations: [{ type: 'webhook', name: 'siem', urlEnv: 'HOOK', secretEnv: 'KEY' }],
      }),
      h.opts,
    );
    const burst = Array.from({ length: 40 }, (_, i) =>
      finding({ at: `2026-03-14T13:${String(i).padStart(2, '0')}:00Z`, events: 2 }),
    );
    const r = await sinks.send(burst);
    expect(r.sent).toBe(2); // 13:00-13:29 and 13:30-13:59
    const counts = srv.received.map((q) => JSON.parse(q.body).alert.count);
    expect(counts).toEqual([
      { findings: 30, events: 60 },
      { findings: 10, events: 20 },
    ]);
    const first = JSON.parse(srv.received[0]!.body).alert;
    expect(first.findingIds).toHaveLength(30);
    expect(first.evidence.eventIds).toHaveLength(50);
    expect(first.evidence.truncated).toBe(true);
  });
});

describe('configuration', () => {
  it('validates sinks: unique names, env-var names, basic auth needs an email', () => {
    const bad = configSchema.safeParse({
      sinks: {
        destinations: [
          { type: 'slack', name: 'x', urlEnv: 'https://hooks.slack.com/services/T/B/C' },
          { type: 'file', name: 'x', path: 'a.jsonl' },
          {
            type: 'jira',
            name: 'j',
            url: 'https://example.atlassian.net',
            project: 'SEC',
            tokenEnv: 'T',
          },
          { type: 'pager', name: 'p' },
        ],
      },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'sinks.destinations.0.urlEnv',
        'sinks.destinations.2.email',
        'sinks.destinations.3.type',
      ]),
    );
    const dup = configSchema.safeParse({
      sinks: {
        destinations: [
          { type: 'file', name: 'x', path: 'a.jsonl' },
          { type: 'file', name: 'x', path: 'b.jsonl' },
        ],
      },
    });
    expect(dup.error?.issues.map((i) => i.path.join('.'))).toEqual(['sinks.destinations.1.name']);
    // The commented example printed by `config example` is valid once uncommented.
    const lines = EXAMPLE_CONFIG.split('\n');
    const start = lines.indexOf('# sinks:');
    let end = start;
    while (lines[end + 1]?.startsWith('#   ')) end++;
    const example = parseConfig(
      lines
        .slice(start, end + 1)
        .map((l) => l.slice(2))
        .join('\n'),
      'example',
    );
    expect(example.sinks.destinations.map((d) => `${d.name}:${d.type}`)).toEqual([
      'soc-slack:slack',
      'siem:webhook',
      'tickets:jira',
      'archive:file',
    ]);
    const ok = configSchema.parse({});
    expect(ok.sinks).toMatchObject({ windowMinutes: 60, destinations: [], retry: { attempts: 5 } });
  });
});
