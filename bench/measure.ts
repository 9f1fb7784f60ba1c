/**
 * How the benchmarks measure, shared by `npm run bench` (run.ts) and the comparison with jq and
 * DuckDB (compare.ts): each measurement is a fresh child process, timed by wall clock, its CPU time
 * and peak resident memory taken by GNU time from outside (or, without GNU time, reported by a
 * Node child itself). Also the facts every report states: the machine, the commit, whether dist/
 * is current, and how many cores the run really had to itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const REPO = join(import.meta.dirname, '..');
export const BENCH = join(REPO, '.bench');
export const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Facts about the machine and the code under test

export function git(...args: string[]): string | undefined {
  const r = spawnSync('git', args, { cwd: REPO, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    logicalCores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg(),
  };
}

/** The trailhound being measured: package version, commit, and whether src/ differs from it. */
export function codeUnderTest() {
  const version = (
    JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const changed = git('status', '--porcelain', '--untracked-files=no', '--', 'src');
  return {
    version,
    commit: git('rev-parse', 'HEAD'),
    sourcesChangedSinceCommit: changed !== undefined && changed.length > 0,
  };
}

/** What every results file opens with: the command, the machine, the code and its build. */
export function runContext(
  script: string,
  facts: ReturnType<typeof machine>,
  freeCores: { atStart: number; atEnd: number },
  code: ReturnType<typeof codeUnderTest>,
  build: string,
) {
  return {
    date: new Date().toISOString(),
    command: [script, ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(
      ' ',
    ),
    machine: { ...facts, loadAverageAtEnd: os.loadavg(), freeCores },
    trailhound: { ...code, build },
  };
}

/** The two lines every printed report opens with: the machine and the code under test. */
export function contextLines(ctx: ReturnType<typeof runContext>, cores: number): string[] {
  const m = ctx.machine;
  const t = ctx.trailhound;
  return [
    `${m.cpu}, ${m.logicalCores} logical cores (${cores} available), ${dec(m.memoryBytes / 2 ** 30)} GiB, Node ${m.node}, ${m.os}`,
    `trailhound ${t.version} at ${t.commit?.slice(0, 12) ?? 'unknown commit'}${t.sourcesChangedSinceCommit ? ' + uncommitted changes in src/' : ''}; dist ${t.build}`,
  ];
}

export const int = (n: number) =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
export const dec = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext) && !f.endsWith(`.test${ext}`))
    .map((f) => join(dir, f));
}

/** Builds dist/, or (with --no-build) says whether dist/ is older than the sources. */
export function prepareBuild(build: boolean): string {
  if (build) {
    process.stderr.write('bench: npm run build…\n');
    const r = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) {
      process.stderr.write(r.stdout + r.stderr);
      process.stderr.write('bench: the build failed; nothing was measured\n');
      process.exit(1);
    }
    return 'built by this run (npm run build)';
  }
  // Each source against its own output: dist/ may also hold outputs of sources since removed.
  const src = join(REPO, 'src');
  const sources = files(src, '.ts').filter((f) => !f.endsWith('.conformance.ts'));
  if (files(join(REPO, 'dist'), '.js').length === 0) {
    process.stderr.write('bench: dist/ is empty; run without --no-build\n');
    process.exit(1);
  }
  const stale = sources.some((f) => {
    const out = join(REPO, 'dist', relative(src, f)).replace(/\.ts$/, '.js');
    return !existsSync(out) || statSync(out).mtimeMs < statSync(f).mtimeMs;
  });
  return !stale
    ? 'not rebuilt (--no-build); dist/ is newer than every source file'
    : 'not rebuilt (--no-build); WARNING: some sources are newer than dist/, figures describe the older build';
}

/**
 * A helper script of bench/ (`floor.ts`) as plain JavaScript under `.bench/` (`floor.mjs`), so the
 * measured child pays no on-the-fly compilation. The script may import only packages and types.
 */
export function transpile(name: string): string {
  const source = readFileSync(join(import.meta.dirname, name), 'utf8');
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const path = join(BENCH, name.replace(/\.ts$/, '.mjs'));
  writeFileSync(path, out.outputText);
  return path;
}

// ---------------------------------------------------------------------------------------------
// Measuring one child process

export interface Measured {
  wallMs: number;
  userMs: number;
  sysMs: number;
  peakRssBytes: number;
  exit: string | null;
  stdout: string;
  stderr: string;
}

/** GNU time measures from outside; without it the child reports its own resource usage. */
export const GNU_TIME =
  process.env.BENCH_RSS !== 'probe' &&
  spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;

export const MEMORY_MEASURED_BY = GNU_TIME
  ? 'GNU time (%M, maximum resident set size)'
  : 'process.resourceUsage().maxRSS in the child';

const PROBE = `data:text/javascript,${encodeURIComponent(
  'import{writeFileSync}from"node:fs";process.on("exit",()=>{const u=process.resourceUsage();writeFileSync(process.env.BENCH_USAGE_FILE,JSON.stringify(u))})',
)}`;

export interface MeasureOptions {
  cwd: string;
  /** Where the usage goes; measurements running at the same time need one each. */
  usageFile?: string;
  env?: Record<string, string>;
}

/**
 * Runs `cmd args` and measures it. Without GNU time only a Node child can report its usage (see
 * `measure`); any other command then has no CPU time or peak memory (NaN).
 */
export function measureCommand(
  cmd: string,
  args: string[],
  opts: MeasureOptions & { node?: boolean },
): Promise<Measured> {
  const usageFile = opts.usageFile ?? join(BENCH, 'usage.txt');
  rmSync(usageFile, { force: true });
  const [command, argv] = GNU_TIME
    ? ['/usr/bin/time', ['-f', '%e %U %S %M', '-o', usageFile, cmd, ...args]]
    : [cmd, opts.node === true ? [`--import=${PROBE}`, ...args] : args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command as string, argv as string[], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env, BENCH_USAGE_FILE: usageFile, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr
      .setEncoding('utf8')
      .on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      let userMs = NaN;
      let sysMs = NaN;
      let peakRssBytes = NaN;
      let exit: string | null =
        signal !== null ? `killed by ${signal}` : code === 0 ? null : `exit ${code}`;
      try {
        const text = readFileSync(usageFile, 'utf8').trim();
        if (GNU_TIME) {
          const lines = text.split('\n');
          const [, u, s, m] = (lines[lines.length - 1] as string).split(' ').map(Number);
          [userMs, sysMs, peakRssBytes] = [(u ?? NaN) * 1000, (s ?? NaN) * 1000, (m ?? NaN) * 1024];
          const signalled = /terminated by signal (\d+)/.exec(text);
          if (signalled) exit = `killed by signal ${signalled[1]}`;
          else if (/exited with non-zero status (\d+)/.test(text) && exit === null) exit = 'failed';
        } else {
          const u = JSON.parse(text) as NodeJS.ResourceUsage;
          [userMs, sysMs, peakRssBytes] = [
            u.userCPUTime / 1000,
            u.systemCPUTime / 1000,
            u.maxRSS * 1024,
          ];
        }
      } catch {
        // No usage: the child died before reporting (the exit says why), or it is not Node.
      }
      resolve({ wallMs, userMs, sysMs, peakRssBytes, exit, stdout, stderr });
    });
  });
}

/** Runs `node nodeArgs…` and measures it. */
export function measure(nodeArgs: string[], cwd: string, usageFile?: string): Promise<Measured> {
  return measureCommand(process.execPath, nodeArgs, {
    cwd,
    node: true,
    ...(usageFile !== undefined ? { usageFile } : {}),
  });
}

/** Runs a measurement `times` times; the median run, and the wall time of every run. */
export async function median(
  times: number,
  once: () => Promise<Measured>,
): Promise<[Measured, number[]]> {
  const all: Measured[] = [];
  for (let i = 0; i < times; i++) all.push(await once());
  const sorted = [...all].sort((a, b) => a.wallMs - b.wallMs);
  return [sorted[Math.floor((sorted.length - 1) / 2)] as Measured, all.map((m) => m.wallMs)];
}

/**
 * How many cores the run had to itself: the same fixed work on one thread and on `cores` threads,
 * best of three each. Other work on the machine shows as fewer than `cores`. A spot check: it
 * cannot see contention that comes and goes between the checks. `floorJs` is the transpiled
 * floor.ts.
 */
export async function freeCores(floorJs: string, cores: number): Promise<number> {
  const ms = async (n: number) =>
    (JSON.parse((await measure([floorJs, 'cpu', String(n)], REPO)).stdout) as { ms: number }).ms;
  let one = Infinity;
  let all = Infinity;
  for (let i = 0; i < 3; i++) {
    one = Math.min(one, await ms(1));
    all = Math.min(all, await ms(cores));
  }
  return Math.min(cores, Math.round(((cores * one) / all) * 100) / 100);
}
