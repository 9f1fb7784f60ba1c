/**
 * `watch`'s health and metrics endpoint: a small HTTP server bound to 127.0.0.1 only (put a proxy
 * in front to expose it). `GET /healthz` answers 200 while cycles keep completing and 503 when
 * none has completed for three intervals (at least five minutes); `GET /metrics` answers the
 * counters as JSON. Nothing else is served, and nothing secret is in either answer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The counters `watch` keeps, as `/metrics` shows them. */
export interface WatchMetrics {
  startedAt: string;
  cycles: number;
  /** Objects read and hunted (one per file or S3 object, each time its content is new). */
  filesProcessed: number;
  /** Events hunted (API calls and flow records that passed the filters). */
  events: number;
  findings: {
    /** Written to the output (and handed to the alert sinks when not suppressed). */
    emitted: number;
    /** Found again for an id already emitted, so not emitted again. */
    duplicates: number;
    suppressed: number;
  };
  /** Input problems (unreadable objects, bad records, failed listings). */
  inputProblems: number;
  sinks: { sent: number; deadLettered: number; failures: number };
  /** Objects listed in the last cycle and not processed yet. */
  pending: number;
  lag: {
    /** LastModified / mtime of the newest object seen, ISO time. */
    newestObject: string | null;
    /** LastModified / mtime of the newest object processed, ISO time. */
    newestProcessed: string | null;
    /** How far processing trails the newest object seen (0 when caught up). */
    behindNewestSeconds: number;
    /** Age of the oldest object seen but not processed yet (0 when caught up). */
    oldestPendingSeconds: number;
  };
  lastCycle: { at: string; durationMs: number; files: number; findings: number } | null;
}

export function newMetrics(now = Date.now()): WatchMetrics {
  return {
    startedAt: new Date(now).toISOString(),
    cycles: 0,
    filesProcessed: 0,
    events: 0,
    findings: { emitted: 0, duplicates: 0, suppressed: 0 },
    inputProblems: 0,
    sinks: { sent: 0, deadLettered: 0, failures: 0 },
    pending: 0,
    lag: {
      newestObject: null,
      newestProcessed: null,
      behindNewestSeconds: 0,
      oldestPendingSeconds: 0,
    },
    lastCycle: null,
  };
}

export interface HealthServer {
  /** The port bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

export interface HealthSource {
  metrics(): WatchMetrics;
  /** Epoch ms of the last completed cycle or batch, or of the start. */
  lastProgress(): number;
  intervalMs: number;
}

/** ok while progress is recent; stalled otherwise. */
export function healthOf(
  src: HealthSource,
  now = Date.now(),
): { status: 'ok' | 'stalled'; sinceProgressSeconds: number } {
  const since = now - src.lastProgress();
  const limit = Math.max(3 * src.intervalMs, 5 * 60_000);
  return {
    status: since > limit ? 'stalled' : 'ok',
    sinceProgressSeconds: Math.round(since / 1000),
  };
}

/**
 * Starts the endpoint on 127.0.0.1:`port` (0: any free port).
 *
 * @example
 * const h = await startHealthServer(9464, source); // curl 127.0.0.1:9464/metrics
 */
export async function startHealthServer(port: number, src: HealthSource): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'GET only' });
    if (path === '/healthz') {
      const h = healthOf(src);
      return send(h.status === 'ok' ? 200 : 503, h);
    }
    if (path === '/metrics') return send(200, { status: healthOf(src).status, ...src.metrics() });
    return send(404, { error: 'not found; try /healthz or /metrics' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
