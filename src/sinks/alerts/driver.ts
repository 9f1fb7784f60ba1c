/**
 * One driver per configured destination: it turns an alert into the payload that destination takes
 * (what a dead-letter entry stores) and makes one try at sending a payload (what retries repeat).
 * Secrets are read from the environment here, once, when sinks are set up; a missing or empty
 * variable is a configuration error then, not a failure at the first alert. Every text that leaves
 * a driver (errors, logs) passes through its `redact`, which removes the URL path and the secrets.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../../config/schema.js';
import type { SinkConfig } from '../../config/sinks.js';
import type { Rule } from '../../engine/rule.js';
import { TrailhoundError } from '../../errors.js';
import { RULES } from '../../rules/registry.js';
import { postOnce, type AttemptResult, type DeliveryDeps } from './deliver.js';
import type { Alert } from './group.js';
import { jiraPayload, jiraRequest } from './jira.js';
import { slackPayload } from './slack.js';
import { alertEnvelope, webhookRequest } from './webhook.js';

export const USER_AGENT = 'trailhound/0.1.0';

export interface SinkDriver {
  readonly sink: SinkConfig;
  /** Where alerts go, safe to log: the URL's host, or the file path. */
  readonly target: string;
  /** `previous`: what the destination answered for the first alert of this id (a Jira key). */
  payload(alert: Alert, previous?: string): unknown;
  attempt(payload: unknown): Promise<AttemptResult>;
  redact(text: string): string;
}

export interface DriverContext {
  env: NodeJS.ProcessEnv;
  deps: DeliveryDeps;
  timeoutMs: number;
  rules: ReadonlyMap<string, Rule>;
}

/**
 * Builds a driver for each destination, collecting every missing secret before failing, so one
 * run names them all. `problems` receives one line per problem.
 */
export function createDriver(
  sink: SinkConfig,
  index: number,
  ctx: DriverContext,
  problems: string[],
): SinkDriver | undefined {
  const where = `sinks.destinations.${index} (${sink.name})`;
  const secret = (variable: string, what: string): string | undefined => {
    const value = ctx.env[variable];
    if (value === undefined || value.trim() === '') {
      problems.push(`${where}: environment variable ${variable} (${what}) is not set`);
      return undefined;
    }
    return value.trim();
  };
  const endpoint = (variable: string): URL | undefined => {
    const value = secret(variable, 'the URL');
    if (value === undefined) return undefined;
    // The URL is the secret: the message names the variable, never its value.
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      problems.push(`${where}: environment variable ${variable} does not hold an http(s) URL`);
      return undefined;
    }
    return new URL(value);
  };
  const redactor = (secrets: (string | undefined)[]) => {
    const list = secrets.filter((s): s is string => s !== undefined && s.length >= 4);
    list.sort((a, b) => b.length - a.length);
    return (text: string): string => {
      let out = text;
      for (const s of list) out = out.split(s).join('[redacted]');
      return out;
    };
  };
  const post = (req: Parameters<typeof postOnce>[0], redact: (s: string) => string) =>
    postOnce(req, ctx.timeoutMs, ctx.deps, redact);

  switch (sink.type) {
    case 'slack': {
      const url = endpoint(sink.urlEnv);
      if (url === undefined) return undefined;
      const redact = redactor([url.href, url.pathname + url.search, url.pathname]);
      return {
        sink,
        target: url.host,
        redact,
        payload: slackPayload,
        attempt: (payload) =>
          post(
            {
              url: url.href,
              headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT },
              body: JSON.stringify(payload),
            },
            redact,
          ),
      };
    }
    case 'webhook': {
      const url = endpoint(sink.urlEnv);
      const key = secret(sink.secretEnv, 'the signing secret');
      if (url === undefined || key === undefined) return undefined;
      const redact = redactor([url.href, url.pathname + url.search, key]);
      return {
        sink,
        target: url.host,
        redact,
        payload: alertEnvelope,
        attempt: (payload) =>
          post(webhookRequest(url.href, key, payload, ctx.deps.now(), USER_AGENT), redact),
      };
    }
    case 'jira': {
      const token = secret(sink.tokenEnv, 'the API token');
      if (token === undefined) return undefined;
      const redact = redactor([token]);
      return {
        sink,
        target: new URL(sink.url).host,
        redact,
        payload: (alert, previous) =>
          jiraPayload(sink, alert, ctx.rules.get(alert.rule.id), previous),
        attempt: async (payload) => {
          const r = await post(jiraRequest(sink, token, payload, USER_AGENT), redact);
          if (!r.ok) return r;
          // Jira answers 201 with the new issue's key; it goes in the log, nothing secret in it.
          const key = /"key"\s*:\s*"([A-Z][A-Z0-9_]*-\d+)"/.exec(r.body ?? '')?.[1];
          return key === undefined ? { ok: true } : { ok: true, detail: key };
        },
      };
    }
    case 'file':
      return {
        sink,
        target: sink.path,
        redact: (s) => s,
        payload: alertEnvelope,
        attempt: async (payload) => {
          try {
            await mkdir(dirname(sink.path), { recursive: true });
            await appendFile(sink.path, `${JSON.stringify(payload)}\n`);
            return { ok: true };
          } catch (err) {
            // Permissions and full disks do not mend within a backoff; the entry waits for replay.
            const code = (err as NodeJS.ErrnoException).code;
            return {
              ok: false,
              error: `cannot append to ${sink.path}: ${code ?? String(err)}`,
              retry: false,
              down: true,
            };
          }
        },
      };
  }
}

/** Drivers for every destination; all missing secrets are reported in one error. */
export function setUpDrivers(
  config: Config,
  opts: { env?: NodeJS.ProcessEnv; rules?: readonly Rule[] },
  deps: DeliveryDeps,
): SinkDriver[] {
  const rules = new Map((opts.rules ?? RULES).map((r) => [r.id, r]));
  const ctx = {
    env: opts.env ?? process.env,
    deps,
    timeoutMs: config.sinks.retry.timeoutMs,
    rules,
  };
  const problems: string[] = [];
  const drivers = config.sinks.destinations
    .map((s, i) => createDriver(s, i, ctx, problems))
    .filter((d): d is SinkDriver => d !== undefined);
  if (problems.length > 0)
    throw new TrailhoundError(
      'config',
      `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} setting up alert sinks`,
      { details: problems },
    );
  return drivers;
}
