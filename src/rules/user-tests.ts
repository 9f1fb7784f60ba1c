/**
 * `trailhound rules test`: a user's own labelled events, run against the rules. A test file is a
 * YAML (or JSON) document listing cases: one CloudTrail record or flow-log line, or a story of
 * them in order (`records`, `flows`) for rules that decide over many events, the rule it is
 * about, whether that rule must `fire` or `miss`, and optionally the configuration to run under
 * and the priority the finding must have. Each case runs through the same path as the rules' own
 * examples (examples.ts): the stages a hunted record meets (normalise, enrich, rules compiled
 * under the case's configuration, match evaluation, and the stateful stage with fresh in-memory
 * state), so a case that passes here behaves the same way in `trailhound hunt`. Problems with the
 * file itself (not YAML, a missing or unknown field, an unknown rule id, configuration that does
 * not validate, a record the pipeline would skip) are collected and reported together before any
 * case runs, each with its path and line.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { formatPath, lineOf, loadConfig } from '../config/load.js';
import { configSchema, PRIORITIES, type Config, type Priority } from '../config/schema.js';
import { compileRules, type CompiledRuleSet } from '../engine/compile.js';
import type { Example, Rule } from '../engine/rule.js';
import { createEnricher, resolveEnrichPaths, type Enricher } from '../enrich/index.js';
import { TrailhoundError, formatLocation } from '../errors.js';
import type { Hit } from '../findings/finding.js';
import type { JsonObject } from '../model/event.js';
import { eventOf, exampleInputs, runExample, type ExampleInput } from './examples.js';

// They lived here first; modules that import them from here keep working.
export { eventOf, type ExampleInput, type Made } from './examples.js';

/** One labelled case, validated, with the stages of its configuration already built. */
export interface UserCase {
  file: string;
  /** 1-based line where the case starts, when the YAML parser reports one. */
  line: number | undefined;
  /** Where the case sits in its file: `cases[3]`. */
  path: string;
  title: string;
  rule: string;
  expect: 'fire' | 'miss';
  /** The priority a `fire` case's finding must have, when the case says. */
  priority: Priority | undefined;
  /** The case's events as an example: one `record` / `flow`, or a story of `records` / `flows`. */
  example: Example;
  /** The line of each of the example's events in the file, for the events' origins. */
  lines: (number | undefined)[];
  config: Config;
  rules: CompiledRuleSet;
  enricher: Enricher;
}

export interface CaseResult {
  case: UserCase;
  passed: boolean;
  /** The finding of the case's rule, when it fired (for a story that fired several times, the
   * one at the expected priority, else the first). */
  hit: Hit | undefined;
  /** Every finding of the case's rule, in the order the run produced them. */
  hits: Hit[];
  /** Findings of every other rule on the same events. */
  others: Hit[];
  /** What went wrong, in one sentence; undefined for a pass. */
  reason: string | undefined;
}

export interface LoadOptions {
  /** The rule registry the cases name. */
  rules: readonly Rule[];
  /**
   * Configuration every case starts from, already validated. The test file's own `config`, then
   * the case's, are laid over it key by key; lists are replaced.
   */
  base?: Config;
  /**
   * A configuration file (`--config`) to read as `base`; paths to threat-intelligence files in it
   * are taken from its folder, as in a hunt.
   */
  configFile?: string;
}

// ---------------------------------------------------------------------------------------------
// The file format
// ---------------------------------------------------------------------------------------------

const plainObject = (what: string): z.ZodType<JsonObject> =>
  z.custom<JsonObject>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    `expected ${what}`,
  );

const flowLine = z.string().trim().min(1, 'expected one flow-log record line');

const caseSchema = z
  .strictObject({
    title: z.string().trim().min(1, 'expected a non-empty title'),
    rule: z.string().trim().min(1, 'expected a rule id such as aws.evasion.cloudtrail-stopped'),
    expect: z.enum(['fire', 'miss'], 'expected fire or miss'),
    priority: z.enum(PRIORITIES as [Priority, ...Priority[]]).optional(),
    record: plainObject('a mapping: one CloudTrail record').optional(),
    records: z
      .array(
        plainObject('a mapping: one CloudTrail record'),
        'expected a list of CloudTrail records, in order',
      )
      .min(1, 'expected at least one CloudTrail record')
      .optional(),
    flow: flowLine.optional(),
    flows: z
      .array(flowLine, 'expected a list of flow-log record lines, in order')
      .min(1, 'expected at least one flow-log record line')
      .optional(),
    header: z.string().trim().min(1, 'expected a flow-log header line').optional(),
    config: plainObject('a mapping: a partial configuration, as in trailhound.yaml').optional(),
  })
  .superRefine((c, ctx) => {
    const given = [c.record, c.records, c.flow, c.flows].filter((x) => x !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          'expected exactly one of record (a CloudTrail record), records (a story of them), ' +
          'flow (a flow-log line) and flows (a story of them)',
        path: [],
      });
    }
    if (c.header !== undefined && c.flow === undefined && c.flows === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'header only applies to a flow or flows case',
        path: ['header'],
      });
    }
    if (c.priority !== undefined && c.expect !== 'fire') {
      ctx.addIssue({
        code: 'custom',
        message: 'priority only applies to a case that expects the rule to fire',
        path: ['priority'],
      });
    }
  });

type RawCase = z.infer<typeof caseSchema>;

type PathKey = string | number;

interface Problem {
  path: PathKey[];
  text: string;
}

function issueProblems(
  issues: readonly z.core.$ZodIssue[],
  prefix: PathKey[],
  root: unknown,
): Problem[] {
  return issues.map((issue) => {
    const inner = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
    const path = [...prefix, ...inner];
    if (issue.code === 'unrecognized_keys') {
      return {
        path,
        text: `unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}`,
      };
    }
    const found = valueAt(root, inner);
    if (issue.code === 'invalid_type' && found === undefined) {
      return { path, text: `missing: expected ${issue.expected}` };
    }
    // YAML reads an unquoted 12-digit account id as a number.
    if (issue.code === 'invalid_type' && issue.expected === 'string' && typeof found === 'number') {
      return { path, text: `expected a string, found the number ${found}; quote it` };
    }
    return { path, text: issue.message };
  });
}

/** A value by path, through own properties only. */
function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<PathKey, unknown>)[key];
  }
  return cur;
}

/**
 * Lays partial configurations over each other: mappings merge key by key, anything else (lists
 * included) replaces. Keys come from user files, so the result has no prototype to pollute; zod
 * validates it like any other configuration afterwards.
 */
function mergeConfig(...layers: readonly unknown[]): unknown {
  let out: unknown = undefined;
  for (const layer of layers) {
    if (layer === undefined) continue;
    out = mergeValue(out, layer);
  }
  return out ?? {};
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeValue(under: unknown, over: unknown): unknown {
  if (!isMapping(over)) return over;
  const out = Object.create(null) as Record<string, unknown>;
  if (isMapping(under)) for (const k of Object.keys(under)) out[k] = under[k];
  for (const k of Object.keys(over)) {
    out[k] = mergeValue(Object.hasOwn(out, k) ? out[k] : undefined, over[k]);
  }
  return out;
}

/**
 * Near ids for a misspelt one: the same last part (`cloudtrail-stopped`), one containing the
 * other, or a last part within two edits (`cloudtrail-stoped`).
 */
function suggestions(id: string, rules: readonly Rule[]): string[] {
  const tail = id.split('.').at(-1) ?? id;
  return rules
    .filter((r) => {
      const rTail = r.id.split('.').at(-1) ?? r.id;
      return (
        rTail === tail || r.id.includes(id) || id.includes(r.id) || editDistance(rTail, tail) <= 2
      );
    })
    .slice(0, 3)
    .map((r) => r.id);
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
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

/**
 * Parses and validates a test file's text; `file` is only used in messages. Throws one
 * `TrailhoundError('config')` listing every problem in the file.
 *
 * @example
 * const cases = parseUserTests(await readFile('cases.yaml', 'utf8'), 'cases.yaml', { rules: RULES });
 */
export function parseUserTests(text: string, file: string, opts: LoadOptions): UserCase[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]?.linePos?.[0];
    throw new TrailhoundError('config', 'not valid YAML', {
      location: first ? { file, line: first.line } : { file },
      details: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${e.message.replace(/ at line \d+, column \d+[\s\S]*$/, '')}`;
      }),
    });
  }
  let input: unknown;
  try {
    // The alias limit stops a "billion laughs" document from expanding without bound.
    input = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new TrailhoundError('config', 'not valid YAML', {
      location: { file },
      details: [err instanceof Error ? err.message : String(err)],
    });
  }

  const problems: Problem[] = [];
  let rawCases: unknown[] = [];
  let fileConfig: unknown = undefined;
  let casesKey: PathKey[] = [];
  if (Array.isArray(input)) {
    rawCases = input;
  } else if (isMapping(input)) {
    casesKey = ['cases'];
    for (const key of Object.keys(input)) {
      if (key !== 'cases' && key !== 'config') {
        problems.push({
          path: [key],
          text: 'unknown key (expected cases and, optionally, config)',
        });
      }
    }
    const cases = Object.hasOwn(input, 'cases') ? input.cases : undefined;
    if (Array.isArray(cases)) rawCases = cases;
    else problems.push({ path: ['cases'], text: 'expected a list of cases' });
    fileConfig = Object.hasOwn(input, 'config') ? input.config : undefined;
    if (fileConfig !== undefined && !isMapping(fileConfig)) {
      problems.push({ path: ['config'], text: 'expected a mapping: a partial configuration' });
      fileConfig = undefined;
    }
  } else {
    problems.push({
      path: [],
      text: 'expected a list of cases, or a mapping with cases (and optionally config)',
    });
  }
  if (problems.length === 0 && rawCases.length === 0) {
    problems.push({ path: casesKey, text: 'no cases: a test file must hold at least one case' });
  }

  // The file-level configuration is checked once on its own so its problems are reported once.
  let fileConfigOk = true;
  if (fileConfig !== undefined) {
    const merged = mergeConfig(opts.base, fileConfig);
    const parsed = configSchema.safeParse(merged);
    if (!parsed.success) {
      fileConfigOk = false;
      problems.push(...issueProblems(parsed.error.issues, ['config'], merged));
    }
  }

  // Cases that share a configuration share its compiled rules and enricher.
  const prepared = new Map<string, { rules: CompiledRuleSet; enricher: Enricher }>();
  const cases: UserCase[] = [];
  rawCases.forEach((raw, i) => {
    const at: PathKey[] = [...casesKey, i];
    // The rule id is checked even when other fields are wrong, so one pass reports both.
    const id = isMapping(raw) && typeof raw.rule === 'string' ? raw.rule.trim() : undefined;
    const rule = id === undefined ? undefined : opts.rules.find((r) => r.id === id);
    if (id !== undefined && id !== '' && rule === undefined) {
      const near = suggestions(id, opts.rules);
      problems.push({
        path: [...at, 'rule'],
        text:
          `no rule with id "${id}"` +
          (near.length > 0
            ? `; did you mean ${near.join(' or ')}?`
            : '; `trailhound rules list` shows every rule id'),
      });
    }
    const parsed = caseSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...issueProblems(parsed.error.issues, at, raw));
      return;
    }
    const c: RawCase = parsed.data;
    if (rule === undefined) return;
    const { field, example } = caseExample(c);
    const story = field === 'records' || field === 'flows';
    const wantsFlow = field === 'flow' || field === 'flows';
    if (wantsFlow !== (rule.on === 'flow')) {
      const give =
        rule.on === 'flow'
          ? `flow-log records; give ${story ? 'flows' : 'a flow line'}`
          : `CloudTrail records; give ${story ? 'records' : 'a record'}`;
      problems.push({ path: [...at, field], text: `${rule.id} reads ${give}` });
      return;
    }
    // An event the pipeline would skip tests nothing, so it is a problem with the file.
    const inputs = exampleInputs(example);
    const inputPath = (j: number): PathKey[] => (story ? [...at, field, j] : [...at, field]);
    const unusable = inputs.flatMap((input, j) => {
      const text = unusableInput(input, file);
      return text === undefined ? [] : [{ path: inputPath(j), text }];
    });
    if (unusable.length > 0) {
      problems.push(...unusable);
      return;
    }
    if (!fileConfigOk) return;
    const layered = mergeConfig(opts.base, fileConfig, c.config);
    const merged = configSchema.safeParse(layered);
    if (!merged.success) {
      problems.push(...issueProblems(merged.error.issues, [...at, 'config'], layered));
      return;
    }
    const key = JSON.stringify(merged.data);
    let stages = prepared.get(key);
    if (stages === undefined) {
      try {
        stages = {
          rules: compileRules(opts.rules, merged.data),
          // Relative intel paths in a test file are read from the file's folder.
          enricher: createEnricher(merged.data, { baseDir: dirname(resolve(file)) }),
        };
      } catch (err) {
        if (!(err instanceof TrailhoundError)) throw err;
        const where: PathKey[] = c.config !== undefined ? [...at, 'config'] : ['config'];
        for (const d of err.details.length > 0 ? err.details : [err.message]) {
          problems.push({ path: where, text: d });
        }
        return;
      }
      prepared.set(key, stages);
    }
    cases.push({
      file,
      line: lineOf(doc, counter, at),
      path: formatPath(at),
      title: c.title,
      rule: c.rule,
      expect: c.expect,
      priority: c.priority,
      example,
      lines: inputs.map((_, j) => lineOf(doc, counter, inputPath(j))),
      config: merged.data,
      rules: stages.rules,
      enricher: stages.enricher,
    });
  });

  if (problems.length > 0) {
    const located = problems.map((p) => ({ ...p, line: lineOf(doc, counter, p.path) }));
    const first = located.find((p) => p.line !== undefined)?.line;
    throw new TrailhoundError(
      'config',
      `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in the rules test file`,
      {
        location: first === undefined ? { file } : { file, line: first },
        details: located.map(
          (p) =>
            `${formatPath(p.path)}: ${p.text}${p.line === undefined ? '' : ` (line ${p.line})`}`,
        ),
      },
    );
  }
  return cases;
}

async function readTestFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, expected a YAML or JSON test file'
          : `cannot be read (${code ?? String(err)})`;
    throw new TrailhoundError('usage', reason, { location: { file }, cause: err });
  }
}

/**
 * Reads and validates every file before any case runs. One bad file throws its own error; several
 * throw one error that lists each file's problems, so all of them can be fixed in one pass.
 */
export async function loadUserTests(
  files: readonly string[],
  opts: LoadOptions,
): Promise<UserCase[]> {
  let parseOpts = opts;
  if (opts.configFile !== undefined) {
    const loaded = await loadConfig(opts.configFile);
    parseOpts = { ...opts, base: resolveEnrichPaths(loaded.config, loaded.path) };
  }
  const cases: UserCase[] = [];
  const errors: TrailhoundError[] = [];
  for (const file of files) {
    try {
      cases.push(...parseUserTests(await readTestFile(file), file, parseOpts));
    } catch (err) {
      if (!(err instanceof TrailhoundError)) throw err;
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0] as TrailhoundError;
  if (errors.length > 1) {
    throw new TrailhoundError('config', `${errors.length} rules test files have problems`, {
      // One flat list, each line naming its file, as a single file's problems are listed.
      details: errors.flatMap((e) => {
        const file = e.location?.file ?? '(unknown file)';
        return e.details.length === 0
          ? [`${formatLocation(e.location ?? { file })}: ${e.message}`]
          : e.details.map((d) => `${file}: ${d}`);
      }),
    });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Running cases
// ---------------------------------------------------------------------------------------------

/** The case's events as an example, and the field that held them. */
function caseExample(c: RawCase): {
  field: 'record' | 'records' | 'flow' | 'flows';
  example: Example;
} {
  const title = c.title;
  if (c.records !== undefined) return { field: 'records', example: { title, records: c.records } };
  if (c.flows !== undefined) {
    return {
      field: 'flows',
      example:
        c.header === undefined
          ? { title, flows: c.flows }
          : { title, flows: c.flows, header: c.header },
    };
  }
  if (c.flow !== undefined) {
    return {
      field: 'flow',
      example:
        c.header === undefined
          ? { title, flow: c.flow }
          : { title, flow: c.flow, header: c.header },
    };
  }
  return { field: 'record', example: { title, record: c.record ?? {} } };
}

/** Why the pipeline would skip this input, or undefined when it is a usable event (or quiet). */
function unusableInput(input: ExampleInput, file: string): string | undefined {
  if (input.kind === 'cloudtrail' && Object.hasOwn(input.record, 'Records')) {
    return 'holds a Records list, as CloudTrail delivers files; give one record, or its records as a story under records';
  }
  const made = eventOf(input, file, undefined);
  return 'unusable' in made ? made.unusable : undefined;
}

/** `a (high), b (low) and 3 more`: each other rule that fired, once per rule and priority. */
function described(hits: readonly Hit[], max = 5): string {
  const seen = [...new Set(hits.map((h) => `${h.ruleId} (${h.priority})`))];
  const head = seen.slice(0, max).join(', ');
  return seen.length > max ? `${head} and ${seen.length - max} more` : head;
}

/** ` (3 times; the first shown)` when a story fired its rule more than once, else nothing. */
function times(n: number): string {
  return n === 1 ? '' : ` (${n} times; the first shown)`;
}

/**
 * Runs one case, a single event or a story, through the example harness with the case's own
 * compiled rules and enricher; never throws on odd records (a rule that throws fails the case).
 */
export function runCase(c: UserCase): CaseResult {
  const run = runExample([], { id: c.rule }, c.example, {
    stages: {
      rules: c.rules,
      enricher: c.enricher,
      maxEvidence: c.config.findings.maxEvidence,
    },
    file: c.file,
    lines: c.lines,
  });
  const { hits, others } = run;
  const result = (passed: boolean, reason?: string, hit: Hit | undefined = hits[0]) => ({
    case: c,
    passed,
    hit,
    hits,
    others,
    reason,
  });
  // Inputs were checked when the file was read; this only guards against a changed pipeline.
  if (run.unusable.length > 0) return result(false, run.unusable.join('; '));
  if (run.events.length === 0) {
    const quiet =
      run.quiet.length === 1
        ? (run.quiet[0] as string)
        : `none of its ${run.quiet.length} flow lines carries traffic (NODATA or SKIPDATA records)`;
    return c.expect === 'miss'
      ? result(true)
      : result(false, `expected ${c.rule} to fire, but ${quiet}`);
  }
  const broke = run.ruleFailures.find((f) => f.ruleId === c.rule);
  if (broke !== undefined) {
    const what = run.events.length === 1 ? 'record' : 'story';
    return result(false, `${c.rule} threw on this ${what}: ${broke.message}`);
  }

  const first = hits[0];
  if (c.expect === 'fire') {
    if (first === undefined) {
      if (!c.rules.byId.has(c.rule)) {
        return result(false, `expected ${c.rule} to fire, but the configuration disables it`);
      }
      const instead = others.length === 0 ? 'no rule fired' : `fired instead: ${described(others)}`;
      return result(false, `expected ${c.rule} to fire; it did not (${instead})`);
    }
    if (c.priority !== undefined) {
      const atPriority = hits.find((h) => h.priority === c.priority);
      if (atPriority === undefined) {
        const fired = [...new Set(hits.map((h) => h.priority))].join(', ');
        return result(
          false,
          `expected ${c.rule} to fire at ${c.priority}; it fired at ${fired}${times(hits.length)}: ${first.summary}`,
        );
      }
      return result(true, undefined, atPriority);
    }
    return result(true);
  }
  if (first !== undefined) {
    return result(
      false,
      `expected ${c.rule} not to fire; it fired at ${first.priority}${times(hits.length)}: ${first.summary}`,
    );
  }
  return result(true);
}

/** Runs every case in order. */
export function runUserTests(cases: readonly UserCase[]): CaseResult[] {
  return cases.map(runCase);
}

/**
 * The report `rules test` prints: one line per case, then the totals.
 *
 * @example
 * formatResults(results); // ['PASS  aws.evasion.cloudtrail-stopped  prod trail stopped', …, '1 passed, 0 failed']
 */
export function formatResults(results: readonly CaseResult[]): string[] {
  const lines = results.map((r) => {
    // Titles may span lines in YAML; the report keeps one line per case.
    const title = r.case.title.replace(/\s+/g, ' ');
    const head = `${r.passed ? 'PASS' : 'FAIL'}  ${r.case.rule}  ${title}`;
    if (r.passed) return head;
    const where = formatLocation(
      r.case.line === undefined ? { file: r.case.file } : { file: r.case.file, line: r.case.line },
    );
    return `${head} (${where}): ${r.reason ?? 'failed'}`;
  });
  const failed = results.filter((r) => !r.passed).length;
  lines.push(`${results.length - failed} passed, ${failed} failed`);
  return lines;
}

/** The file format, as `trailhound rules test --help` prints it after the options. */
export const USER_TESTS_HELP = `
Test file format (YAML; JSON works too, since JSON is YAML):

  config:                          # optional: a partial configuration for every case
    organisation:
      automationArns: ['arn:aws:iam::*:role/deploy-*']
  cases:
    - title: prod trail stopped from a laptop   # shown in the report
      rule: aws.evasion.cloudtrail-stopped      # a rule id, see \`trailhound rules list\`
      expect: fire                              # fire: the rule must fire; miss: it must not
      priority: critical                        # optional, fire only: the finding's priority
      config:                                   # optional: laid over the file's config
        rules:
          aws.evasion.cloudtrail-stopped: { priority: critical }
      record: { ... }                           # one CloudTrail record, exactly as AWS logs it
    - title: the deploy role reads a secret after two weeks of deploys
      rule: aws.time-geo.new-service-for-principal   # a stateful rule: give it a story
      expect: fire
      records:                                  # CloudTrail records, in the order they happened
        - { ... }
        - { ... }
    - title: traffic to the proxy is not flagged
      rule: <id of a flow-log rule>
      expect: miss
      flow: '2 123456789012 eni-0a1b2c3d 10.0.1.5 10.0.2.9 443 49152 6 10 840 1710255300 1710255360 ACCEPT OK'
      header: 'version account-id ...'          # optional: the line's header (default: version 2)
    - title: one host sweeps the admin ports of its subnet
      rule: <id of a stateful flow-log rule>
      expect: fire
      flows: ['2 123456789012 ...', '2 123456789012 ...']   # flow-log lines in order; header optional

Each case has exactly one of record, records, flow and flows. A file may also be just the list of
cases. Stateful rules (kind threshold, firstSeen, dormancy, sequence, baseline or beacon in
\`trailhound rules list\`) decide over many events, so give them a story: records or flows, in
event-time order. Each case starts from empty state (no --state file is read or written), so a
first-seen story covers its learning period (or the case's config shortens learningDays). A match
rule may take a story too; it fires when any of the events matches. With priority, a story passes
when one of the rule's findings has it.

Configuration is layered: --config FILE (when given), then the file's config, then the case's
config; mappings merge key by key, lists replace. Cases run through the same stages as a hunt, on
the same path as the rules' own examples: normalise, enrich, rules compiled under the case's
configuration, match evaluation, and the stateful stage.

Output: one line per case, PASS or FAIL with the rule id and title; a failure also names the case's
file and line and what happened instead (which rules fired, or at which priority). The last line is
"N passed, M failed".

Exit codes: 0 every case passed; 1 a case failed; 2 a file could not be read or is malformed (not
YAML, missing or unknown fields, an unknown rule id, configuration that does not validate, a record
or flow line the pipeline would skip), with every problem listed by path and line before any case
runs.
`;
