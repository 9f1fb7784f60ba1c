import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../config/load.js';
import { defaultConfig } from '../config/schema.js';
import { TrailhoundError } from '../errors.js';
import { EXAMPLE_CONFIG, describeConfig, registerConfig } from './config.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/config/${name}`, import.meta.url));

/** Runs `trailhound <args>` with only the config command, capturing standard output. */
async function run(args: string[]): Promise<string> {
  const program = new Command('trailhound').exitOverride();
  registerConfig(program);
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

describe('trailhound config', () => {
  afterEach(() => vi.restoreAllMocks());

  it('example prints a config that validates and equals the committed fixture', async () => {
    const printed = await run(['config', 'example']);
    expect(printed).toBe(EXAMPLE_CONFIG);
    expect(printed).toBe(await readFile(fixture('full.yaml'), 'utf8'));
    const config = parseConfig(printed, 'example');
    expect(config).not.toEqual(defaultConfig());
    expect(config.organisation.accounts.length).toBeGreaterThan(0);
  });

  it('check prints ok and what the org profile defines', async () => {
    const file = fixture('full.yaml');
    const out = await run(['config', 'check', file]);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe(`${file}: ok`);
    expect(out).toMatch(/accounts\s+2 own, 1 trusted/);
    expect(out).toMatch(/approved regions\s+eu-west-1, us-east-1/);
    expect(out).toMatch(/working hours\s+08:00-18:30 Europe\/London/);
    expect(out).toMatch(/intel\s+1 list \(bad-ips\)/);
    expect(out).toMatch(/rules\s+4 settings \(1 disabling, 2 changing priority, 1 setting knobs\)/);
  });

  it('check throws a config error for an invalid file, and prints nothing', async () => {
    let out = 'unset';
    const failing = run(['config', 'check', fixture('invalid.yaml')]).then((o) => (out = o));
    await expect(failing).rejects.toBeInstanceOf(TrailhoundError);
    await expect(failing).rejects.toMatchObject({ code: 'config' });
    expect(out).toBe('unset');
  });

  it('check reports a missing file', async () => {
    await expect(run(['config', 'check', fixture('missing.yaml')])).rejects.toMatchObject({
      code: 'config',
      message: 'no such file',
    });
  });

  it('describes defaults without inventing settings', () => {
    const text = describeConfig(defaultConfig()).join('\n');
    expect(text).toMatch(/accounts\s+0 own, 0 trusted/);
    expect(text).toMatch(/approved regions\s+any/);
    expect(text).toMatch(/working hours\s+not set/);
    expect(text).toMatch(/input\s+records up to 64 MiB/);
  });
});
