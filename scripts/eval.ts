/**
 * `npm run eval`: how much trailhound catches and at what noise, measured on a simulated
 * organisation. Simulates (or reuses) an organisation of the given size with one or more attacks
 * for every matrix row, hunts it with the configuration the simulator wrote for it (every rule,
 * stateful ones included), and prints per matrix row whether its attacks were detected, the
 * findings on benign activity by rule, and benign findings per million benign events after the
 * learning period. Writes the result as JSON (`eval.json` in the data folder unless `--json`).
 *
 *   npx tsx scripts/eval.ts [--days 30] [--principals 60] [--seed 7] [--learning-days 14]
 *                           [--out DIR] [--json FILE] [--workers N] [--fresh]
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import { SEED_MATRIX } from '../src/docs/matrix-data.js';
import { resolveEnrichPaths } from '../src/enrich/index.js';
import { hunt } from '../src/hunt/run.js';
import { RULES } from '../src/rules/registry.js';
import { writeSimulation, type Label, type SimulationManifest } from '../src/simulate/index.js';
import { buildOrg, configYaml } from '../src/simulate/org.js';
import { score, type Score } from '../src/simulate/score.js';

export interface EvalOptions {
  days: number;
  principals: number;
  seed: string;
  learningDays: number;
  /** Folder for the simulated data; reused when it holds the same simulation. */
  out: string;
  workers?: number;
  fresh?: boolean;
  /** 2026-03-02 unless given. */
  start?: number;
}

/**
 * Rules that fire on behaviour the simulated organisation has, as real ones do, and that the
 * configuration cannot describe as normal. They are reported to the maintainers rather than
 * hidden by tuning the simulator or weakening the rule: their findings are counted and printed,
 * and the noise figure is given with and without them.
 */
export const KNOWN_GAPS: Readonly<Record<string, string>> = {};

export interface EvalResult {
  simulation: SimulationManifest;
  hunt: { events: number; findings: number; elapsedMs: number; workers: number; problems: number };
  score: Score;
  /** Benign findings after learning per million benign events, with and without KNOWN_GAPS. */
  noise: { perMillion: number; withoutKnownGaps: number; knownGaps: Record<string, number> };
}

const DEFAULT_START = Date.UTC(2026, 2, 2);

function sameSimulation(dir: string, o: EvalOptions): SimulationManifest | undefined {
  const f = join(dir, 'simulation.json');
  if (!existsSync(f)) return undefined;
  const m = JSON.parse(readFileSync(f, 'utf8')) as SimulationManifest;
  const same =
    m.seed === o.seed &&
    m.days === o.days &&
    m.principals === o.principals &&
    m.learningDays === o.learningDays &&
    Date.parse(m.start) === (o.start ?? DEFAULT_START);
  return same ? m : undefined;
}

/** Simulates (or reuses) and hunts; returns the figures. */
export async function runEval(o: EvalOptions): Promise<EvalResult> {
  const dir = resolve(o.out);
  let manifest = o.fresh === true ? undefined : sameSimulation(dir, o);
  if (manifest === undefined) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    manifest = writeSimulation(
      {
        seed: o.seed,
        days: o.days,
        principals: o.principals,
        start: o.start ?? DEFAULT_START,
        learningDays: o.learningDays,
        attacks: 'all',
      },
      dir,
      RULES,
    );
  } else {
    // The logs are reused, but the configuration is rewritten: it follows the simulator's
    // configuration writer and the rules' knobs, which may have changed since it was simulated.
    const org = buildOrg({
      seed: o.seed,
      days: o.days,
      principals: o.principals,
      start: o.start ?? DEFAULT_START,
      learningDays: o.learningDays,
    });
    writeFileSync(join(dir, 'trailhound.yaml'), configYaml(org, RULES));
  }
  const labels = readFileSync(join(dir, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Label);
  const loaded = await loadConfig(join(dir, 'trailhound.yaml'));
  const config = resolveEnrichPaths(loaded.config, loaded.path);
  const result = await hunt({
    inputs: [join(dir, 'AWSLogs')],
    config,
    registry: RULES,
    ...(o.workers === undefined ? {} : { workers: o.workers }),
  });
  const s = score(
    result.findings,
    labels,
    SEED_MATRIX.map((r) => r.row),
    {
      learningEnds: Date.parse(manifest.learningEnds),
      benignEventsAfterLearning: manifest.stats.benignAfterLearning,
    },
  );
  const gaps: Record<string, number> = {};
  let gapFindings = 0;
  for (const [rule, n] of Object.entries(s.benign.byRule)) {
    if (Object.hasOwn(KNOWN_GAPS, rule)) {
      gaps[rule] = n;
      gapFindings += n;
    }
  }
  const events = s.benign.events;
  return {
    noise: {
      perMillion: s.benign.perMillion,
      withoutKnownGaps: events > 0 ? ((s.benign.afterLearning - gapFindings) * 1e6) / events : 0,
      knownGaps: gaps,
    },
    simulation: manifest,
    hunt: {
      events: result.summary.events.api + result.summary.events.flow,
      findings: result.findings.length,
      elapsedMs: result.summary.elapsedMs,
      workers: result.summary.workers,
      problems: result.summary.skipped.total + result.summary.warnings.total,
    },
    score: s,
  };
}

/** The report printed by `npm run eval`. */
export function formatEval(r: EvalResult): string {
  const lines: string[] = [];
  const m = r.simulation;
  lines.push(
    `Simulated organisation: seed ${m.seed}, ${m.principals} people, ${m.days} days from ${m.start.slice(0, 10)}, learning ${m.learningDays} days`,
    `  ${m.stats.events.toLocaleString('en')} CloudTrail events and ${m.stats.flows.toLocaleString('en')} flow records in ${m.stats.files.toLocaleString('en')} files; ${m.scenarios} attack scenarios (${m.stats.attackEvents} events, ${m.stats.attackFlows} flow records)`,
    `Hunt: ${r.hunt.events.toLocaleString('en')} events, ${r.hunt.findings} findings, ${(r.hunt.elapsedMs / 1000).toFixed(1)} s on ${r.hunt.workers} worker(s), ${r.hunt.problems} input problems`,
    '',
    'Recall by matrix row (a finding of a rule of the row names an event of the row’s attack):',
  );
  for (const row of r.score.rows) {
    const mark = row.detected ? 'detected' : 'MISSED  ';
    const detail = row.scenarios
      .map((s) => `${s.scenario}: ${s.detected ? s.rules.join(', ') : 'missed'}`)
      .join('; ');
    lines.push(`  ${row.row.padEnd(8)} ${mark}  ${detail}`);
  }
  const b = r.score.benign;
  lines.push(
    '',
    `Rows detected: ${r.score.rowsDetected} of ${r.score.rows.length}`,
    `Benign findings: ${b.findings} in all, ${b.afterLearning} after the learning period over ${b.events.toLocaleString('en')} benign events = ${b.perMillion.toFixed(2)} per million`,
  );
  if (Object.keys(KNOWN_GAPS).length > 0) {
    lines.push(
      `  without the known gaps below: ${r.noise.withoutKnownGaps.toFixed(2)} per million`,
    );
  }
  const byRule = Object.entries(b.byRule).sort((x, y) => y[1] - x[1]);
  if (byRule.length > 0) {
    lines.push('Benign findings after learning, by rule:');
    for (const [rule, n] of byRule) {
      const gap = Object.hasOwn(KNOWN_GAPS, rule) ? '  (known gap)' : '';
      lines.push(`  ${String(n).padStart(5)}  ${rule}${gap}`);
    }
  }
  const gaps = Object.entries(KNOWN_GAPS);
  if (gaps.length > 0) {
    lines.push('Known gaps (benign behaviour the configuration cannot express):');
    for (const [rule, why] of gaps) lines.push(`  ${rule}: ${why}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      days: { type: 'string', default: '30' },
      principals: { type: 'string', default: '60' },
      seed: { type: 'string', default: '7' },
      'learning-days': { type: 'string', default: '14' },
      out: { type: 'string' },
      json: { type: 'string' },
      workers: { type: 'string' },
      fresh: { type: 'boolean', default: false },
    },
  });
  const o: EvalOptions = {
    days: Number(values.days),
    principals: Number(values.principals),
    seed: values.seed,
    learningDays: Number(values['learning-days']),
    out: values.out ?? join('.eval', `seed${values.seed}-${values.days}d-${values.principals}p`),
    fresh: values.fresh,
    ...(values.workers === undefined ? {} : { workers: Number(values.workers) }),
  };
  const r = await runEval(o);
  process.stdout.write(`${formatEval(r)}\n`);
  const jsonFile = values.json ?? join(o.out, 'eval.json');
  writeFileSync(jsonFile, `${JSON.stringify(r, null, 2)}\n`);
  process.stdout.write(`\nWrote ${jsonFile}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
