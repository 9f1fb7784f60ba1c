import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InputFile } from '../sources/index.js';
import { BYTES_PER_WORKER, defaultWorkers } from './run.js';

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
