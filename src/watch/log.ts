/**
 * `watch`'s log: one JSON object per line on standard error (`time`, `level`, `msg`, then the
 * fields), so journald, Docker or a log shipper can parse every line. Field names that would
 * overwrite the three fixed ones are kept under a `field.` prefix; errors become their message.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function plain(v: unknown): unknown {
  return v instanceof Error ? v.message : v;
}

/** One log line, newline included. */
export function logLine(level: LogLevel, msg: string, fields: LogFields = {}, now = new Date()) {
  const entry: Record<string, unknown> = { time: now.toISOString(), level, msg };
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    entry[Object.hasOwn(entry, k) ? `field.${k}` : k] = plain(v);
  }
  return `${JSON.stringify(entry)}\n`;
}

/**
 * A logger writing JSON lines; `min` drops lower levels.
 *
 * @example
 * const log = jsonLogger();
 * log.info('cycle done', { files: 3, findings: 1 });
 * // {"time":"2026-03-14T09:05:00.000Z","level":"info","msg":"cycle done","files":3,"findings":1}
 */
export function jsonLogger(
  write: (line: string) => void = (line) => process.stderr.write(line),
  min: LogLevel = 'info',
): Logger {
  const at =
    (level: LogLevel) =>
    (msg: string, fields?: LogFields): void => {
      if (RANK[level] >= RANK[min]) write(logLine(level, msg, fields));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
