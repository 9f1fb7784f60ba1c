import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { MemoryStore } from '../state/memory.js';
import { FLOW_V2_HEADER, v2Line } from '../rules/lib/flow-behaviour.js';
import { RULES } from '../rules/registry.js';
import type { InputFile } from '../sources/index.js';
import { BYTES_PER_WORKER, defaultWorkers, hunt } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'th-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `bytes` (sparse: nothing is written). */
function file(name: string, bytes: number): InputFile {
  const path = join(dir, name);
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return { path, display: name };
}

describe('defaultWorkers', () => {
  it('gives small inputs one thread, larger ones one per BYTES_PER_WORKER up to the cores', () => {
    expect(defaultWorkers([file('a', 1_000)], 8)).toBe(1);
    expect(defaultWorkers([], 8)).toBe(1);
    const big = [file('b', 2 * BYTES_PER_WORKER), file('c', BYTES_PER_WORKER + 5)];
    expect(defaultWorkers(big, 8)).toBe(3);
    expect(defaultWorkers(big, 2)).toBe(2);
  });

  it('counts standard input as nothing, a missing file as nothing, and S3 objects as large', () => {
    const stdin: InputFile = { path: '-', display: '(standard input)' };
    const missing: InputFile = { path: join(dir, 'gone'), display: 'gone' };
    expect(defaultWorkers([stdin, missing], 4)).toBe(1);
    const s3: InputFile = {
      path: 's3://logs/AWSLogs/x.json.gz',
      display: 's3://logs/AWSLogs/x.json.gz',
      s3: { bucket: 'logs', key: 'AWSLogs/x.json.gz' },
    };
    expect(defaultWorkers([s3], 4)).toBe(4);
  });
});

describe('state.maxKeysPerRule', () => {
  // One internal host opening connections to 300 external addresses: 300 source → destination
  // pairs for the beaconing rule to track.
  const flows = join(dir, 'fanout.log');
  const start = Date.parse('2026-03-02T10:00:00Z') / 1000;
  writeFileSync(
    flows,
    [
      FLOW_V2_HEADER,
      ...Array.from({ length: 300 }, (_, i) =>
        v2Line({
          src: '10.20.1.15',
          dst: `198.51.${100 + Math.floor(i / 250)}.${1 + (i % 250)}`,
          srcPort: 40_000 + i,
          dstPort: 443,
          start: start + i * 7,
          packets: 9,
          bytes: 2_310,
        }),
      ),
    ].join('\n') + '\n',
  );
  const BEACON = 'aws.network.flow-beaconing';

  const run = async (config: unknown) => {
    const state = new MemoryStore();
    const { summary } = await hunt({
      inputs: [flows],
      config: configSchema.parse(config),
      registry: RULES,
      workers: 1,
      state,
    });
    return { summary, beaconKeys: state.count(BEACON) };
  };

  it('bounds the keys of each stateful rule and counts the evicted in the summary', async () => {
    const all = await run({});
    expect(all.beaconKeys).toBe(300);
    expect(all.summary.state.evicted).toBe(0);

    const bounded = await run({ state: { maxKeysPerRule: 100 } });
    expect(bounded.beaconKeys).toBe(100);
    expect(bounded.summary.state.evicted).toBeGreaterThanOrEqual(200);
    expect(bounded.summary.state.tracked).toBeLessThan(all.summary.state.tracked);
  });

  it('refuses a limit too small to track anything useful', () => {
    expect(configSchema.safeParse({ state: { maxKeysPerRule: 10 } }).success).toBe(false);
    expect(configSchema.safeParse({ state: { maxKeysPerRule: 2.5 } }).success).toBe(false);
  });
});
