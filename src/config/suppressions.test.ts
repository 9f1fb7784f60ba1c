import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerConfig } from '../cli/config.js';
import { parseConfig } from './load.js';
import { parseWhen, resolveChangePaths } from './suppressions.js';

describe('parseWhen', () => {
  it('reads a date as a whole UTC day', () => {
    expect(parseWhen('2026-06-30', 'start')).toBe(Date.parse('2026-06-30T00:00:00.000Z'));
    expect(parseWhen('2026-06-30', 'end')).toBe(Date.parse('2026-06-30T23:59:59.999Z'));
  });

  it('reads ISO 8601 times with a zone, an offset, or none (UTC)', () => {
    const t = Date.parse('2026-06-30T14:00:00Z');
    expect(parseWhen('2026-06-30T14:00:00Z', 'start')).toBe(t);
    expect(parseWhen('2026-06-30t14:00z', 'end')).toBe(t);
    expect(parseWhen('2026-06-30T16:00:00+02:00', 'start')).toBe(t);
    expect(parseWhen('2026-06-30T09:30-0430', 'start')).toBe(t);
    expect(parseWhen('2026-06-30 14:00:00', 'start')).toBe(t);
    expect(parseWhen('2026-06-30T14:00:00.250Z', 'start')).toBe(t + 250);
  });

  it('refuses impossible dates and times and other text', () => {
    for (const bad of [
      '2026-02-30',
      '2026-13-01',
      '2026-06-30T24:00:00Z',
      '2026-06-30T12:60Z',
      '2026-06-30T12:00+25:00',
      '30/06/2026',
      'tomorrow',
      '',
    ])
      expect(parseWhen(bad, 'start'), bad).toBeUndefined();
  });
});

describe('the suppressions and changes sections', () => {
  it('default to nothing', () => {
    const config = parseConfig('', 'trailhound.yaml');
    expect(config.suppressions).toEqual([]);
    expect(config.changes).toEqual({ tickets: [], deploys: [] });
  });

  it('reject unknown keys in an entry, naming the allowed ones', () => {
    expect(() =>
      parseConfig(
        "suppressions:\n  - rule: aws.*\n    reason: x\n    expires: '2026-01-01'\n    actr: arn:aws:iam::*:user/a\n",
        'trailhound.yaml',
      ),
    ).toThrow(
      expect.objectContaining({
        details: [
          'suppressions[0].actr: unknown key, did you mean "actor"? (expected one of rule, actor, account, sourceIp, userAgent, reason, ticket, expires) (line 5)',
        ],
      }) as unknown as Error,
    );
  });

  it('take feed paths relative to the configuration file', () => {
    expect(
      resolveChangePaths(
        { tickets: ['chg.csv', '/abs/c.json'], deploys: ['ci/runs.json'] },
        '/etc/trailhound/trailhound.yaml',
      ),
    ).toEqual({
      tickets: ['/etc/trailhound/chg.csv', '/abs/c.json'],
      deploys: ['/etc/trailhound/ci/runs.json'],
    });
    expect(resolveChangePaths({ tickets: ['c.csv'], deploys: [] }, undefined).tickets).toEqual([
      resolve('c.csv'),
    ]);
  });
});

describe('trailhound config check with feeds', () => {
  async function check(file: string): Promise<string> {
    const program = new Command('trailhound').exitOverride();
    registerConfig(program);
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    try {
      await program.parseAsync(['config', 'check', file], { from: 'user' });
    } finally {
      spy.mockRestore();
    }
    return out;
  }

  it('reads the feeds relative to the file, lists bad rows, and refuses a missing feed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailhound-check-'));
    writeFileSync(join(dir, 'ok.yaml'), 'changes:\n  tickets: [c.csv]\n');
    writeFileSync(
      join(dir, 'c.csv'),
      'ticket,principal,actions,start,end\nCHG-1,arn:aws:iam::1:user/a,iam:*,2026-03-14,2026-03-14\nCHG-2,a,iam:*,2026-03-14,2026-03-14\n',
    );
    const out = await check(join(dir, 'ok.yaml'));
    expect(out).toMatch(/feeds\s+1 tickets and runs read, 1 bad\n/);
    expect(out).toContain(
      `${join(dir, 'c.csv')}:3: principal: expected an ARN or ARN glob (arn:aws:iam::*:role/deploy), found "a"`,
    );
    writeFileSync(join(dir, 'missing.yaml'), 'changes:\n  deploys: [runs.json]\n');
    await expect(check(join(dir, 'missing.yaml'))).rejects.toMatchObject({
      code: 'config',
      message: 'cannot read deploy-run feed: no such file',
      location: { file: join(dir, 'runs.json') },
    });
  });
});
