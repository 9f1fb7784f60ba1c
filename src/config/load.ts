/**
 * Reading the configuration file: find it (`--config`, else `./trailhound.yaml`, else defaults),
 * parse the YAML, validate it against `configSchema`, and turn every problem into one line that says
 * where it is (dotted path and YAML line), what was expected and what was found. All problems are
 * reported together in one `TrailhoundError('config')` so a user fixes the file in one pass.
 */
import { readFile } from 'node:fs/promises';
import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import { z } from 'zod';
import { TrailhoundError } from '../errors.js';
import { configSchema, defaultConfig, type Config } from './schema.js';

/** The file read when `--config` is not given, relative to the working directory. */
export const DEFAULT_CONFIG_FILE = 'trailhound.yaml';

export interface LoadedConfig {
  config: Config;
  /** The file the configuration came from; undefined when defaults are used. */
  path: string | undefined;
}

/**
 * Loads the configuration named by `--config`, or `./trailhound.yaml` when it exists, or defaults.
 *
 * @example
 * const { config, path } = await loadConfig(opts.config); // throws TrailhoundError('config')
 */
export async function loadConfig(path: string | undefined): Promise<LoadedConfig> {
  if (path === undefined) {
    const text = await readConfigFile(DEFAULT_CONFIG_FILE, true);
    if (text === undefined) return { config: defaultConfig(), path: undefined };
    return { config: parseConfig(text, DEFAULT_CONFIG_FILE), path: DEFAULT_CONFIG_FILE };
  }
  const text = await readConfigFile(path, false);
  return { config: parseConfig(text ?? '', path), path };
}

async function readConfigFile(path: string, optional: boolean): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && optional) return undefined;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, expected a YAML file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : `cannot be read (${code ?? String(err)})`;
    throw new TrailhoundError('config', reason, { location: { file: path }, cause: err });
  }
}

/**
 * Parses and validates configuration text. `file` is only used in messages.
 *
 * @example
 * parseConfig('organisation:\n  accounts: ["111122223333"]\n', 'trailhound.yaml');
 */
export function parseConfig(text: string, file: string): Config {
  const lineCounter = new LineCounter();
  // `uniqueKeys` (the default) makes a repeated key an error rather than a silent override.
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]?.linePos?.[0];
    throw new TrailhoundError('config', 'not valid YAML', {
      location: first ? { file, line: first.line } : { file },
      details: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
        return `${where}${e.message.replace(/ at line \d+, column \d+[\s\S]*$/, '')}`;
      }),
    });
  }
  let input: unknown;
  try {
    // yaml defines a `__proto__` key as an own property, so this cannot reach any prototype. The
    // alias limit stops a "billion laughs" document from expanding without bound.
    input = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new TrailhoundError('config', 'not valid YAML', {
      location: { file },
      details: [err instanceof Error ? err.message : String(err)],
    });
  }

  const problems: Problem[] = [];
  const result = configSchema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(...describeIssue(issue, input));
  }
  // Zod drops a `__proto__` key inside records (`rules`, `knobs`) without a word; say so instead.
  for (const path of protoKeys(input)) {
    const reported = problems.some((p) => samePath(p.path, path) && p.atKey === true);
    if (!reported) {
      problems.push({
        path,
        text: 'reserved key name, not allowed in a configuration',
        atKey: true,
      });
    }
  }
  if (problems.length === 0 && result.success) return result.data;

  const located = problems.map((p, order) => ({
    ...p,
    order,
    line: lineOf(doc, lineCounter, p.path, p.atKey === true),
  }));
  located.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || a.order - b.order);
  const details = located.map(
    (p) => `${formatPath(p.path)}: ${p.text}${p.line === undefined ? '' : ` (line ${p.line})`}`,
  );
  throw new TrailhoundError(
    'config',
    `${details.length} ${details.length === 1 ? 'problem' : 'problems'} in the configuration`,
    { location: { file }, details },
  );
}

type PathKey = PropertyKey;

interface Problem {
  /** Path of the offending value (for an unknown key: the key itself). */
  path: PathKey[];
  text: string;
  /** Set when the problem is the key itself (unknown, reserved): its line is the key's line. */
  atKey?: boolean;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): Problem[] {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(path);
    return issue.keys.map((key) => {
      const hint = known.length > 0 ? closest(key, known) : undefined;
      const expected =
        known.length > 0 ? ` (expected one of ${known.join(', ')})` : ' (no keys allowed here)';
      return {
        path: [...path, key],
        text: `unknown key${hint ? `, did you mean "${hint}"?` : ''}${expected}`,
        atKey: true,
      };
    });
  }
  const found = valueAt(input, path);
  let text = `expected ${expectation(issue)}, found ${describeValue(found)}`;
  // YAML reads an unquoted 12-digit account id as a number, losing any leading zero.
  if (issue.code === 'invalid_type' && issue.expected === 'string' && typeof found === 'number') {
    text += '; quote it to keep it a string';
  }
  if (found === null && issue.code === 'invalid_type' && issue.expected === 'array') {
    text += '; write [] for an empty list';
  }
  return [{ path, text }];
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return typeName(issue.expected);
    case 'invalid_format':
      // The schema's own message names the format ("a 12-digit AWS account id"); zod's default
      // message ("Invalid string: …") does not read as an expectation.
      return /^invalid\b/i.test(issue.message)
        ? `a string in ${issue.format} format${'pattern' in issue && issue.pattern ? ` (${String(issue.pattern)})` : ''}`
        : issue.message;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = small ? issue.minimum : issue.maximum;
      const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      if (issue.origin === 'array' || issue.origin === 'set') {
        return `${small ? 'at least' : 'at most'} ${String(limit)} items`;
      }
      if (issue.origin === 'string') {
        return `${small ? 'at least' : 'at most'} ${String(limit)} characters`;
      }
      return `a number ${op} ${String(limit)}`;
    }
    case 'invalid_union': {
      const names = new Set<string>();
      for (const branch of issue.errors) {
        const first = branch[0];
        if (first?.code === 'invalid_type' && first.path.length === 0) {
          names.add(typeName(first.expected));
        }
      }
      return names.size > 0 ? joinOr([...names]) : issue.message;
    }
    default:
      return issue.message;
  }
}

function typeName(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'boolean':
      return 'true or false';
    case 'int':
      return 'a whole number';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    default:
      return expected;
  }
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

/** Looks a value up by an issue path, reading own properties only. */
function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof key === 'symbol' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[String(key)];
  }
  return cur;
}

/** The keys a strict object at `path` of the config schema accepts. */
function knownKeys(path: readonly PathKey[]): string[] {
  let schema: z.ZodType | undefined = configSchema;
  for (const key of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) {
      schema = Object.hasOwn(schema.shape, String(key))
        ? (schema.shape as Record<string, z.ZodType>)[String(key)]
        : undefined;
    } else if (schema instanceof z.ZodArray) {
      schema = schema.element as z.ZodType;
    } else if (schema instanceof z.ZodRecord) {
      schema = schema.valueType as z.ZodType;
    } else {
      return [];
    }
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let cur = schema;
  while (
    cur instanceof z.ZodOptional ||
    cur instanceof z.ZodDefault ||
    cur instanceof z.ZodPrefault ||
    cur instanceof z.ZodNullable
  ) {
    cur = cur.def.innerType as z.ZodType;
  }
  return cur;
}

/** A known key within edit distance 2 of a misspelt one, if any. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** Paths of every `__proto__` key in the parsed document. */
function protoKeys(value: unknown, path: PathKey[] = [], out: PathKey[][] = []): PathKey[][] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => protoKeys(item, [...path, i], out));
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (key === '__proto__') out.push([...path, key]);
      protoKeys((value as Record<string, unknown>)[key], [...path, key], out);
    }
  }
  return out;
}

function samePath(a: readonly PathKey[], b: readonly PathKey[]): boolean {
  return a.length === b.length && a.every((k, i) => String(k) === String(b[i]));
}

/** `organisation.accounts[0]`, `rules["aws.recon.*"].enabled`. */
export function formatPath(path: readonly PathKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(key))) out += `${out ? '.' : ''}${String(key)}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/**
 * The 1-based line of `path` in a YAML document: the value's line (the key's line when `atKey`,
 * as for an unknown key), or the nearest enclosing node's line when the value is missing. Shared
 * by every command that reports problems in a YAML file the user wrote.
 */
export function lineOf(
  doc: Document,
  counter: LineCounter,
  path: readonly PathKey[],
  atKey = false,
): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = rangeStart(node);
  for (const [i, key] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key),
      );
      if (!pair) break;
      const keyLine = i === path.length - 1 && atKey;
      offset = keyLine ? rangeStart(pair.key) : (rangeStart(pair.value) ?? rangeStart(pair.key));
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : counter.linePos(offset).line;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as YamlNode | null | undefined)?.range;
  return range ? range[0] : undefined;
}
