/**
 * Threat-intelligence lists: TOR exit nodes, bad addresses and networks, from files the
 * configuration names (plain text or CSV) and from addresses written in the configuration. A line
 * that holds no address is reported with its file, line and reason, and the rest of the list is
 * used; nothing here stops a run over a bad line. A missing or unreadable file is a configuration
 * error, so a typo in a path never silently turns a list off.
 */
import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import type { IntelListConfig } from '../config/schema.js';
import { TrailhoundError } from '../errors.js';
import type { InputProblem } from '../formats/types.js';
import { parseCidr, type ParsedAddress, type ParsedCidr } from './address.js';
import { CidrSet } from './ranges.js';

/** At most this many bad lines are reported one by one per file; the rest are counted. */
export const BAD_LINES_LISTED = 100;

/** What one list file or inline list yields. */
export interface ParsedList {
  blocks: ParsedCidr[];
  problems: InputProblem[];
}

/** TOR's `exit-addresses` records besides `ExitAddress`, which carry no address. */
const TOR_KEYWORDS = new Set(['ExitNode', 'Published', 'LastStatus']);

/**
 * Reads a plain list: one address or CIDR block per line, `#` starts a comment, anything after the
 * first blank or `;` is ignored (Spamhaus DROP's `1.10.16.0/20 ; SBL256894`), and TOR's
 * `exit-addresses` format (`ExitAddress 185.220.101.47 2024-05-01 10:00:00`) is understood.
 *
 * @example
 * parseTextList('# tor\n185.220.101.47\n', 'tor.txt').blocks.length; // 1
 */
export function parseTextList(text: string, file: string): ParsedList {
  const out = newCollector(file);
  lines(text).forEach((raw, i) => {
    const content = raw.replace(/#.*$/, '').trim();
    if (content.length === 0) return;
    const tokens = content.split(/[\s;]+/);
    let value = tokens[0] ?? '';
    if (value === 'ExitAddress') value = tokens[1] ?? '';
    else if (TOR_KEYWORDS.has(value)) return;
    out.add(value, i + 1, content);
  });
  return out.done();
}

/**
 * Reads a CSV list. The address is in `column` (a header name, or a 1-based number), by default
 * the first column. A header row is required when the column is named and allowed otherwise: a
 * first row whose cell is not an address is taken as the header. Lines starting with `#` are
 * comments.
 *
 * @example
 * parseCsvList('ip,source\n198.51.100.7,feed\n', 'bad.csv', 'ip').blocks.length; // 1
 */
export function parseCsvList(text: string, file: string, column?: string | number): ParsedList {
  const out = newCollector(file);
  let index = typeof column === 'number' ? column - 1 : 0;
  let header = true;
  lines(text).forEach((raw, i) => {
    if (raw.trim().length === 0 || raw.trimStart().startsWith('#')) return;
    const cells = csvCells(raw);
    if (header) {
      header = false;
      if (typeof column === 'string') {
        const found = cells.findIndex((c) => c.trim().toLowerCase() === column.toLowerCase());
        if (found < 0) {
          out.problem(i + 1, `no column "${column}" in the header (found ${cells.join(', ')})`);
          index = -1;
        } else {
          index = found;
        }
        return;
      }
      if (parseCidr((cells[index] ?? '').trim()) === undefined) return;
    }
    if (index < 0) return;
    const cell = cells[index];
    if (cell === undefined) {
      out.problem(i + 1, `expected an address in column ${index + 1}, found only ${cells.length}`);
      return;
    }
    out.add(cell.trim(), i + 1);
  });
  return out.done();
}

/** Reads the addresses listed in the configuration; the schema has already checked them. */
export function parseInlineList(addresses: readonly string[], where: string): ParsedList {
  const out = newCollector(where);
  addresses.forEach((a) => out.add(a));
  return out.done();
}

/** A named list ready for matching. */
export interface IntelList {
  name: string;
  set: CidrSet;
}

/** Every configured list, and the problems found reading them. */
export interface LoadedIntel {
  lists: IntelList[];
  problems: InputProblem[];
}

/**
 * Reads the configured lists. Relative file paths are taken from `baseDir` (the configuration
 * file's folder; the working directory by default). Lists sharing a name are merged.
 */
export function loadIntelLists(
  configs: readonly IntelListConfig[],
  baseDir: string = process.cwd(),
): LoadedIntel {
  const byName = new Map<string, ParsedCidr[]>();
  const problems: InputProblem[] = [];
  configs.forEach((cfg, i) => {
    const blocks = byName.get(cfg.name) ?? [];
    byName.set(cfg.name, blocks);
    if (cfg.addresses.length > 0) {
      const inline = parseInlineList(cfg.addresses, `configuration intel.lists[${i}].addresses`);
      blocks.push(...inline.blocks);
      problems.push(...inline.problems);
    }
    if (cfg.file === undefined) return;
    const file = isAbsolute(cfg.file) ? cfg.file : resolve(baseDir, cfg.file);
    const text = readList(file, `intel.lists[${i}].file`);
    const csv =
      cfg.format === 'csv' || (cfg.format === undefined && /^\.csv$/i.test(extname(file)));
    const parsed = csv ? parseCsvList(text, file, cfg.column) : parseTextList(text, file);
    blocks.push(...parsed.blocks);
    problems.push(...parsed.problems);
  });
  const lists = [...byName].map(([name, blocks]) => ({ name, set: new CidrSet(blocks) }));
  return { lists, problems };
}

/** The names of the lists holding the address, sorted; undefined when none does. */
export function matchIntel(
  lists: readonly IntelList[],
  a: Pick<ParsedAddress, 'family' | 'value'>,
): string[] | undefined {
  let names: string[] | undefined;
  for (const l of lists) if (l.set.has(a)) (names ??= []).push(l.name);
  return names?.sort();
}

function readList(file: string, path: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, expected a list file'
          : `cannot be read (${code ?? String(err)})`;
    throw new TrailhoundError('config', `cannot read threat-intelligence list: ${reason}`, {
      location: { file, path },
      cause: err,
    });
  }
}

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

function newCollector(file: string) {
  const blocks: ParsedCidr[] = [];
  const problems: InputProblem[] = [];
  let unlisted = 0;
  let lastLine: number | undefined;
  const problem = (line: number | undefined, reason: string) => {
    if (problems.length >= BAD_LINES_LISTED) {
      unlisted++;
      lastLine = line;
      return;
    }
    const p: InputProblem = { code: 'intel-bad-line', severity: 'warning', file, reason };
    if (line !== undefined) p.line = line;
    problems.push(p);
  };
  return {
    problem,
    /** `shown` is the text quoted in a problem: the whole line when the value came from one. */
    add(value: string, line?: number, shown: string = value) {
      const cidr = parseCidr(value);
      if (cidr !== undefined) blocks.push(cidr);
      else problem(line, `expected an IP address or CIDR block, found ${quote(shown)}`);
    },
    done(): ParsedList {
      if (unlisted > 0) {
        const p: InputProblem = {
          code: 'intel-bad-line',
          severity: 'warning',
          file,
          reason: `${unlisted} more lines hold no IP address or CIDR block (not listed one by one)`,
        };
        if (lastLine !== undefined) p.line = lastLine;
        problems.push(p);
      }
      return { blocks, problems };
    },
  };
}

function quote(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return shown.length === 0 ? 'an empty value' : JSON.stringify(shown);
}

/** The cells of one CSV line (RFC 4180 quoting; a record never spans lines in a list file). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cur += ch;
      }
    } else if (ch === '"' && cur.trim().length === 0) {
      cur = '';
      quoted = true;
    } else if (ch === ',') {
      cells.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  cells.push(cur);
  return cells;
}
