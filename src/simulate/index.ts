/**
 * `trailhound simulate`: a labelled synthetic organisation's logs in the S3 delivery layout. Time
 * is cut into delivery windows of 5–15 minutes; for each window the benign generators and the
 * planned attacks give their records, which are split by delivery stream (one CloudTrail stream
 * per account and region, one flow log per VPC) and yielded as one file each. Only one window is
 * held at a time, so memory does not grow with the number of days or principals, and everything
 * comes from the seed, so the same options give the same bytes.
 *
 * Besides the logs, the output folder holds `labels.jsonl` (one line per attack: scenario, matrix
 * rows, event ids, flow record keys, time span), `trailhound.yaml` (the organisation as a
 * configuration) and `simulation.json` (what was simulated, for the evaluation).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Row } from '../engine/rule.js';
import type { Rule } from '../engine/rule.js';
import { TrailhoundError } from '../errors.js';
import { planAttacks, selectScenarios, type Item, type PlannedAttack } from './attacks.js';
import { BenignCloudTrail } from './benign.js';
import { BenignFlows, FLOW_HEADER } from './flows.js';
import { buildOrg, configYaml, learningEnd, type Org } from './org.js';
import { DAY, MINUTE, Rng, dayPath, stamp } from './random.js';

export interface SimulateOptions {
  seed: string;
  days: number;
  /** People in the organisation; machines scale with the organisation's shape, not with this. */
  principals: number;
  /** First day, epoch ms at 00:00 UTC. */
  start: number;
  /** Days before the first attack; the configuration's learning periods are set to this. */
  learningDays: number;
  /** `all` (default), `none`, or matrix rows / scenario ids separated by commas. */
  attacks?: string;
}

export interface SimFile {
  /** Relative to the output folder. */
  path: string;
  text: string;
  kind: 'ct' | 'flow';
  records: number;
}

export interface Label {
  scenario: string;
  title: string;
  rows: Row[];
  from: string;
  to: string;
  eventIds: string[];
  /** Flow records as `path:line` (1-based line, the header being line 1). */
  flows: string[];
}

export interface SimStats {
  files: number;
  events: number;
  flows: number;
  attackEvents: number;
  attackFlows: number;
  /** Benign CloudTrail events and flow records after the learning period. */
  benignAfterLearning: number;
}

/** Validates options and fills defaults. */
export function checkOptions(o: SimulateOptions): SimulateOptions {
  const bad: string[] = [];
  if (!Number.isInteger(o.days) || o.days < 1 || o.days > 3660)
    bad.push(`--days: a whole number of days from 1 to 3660; found ${o.days}`);
  if (!Number.isInteger(o.principals) || o.principals < 4 || o.principals > 100_000)
    bad.push(`--principals: a whole number from 4 to 100000; found ${o.principals}`);
  if (!Number.isFinite(o.start) || o.start % DAY !== 0)
    bad.push('--start: a date such as 2026-03-02 (00:00 UTC)');
  if (!Number.isInteger(o.learningDays) || o.learningDays < 1 || o.learningDays >= o.days - 1) {
    bad.push(
      `--learning-days: at least 1 and at most days - 2 (${o.days - 2}); found ${o.learningDays}`,
    );
  }
  if (bad.length > 0)
    throw new TrailhoundError('usage', bad[0] as string, { details: bad.slice(1) });
  return o;
}

/**
 * The organisation, its attacks and a generator of its files. `labels` fills in as the files are
 * generated (flow record keys are known once their file and line are).
 */
export function simulation(opts: SimulateOptions): {
  org: Org;
  attacks: PlannedAttack[];
  labels: Map<string, Label>;
  stats: SimStats;
  files: () => Generator<SimFile>;
} {
  checkOptions(opts);
  const org = buildOrg(opts);
  const scenarios = selectScenarios(opts.attacks);
  if (
    opts.attacks !== undefined &&
    opts.attacks !== 'all' &&
    opts.attacks !== 'none' &&
    scenarios.length === 0
  ) {
    throw new TrailhoundError(
      'usage',
      `--attacks: no scenario covers "${opts.attacks}"; give matrix rows (IAM-1,NET-3) or all`,
    );
  }
  const attacks = planAttacks(org, scenarios);
  const labels = new Map<string, Label>();
  for (const a of attacks) {
    labels.set(a.scenario.id, {
      scenario: a.scenario.id,
      title: a.scenario.title,
      rows: a.scenario.rows,
      from: new Date(a.from).toISOString(),
      to: new Date(a.to).toISOString(),
      eventIds: [],
      flows: [],
    });
  }
  const stats: SimStats = {
    files: 0,
    events: 0,
    flows: 0,
    attackEvents: 0,
    attackFlows: 0,
    benignAfterLearning: 0,
  };
  function* files(): Generator<SimFile> {
    const rng = Rng.derive(org.seed, 'delivery');
    const ct = new BenignCloudTrail(org);
    const fl = new BenignFlows(org);
    const pending: Item[] = attacks.flatMap((a) => a.items).sort((a, b) => a.time - b.time);
    let next = 0;
    const end = org.start + org.days * DAY;
    for (let from = org.start; from < end;) {
      const to = Math.min(end, from + rng.range(5, 15) * MINUTE);
      const items: Item[] = [...ct.window(from, to), ...fl.window(from, to)];
      while (next < pending.length && (pending[next] as Item).time < to)
        items.push(pending[next++] as Item);
      const streams = new Map<string, Item[]>();
      for (const it of items) {
        const k = `${it.kind}|${it.account}|${it.region}`;
        let list = streams.get(k);
        if (list === undefined) streams.set(k, (list = []));
        list.push(it);
      }
      // AWS delivers a few minutes after the window closes.
      const delivered = to + rng.range(1, 4) * MINUTE;
      for (const k of [...streams.keys()].sort()) {
        const list = (streams.get(k) as Item[]).sort((a, b) => a.time - b.time);
        const first = list[0] as Item;
        yield first.kind === 'ct'
          ? ctFile(org, first.account, first.region, delivered, list, rng, labels, stats)
          : flowFile(org, first.account, first.region, delivered, list, rng, labels, stats);
      }
      from = to;
    }
  }
  return { org, attacks, labels, stats, files };
}

function ctFile(
  org: Org,
  account: string,
  region: string,
  at: number,
  list: Item[],
  rng: Rng,
  labels: Map<string, Label>,
  stats: SimStats,
): SimFile {
  const learned = learningEnd(org);
  const path = `AWSLogs/${account}/CloudTrail/${region}/${dayPath(at)}/${account}_CloudTrail_${region}_${stamp(at)}_${rng.alnum(16)}.json.gz`;
  const parts: string[] = [];
  for (const it of list) {
    if (it.kind !== 'ct') continue;
    parts.push(JSON.stringify(it.record));
    if (it.attack !== undefined) {
      labels.get(it.attack)?.eventIds.push(String(it.record.eventID));
      stats.attackEvents++;
    } else if (it.time >= learned) stats.benignAfterLearning++;
  }
  stats.files++;
  stats.events += parts.length;
  return { path, text: `{"Records":[${parts.join(',')}]}`, kind: 'ct', records: parts.length };
}

function flowFile(
  org: Org,
  account: string,
  region: string,
  at: number,
  list: Item[],
  rng: Rng,
  labels: Map<string, Label>,
  stats: SimStats,
): SimFile {
  const log = org.flowLogs[account];
  const path = `AWSLogs/${account}/vpcflowlogs/${region}/${dayPath(at)}/${account}_vpcflowlogs_${region}_${log?.id ?? 'fl-0'}_${stamp(at)}_${rng.hex(8)}.log.gz`;
  const learned = learningEnd(org);
  const lines = [FLOW_HEADER];
  for (const it of list) {
    if (it.kind !== 'flow') continue;
    lines.push(it.line);
    if (it.attack !== undefined) {
      labels.get(it.attack)?.flows.push(`${path}:${lines.length}`);
      stats.attackFlows++;
    } else if (it.time >= learned) stats.benignAfterLearning++;
  }
  stats.files++;
  stats.flows += lines.length - 1;
  return { path, text: `${lines.join('\n')}\n`, kind: 'flow', records: lines.length - 1 };
}

export interface SimulationManifest {
  seed: string;
  days: number;
  principals: number;
  start: string;
  learningDays: number;
  learningEnds: string;
  accounts: Record<string, string>;
  stats: SimStats;
  scenarios: number;
}

/**
 * Writes a simulation under `out`: the logs, `labels.jsonl`, `trailhound.yaml` and
 * `simulation.json`. Files are written one at a time as they are generated.
 */
export function writeSimulation(
  opts: SimulateOptions,
  out: string,
  registry: readonly Rule[],
  onFile?: (f: SimFile) => void,
): SimulationManifest {
  const sim = simulation(opts);
  const dirs = new Set<string>();
  for (const f of sim.files()) {
    const full = join(out, f.path);
    const dir = dirname(full);
    if (!dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      dirs.add(dir);
    }
    writeFileSync(full, gzipSync(f.text, { level: 6 }));
    onFile?.(f);
  }
  const labels = [...sim.labels.values()].map((l) => JSON.stringify(l)).join('\n');
  writeFileSync(join(out, 'labels.jsonl'), labels.length > 0 ? `${labels}\n` : '');
  writeFileSync(join(out, 'trailhound.yaml'), configYaml(sim.org, registry));
  const manifest: SimulationManifest = {
    seed: opts.seed,
    days: opts.days,
    principals: opts.principals,
    start: new Date(opts.start).toISOString(),
    learningDays: opts.learningDays,
    learningEnds: new Date(learningEnd(sim.org)).toISOString(),
    accounts: Object.fromEntries(Object.values(sim.org.accounts).map((a) => [a.name, a.id])),
    stats: sim.stats,
    scenarios: sim.labels.size,
  };
  writeFileSync(join(out, 'simulation.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
