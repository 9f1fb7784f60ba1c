/**
 * The generic webhook: the alert as JSON, signed so the receiver can tell it came from trailhound
 * and was not replayed. The signature is HMAC-SHA256 over `<timestamp>.<raw body>` with the shared
 * secret, sent as `X-Trailhound-Signature: sha256=<hex>` beside `X-Trailhound-Timestamp` (Unix
 * seconds). A receiver recomputes it over the raw bytes it received, compares in constant time, and
 * rejects timestamps more than a few minutes old. Each try is signed afresh, so a retry or a replay
 * from the dead-letter file carries a current timestamp; `X-Trailhound-Delivery` (the alert id) is
 * the same every time, for deduplication.
 */
import { createHmac } from 'node:crypto';
import type { HttpRequest } from './deliver.js';
import type { Alert } from './group.js';

export const SIGNATURE_HEADER = 'X-Trailhound-Signature';
export const TIMESTAMP_HEADER = 'X-Trailhound-Timestamp';
export const DELIVERY_HEADER = 'X-Trailhound-Delivery';

/** The body of webhook posts and the lines of file sinks. */
export interface AlertEnvelope {
  type: 'trailhound.alert';
  version: 1;
  alert: Alert;
}

export function alertEnvelope(alert: Alert): AlertEnvelope {
  return { type: 'trailhound.alert', version: 1, alert };
}

/**
 * `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`).
 *
 * @example
 * signBody('s3cret', 1767225600, '{"type":"trailhound.alert",…}'); // 'sha256=9f…'
 */
export function signBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookRequest(
  url: string,
  secret: string,
  payload: unknown,
  nowMs: number,
  userAgent: string,
): HttpRequest {
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(nowMs / 1000);
  const id = (payload as Partial<AlertEnvelope>).alert?.id;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': userAgent,
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: signBody(secret, timestamp, body),
  };
  if (typeof id === 'string') headers[DELIVERY_HEADER] = id;
  return { url, headers, body };
}
