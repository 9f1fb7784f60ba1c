import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSinkServer, type SinkServer } from '../../test/helpers/sink-server.js';
import { main } from './program.js';

const SECRET = 'whsec-cli-test-5e1d';
const servers: SinkServer[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Runs the CLI in this process with extra environment variables, capturing its output. */
async function trailhound(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  const saved = { ...process.env };
  Object.assign(process.env, env, { NO_COLOR: '1' });
  process.exitCode = undefined;
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    process.exitCode = undefined;
    vi.restoreAllMocks();
  }
}

/** A folder with a configuration: a signed webhook for high findings and a file of every alert. */
function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-cli-sinks-'));
  const config = join(dir, 'trailhound.yaml');
  writeFileSync(
    config,
    `sinks:
  windowMinutes: 60
  deadLetterDir: dead
  retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5000 }
  destinations:
    - name: siem
      type: webhook
      urlEnv: TEST_TRAILHOUND_HOOK
      secretEnv: TEST_TRAILHOUND_SECRET
      minPriority: high
    - name: archive
      type: file
      path: out/alerts.jsonl
      minPriority: info
`,
  );
  return { dir, config };
}

const lines = (file: string): any[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('hunt --send and sinks replay', () => {
  it('sends grouped, signed alerts after the run and reports delivery', async () => {
    const srv = await startSinkServer();
    servers.push(srv);
    const { dir, config } = setUp();
    const r = await trailhound(['hunt', 'examples/', '--format', 'json', '--send', '-c', config], {
      TEST_TRAILHOUND_HOOK: `${srv.url}/hook`,
      TEST_TRAILHOUND_SECRET: SECRET,
    });
    expect(r.code).toBe(0);
    const { summary, findings } = JSON.parse(r.stdout);
    const high = findings.filter(
      (f: any) => f.suppressed === null && ['high', 'critical'].includes(f.priority),
    );
    expect(high.length).toBeGreaterThan(0);
    const keys = new Set(
      high.map((f: any) => `${f.rule.id} ${f.actor.arn ?? f.actor.accessKeyId ?? 'unknown'}`),
    );
    // One alert per rule and principal (the examples span less than an hour per story).
    expect(srv.received.length).toBeLessThanOrEqual(keys.size);
    expect(srv.received.length).toBeGreaterThan(0);
    const alerts = srv.received.map((q) => {
      const ts = q.headers['x-trailhound-timestamp'];
      expect(q.headers['x-trailhound-signature']).toBe(
        `sha256=${createHmac('sha256', SECRET).update(`${ts}.${q.body}`).digest('hex')}`,
      );
      return JSON.parse(q.body).alert;
    });
    const sentIds = alerts.flatMap((a: any) => a.findingIds).sort();
    expect(sentIds).toEqual(high.map((f: any) => f.id).sort());
    const archived = lines(join(dir, 'out', 'alerts.jsonl'));
    expect(archived.flatMap((l) => l.alert.findingIds).sort()).toEqual(
      findings
        .filter((f: any) => f.suppressed === null)
        .map((f: any) => f.id)
        .sort(),
    );
    expect(summary.alerts).toEqual({
      sinks: ['siem', 'archive'],
      sent: srv.received.length + archived.length,
      deadLettered: 0,
      failures: [],
    });
    expect(r.stderr).toContain(
      `trailhound: alerts: ${srv.received.length + archived.length} sent to siem, archive`,
    );
    expect(r.stderr).not.toContain(SECRET);
  });

  it('dead-letters alerts while the webhook is down; sinks replay delivers them once it is back', async () => {
    const srv = await startSinkServer([], { status: 503, body: 'maintenance' });
    servers.push(srv);
    const { dir, config } = setUp();
    const env = { TEST_TRAILHOUND_HOOK: `${srv.url}/hook`, TEST_TRAILHOUND_SECRET: SECRET };
    const hunt = await trailhound(
      ['hunt', 'examples/', '--format', 'jsonl', '--send', '-c', config],
      env,
    );
    expect(hunt.code).toBe(0);
    const file = join(dir, 'dead', 'siem.jsonl');
    const dead = lines(file);
    expect(dead.length).toBeGreaterThan(0);
    expect(hunt.stderr).toContain(`${dead.length} dead-lettered`);
    expect(hunt.stderr).toMatch(
      /siem: \d+ alert\(s\) not delivered \(HTTP 503 Service Unavailable/,
    );
    expect(hunt.stderr).toContain(file);
    expect(srv.received).toHaveLength(2); // two tries, then the sink counts as down

    const still = await trailhound(['sinks', 'replay', '-c', config], env);
    expect(still.code).toBe(1);
    expect(still.stdout).toBe(`siem: 0 delivered, ${dead.length} left\n`);
    expect(still.stderr).toContain('HTTP 503');

    srv.fallback = { status: 200, body: 'ok' };
    const before = srv.received.length;
    const replay = await trailhound(['sinks', 'replay', '-c', config, '--sink', 'siem'], env);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toBe(`siem: ${dead.length} delivered, 0 left\n`);
    const got = srv.received.slice(before);
    expect(got.map((q) => JSON.parse(q.body))).toEqual(dead.map((e) => e.payload));
    expect(got.every((q) => q.headers['x-trailhound-signature']?.toString().startsWith('sha256=')));
    expect(existsSync(file)).toBe(false);

    const list = await trailhound(['sinks', 'list', '-c', config], env);
    expect(
      list.stdout
        .split('\n')
        .slice(0, 3)
        .map((l) => l.split(/ {2,}/)),
    ).toEqual([
      ['name', 'type', 'sends to', 'priority', 'rules', 'dead letters'],
      [
        'siem',
        'webhook',
        'URL from $TEST_TRAILHOUND_HOOK, secret from $TEST_TRAILHOUND_SECRET',
        'high+',
        'all',
        '0',
      ],
      ['archive', 'file', join(dir, 'out', 'alerts.jsonl'), 'info+', 'all', '0'],
    ]);
    const none = await trailhound(['sinks', 'replay', '-c', config], env);
    expect(none.stdout).toBe(`nothing to replay in ${join(dir, 'dead')}\n`);
  });

  it('sinks test sends a test alert past the filters; config check names the destinations', async () => {
    const srv = await startSinkServer([{ status: 200 }], { status: 410, body: 'gone' });
    servers.push(srv);
    const { dir, config } = setUp();
    const env = { TEST_TRAILHOUND_HOOK: `${srv.url}/hook`, TEST_TRAILHOUND_SECRET: SECRET };
    const ok = await trailhound(['sinks', 'test', '-c', config], env);
    expect(ok.stdout).toBe('siem: delivered after 1 try\narchive: delivered after 1 try\n');
    expect(ok.code).toBe(0);
    expect(JSON.parse(srv.received[0]!.body).alert.rule.id).toBe('trailhound.sinks.test');
    expect(lines(join(dir, 'out', 'alerts.jsonl'))[0].alert.priority).toBe('info');
    const gone = await trailhound(['sinks', 'test', '-c', config, '--sink', 'siem'], env);
    expect(gone.stdout).toBe('siem: FAILED after 1 try (HTTP 410 Gone: gone)\n');
    expect(gone.code).toBe(1);
    expect(existsSync(join(dir, 'dead'))).toBe(false); // tests never dead-letter
    const check = await trailhound(['config', 'check', config]);
    expect(check.stdout).toMatch(
      /alert sinks\s+2 destinations \(siem: webhook, archive: file\), one alert per rule and principal per 60 minutes/,
    );
  });

  it('stops before hunting when a secret is missing or nothing is configured', async () => {
    const { config } = setUp();
    const r = await trailhound(['hunt', 'examples/', '--format', 'jsonl', '--send', '-c', config], {
      TEST_TRAILHOUND_HOOK: 'http://127.0.0.1:9/hook',
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'sinks.destinations.0 (siem): environment variable TEST_TRAILHOUND_SECRET (the signing secret) is not set',
    );
    const bare = await trailhound(['hunt', 'examples/', '--format', 'jsonl', '--send']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('--send: no alert destinations in the configuration');
    const unknown = await trailhound(['sinks', 'replay', '-c', config, '--sink', 'pager']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no destination named "pager"');
  });
});
