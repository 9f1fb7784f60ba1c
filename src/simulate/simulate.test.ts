import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { defaultConfig } from '../config/schema.js';
import { compileRules } from '../engine/compile.js';
import { SEED_MATRIX } from '../docs/matrix-data.js';
import { createEnricher } from '../enrich/index.js';
import { DEFAULT_FLOW_HEADER } from '../formats/flow.js';
import type { JsonObject } from '../model/event.js';
import { normaliseCloudTrail } from '../normalise/cloudtrail.js';
import { RULES } from '../rules/registry.js';
import { SCENARIOS, selectScenarios } from './attacks.js';
import { simulation, writeSimulation, type SimulateOptions } from './index.js';
import { COUNTRIES, MONITORING_INTAKE, buildOrg, configYaml, learningEnd } from './org.js';
import { DAY } from './random.js';

const START = Date.UTC(2026, 2, 2);
const small = (over: Partial<SimulateOptions> = {}): SimulateOptions => ({
  seed: 's1',
  days: 3,
  principals: 6,
  start: START,
  learningDays: 1,
  attacks: 'all',
  ...over,
});

function digest(opts: SimulateOptions): { hash: string; files: number } {
  const h = createHash('sha256');
  let files = 0;
  for (const f of simulation(opts).files()) {
    h.update(f.path).update('\0').update(f.text).update('\0');
    files++;
  }
  return { hash: h.digest('hex'), files };
}

const CT_PATH =
  /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z]{2}-[a-z]+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail_\2_(\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz$/;
const FLOW_PATH =
  /^AWSLogs\/(\d{12})\/vpcflowlogs\/([a-z]{2}-[a-z]+-\d)\/\d{4}\/\d{2}\/\d{2}\/\1_vpcflowlogs_\2_fl-[0-9a-f]{17}_\d{8}T\d{4}Z_[0-9a-f]{8}\.log\.gz$/;

describe('simulate', () => {
  it('gives the same files for the same seed, and other files for another seed', () => {
    const a = digest(small());
    const b = digest(small());
    const c = digest(small({ seed: 's2' }));
    expect(a.files).toBeGreaterThan(100);
    expect(b).toEqual(a);
    expect(c.hash).not.toBe(a.hash);
  });

  it('yields files one at a time, in delivery order, without building the whole run first', () => {
    const sim = simulation(small({ days: 365, principals: 2000 }));
    const it = sim.files();
    // A year for 2,000 people would take minutes and gigabytes to build up front; the first files
    // of its first window come back at once.
    const first = it.next();
    expect(first.done).toBe(false);
    const stamps: string[] = [];
    for (let i = 0; i < 50; i++) {
      const r = it.next();
      if (r.done === true) break;
      stamps.push(/_(\d{8}T\d{4}Z)_/.exec(r.value.path)?.[1] ?? '');
    }
    expect([...stamps].sort()).toEqual(stamps);
    expect(sim.stats.files).toBeLessThan(60);
  });

  it('writes the S3 delivery layout with CloudTrail records and v2 flow records as AWS does', () => {
    const sim = simulation(small());
    const ids = new Set<string>();
    const wrong: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok && wrong.length < 10) wrong.push(what);
    };
    let ct = 0;
    let flows = 0;
    const types = new Set<string>();
    for (const f of sim.files()) {
      if (f.kind === 'ct') {
        const m = CT_PATH.exec(f.path);
        check(m !== null, `path ${f.path}`);
        const doc = JSON.parse(f.text) as { Records: JsonObject[] };
        check(Object.keys(doc).join() === 'Records', `envelope of ${f.path}`);
        for (const [i, r] of doc.Records.entries()) {
          const n = normaliseCloudTrail(r, { file: f.path, index: i });
          check(n.ok && n.event.eventId === r.eventID, `normalise ${f.path}#${i}`);
          check(r.recipientAccountId === m?.[1] && r.awsRegion === m?.[2], `stream ${f.path}#${i}`);
          check(!ids.has(r.eventID as string), `duplicate eventID ${String(r.eventID)}`);
          ids.add(r.eventID as string);
          check(
            r.eventCategory === (r.managementEvent === true ? 'Management' : 'Data'),
            `category ${f.path}#${i}`,
          );
          const who = r.userIdentity as JsonObject;
          types.add(who.type as string);
          // Calls a service makes (itself or for a principal) reach no endpoint over TLS.
          const service = who.type === 'AWSService' || who.invokedBy !== undefined;
          check(service === (r.tlsDetails === undefined), `tlsDetails ${f.path}#${i}`);
          ct++;
        }
      } else {
        check(FLOW_PATH.test(f.path), `path ${f.path}`);
        const lines = f.text.trimEnd().split('\n');
        check(lines[0] === DEFAULT_FLOW_HEADER, `header of ${f.path}`);
        for (const l of lines.slice(1)) {
          const v = l.split(' ');
          check(v.length === 14 && v[0] === '2' && Number(v[10]) <= Number(v[11]), `flow ${l}`);
          flows++;
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(ct).toBe(sim.stats.events);
    expect(flows).toBe(sim.stats.flows);
    expect(ct).toBeGreaterThan(5_000);
    expect([...types].sort()).toEqual([
      'AWSAccount',
      'AWSService',
      'AssumedRole',
      'IAMUser',
      'Root',
      'SAMLUser',
    ]);
  });

  it('gives people addresses that the offline geo data places in their home country', () => {
    const enricher = createEnricher(defaultConfig());
    const org = buildOrg({ seed: 'geo', principals: 60, start: START, days: 30, learningDays: 14 });
    for (const c of COUNTRIES) {
      expect(enricher.lookup(c.office).country, c.office).toBe(c.code);
    }
    for (const p of org.people) {
      for (const a of p.addresses) {
        const info = enricher.lookup(a);
        expect(info.class, a).toBe('public');
        expect(info.country, `${p.login} ${a}`).toBe(p.country.code);
      }
    }
    // CI and workloads leave through NAT gateways: AWS addresses, not anyone's home.
    for (const a of Object.values(org.nat).flat()) expect(enricher.lookup(a).class, a).toBe('aws');
  });

  it('writes a configuration the config loader accepts, describing the organisation', () => {
    const org = buildOrg({ seed: 'cfg', principals: 10, start: START, days: 20, learningDays: 7 });
    const config = parseConfig(configYaml(org, RULES), 'trailhound.yaml');
    expect(config.organisation.accounts).toEqual(Object.values(org.accounts).map((a) => a.id));
    expect(config.organisation.workingHours?.timeZone).toBe('Europe/Berlin');
    expect(config.organisation.expectedCountries).toEqual(COUNTRIES.map((c) => c.code));
    expect(config.organisation.sensitive.buckets).toEqual([org.buckets.data]);
    // Learning periods longer than the simulation's are shortened to it; shorter ones are kept.
    expect(config.rules['aws.time-geo.new-country-for-principal']?.knobs?.learningDays).toBe(7);
    expect(config.rules['aws.iam.new-role-for-principal']).toBeUndefined();
    // The monitoring vendor's intake is an expected periodic destination, on HTTPS only.
    expect(config.rules['aws.network.flow-beaconing']?.knobs?.expectedDestinations).toEqual(
      MONITORING_INTAKE.map((a) => `${a}/32:443`),
    );
    // Every knob the simulator sets is one the rules accept.
    expect(() => compileRules(RULES, config)).not.toThrow();
  });

  it('labels one or more attacks for every matrix row, after the learning period, with their events', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-sim-'));
    try {
      const opts = small({ days: 3, learningDays: 1 });
      const m = writeSimulation(opts, dir, RULES);
      const labels = readFileSync(join(dir, 'labels.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as {
              scenario: string;
              rows: string[];
              eventIds: string[];
              flows: string[];
              from: string;
            },
        );
      const rows = new Set(labels.flatMap((l) => l.rows));
      for (const r of SEED_MATRIX) expect(rows.has(r.row), r.row).toBe(true);
      const org = buildOrg({ ...opts });
      for (const l of labels) {
        expect(l.eventIds.length + l.flows.length, l.scenario).toBeGreaterThan(0);
        expect(Date.parse(l.from)).toBeGreaterThanOrEqual(learningEnd(org));
      }
      expect(m.stats.attackEvents).toBe(labels.reduce((n, l) => n + l.eventIds.length, 0));
      // A labelled flow key names its file and line.
      const flow = labels.flatMap((l) => l.flows)[0] as string;
      const [path, line] = flow.split(':') as [string, string];
      const text = gunzipSync(readFileSync(join(dir, path)))
        .toString('utf8')
        .split('\n');
      expect(text[Number(line) - 1]).toMatch(/^2 \d{12} eni-/);
      // A labelled event id is in the logs.
      const id = labels.flatMap((l) => l.eventIds)[0] as string;
      expect(m.stats.events).toBeGreaterThan(0);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('selects scenarios by row or id and refuses a selection that matches nothing', () => {
    expect(selectScenarios('all')).toHaveLength(SCENARIOS.length);
    const eva = selectScenarios('EVA-1');
    expect(eva.length).toBeGreaterThan(0);
    for (const s of eva) expect(s.rows).toContain('EVA-1');
    expect(selectScenarios('none')).toEqual([]);
    expect(() => simulation(small({ attacks: 'NOPE-9' }))).toThrow(/no scenario covers/);
    expect(() => simulation(small({ learningDays: 3 }))).toThrow(/learning-days/);
  });

  it('keeps people to their working days: nobody signs in at the weekend', () => {
    const sim = simulation(small({ days: 7, principals: 4, attacks: 'none' }));
    for (const f of sim.files()) {
      if (f.kind !== 'ct' || !f.text.includes('AssumeRoleWithSAML')) continue;
      for (const r of (JSON.parse(f.text) as { Records: JsonObject[] }).Records) {
        if (r.eventName !== 'AssumeRoleWithSAML') continue;
        const d = new Date(r.eventTime as string).getUTCDay();
        expect(d === 0 || d === 6, r.eventTime as string).toBe(false);
      }
    }
    expect(START % DAY).toBe(0);
  });
});
