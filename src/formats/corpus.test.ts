import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normaliseCloudTrail } from '../normalise/cloudtrail.js';
import { expandInputs } from '../sources/index.js';
import { decodeFile } from './detect.js';
import type { Decoded, InputProblem } from './types.js';

// The shared corpus sits beside the repository (../shared), in CI as on a developer's machine.
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const OPTS = { maxRecordBytes: 64 * 1024 * 1024 };

async function decodeAll(args: string[]) {
  const { files, problems } = await expandInputs(args);
  const found: InputProblem[] = [...problems];
  let records = 0;
  let normalised = 0;
  const items: Decoded[] = [];
  for (const file of files) {
    for await (const d of decodeFile(file, OPTS)) {
      if (d.type === 'problem') found.push(d.problem);
      else if (d.type === 'cloudtrail') {
        records++;
        if (normaliseCloudTrail(d.record, d.origin).ok) normalised++;
        if (items.length < 3) items.push(d);
      }
    }
  }
  return { files, records, normalised, problems: found, items };
}

describe('real data', () => {
  it('reads the whole Invictus dataset: 55 files, 2,900 records, nothing skipped', async () => {
    const dir = path.join(CORPUS, 'invictus-aws-dataset', 'CloudTrail');
    expect((await readdir(dir)).length).toBe(55);
    const r = await decodeAll([dir]);
    expect(r.files).toHaveLength(55);
    expect(r.problems).toEqual([]);
    expect(r.records).toBe(2900);
    expect(r.normalised).toBe(2900);
    const first = r.items[0];
    expect(first?.type === 'cloudtrail' && first.origin.index).toBe(0);
  });

  it('reads the OTRF file: 103 JSON lines with @timestamp', async () => {
    const r = await decodeAll([path.join(CORPUS, 'otrf-ec2-proxy-s3-exfiltration', '*.json')]);
    expect(r.files).toHaveLength(1);
    expect(r.problems).toEqual([]);
    expect(r.records).toBe(103);
    expect(r.normalised).toBe(103);
    const first = r.items[0];
    expect(first?.type === 'cloudtrail' && first.origin.line).toBe(1);
    expect(first?.type === 'cloudtrail' && first.record['@timestamp']).toBeDefined();
  });
});
