/**
 * Approved changes and deploy runs: reading the feeds (CSV or JSON files of change tickets and of
 * CI/CD deploy runs) into time windows in which a principal may do certain actions, and
 * correlating a finding with them. A bad row is reported with its file, line and reason and the
 * rest of the feed is used; a file that cannot be read at all is a configuration error, so a typo
 * in a path never silently turns a feed off.
 *
 * A finding is *inside* a window when its actor matches the window's principal, its first and last
 * event times lie in the window, and every action of its events is allowed. It *partly overlaps*
 * when the actor matches and the times intersect but something is outside: events before or after
 * the window, actions the ticket does not allow, or actions that are not known (findings of
 * behaviour over time carry no per-event actions, so they are never known to be allowed, unless the
 * ticket allows every action with `*` or, for a deploy run, names no actions at all).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseWhen } from '../config/suppressions.js';
import { TrailhoundError } from '../errors.js';
import type { InputProblem } from '../formats/types.js';
import { globToRegExp } from '../util/glob.js';
import type { Finding, FindingActor, FindingChange } from './finding.js';

/** A time window in which a principal may act: one change ticket or one deploy run. */
export interface ApprovedWindow {
  by: 'change' | 'deploy';
  /** Ticket id (`CHG-123`), or `<pipeline>#<run>` for a deploy run. */
  ticket: string;
  /** ARN globs of the principal (a deploy run's role). */
  principals: string[];
  /** Allowed action globs (`iam:*`, `CreateUser`); undefined means any action. */
  actions: string[] | undefined;
  /** Epoch ms, inclusive at both ends. */
  start: number;
  end: number;
  /** `file:line` (CSV) or `file:line` of the JSON object, for messages. */
  origin: string;
}

export interface ParsedFeed {
  windows: ApprovedWindow[];
  problems: InputProblem[];
}

export type FeedKind = 'change' | 'deploy';

/** The columns (CSV) or keys (JSON) of each feed; the others are optional or ignored. */
export const FEED_FIELDS: Readonly<Record<FeedKind, { required: string[]; optional: string[] }>> = {
  change: { required: ['ticket', 'principal', 'actions', 'start', 'end'], optional: [] },
  deploy: { required: ['pipeline', 'run', 'role', 'start', 'end'], optional: ['actions'] },
};

const ACTION = /^(?:[A-Za-z0-9*?][A-Za-z0-9*?.-]*:)?[A-Za-z0-9*?_-]+$/;
const MAX_ID = 200;

/**
 * Reads every feed file named in the configuration (paths already absolute, see
 * `resolveChangePaths`). Throws `TrailhoundError('config')` for a file that cannot be read.
 *
 * @example
 * const { windows, problems } = await loadChangeFeeds(config.changes);
 */
export async function loadChangeFeeds(feeds: {
  tickets: readonly string[];
  deploys: readonly string[];
}): Promise<ParsedFeed> {
  const out: ParsedFeed = { windows: [], problems: [] };
  const files: [FeedKind, string][] = [
    ...feeds.tickets.map((f): [FeedKind, string] => ['change', f]),
    ...feeds.deploys.map((f): [FeedKind, string] => ['deploy', f]),
  ];
  for (const [kind, file] of files) {
    const parsed = parseFeed(await readFeed(file, kind), file, kind);
    out.windows.push(...parsed.windows);
    out.problems.push(...parsed.problems);
  }
  return out;
}

async function readFeed(file: string, kind: FeedKind): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, expected a CSV or JSON file'
          : `cannot be read (${code ?? String(err)})`;
    const what = kind === 'change' ? 'approved-change feed' : 'deploy-run feed';
    throw new TrailhoundError('config', `cannot read ${what}: ${reason}`, {
      location: { file },
      cause: err,
    });
  }
}

/**
 * Parses one feed. CSV for a `.csv` file, JSON for `.json`; otherwise JSON when the text starts
 * with `[`, else CSV. `file` is only used in problems.
 *
 * @example
 * parseFeed('ticket,principal,actions,start,end\nCHG-1,arn:aws:iam::*:user/ops,iam:*,2026-03-14,2026-03-14\n', 'c.csv', 'change');
 */
export function parseFeed(text: string, file: string, kind: FeedKind): ParsedFeed {
  const body = text.replace(/^\uFEFF/, '');
  const ext = extname(file).toLowerCase();
  const json = ext === '.json' || (ext !== '.csv' && body.trimStart().startsWith('['));
  return json ? parseJsonFeed(body, file, kind) : parseCsvFeed(body, file, kind);
}

function fileProblem(file: string, reason: string, line?: number): InputProblem {
  const p: InputProblem = { code: 'feed-bad-file', severity: 'warning', file, reason };
  if (line !== undefined) p.line = line;
  return p;
}

function rowProblem(file: string, line: number, reason: string, index?: number): InputProblem {
  const p: InputProblem = { code: 'feed-bad-record', severity: 'warning', file, line, reason };
  if (index !== undefined) p.index = index;
  return p;
}

// ---------------------------------------------------------------------------------------------
// CSV

interface CsvRow {
  /** 1-based line the row starts on. */
  line: number;
  cells: string[];
}

/**
 * RFC 4180 rows: `,` between fields, fields in double quotes may hold commas, quotes (doubled) and
 * line breaks; CRLF or LF line ends; blank lines skipped. Stops at an unterminated quote, which
 * leaves the rest of the file unreadable, and says where it opened.
 */
export function csvRows(text: string): {
  rows: CsvRow[];
  error?: { line: number; reason: string };
} {
  const rows: CsvRow[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    let cell = '';
    let blank = true;
    for (;;) {
      if (i >= n) {
        cells.push(cell);
        break;
      }
      const ch = text[i] as string;
      if (ch === '"' && cell === '') {
        blank = false;
        const opened = line;
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i] as string;
          if (c === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          cell += c;
          i++;
        }
        if (!closed) {
          return { rows, error: { line: opened, reason: 'a quoted field is never closed' } };
        }
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          return {
            rows,
            error: {
              line,
              reason: `expected , or a line end after a closing quote, found ${JSON.stringify(next)}`,
            },
          };
        }
        continue;
      }
      if (ch === ',') {
        blank = false;
        cells.push(cell);
        cell = '';
        i++;
        continue;
      }
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (ch === '\n' || ch === '\r') {
        i++;
        line++;
        cells.push(cell);
        break;
      }
      if (ch.trim() !== '') blank = false;
      cell += ch;
      i++;
    }
    if (!blank) rows.push({ line: start, cells });
  }
  return { rows };
}

function parseCsvFeed(text: string, file: string, kind: FeedKind): ParsedFeed {
  const out: ParsedFeed = { windows: [], problems: [] };
  const { rows, error } = csvRows(text);
  const header = rows[0];
  if (header === undefined) {
    if (error !== undefined) out.problems.push(fileProblem(file, error.reason, error.line));
    return out;
  }
  // Column positions by lower-cased name in a Map, so a header cell such as `__proto__` is data.
  const columns = new Map<string, number>();
  header.cells.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    if (!columns.has(key)) columns.set(key, i);
  });
  const { required, optional } = FEED_FIELDS[kind];
  const missing = required.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    const found = header.cells.map((c) => c.trim()).join(', ');
    out.problems.push(
      fileProblem(
        file,
        `the header row has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}; expected ${[...required, ...optional].join(', ')} (found ${found.length > 120 ? `${found.slice(0, 117)}...` : found})`,
        header.line,
      ),
    );
    return out;
  }
  for (const row of rows.slice(1)) {
    if (row.cells.length !== header.cells.length) {
      out.problems.push(
        rowProblem(
          file,
          row.line,
          `expected ${header.cells.length} fields as in the header, found ${row.cells.length}`,
        ),
      );
      continue;
    }
    const get = (name: string): string | undefined => {
      const i = columns.get(name);
      return i === undefined ? undefined : row.cells[i];
    };
    const reasons: string[] = [];
    const result = toWindow(kind, get, `${file}:${row.line}`, reasons);
    if (result === undefined) out.problems.push(rowProblem(file, row.line, reasons.join('; ')));
    else out.windows.push(result);
  }
  if (error !== undefined) out.problems.push(rowProblem(file, error.line, error.reason));
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON

function parseJsonFeed(text: string, file: string, kind: FeedKind): ParsedFeed {
  const out: ParsedFeed = { windows: [], problems: [] };
  let doc: unknown;
  try {
    // JSON.parse defines a `__proto__` key as an own property; it reaches no prototype.
    doc = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? lineAt(text, Number(pos[1])) : undefined;
    out.problems.push(fileProblem(file, `not valid JSON: ${msg}`, line));
    return out;
  }
  if (!Array.isArray(doc)) {
    out.problems.push(
      fileProblem(
        file,
        `expected a JSON list of ${kind === 'change' ? 'tickets' : 'deploy runs'}, found ${describe(doc)}`,
      ),
    );
    return out;
  }
  const starts = elementStarts(text);
  doc.forEach((item: unknown, index) => {
    const line = lineAt(text, starts[index] ?? 0);
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      out.problems.push(
        rowProblem(file, line, `expected an object, found ${describe(item)}`, index),
      );
      return;
    }
    const obj = item as Record<string, unknown>;
    const reasons: string[] = [];
    const get = (name: string): string | undefined | null => {
      if (!Object.hasOwn(obj, name)) return undefined;
      const v = obj[name];
      if (typeof v === 'string') return v;
      if (typeof v === 'number' && Number.isFinite(v) && !LISTS.has(name)) return String(v);
      if (LISTS.has(name) && Array.isArray(v) && v.every((x) => typeof x === 'string'))
        return v.join(';');
      const expected = LISTS.has(name) ? 'a string or a list of strings' : 'a string';
      reasons.push(`${name}: expected ${expected}, found ${describe(v)}`);
      return null;
    };
    const result = toWindow(kind, get, `${file}:${line}`, reasons);
    if (result === undefined) out.problems.push(rowProblem(file, line, reasons.join('; '), index));
    else out.windows.push(result);
  });
  return out;
}

/** Offsets at which the elements of a top-level JSON array start (the text is valid JSON). */
function elementStarts(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let inString = false;
  let expecting = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
    if (depth === 1 && expecting && ch !== ']') {
      starts.push(i);
      expecting = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth === 1) expecting = true;
    } else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) expecting = true;
  }
  return starts;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// One record

/** JSON keys that may hold a list of strings. */
const LISTS = new Set(['principal', 'role', 'actions']);

/**
 * Builds a window from one row's fields, or adds every reason it cannot be used to `reasons` and
 * returns undefined. `get` returns undefined for a column or key the row does not have, and null
 * for a value it has already reported as unusable.
 */
function toWindow(
  kind: FeedKind,
  get: (name: string) => string | undefined | null,
  origin: string,
  reasons: string[],
): ApprovedWindow | undefined {
  const text = (name: string): string => {
    const raw = get(name);
    const v = raw?.trim() ?? '';
    if (v === '' && raw !== null) reasons.push(`${name}: missing`);
    return v;
  };
  const id = (name: string): string => {
    const v = text(name);
    // eslint-disable-next-line no-control-regex
    if (v !== '' && (v.length > MAX_ID || /[\u0000-\u001f\u007f]/.test(v)))
      reasons.push(`${name}: expected an id of at most ${MAX_ID} printable characters`);
    return v;
  };
  let ticket: string;
  let principalName: string;
  if (kind === 'change') {
    ticket = id('ticket');
    principalName = 'principal';
  } else {
    const pipeline = id('pipeline');
    const run = id('run');
    ticket = `${pipeline}#${run}`;
    principalName = 'role';
  }
  const principals = split(text(principalName), /[;\s]+/);
  for (const p of principals) {
    if (!p.startsWith('arn:') && !p.startsWith('*'))
      reasons.push(
        `${principalName}: expected an ARN or ARN glob (arn:aws:iam::*:role/deploy), found ${JSON.stringify(p)}`,
      );
  }
  let actions: string[] | undefined;
  const actionText = kind === 'change' ? text('actions') : (get('actions') ?? '').trim();
  if (actionText !== '') {
    actions = split(actionText, /[;,\s]+/).map(normaliseAction);
    const bad = actions.filter((a) => !ACTION.test(a));
    if (bad.length > 0)
      reasons.push(
        `actions: expected globs over service:EventName or EventName (iam:*, CreateUser), found ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
      );
  }
  const startText = text('start');
  const endText = text('end');
  const start = startText === '' ? undefined : parseWhen(startText, 'start');
  const end = endText === '' ? undefined : parseWhen(endText, 'end');
  const expected = 'a date (2026-03-14) or an ISO 8601 time (2026-03-14T13:30:00Z)';
  if (startText !== '' && start === undefined)
    reasons.push(`start: expected ${expected}, found ${JSON.stringify(startText)}`);
  if (endText !== '' && end === undefined)
    reasons.push(`end: expected ${expected}, found ${JSON.stringify(endText)}`);
  if (start !== undefined && end !== undefined && end < start)
    reasons.push(`end (${endText}) is before start (${startText})`);
  if (reasons.length > 0 || start === undefined || end === undefined) return undefined;
  return { by: kind, ticket, principals, actions, start, end, origin };
}

function split(value: string, sep: RegExp): string[] {
  return value.split(sep).filter((s) => s.length > 0);
}

/** `iam.amazonaws.com:CreateUser` → `iam:CreateUser`, the form events' actions take. */
function normaliseAction(a: string): string {
  const colon = a.indexOf(':');
  if (colon < 0) return a;
  return `${a.slice(0, colon).replace(/\.amazonaws\.com$/i, '')}${a.slice(colon)}`;
}

// ---------------------------------------------------------------------------------------------
// Correlation

/**
 * The ARNs an actor is known by: its own, and for an assumed-role session the role's
 * (`arn:aws:sts::1:assumed-role/deploy/run-7` is also `arn:aws:iam::1:role/deploy`). A role with a
 * path cannot be told from the session ARN, so a glob for it should not spell the path out
 * (`arn:aws:iam::*:role/*deploy`).
 */
export function actorArns(actor: FindingActor): string[] {
  const arn = actor.arn;
  if (arn === undefined) return [];
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m ? [arn, `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`] : [arn];
}

/** True when the action (`iam:CreateUser`) matches a pattern (`iam:*`, `CreateUser`, `*`). */
export function actionAllowed(patterns: readonly string[], action: string): boolean {
  const colon = action.indexOf(':');
  const name = colon < 0 ? action : action.slice(colon + 1);
  for (const p of patterns) {
    // IAM treats action names case-insensitively; tickets are written by people, so do the same.
    const re = globToRegExp(p, 'i');
    if (re.test(p.includes(':') ? action : name)) return true;
  }
  return false;
}

export interface Correlation {
  /** The first window (in feed order) the finding lies wholly inside, if any. */
  inside?: ApprovedWindow;
  /** Every window the finding partly overlaps. */
  partial: FindingChange[];
}

/**
 * Correlates a finding with the windows of approved changes or deploy runs.
 *
 * @example
 * correlate(finding, windows).inside?.ticket; // 'CHG-123'
 */
export function correlate(f: Finding, windows: readonly ApprovedWindow[]): Correlation {
  const out: Correlation = { partial: [] };
  const arns = actorArns(f.actor);
  if (arns.length === 0 || windows.length === 0) return out;
  const first = Date.parse(f.time.first);
  const last = Date.parse(f.time.last);
  if (Number.isNaN(first) || Number.isNaN(last)) return out;
  const actions = f.evidence.actions;
  for (const w of windows) {
    if (!w.principals.some((p) => arns.some((a) => globToRegExp(p).test(a)))) continue;
    if (first > w.end || last < w.start) continue;
    const outside: string[] = [];
    if (first < w.start) outside.push(`events before the window opens (${iso(w.start)})`);
    if (last > w.end) outside.push(`events after the window closes (${iso(w.end)})`);
    if (w.actions !== undefined && !w.actions.includes('*')) {
      if (actions === undefined) {
        outside.push('the actions of its events are not known, so not known to be allowed');
      } else {
        const denied = actions.filter((a) => !actionAllowed(w.actions as string[], a));
        if (denied.length > 0) outside.push(`actions not allowed: ${denied.join(', ')}`);
      }
    }
    if (outside.length === 0) out.inside ??= w;
    else
      out.partial.push({
        by: w.by,
        ticket: w.ticket,
        overlap: 'partial',
        reason: outside.join('; '),
      });
  }
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
