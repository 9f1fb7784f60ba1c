import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { loadAwsRanges } from '../enrich/aws-ranges.js';
import { parseAddress } from '../enrich/address.js';
import { TrailhoundError } from '../errors.js';
import { registerUpdateData, updateData } from './update-data.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/enrich/${name}`, import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'th-update-'));

async function run(args: string[]): Promise<string> {
  const program = new Command('trailhound').exitOverride();
  registerUpdateData(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('trailhound update-data', () => {
  it('validates a downloaded ip-ranges.json and writes a snapshot that loads', async () => {
    const out = join(tmp(), 'aws.json.gz');
    const printed = await run(['update-data', fixture('ip-ranges-good.json'), '--out', out]);
    expect(printed).toBe(
      `wrote 5 IPv4 and 3 IPv6 prefixes (createDate 2026-04-08-23-47-05, syncToken 1775692025) to ${out}\n`,
    );
    const ranges = loadAwsRanges(out);
    expect(ranges.lookup(parseAddress('3.5.141.7') ?? { family: 4, value: 0n })).toEqual({
      region: 'ap-northeast-2',
      service: 'S3',
    });
  });

  it('writes nothing for an invalid file and lists every problem', () => {
    const dir = tmp();
    const out = join(dir, 'aws.json.gz');
    let err: unknown;
    try {
      updateData(fixture('ip-ranges-bad.json'), { out });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrailhoundError);
    expect(err).toMatchObject({
      code: 'input',
      message: 'not a valid AWS ip-ranges.json; nothing was written',
      location: { file: fixture('ip-ranges-bad.json') },
    });
    expect((err as TrailhoundError).details).toHaveLength(4);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to replace a newer snapshot with an older file unless forced', () => {
    const out = join(tmp(), 'aws.json.gz');
    updateData(fixture('ip-ranges-good.json'), { out });
    expect(() => updateData(fixture('ip-ranges-older.json'), { out })).toThrow(
      /is older than the snapshot/,
    );
    expect(updateData(fixture('ip-ranges-older.json'), { out, force: true })).toMatch(
      /wrote 1 IPv4 and 1 IPv6 prefixes \(createDate 2025-03-13-00-23-16/,
    );
  });

  it('says where it could not write', () => {
    const out = join(tmp(), 'no-such-dir', 'aws.json.gz');
    expect(() => updateData(fixture('ip-ranges-good.json'), { out })).toThrow(/cannot write/);
    expect(existsSync(out)).toBe(false);
  });
});
