/**
 * `npm run bench`: how fast trailhound sweeps logs, measured against the parsing floor on the same
 * files in the same run. Builds the command (`npm run build`: the CLI under test is the built
 * `dist/cli/index.js`), makes sure the data set exists (generate.ts, cached under `.bench/`), then
 * runs every measurement in a fresh child process: the floor (floor.ts), `trailhound hunt` with
 * every rule, and `trailhound hunt` with every rule disabled (what reading, normalising and
 * enriching cost before any detection), on one thread and on all cores, for CloudTrail and for
 * flow logs. It prints a table and the targets of issue 5, and writes `.bench/results.json`. A
 * script that reports: it never fails because a figure is poor, only when it cannot measure.
 *
 *   npm run bench [-- --quick|--large] [--only ct|flow] [--runs N] [--no-build] [--regenerate]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Table from 'cli-table3';
import {
  ensureDataset,
  GENERATOR_VERSION,
  type DatasetPart,
  type Kind,
  type Size,
} from './generate.js';
import {
  BENCH,
  codeUnderTest,
  contextLines,
  dec,
  freeCores,
  int,
  machine,
  measure,
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
/** Issue 5: the hunt keeps ≥ 85% of the all-core floor, and stays under 512 MB (read as MiB). */
const TARGET_RATIO = 0.85;
const TARGET_RSS = 512 * MiB;
const LABEL: Record<Kind, string> = { ct: 'CloudTrail', flow: 'flow logs' };

interface Options {
  size: Size;
  kinds: Kind[];
  runs: number;
  build: boolean;
  regenerate: boolean;
}

const USAGE = `usage: npm run bench [-- [--quick|--large] [--only ct|flow] [--runs N] [--no-build] [--regenerate]]
  --quick       a 10× smaller data set, for trying the script (figures not for the README)
  --large       a 10× larger data set over the same days and organisation (10 million CloudTrail
                events, 50 million flow records; 1.8 GB and 1.4 GB of gzip): is memory flat?
  --only KIND   only CloudTrail (ct) or only flow logs (flow)
  --runs N      run each measurement N times and keep the median (default 1)
  --no-build    measure dist/ as it is (says whether it is older than src/)
  --regenerate  write the data set again even when the cached one is current`;

function parseArgs(argv: string[]): Options {
  const o: Options = {
    size: 'full',
    kinds: ['ct', 'flow'],
    runs: 1,
    build: true,
    regenerate: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (a === '--quick') o.size = 'quick';
    else if (a === '--large') o.size = 'large';
    else if (a === '--no-build') o.build = false;
    else if (a === '--regenerate') o.regenerate = true;
    else if (a === '--only' && (argv[i + 1] === 'ct' || argv[i + 1] === 'flow'))
      o.kinds = [argv[++i] as Kind];
    else if (a === '--runs' && /^[1-9]\d*$/.test(argv[i + 1] ?? '')) o.runs = Number(argv[++i]);
    else {
      process.stderr.write(`bench: unexpected argument ${JSON.stringify(a)}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// The measurements

interface Row {
  data: Kind;
  /** `no rules`: trailhound with every rule disabled, what reading and normalising cost alone. */
  tool: 'floor' | 'trailhound' | 'no rules';
  threads: number;
  ok: boolean;
  error?: string;
  wallMs: number;
  userMs: number;
  sysMs: number;
  peakRssBytes: number;
  events: number;
  eventsPerSecond: number;
  compressedMBps: number;
  uncompressedMBps: number;
  /** trailhound's events per second ÷ the floor's, on the same number of threads. */
  ratioToFloor?: number;
  findings?: number;
  notes: string[];
  /** Wall time of every run, when repeated (the row holds the median one). */
  runsMs: number[];
}

function row(
  part: DatasetPart,
  tool: Row['tool'],
  threads: number,
  m: Measured,
  runsMs: number[],
): Row {
  const seconds = m.wallMs / 1000;
  const r: Row = {
    data: part.kind,
    tool,
    threads,
    ok: m.exit === null,
    wallMs: Math.round(m.wallMs),
    userMs: Math.round(m.userMs),
    sysMs: Math.round(m.sysMs),
    peakRssBytes: m.peakRssBytes,
    events: part.records,
    eventsPerSecond: Math.round(part.records / seconds),
    compressedMBps: part.bytes / 1e6 / seconds,
    uncompressedMBps: part.rawBytes / 1e6 / seconds,
    notes: [],
    runsMs: runsMs.map(Math.round),
  };
  if (m.exit !== null) {
    r.error = `${m.exit}: ${m.stderr.trim().split('\n').slice(-3).join(' / ')}`;
    r.eventsPerSecond = 0;
    r.compressedMBps = 0;
    r.uncompressedMBps = 0;
  }
  return r;
}

async function measureFloor(
  part: DatasetPart,
  manifest: string,
  floorJs: string,
  threads: number,
  runs: number,
): Promise<Row> {
  const [m, all] = await median(runs, () =>
    measure([floorJs, part.kind, manifest, String(threads)], REPO),
  );
  const r = row(part, 'floor', threads, m, all);
  if (r.ok) {
    const counted = (JSON.parse(m.stdout) as { records: number }).records;
    if (counted !== part.records) r.notes.push(`counted ${counted} records of ${part.records}`);
  }
  return r;
}

/** The configuration of the `no rules` rows. */
const NO_RULES_CONFIG = join(BENCH, 'no-rules.yaml');

async function measureHunt(
  part: DatasetPart,
  threads: number,
  runs: number,
  tool: 'trailhound' | 'no rules',
): Promise<Row> {
  const out = join(
    BENCH,
    'out',
    `${part.kind}-${threads}${tool === 'no rules' ? '-no-rules' : ''}.jsonl`,
  );
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
  if (tool === 'no rules') {
    writeFileSync(NO_RULES_CONFIG, 'rules:\n  "*":\n    enabled: false\n');
    args.push('--config', NO_RULES_CONFIG);
  }
  // Run from .bench/ so no trailhound.yaml of the working tree is picked up: default config.
  const [m, all] = await median(runs, () => measure(args, BENCH));
  const r = row(part, tool, threads, m, all);
  if (r.ok) {
    r.findings = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0).length;
    const problems = /trailhound: (.*)/.exec(m.stderr);
    if (problems) r.notes.push(problems[1] as string);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// The report

const pct = (n: number | undefined) =>
  n === undefined || !Number.isFinite(n) ? '' : `${Math.round(n * 100)}%`;
const mib = (b: number) => (Number.isFinite(b) ? `${int(b / MiB)}` : '–');

function table(rows: Row[]): string {
  const t = new Table({
    head: [
      'data',
      'run',
      'threads',
      'wall s',
      'events/s',
      'MB/s gz',
      'MB/s raw',
      'CPU s',
      'peak RSS MiB',
      '÷ floor',
      'notes',
    ],
    style: { head: [], border: [] },
  });
  for (const r of rows)
    t.push([
      LABEL[r.data],
      r.tool,
      String(r.threads),
      dec(r.wallMs / 1000),
      r.ok ? int(r.eventsPerSecond) : 'FAILED',
      r.ok ? dec(r.compressedMBps) : '',
      r.ok ? dec(r.uncompressedMBps) : '',
      dec((r.userMs + r.sysMs) / 1000),
      mib(r.peakRssBytes),
      pct(r.ratioToFloor),
      [
        ...(r.error !== undefined ? [r.error] : []),
        ...(r.findings !== undefined ? [`${int(r.findings)} findings`] : []),
        ...r.notes,
      ].join('; '),
    ]);
  return t.toString();
}

interface Verdict {
  data: Kind;
  threads: number;
  ratio: number | null;
  throughputMet: boolean;
  peakRssBytes: number;
  memoryMet: boolean;
  /** The floor's speed-up from 1 to `threads` threads: near `threads` when the cores were free. */
  floorSpeedup: number | null;
}

function verdicts(rows: Row[], kinds: Kind[], cores: number): Verdict[] {
  return kinds.map((kind) => {
    const hunt = rows.find(
      (r) => r.data === kind && r.tool === 'trailhound' && r.threads === cores,
    );
    const peak = Math.max(
      ...rows.filter((r) => r.data === kind && r.tool === 'trailhound').map((r) => r.peakRssBytes),
    );
    const ratio = hunt?.ok === true ? (hunt.ratioToFloor ?? null) : null;
    const floorAt = (n: number) =>
      rows.find((r) => r.data === kind && r.tool === 'floor' && r.threads === n && r.ok);
    const one = floorAt(1);
    const all = floorAt(cores);
    return {
      data: kind,
      threads: cores,
      ratio,
      throughputMet: ratio !== null && ratio >= TARGET_RATIO,
      peakRssBytes: peak,
      memoryMet:
        rows.every((r) => r.data !== kind || r.tool !== 'trailhound' || r.ok) && peak < TARGET_RSS,
      floorSpeedup:
        one !== undefined && all !== undefined
          ? Math.round((all.eventsPerSecond / one.eventsPerSecond) * 100) / 100
          : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
  mkdirSync(join(BENCH, 'out'), { recursive: true });
  const facts = machine();
  const cores = facts.availableParallelism;
  const threads = [...new Set([1, cores])];
  const build = prepareBuild(opts.build);
  const floorJs = transpile('floor.ts');
  const code = codeUnderTest();

  const parts: DatasetPart[] = [];
  for (const kind of opts.kinds) {
    const { part, generated } = await ensureDataset(BENCH, opts.size, kind, {
      regenerate: opts.regenerate,
      log,
    });
    log(
      `${LABEL[kind]}: ${int(part.records)} records in ${part.files.length} files, ${dec(part.bytes / 1e6)} MB gzip, ${dec(part.rawBytes / 1e6)} MB uncompressed` +
        (generated ? ` (generated in ${dec(part.generatedMs / 1000)} s)` : ' (cached)'),
    );
    parts.push(part);
  }
  // Every measurement reads from the page cache, the first as much as the last.
  for (const part of parts) for (const f of part.files) readFileSync(join(part.dir, f.path));
  const coresAtStart = await freeCores(floorJs, cores);

  const rows: Row[] = [];
  for (const part of parts) {
    const manifest = join(BENCH, `data-${opts.size}`, `${part.kind}.manifest.json`);
    for (const n of threads) {
      log(`${LABEL[part.kind]}: floor on ${n} thread(s)…`);
      const floorRow = await measureFloor(part, manifest, floorJs, n, opts.runs);
      rows.push(floorRow);
      for (const tool of ['trailhound', 'no rules'] as const) {
        log(
          `${LABEL[part.kind]}: trailhound hunt --workers ${n}${tool === 'no rules' ? ', every rule disabled' : ''}…`,
        );
        const huntRow = await measureHunt(part, n, opts.runs, tool);
        if (huntRow.ok && floorRow.ok)
          huntRow.ratioToFloor = huntRow.eventsPerSecond / floorRow.eventsPerSecond;
        rows.push(huntRow);
      }
    }
  }

  const coresAtEnd = await freeCores(floorJs, cores);
  const results = {
    ...runContext(
      'npm run bench',
      facts,
      { atStart: coresAtStart, atEnd: coresAtEnd },
      code,
      build,
    ),
    memoryMeasuredBy: MEMORY_MEASURED_BY,
    dataset: parts.map(({ files: f, dir, ...rest }) => ({
      ...rest,
      dir: relative(REPO, dir),
      files: f.length,
    })),
    generatorVersion: GENERATOR_VERSION,
    targets: { ratioToAllCoreFloor: TARGET_RATIO, peakRssBytes: TARGET_RSS },
    verdicts: verdicts(rows, opts.kinds, cores),
    rows,
  };
  const resultsFile = join(
    BENCH,
    opts.size === 'full' ? 'results.json' : `results-${opts.size}.json`,
  );
  writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');

  const out: string[] = [''];
  if (opts.size === 'quick')
    out.push(
      'QUICK RUN: a 10× smaller data set, for trying the script; these are not the benchmark figures.',
    );
  out.push(
    ...contextLines(results, cores),
    `peak RSS by ${results.memoryMeasuredBy}; MB = 10^6 bytes; wall time includes process start`,
    '',
    table(rows),
    '',
  );
  for (const v of results.verdicts) {
    out.push(
      `${LABEL[v.data]}: throughput on ${v.threads} threads ${v.ratio === null ? 'not measured (a run failed)' : `${pct(v.ratio)} of the floor`} (target ≥ ${pct(TARGET_RATIO)}): ${v.throughputMet ? 'met' : 'NOT met'}; ` +
        `peak RSS ${mib(v.peakRssBytes)} MiB (target < ${mib(TARGET_RSS)} MiB): ${v.memoryMet ? 'met' : 'NOT met'}`,
    );
  }
  out.push(
    `free cores (same work on 1 and on ${cores} threads): ${dec(coresAtStart, 2)} of ${cores} at the start, ${dec(coresAtEnd, 2)} at the end`,
  );
  const speedups = results.verdicts.map(
    (v) => `${dec(v.floorSpeedup ?? NaN, 2)}× (${LABEL[v.data]})`,
  );
  if (cores > 1)
    out.push(`the floor's speed-up from 1 to ${cores} threads: ${speedups.join(', ')}`);
  if (Math.min(coresAtStart, coresAtEnd) < 0.9 * cores)
    out.push(
      "WARNING: other work was using the cores at the start or the end; all-core figures may understate both the floor and trailhound (see the floor's speed-up, and runsMs in the results file for the spread between runs)",
    );
  out.push(`results written to ${relative(REPO, resultsFile)}`, '');
  process.stdout.write(out.join('\n'));
}

await main();
