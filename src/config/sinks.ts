/**
 * The `sinks` section of the configuration: where alerts go (Slack-compatible webhooks, signed
 * generic webhooks, Jira, JSON-lines files), which findings each destination takes, how alerts are
 * grouped, how delivery retries, and where undelivered alerts wait for `trailhound sinks replay`.
 * Secrets (webhook URLs, signing secrets, tokens) are never written here: the file names the
 * environment variables that hold them, so a configuration can be committed and shared.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

// Repeated here rather than imported: schema.ts imports this file, and a cycle would leave the
// shared enum uninitialised when this module runs.
const priority = z.enum(['info', 'low', 'medium', 'high', 'critical']);

const sinkName = z
  .string()
  .regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'a short name such as soc-slack or tickets');
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name such as TRAILHOUND_SLACK_URL');
const httpUrl = z
  .string()
  .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'an http(s) URL');

const common = {
  /** Names the destination in logs, in the dead-letter file name and for `sinks replay --sink`. */
  name: sinkName,
  /** Only findings at or above this priority are sent here. */
  minPriority: priority.default('medium'),
  /** Only findings of these rules are sent here: rule ids or globs (`aws.evasion.*`). Default: all. */
  rules: z.array(z.string().min(1)).default([]),
};

/** A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): `{text, blocks}`. */
export const slackSinkSchema = z.strictObject({
  type: z.literal('slack'),
  ...common,
  /** Environment variable holding the webhook URL (the URL is the secret). */
  urlEnv: envName,
});

/** A JSON POST signed with HMAC-SHA256 (`X-Trailhound-Signature`, `X-Trailhound-Timestamp`). */
export const webhookSinkSchema = z.strictObject({
  type: z.literal('webhook'),
  ...common,
  /** Environment variable holding the endpoint URL. */
  urlEnv: envName,
  /** Environment variable holding the shared HMAC-SHA256 signing secret. */
  secretEnv: envName,
});

/** Jira Cloud or Data Center: one issue per alert through the REST API. */
export const jiraSinkSchema = z
  .strictObject({
    type: z.literal('jira'),
    ...common,
    /** Base URL of the Jira site (`https://example.atlassian.net`). Not a secret. */
    url: httpUrl,
    /** REST API version: 2 (description as wiki markup; Cloud and Data Center) or 3 (Cloud, ADF). */
    apiVersion: z.union([z.literal(2), z.literal(3)]).default(2),
    /** Project key issues are created in (`SEC`). */
    project: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'a Jira project key such as SEC'),
    /** Issue type name. */
    issueType: z.string().min(1).default('Task'),
    /** Labels every issue gets (no spaces); the rule id is added too. */
    labels: z
      .array(z.string().regex(/^\S{1,255}$/, 'a label without spaces'))
      .default(['trailhound']),
    /** Jira priority name for each trailhound priority (`high: High`); unset: Jira's default. */
    priorities: z
      .strictObject({
        info: z.string().min(1).optional(),
        low: z.string().min(1).optional(),
        medium: z.string().min(1).optional(),
        high: z.string().min(1).optional(),
        critical: z.string().min(1).optional(),
      })
      .optional(),
    /** `basic`: Atlassian account email + API token (Cloud). `bearer`: personal access token (DC). */
    auth: z.enum(['basic', 'bearer']).default('basic'),
    /** Account email, for `basic` auth. */
    email: z.string().min(3).optional(),
    /** Environment variable holding the API token or personal access token. */
    tokenEnv: envName,
  })
  .refine((s) => s.auth !== 'basic' || s.email !== undefined, {
    message: 'an email for basic auth (or auth: bearer)',
    path: ['email'],
  });

/** A JSON-lines file that alerts are appended to. */
export const fileSinkSchema = z.strictObject({
  type: z.literal('file'),
  ...common,
  /** The file, relative to the configuration file's folder. */
  path: z.string().min(1),
});

export const sinkSchema = z.discriminatedUnion('type', [
  slackSinkSchema,
  webhookSinkSchema,
  jiraSinkSchema,
  fileSinkSchema,
]);

export const sinksSchema = z.strictObject({
  /** Findings of one rule and principal within this many minutes become one alert. */
  windowMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 31)
    .default(60),
  /**
   * Folder of dead-letter files (`<sink name>.jsonl`), holding alerts a destination did not take,
   * for `trailhound sinks replay`. Relative to the configuration file's folder.
   */
  deadLetterDir: z.string().min(1).default('trailhound-dead-letter'),
  /** How delivery retries: exponential backoff with jitter, honouring `Retry-After`. */
  retry: z
    .strictObject({
      /** Tries per alert, the first included. */
      attempts: z.number().int().min(1).max(20).default(5),
      /** Delay before the first retry; it doubles for each further retry. */
      baseDelayMs: z.number().int().min(0).max(600_000).default(1000),
      /** Upper bound of any delay, including one a server asks for with `Retry-After`. */
      maxDelayMs: z.number().int().min(0).max(3_600_000).default(60_000),
      /** Time allowed for one request, response included. */
      timeoutMs: z.number().int().min(1).max(600_000).default(10_000),
    })
    .prefault({}),
  /** The destinations; each finding goes to every destination whose filters it passes. */
  destinations: z
    .array(sinkSchema)
    .default([])
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((s, i) => {
        if (seen.has(s.name))
          ctx.addIssue({
            code: 'custom',
            message: `a unique name ("${s.name}" is used twice)`,
            path: [i, 'name'],
          });
        seen.add(s.name);
      });
    }),
});

export type SinksConfig = z.infer<typeof sinksSchema>;
export type SinkConfig = z.infer<typeof sinkSchema>;
export type SlackSinkConfig = z.infer<typeof slackSinkSchema>;
export type WebhookSinkConfig = z.infer<typeof webhookSinkSchema>;
export type JiraSinkConfig = z.infer<typeof jiraSinkSchema>;
export type FileSinkConfig = z.infer<typeof fileSinkSchema>;
export type RetryConfig = SinksConfig['retry'];

/**
 * Makes the dead-letter folder and file-sink paths absolute, relative to the configuration file's
 * folder (the working directory when there is no file), as intel list files are.
 *
 * @example
 * const config = resolveSinkPaths(loaded.config, loaded.path);
 */
export function resolveSinkPaths<C extends { sinks: SinksConfig }>(
  config: C,
  configPath: string | undefined,
): C {
  const base = configPath === undefined ? process.cwd() : dirname(resolve(configPath));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ...config,
    sinks: {
      ...config.sinks,
      deadLetterDir: abs(config.sinks.deadLetterDir),
      destinations: config.sinks.destinations.map((d) =>
        d.type === 'file' ? { ...d, path: abs(d.path) } : d,
      ),
    },
  };
}
