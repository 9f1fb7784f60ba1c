/**
 * `trailhound sinks test`: sends one clearly labelled test alert to each destination (or one),
 * bypassing priority and rule filters and the dead-letter file, so a new configuration's URLs,
 * secrets and permissions can be checked before a real finding depends on them.
 */
import type { Config } from '../../config/schema.js';
import { TrailhoundError } from '../../errors.js';
import { realDeps, withRetries, type DeliveryDeps } from './deliver.js';
import { setUpDrivers } from './driver.js';
import type { Alert } from './group.js';
import type { AlertSinkOptions } from './index.js';

/** The alert `sinks test` sends; its rule id belongs to no rule. */
export function testAlert(now: number): Alert {
  const at = new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return {
    id: '00000000000000000000000000000000',
    rule: { id: 'trailhound.sinks.test', title: 'trailhound test alert' },
    matrix: { category: 'evasion', row: null },
    priority: 'info',
    mitre: [],
    principal: 'trailhound',
    window: { start: at, end: at },
    time: { first: at, last: at },
    accounts: [],
    regions: [],
    sourceIps: [],
    summary: 'Test alert sent by `trailhound sinks test`; no action needed.',
    count: { findings: 0, events: 0 },
    findingIds: [],
    evidence: { eventIds: [], origins: [] },
  };
}

export interface ProbeResult {
  sink: string;
  ok: boolean;
  attempts: number;
  /** The error, or what the destination answered with (a Jira issue key). */
  detail?: string;
}

export async function probeSinks(
  config: Config,
  opts: AlertSinkOptions & { sink?: string } = {},
): Promise<ProbeResult[]> {
  const deps: DeliveryDeps = { ...realDeps, ...opts.deps };
  let destinations = config.sinks.destinations;
  if (opts.sink !== undefined) {
    destinations = destinations.filter((d) => d.name === opts.sink);
    if (destinations.length === 0)
      throw new TrailhoundError(
        'usage',
        `--sink: no destination named "${opts.sink}" in the configuration`,
      );
  }
  const drivers = setUpDrivers({ ...config, sinks: { ...config.sinks, destinations } }, opts, deps);
  const alert = testAlert(deps.now());
  return Promise.all(
    drivers.map(async (d): Promise<ProbeResult> => {
      const outcome = await withRetries(
        () => d.attempt(d.payload(alert)),
        config.sinks.retry,
        deps,
      );
      const detail = outcome.ok ? outcome.detail : d.redact(outcome.error);
      const r: ProbeResult = { sink: d.sink.name, ok: outcome.ok, attempts: outcome.attempts };
      if (detail !== undefined) r.detail = detail;
      return r;
    }),
  );
}
