/**
 * A real HTTP server on 127.0.0.1 (port 0) for sink tests: it records every request (path,
 * headers, raw body) and answers from a script of replies (status, headers, body, or a delay past
 * the client's timeout), then with a fallback reply once the script runs out. Started and stopped
 * by the test; delayed replies are cancelled on close so no timer outlives it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Hold the reply this long (ms): longer than the client's timeout simulates a hung server. */
  delayMs?: number;
}

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SinkServer {
  url: string;
  received: Received[];
  /** Replies used in order, one per request. */
  script: Reply[];
  /** The reply once the script is used up. */
  fallback: Reply;
  close(): Promise<void>;
}

export async function startSinkServer(
  script: Reply[] = [],
  fallback: Reply = { status: 200, body: 'ok' },
): Promise<SinkServer> {
  const timers = new Set<NodeJS.Timeout>();
  const state: Omit<SinkServer, 'url' | 'close'> = { received: [], script, fallback };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = state.script.shift() ?? state.fallback;
      const answer = () => {
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      };
      if (reply.delayMs === undefined) answer();
      else {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) answer();
        }, reply.delayMs);
        timers.add(t);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as SinkServer;
}
