/**
 * Alert sinks: sends findings to the destinations in the configuration's `sinks` section (Slack-
 * compatible webhooks, signed generic webhooks, Jira, JSON-lines files). Findings are filtered per
 * destination (priority, rule globs), grouped into one alert per rule, principal and window, and
 * sent one alert at a time per destination with retries; destinations are served in parallel.
 * What a destination does not take goes to its dead-letter file for `trailhound sinks replay`, so
 * nothing is lost when one is down. Secrets come from the environment and never reach a log line.
 */
import { PRIORITY_RANK } from '../../findings/build.js';
import type { Config } from '../../config/schema.js';
import type { Finding } from '../../findings/finding.js';
import type { Rule } from '../../engine/rule.js';
import { matchesAny } from '../../util/glob.js';
import { appendDeadLetters, deadLetterFile, type DeadLetterEntry } from './dead-letter.js';
import { realDeps, withRetries, type DeliveryDeps } from './deliver.js';
import { setUpDrivers, type SinkDriver } from './driver.js';
import { groupAlerts, type Alert } from './group.js';

export type { Alert } from './group.js';
export { replayDeadLetters, type ReplayReport } from './replay.js';
export { probeSinks, type ProbeResult } from './probe.js';

export interface AlertDelivery {
  /** Alerts delivered. */
  sent: number;
  /** Alerts written to a dead-letter file instead. */
  deadLettered: number;
  /** One line per destination that did not take everything, and why. */
  failures: { sink: string; message: string }[];
}

export interface AlertSinks {
  readonly names: readonly string[];
  /**
   * Sends the unsuppressed findings not sent before by this instance. Never throws for a
   * destination's failure: that is reported in the result and logged.
   */
  send(findings: readonly Finding[]): Promise<AlertDelivery>;
}

export interface AlertSinkOptions {
  /** Where secrets are read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Structured log lines (`level`, `msg`, `sink`, …); never holds a secret. Default: none. */
  log?: (entry: Record<string, unknown>) => void;
  /** Overrides `sinks.deadLetterDir`. */
  deadLetterDir?: string;
  /** Network, clock, sleep and randomness; tests replace them. */
  deps?: Partial<DeliveryDeps>;
  /** Rules whose response steps go into tickets; default the registry. */
  rules?: readonly Rule[];
}

/** Above this many remembered finding ids, the oldest windows are forgotten. */
const REMEMBERED_MAX = 100_000;

/**
 * Sets up the configured destinations. Throws `TrailhoundError('config')` naming every missing
 * secret, before anything is sent.
 *
 * @example
 * const sinks = createAlertSinks(config, { log: (e) => console.error(JSON.stringify(e)) });
 * const { sent, deadLettered } = await sinks.send(findings);
 */
export function createAlertSinks(config: Config, opts: AlertSinkOptions = {}): AlertSinks {
  const conf = config.sinks;
  const deps: DeliveryDeps = { ...realDeps, ...opts.deps };
  const log = opts.log ?? (() => {});
  const dir = opts.deadLetterDir ?? conf.deadLetterDir;
  const drivers = setUpDrivers(config, opts, deps);
  const windowMs = conf.windowMinutes * 60_000;
  // Finding ids handled (sent or dead-lettered), so a long-running watch that sees a finding
  // again (at-least-once input) does not alert twice.
  const handled = new Map<string, number>();
  // Alerts delivered by this instance (sink and alert id), with what the destination answered
  // (a Jira issue key), so a group that grows later is sent as an update to the same alert.
  const delivered = new Map<string, { at: number; detail: string | undefined }>();

  const sendTo = async (d: SinkDriver, findings: readonly Finding[]) => {
    const min = PRIORITY_RANK[d.sink.minPriority];
    const mine = findings.filter(
      (f) =>
        PRIORITY_RANK[f.priority] >= min &&
        (d.sink.rules.length === 0 || matchesAny(d.sink.rules, f.rule.id)),
    );
    const result = { sent: 0, deadLettered: 0, failed: 0, lastError: '', writeError: '' };
    let down: string | undefined;
    for (const grouped of groupAlerts(mine, windowMs)) {
      const key = `${d.sink.name}\u0000${grouped.id}`;
      const previous = delivered.get(key);
      const alert: Alert = previous === undefined ? grouped : { ...grouped, update: true };
      const payload = d.payload(alert, previous?.detail);
      const base = { sink: d.sink.name, type: d.sink.type, target: d.target, alert: alert.id };
      let entry: DeadLetterEntry;
      const now = new Date(deps.now()).toISOString();
      if (down === undefined) {
        const outcome = await withRetries(
          () => d.attempt(payload),
          conf.retry,
          deps,
          (r) =>
            log({
              level: 'warn',
              msg: 'alert delivery failed, retrying',
              ...base,
              ...r,
              error: d.redact(r.error),
            }),
        );
        if (outcome.ok) {
          result.sent++;
          delivered.set(key, {
            at: Date.parse(alert.window.start),
            detail: outcome.detail ?? previous?.detail,
          });
          log({
            level: 'info',
            msg: 'alert delivered',
            ...base,
            rule: alert.rule.id,
            findings: alert.count.findings,
            attempts: outcome.attempts,
            ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
          });
          continue;
        }
        if (outcome.down) down = outcome.error;
        entry = deadLetter(d, alert, payload, now, outcome.attempts, outcome.error);
        result.lastError = `${entry.lastError} after ${plural(outcome.attempts, 'try', 'tries')}`;
      } else {
        entry = deadLetter(d, alert, payload, now, 0, `not tried: sink down (${down})`);
      }
      result.failed++;
      try {
        await appendDeadLetters(dir, d.sink.name, [entry]);
        result.deadLettered++;
        log({
          level: 'error',
          msg: 'alert dead-lettered',
          ...base,
          attempts: entry.attempts,
          error: entry.lastError,
          file: deadLetterFile(dir, d.sink.name),
        });
      } catch (err) {
        result.writeError = (err as NodeJS.ErrnoException).code ?? String(err);
        log({
          level: 'error',
          msg: 'alert lost: dead-letter file not writable',
          ...base,
          error: entry.lastError,
          file: deadLetterFile(dir, d.sink.name),
          writeError: result.writeError,
        });
      }
    }
    return result;
  };

  return {
    names: drivers.map((d) => d.sink.name),
    async send(findings) {
      const fresh = findings.filter((f) => f.suppressed === null && !handled.has(f.id));
      const results = await Promise.all(drivers.map((d) => sendTo(d, fresh)));
      remember(handled, fresh);
      forget(delivered);
      const delivery: AlertDelivery = { sent: 0, deadLettered: 0, failures: [] };
      results.forEach((r, i) => {
        const d = drivers[i] as SinkDriver;
        delivery.sent += r.sent;
        delivery.deadLettered += r.deadLettered;
        if (r.failed === 0) return;
        let message = `${r.failed} alert(s) not delivered (${r.lastError})`;
        if (r.deadLettered > 0)
          message += `; ${r.deadLettered} kept in ${deadLetterFile(dir, d.sink.name)} for \`trailhound sinks replay\``;
        if (r.writeError)
          message += `; ${r.failed - r.deadLettered} lost: dead-letter file not writable (${r.writeError})`;
        delivery.failures.push({ sink: d.sink.name, message });
      });
      return delivery;
    },
  };
}

function deadLetter(
  d: SinkDriver,
  alert: Alert,
  payload: unknown,
  now: string,
  attempts: number,
  error: string,
): DeadLetterEntry {
  return {
    version: 1,
    sink: d.sink.name,
    type: d.sink.type,
    alertId: alert.id,
    rule: alert.rule.id,
    payload,
    firstFailure: now,
    lastFailure: now,
    attempts,
    lastError: d.redact(error),
  };
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** Keeps the map of delivered alerts bounded: past the limit, the older half goes. */
function forget(delivered: Map<string, { at: number }>): void {
  if (delivered.size <= REMEMBERED_MAX) return;
  const times = [...delivered.values()].map((v) => v.at).sort((a, b) => a - b);
  const cut = times[Math.floor(times.length / 2)] as number;
  for (const [k, v] of delivered) if (v.at < cut) delivered.delete(k);
}

function remember(handled: Map<string, number>, findings: readonly Finding[]): void {
  for (const f of findings) handled.set(f.id, Date.parse(f.time.first) || 0);
  if (handled.size <= REMEMBERED_MAX) return;
  const times = [...handled.values()].sort((a, b) => a - b);
  const cut = times[Math.floor(times.length / 2)] as number;
  for (const [id, t] of handled) if (t < cut) handled.delete(id);
}
