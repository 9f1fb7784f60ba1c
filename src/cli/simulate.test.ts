import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, main } from './program.js';
import { parseStartDate } from './simulate.js';

const root = mkdtempSync(join(tmpdir(), 'th-simcli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('trailhound simulate', () => {
  it('writes logs, labels, configuration and manifest for the rows asked for', async () => {
    const out = join(root, 'a');
    const code = await main(['simulate', '--out', out, '--days', '3', '--principals', '4', '--learning-days', '1', '--attacks', 'EVA-1', '--seed', 'cli']); // prettier-ignore
    expect(code).toBe(EXIT.ok);
    for (const f of ['labels.jsonl', 'trailhound.yaml', 'simulation.json', 'AWSLogs']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const labels = readFileSync(join(out, 'labels.jsonl'), 'utf8').trim().split('\n');
    expect(labels.map((l) => (JSON.parse(l) as { rows: string[] }).rows)).toEqual([['EVA-1']]);
  }, 120_000);

  it('refuses a folder that is not empty and bad values, as usage errors', async () => {
    const out = join(root, 'b');
    await main(['simulate', '--out', out, '--days', '3', '--principals', '4', '--learning-days', '1', '--attacks', 'none']); // prettier-ignore
    writeFileSync(join(out, 'keep.txt'), 'x');
    expect(await main(['simulate', '--out', out, '--days', '3'])).toBe(EXIT.usage);
    expect(await main(['simulate', '--out', join(root, 'c'), '--days', 'many'])).toBe(EXIT.usage);
    expect(await main(['simulate', '--out', join(root, 'd'), '--days', '5', '--learning-days', '9'])).toBe(EXIT.usage); // prettier-ignore
    expect(() => parseStartDate('2026-02-30')).toThrow(/--start/);
    expect(parseStartDate('2026-03-02')).toBe(Date.UTC(2026, 2, 2));
  }, 120_000);
});
