/**
 * The one error type of trailhound. Every failure a user can cause (bad flags, bad configuration,
 * unreadable input) is a `TrailhoundError` with a stable `code` and, where it has one, the place it
 * came from. The CLI formats these in one spot and never prints their stack.
 */
export type ErrorCode = 'usage' | 'config' | 'input' | 'rule' | 'internal';

export interface Location {
  /** File the problem is in, as the user named it (or `-` for standard input). */
  file?: string;
  /** 1-based line, for line-oriented inputs. */
  line?: number;
  /** 0-based record index, for record arrays. */
  index?: number;
  /** Dotted path inside a structured document, for configuration errors. */
  path?: string;
}

export class TrailhoundError extends Error {
  readonly code: ErrorCode;
  readonly location: Location | undefined;
  /** Further problems reported together with this one (for example every bad config key). */
  readonly details: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { location?: Location; details?: readonly string[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TrailhoundError';
    this.code = code;
    this.location = options.location;
    this.details = options.details ?? [];
  }
}

/** `file:line` / `file#index` as used in messages and finding origins. */
export function formatLocation(loc: Location): string {
  let out = loc.file ?? '';
  if (loc.line !== undefined) out += `:${loc.line}`;
  else if (loc.index !== undefined) out += `#${loc.index}`;
  if (loc.path !== undefined) out += (out ? ' ' : '') + loc.path;
  return out;
}
