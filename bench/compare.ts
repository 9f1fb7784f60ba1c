/**
 * `npm run compare`: trailhound's full rule set against the tools a team would otherwise reach for,
 * on the benchmark's CloudTrail files (generate.ts, cached under `.bench/`) in the same run:
 * `jq` and DuckDB (`@duckdb/node-api`, duckdb-filter.ts) filtering the records for the event names
 * of the single-event rules (event-names.ts, taken from the registry). Every measurement is a fresh
 * child process, measured as `npm run bench` measures (measure.ts). A tool that is not installed is
 * reported and skipped. It prints a table and writes `.bench/compare.json`. A script that reports:
 * it fails only when it cannot measure trailhound.
 *
 *   npm run compare [-- --quick] [--runs N] [--no-build]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Table from 'cli-table3';
import { RULES } from '../src/rules/registry.js';
import type { DuckDbJob } from './duckdb-filter.js';
import { singleEventNames, VERSION_SUFFIX } from './event-names.js';
import { ensureDataset, GENERATOR_VERSION, type DatasetPart, type Size } from './generate.js';
import {
  BENCH,
  codeUnderTest,
  contextLines,
  dec,
  freeCores,
  int,
  machine,
  measure,
  measureCommand,
  type Measured,
  median,
  MEMORY_MEASURED_BY,
  MiB,
  prepareBuild,
  REPO,
  runContext,
  transpile,
} from './measure.js';

const CLI = join(REPO, 'dist', 'cli', 'index.js');

interface Options {
  size: Size;
  runs: number;
  build: boolean;
}

const USAGE = `usage: npm run compare [-- [--quick] [--runs N] [--no-build]]
  --quick       a 10× smaller data set, for trying the script (figures not for the README)
  --runs N      run each measurement N times and keep the median (default 1)
  --no-build    measure dist/ as it is (says whether it is older than src/)`;

function parseArgs(argv: string[]): Options {
  const o: Options = { size: 'full', runs: 1, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (a === '--quick') o.size = 'quick';
    else if (a === '--no-build') o.build = false;
    else if (a === '--runs' && /^[1-9]\d*$/.test(argv[i + 1] ?? '')) o.runs = Number(argv[++i]);
    else {
      process.stderr.write(`compare: unexpected argument ${JSON.stringify(a)}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Which tools are here

function jqVersion(): string | undefined {
  const r = spawnSync('jq', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function duckDbInstalled(): boolean {
  try {
    import.meta.resolve('@duckdb/node-api');
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The measurements

type Tool = 'trailhound' | 'jq' | 'DuckDB';

interface Row {
  tool: Tool;
  does: string;
  /** 'not installed' when the tool is missing; the row is then not measured. */
  skipped?: string;
  ok: boolean;
  error?: string;
  wallMs: number;
  userMs: number;
  sysMs: number;
  peakRssBytes: number;
  eventsPerSecond: number;
  /** trailhound: findings; jq and DuckDB: records the filter kept. */
  count?: number;
  /** Wall time ÷ trailhound's wall time. */
  timeToTrailhound?: number;
  notes: string[];
  /** Wall time of every run, when repeated (the row holds the median one). */
  runsMs: number[];
}

function row(part: DatasetPart, tool: Tool, does: string, m: Measured, runsMs: number[]): Row {
  const r: Row = {
    tool,
    does,
    ok: m.exit === null,
    wallMs: Math.round(m.wallMs),
    userMs: Math.round(m.userMs),
    sysMs: Math.round(m.sysMs),
    peakRssBytes: m.peakRssBytes,
    eventsPerSecond: Math.round(part.records / (m.wallMs / 1000)),
    notes: [],
    runsMs: runsMs.map(Math.round),
  };
  if (m.exit !== null) {
    r.error = `${m.exit}: ${m.stderr.trim().split('\n').slice(-3).join(' / ')}`;
    r.eventsPerSecond = 0;
  }
  return r;
}

function skipped(tool: Tool, does: string, why: string): Row {
  return {
    tool,
    does,
    skipped: why,
    ok: false,
    wallMs: NaN,
    userMs: NaN,
    sysMs: NaN,
    peakRssBytes: NaN,
    eventsPerSecond: NaN,
    notes: [],
    runsMs: [],
  };
}

async function measureTrailhound(part: DatasetPart, threads: number, runs: number): Promise<Row> {
  const out = join(BENCH, 'out', 'compare-ct.jsonl');
  const args = [
    CLI,
    'hunt',
    part.dir,
    '--format',
    'jsonl',
    '--out',
    out,
    '--workers',
    String(threads),
    '--no-progress',
  ];
  const stateful = RULES.filter((r) => r.kind !== 'match').length;
  const does = `hunt, all ${RULES.length} rules (${stateful} stateful), --workers ${threads}, JSON lines out`;
  // Run from .bench/ so no trailhound.yaml of the working tree is picked up: default config.
  const [m, all] = await median(runs, () => measure(args, BENCH));
  const r = row(part, 'trailhound', does, m, all);
  if (r.ok) {
    r.count = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0).length;
    const problems = /trailhound: (.*)/.exec(m.stderr);
    if (problems) r.notes.push(problems[1] as string);
  }
  return r;
}

/**
 * Keeps a record when its name, or its name without the API-version suffix, is one of `$names`
 * (an object used as a set: a lookup, not a scan of 277 names). The suffix is tried only for
 * names ending in a digit, since jq runs the regular expression on every call.
 */
const JQ_FILTER =
  '.Records[] | select(.eventName as $e | ($e | type) == "string" and ' +
  '($names[$e] // (($e[-1:] | . >= "0" and . <= "9") and $names[$e | sub($suffix; "")]) // false))';

/** Splits the files over `n` lists of about equal uncompressed size, largest first. */
function split(part: DatasetPart, n: number): string[][] {
  const lists = Array.from({ length: n }, () => ({ bytes: 0, paths: [] as string[] }));
  for (const f of [...part.files].sort((a, b) => b.rawBytes - a.rawBytes)) {
    const least = lists.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    least.bytes += f.rawBytes;
    least.paths.push(f.path);
  }
  return lists.map((l) => l.paths).filter((p) => p.length > 0);
}

/**
 * jq is single-threaded, so all cores means one `gzip -dc FILES | jq | wc -l` pipeline per core,
 * each on its share of the files, all at once. Peak memory is the sum over the pipelines of each
 * one's largest process (GNU time reports the largest descendant, and the pipelines run side by
 * side): an upper bound of what they held together.
 */
async function measureJq(
  part: DatasetPart,
  names: string[],
  threads: number,
  runs: number,
): Promise<Row> {
  const lists = split(part, threads);
  const env = {
    JQ_NAMES: JSON.stringify(Object.fromEntries(names.map((n) => [n, true]))),
    JQ_SUFFIX: VERSION_SUFFIX,
    JQ_FILTER,
  };
  const script =
    'gzip -dc -- "$@" | jq -c --argjson names "$JQ_NAMES" --arg suffix "$JQ_SUFFIX" "$JQ_FILTER" | wc -l';
  const once = async (): Promise<Measured> => {
    const started = performance.now();
    const each = await Promise.all(
      lists.map((paths, i) =>
        measureCommand('sh', ['-c', script, 'sh', ...paths], {
          cwd: part.dir,
          usageFile: join(BENCH, `usage-jq-${i}.txt`),
          env,
        }),
      ),
    );
    const wallMs = performance.now() - started;
    const sum = (k: 'userMs' | 'sysMs' | 'peakRssBytes') => each.reduce((s, m) => s + m[k], 0);
    // The pipeline's status is wc's: a jq or gzip failure shows only on stderr.
    const failed = each.find((m) => m.exit !== null || m.stderr.trim().length > 0);
    return {
      wallMs,
      userMs: sum('userMs'),
      sysMs: sum('sysMs'),
      peakRssBytes: sum('peakRssBytes'),
      exit: failed === undefined ? null : (failed.exit ?? 'failed'),
      stdout: String(each.reduce((s, m) => s + Number(m.stdout.trim()), 0)),
      stderr: failed?.stderr ?? '',
    };
  };
  const does = `gzip -dc | jq, ${names.length} event names, ${lists.length} pipeline(s) at once`;
  const [m, all] = await median(runs, once);
  const r = row(part, 'jq', does, m, all);
  if (r.ok) r.count = Number(m.stdout);
  return r;
}

async function measureDuckDb(
  part: DatasetPart,
  names: string[],
  threads: number,
  runs: number,
): Promise<{ row: Row; version?: string }> {
  const job: DuckDbJob = {
    files: part.files.map((f) => join(part.dir, f.path)),
    names,
    versionSuffix: VERSION_SUFFIX,
    threads,
    largestFileBytes: Math.max(...part.files.map((f) => f.rawBytes)),
  };
  const jobFile = join(BENCH, 'compare-duckdb-job.json');
  writeFileSync(jobFile, JSON.stringify(job));
  const script = transpile('duckdb-filter.ts');
  const does = `SQL over the gzip files, ${names.length} event names, ${threads} thread(s)`;
  const [m, all] = await median(runs, () => measure([script, jobFile], REPO));
  const r = row(part, 'DuckDB', does, m, all);
  if (!r.ok) return { row: r };
  const out = JSON.parse(m.stdout) as { version: string; records: number; matched: number };
  r.count = out.matched;
  if (out.records !== part.records)
    r.notes.push(`DuckDB read ${out.records} records of ${part.records}`);
  return { row: r, version: out.version };
}

// ---------------------------------------------------------------------------------------------
// The report

const mib = (b: number) => (Number.isFinite(b) ? `${int(b / MiB)}` : '–');

function table(rows: Row[]): string {
  const t = new Table({
    head: [
      'tool',
      'what it does',
      'wall s',
      'events/s',
      'peak RSS MiB',
      'matched records / findings',
      'time ÷ trailhound',
    ],
    style: { head: [], border: [] },
  });
  for (const r of rows) {
    if (r.skipped !== undefined) {
      t.push([r.tool, r.does, r.skipped, '', '', '', '']);
      continue;
    }
    t.push([
      r.tool,
      r.does,
      dec(r.wallMs / 1000),
      r.ok ? int(r.eventsPerSecond) : 'FAILED',
      mib(r.peakRssBytes),
      r.count === undefined
        ? ''
        : `${int(r.count)} ${r.tool === 'trailhound' ? 'findings' : 'records'}`,
      r.timeToTrailhound === undefined ? '' : `${dec(r.timeToTrailhound, 2)}×`,
    ]);
  }
  return t.toString();
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const log = (msg: string) => process.stderr.write(`compare: ${msg}\n`);
  mkdirSync(join(BENCH, 'out'), { recursive: true });
  const facts = machine();
  const cores = facts.availableParallelism;
  const build = prepareBuild(opts.build);
  const floorJs = transpile('floor.ts');
  const code = codeUnderTest();

  const { part, generated } = await ensureDataset(BENCH, opts.size, 'ct', { log });
  log(
    `CloudTrail: ${int(part.records)} records in ${part.files.length} files, ${dec(part.bytes / 1e6)} MB gzip, ${dec(part.rawBytes / 1e6)} MB uncompressed` +
      (generated ? ` (generated in ${dec(part.generatedMs / 1000)} s)` : ' (cached)'),
  );
  const { names, rules } = singleEventNames(RULES);
  log(`filtering for ${names.length} event names of ${rules} single-event rules`);
  // Every measurement reads from the page cache, the first as much as the last.
  for (const f of part.files) readFileSync(join(part.dir, f.path));
  const coresAtStart = await freeCores(floorJs, cores);

  log(`trailhound hunt --workers ${cores}…`);
  const hunt = await measureTrailhound(part, cores, opts.runs);
  const rows: Row[] = [hunt];

  const jq = jqVersion();
  const jqDoes = `jq filter for ${names.length} event names`;
  if (jq === undefined) rows.push(skipped('jq', jqDoes, 'not installed'));
  else {
    log(`${jq} on ${cores} pipeline(s)…`);
    rows.push(await measureJq(part, names, cores, opts.runs));
  }

  let duckDbVersion: string | undefined;
  const duckDoes = `SQL filter for ${names.length} event names`;
  if (!duckDbInstalled()) rows.push(skipped('DuckDB', duckDoes, 'not installed'));
  else {
    log(`DuckDB on ${cores} thread(s)…`);
    const d = await measureDuckDb(part, names, cores, opts.runs);
    duckDbVersion = d.version;
    rows.push(d.row);
  }
  const coresAtEnd = await freeCores(floorJs, cores);

  for (const r of rows)
    if (r !== hunt && r.ok && hunt.ok) r.timeToTrailhound = r.wallMs / hunt.wallMs;
  const warnings: string[] = [];
  const kept = (tool: Tool) => rows.find((r) => r.tool === tool && r.ok)?.count;
  const [jqKept, duckKept] = [kept('jq'), kept('DuckDB')];
  if (jqKept !== undefined && duckKept !== undefined && jqKept !== duckKept)
    warnings.push(
      `WARNING: jq kept ${int(jqKept)} records and DuckDB ${int(duckKept)}; the two filters should agree`,
    );
  if (Math.min(coresAtStart, coresAtEnd) < 0.9 * cores)
    warnings.push(
      'WARNING: other work was using the cores at the start or the end; the figures may be slower than this machine can do, and by different amounts for each tool',
    );

  const results = {
    ...runContext(
      'npm run compare',
      facts,
      { atStart: coresAtStart, atEnd: coresAtEnd },
      code,
      build,
    ),
    tools: { jq: jq ?? null, duckdb: duckDbVersion ?? (duckDbInstalled() ? 'failed' : null) },
    memoryMeasuredBy: MEMORY_MEASURED_BY,
    dataset: {
      records: part.records,
      files: part.files.length,
      bytes: part.bytes,
      rawBytes: part.rawBytes,
      from: part.from,
      to: part.to,
      seed: part.seed,
      dir: relative(REPO, part.dir),
    },
    generatorVersion: GENERATOR_VERSION,
    filter: { singleEventRules: rules, eventNames: names, versionSuffix: VERSION_SUFFIX },
    warnings,
    rows,
  };
  const resultsFile = join(BENCH, opts.size === 'quick' ? 'compare-quick.json' : 'compare.json');
  writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');

  const out: string[] = [''];
  if (opts.size === 'quick')
    out.push(
      'QUICK RUN: a 10× smaller data set, for trying the script; these are not the comparison figures.',
    );
  out.push(
    ...contextLines(results, cores),
    `${jq ?? 'jq not installed'}; DuckDB ${duckDbVersion ?? (duckDbInstalled() ? 'failed' : 'not installed')}`,
    `${int(part.records)} CloudTrail events in ${part.files.length} gzip files (${dec(part.bytes / 1e6)} MB, ${dec(part.rawBytes / 1e6)} MB uncompressed); ` +
      `jq and DuckDB keep the records named by the ${rules} single-event rules (${names.length} event names)`,
    `peak RSS by ${MEMORY_MEASURED_BY} (jq: summed over its pipelines); wall time includes process start`,
    '',
    table(rows),
    '',
  );
  for (const r of rows) {
    const notes = [...(r.error !== undefined ? [r.error] : []), ...r.notes];
    if (notes.length > 0) out.push(`${r.tool}: ${notes.join('; ')}`);
  }
  out.push(
    `free cores (same work on 1 and on ${cores} threads): ${dec(coresAtStart, 2)} of ${cores} at the start, ${dec(coresAtEnd, 2)} at the end`,
    ...warnings,
    `results written to ${relative(REPO, resultsFile)}`,
    '',
  );
  process.stdout.write(out.join('\n'));
  if (!hunt.ok) process.exitCode = 1;
}

await main();
