/**
 * Delivery of one payload with retries: one try at a time, each HTTP request bounded by a timeout,
 * exponential backoff with jitter between tries, and a server's `Retry-After` (seconds or an HTTP
 * date, on 429 and 503) honoured up to the configured maximum delay. Client errors other than 408
 * and 429 are not retried: the same request would fail the same way. The clock, the sleep and the
 * random source are injected so tests can check the delays asked for without waiting for them.
 */
import type { RetryConfig } from '../../config/sinks.js';

/** What one try gave. `down`: the destination itself is unusable (bad URL, credentials, gone). */
export type AttemptResult =
  | { ok: true; detail?: string }
  | { ok: false; error: string; retry: boolean; retryAfterMs?: number; down?: boolean };

export type Outcome =
  | { ok: true; attempts: number; detail?: string }
  | { ok: false; attempts: number; error: string; down: boolean };

export interface DeliveryDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1), for jitter. */
  random: () => number;
  /** Epoch ms, for `Retry-After` dates and webhook timestamps. */
  now: () => number;
}

export const realDeps: DeliveryDeps = {
  fetch: (input, init) => fetch(input, init),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
};

/**
 * The delay before retry number `retry` (0 for the first retry): `baseDelayMs · 2^retry`, capped at
 * `maxDelayMs`, then "equal jitter" (between half and all of it) so that many clients that failed
 * together do not retry together.
 */
export function backoffDelay(retry: number, policy: RetryConfig, random: () => number): number {
  const capped = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(capped / 2 + random() * (capped / 2));
}

/**
 * Milliseconds a `Retry-After` header asks for: delay-seconds or an HTTP date; undefined when the
 * value is neither. A date in the past means now.
 *
 * @example
 * parseRetryAfter('120', Date.now()); // 120000
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at) || !/[A-Za-z]/.test(v)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Runs `attempt` until it succeeds, fails permanently, or `policy.attempts` tries are used up.
 * `onRetry` is told about each failure that will be retried and the delay chosen.
 */
export async function withRetries(
  attempt: () => Promise<AttemptResult>,
  policy: RetryConfig,
  deps: Pick<DeliveryDeps, 'sleep' | 'random'>,
  onRetry?: (info: { attempt: number; error: string; delayMs: number }) => void,
): Promise<Outcome> {
  for (let n = 1; ; n++) {
    const r = await attempt();
    if (r.ok)
      return r.detail === undefined
        ? { ok: true, attempts: n }
        : { ok: true, attempts: n, detail: r.detail };
    if (!r.retry || n >= policy.attempts) {
      // A destination that kept failing for every try is treated as down, like one that said so.
      return { ok: false, attempts: n, error: r.error, down: r.down === true || r.retry };
    }
    const delayMs =
      r.retryAfterMs !== undefined
        ? Math.min(policy.maxDelayMs, r.retryAfterMs)
        : backoffDelay(n - 1, policy, deps.random);
    onRetry?.({ attempt: n, error: r.error, delayMs });
    await deps.sleep(delayMs);
  }
}

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * One POST with a timeout covering the whole exchange. Redirects are not followed: a webhook that
 * moved should be reconfigured, and following one would carry credentials to another place.
 * `redact` scrubs secrets out of any text that ends up in an error.
 */
export async function postOnce(
  req: HttpRequest,
  timeoutMs: number,
  deps: Pick<DeliveryDeps, 'fetch' | 'now'>,
  redact: (s: string) => string,
): Promise<AttemptResult & { body?: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await deps.fetch(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const body = await res.text();
    if (res.status >= 200 && res.status < 300) return { ok: true, body };
    const snippet = redact(body.replace(/\s+/g, ' ').trim()).slice(0, 200);
    const error = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${snippet ? `: ${snippet}` : ''}`;
    if (res.status === 429 || res.status === 503) {
      const after = parseRetryAfter(res.headers.get('retry-after'), deps.now());
      return after === undefined
        ? { ok: false, error, retry: true }
        : { ok: false, error, retry: true, retryAfterMs: after };
    }
    if (res.status >= 500 || res.status === 408) return { ok: false, error, retry: true };
    if (res.status >= 300 && res.status < 400)
      return { ok: false, error: `${error} (redirect not followed)`, retry: false, down: true };
    // Wrong credentials or an endpoint that is gone fail every alert alike; a 400 or 422 may be
    // about this one payload.
    const down = [401, 403, 404, 405, 410].includes(res.status);
    return { ok: false, error, retry: false, down };
  } catch (err) {
    if (controller.signal.aborted)
      return { ok: false, error: `no response within ${timeoutMs} ms`, retry: true };
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const text =
      cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
    return { ok: false, error: redact(`request failed: ${text}`), retry: true };
  } finally {
    clearTimeout(timer);
  }
}
