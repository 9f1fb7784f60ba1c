/**
 * The NET-1 stateful flow rules keep what they learn in the state store, so with `--state` a story
 * split across two hunts ends as it would in one. Each run here is the pipeline a hunt runs on
 * flow lines (parse, enrich, signals, stateful stage); the store between runs serialises values to
 * JSON, as the SQLite store does.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { createEnricher } from '../../enrich/index.js';
import { compileRules } from '../../engine/compile.js';
import type { RuleFailure } from '../../engine/evaluate.js';
import type { Example, Rule, Signal } from '../../engine/rule.js';
import { collectSignals } from '../../engine/signals.js';
import { createStatefulStage } from '../../engine/stateful.js';
import type { Hit } from '../../findings/finding.js';
import { MemoryStore } from '../../state/memory.js';
import type { StateStore } from '../../state/store.js';
import { eventOf } from '../user-tests.js';
import beaconing from './flow-beaconing.js';
import egressVolumeSpike from './flow-egress-volume-spike.js';
import internalScan from './flow-internal-scan.js';
import newAdminConnection from './flow-new-admin-connection.js';

/** A memory store that hands back copies made through JSON, like a store on disk. */
class JsonStore extends MemoryStore {
  override get<T>(ns: string, key: string): T | undefined {
    const v = super.get<T>(ns, key);
    return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as T);
  }
  override set(ns: string, key: string, value: unknown): void {
    super.set(ns, key, JSON.parse(JSON.stringify(value)));
  }
}

/** One hunt of `rule` over `lines` with state in `store`; returns its hits. */
function hunt(rule: Rule, lines: readonly string[], store: StateStore, header?: string): Hit[] {
  const config = configSchema.parse({});
  const enricher = createEnricher(config);
  const set = compileRules([rule], config);
  const signals: Signal[] = [];
  const failures: RuleFailure[] = [];
  lines.forEach((line, i) => {
    const made = eventOf({ kind: 'flow', line, header }, 'run.log', i + 1);
    if (!('event' in made)) throw new Error(`line ${i + 1}: ${JSON.stringify(made)}`);
    enricher.enrich(made.event);
    collectSignals(set, made.event, signals, failures);
  });
  expect(failures).toEqual([]);
  const stage = createStatefulStage(set, store, { maxEvidence: 50 });
  stage.observe(signals);
  const hits = stage.finish();
  expect(stage.stats().failures).toEqual([]);
  return hits;
}

function flowsOf(example: Example | undefined): { flows: readonly string[]; header?: string } {
  if (example === undefined || !('flows' in example)) throw new Error('not a flow story');
  return example.header === undefined
    ? { flows: example.flows }
    : { flows: example.flows, header: example.header };
}

describe('NET-1 flow rules across runs', () => {
  it('a beacon whose contacts are split between two hunts fires in the second', () => {
    const { flows } = flowsOf(beaconing.examples.fire[0]);
    // Contact and reply records alternate: ten records are the first five contacts.
    const first = flows.slice(0, 10);
    const second = flows.slice(10);
    expect(hunt(beaconing, second, new JsonStore())).toEqual([]);
    const store = new JsonStore();
    expect(hunt(beaconing, first, store)).toEqual([]);
    const hits = hunt(beaconing, second, store);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.summary).toMatch(/^10\.20\.1\.15 contacted 198\.51\.100\.99:443 every 30\d s/);
  });

  it('admin paths learned in one hunt make a new path news in the next', () => {
    const { flows } = flowsOf(newAdminConnection.examples.fire[0]);
    const routine = flows.slice(0, -2);
    const newPath = flows.slice(-2);
    // Alone, the new path is the first thing the rule ever sees: learning starts there.
    expect(hunt(newAdminConnection, newPath, new JsonStore())).toEqual([]);
    const store = new JsonStore();
    expect(hunt(newAdminConnection, routine, store)).toEqual([]);
    const hits = hunt(newAdminConnection, newPath, store);
    expect(hits.map((h) => h.summary)).toEqual([
      expect.stringContaining('10.20.1.15 opened a first-seen RDP connection to 10.20.6.20:3389'),
    ]);
    // A known path stays quiet in a third hunt.
    expect(hunt(newAdminConnection, newPath, store)).toEqual([]);
  });

  it('a baseline learned in one hunt judges the spike in the next', () => {
    const { flows } = flowsOf(egressVolumeSpike.examples.fire[0]);
    // The story ends with the twenty records of the upload.
    const historyLines = flows.slice(0, -20);
    const upload = flows.slice(-20);
    expect(hunt(egressVolumeSpike, upload, new JsonStore())).toEqual([]);
    const store = new JsonStore();
    expect(hunt(egressVolumeSpike, historyLines, store)).toEqual([]);
    const hits = hunt(egressVolumeSpike, upload, store);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.figures).toMatchObject({ history: 30 });
  });

  it('a scan split at a run boundary still counts in one window', () => {
    const { flows } = flowsOf(internalScan.examples.fire[0]);
    const half = Math.floor(flows.length / 2);
    const store = new JsonStore();
    expect(hunt(internalScan, flows.slice(0, half), store)).toEqual([]);
    expect(hunt(internalScan, flows.slice(half), store)).toHaveLength(1);
    expect(hunt(internalScan, flows.slice(half), new JsonStore())).toEqual([]);
  });
});
