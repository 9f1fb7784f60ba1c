import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TrailhoundError } from '../errors.js';
import { formatPath, loadConfig, parseConfig } from './load.js';
import { defaultConfig } from './schema.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/config/${name}`, import.meta.url));

/** Runs `fn`, expecting a TrailhoundError, and returns it. */
async function configError(fn: () => unknown): Promise<TrailhoundError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TrailhoundError);
    return err as TrailhoundError;
  }
  throw new Error('expected a TrailhoundError, nothing was thrown');
}

function parseError(text: string): TrailhoundError {
  try {
    parseConfig(text, 'x.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(TrailhoundError);
    return err as TrailhoundError;
  }
  throw new Error('expected a TrailhoundError, nothing was thrown');
}

describe('loadConfig', () => {
  const cwd = process.cwd();
  let dir: string | undefined;
  afterEach(async () => {
    process.chdir(cwd);
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('loads the full example with every section set', async () => {
    const { config, path } = await loadConfig(fixture('full.yaml'));
    expect(path).toBe(fixture('full.yaml'));
    expect(config.organisation.accounts).toEqual(['111122223333', '444455556666']);
    expect(config.organisation.internalCidrs).toContain('2001:db8::/32');
    expect(config.organisation.workingHours).toEqual({
      timeZone: 'Europe/London',
      start: '08:00',
      end: '18:30',
      days: [1, 2, 3, 4, 5],
    });
    expect(config.organisation.crossAccountPairs).toEqual([
      { from: '111122223333', to: '444455556666' },
    ]);
    expect(config.rules['aws.evasion.cloudtrail-stopped']).toEqual({ priority: 'critical' });
    expect(config.rules['aws.time-geo.*']).toEqual({ enabled: false });
    expect(config.findings).toEqual({ windowMinutes: 60, maxEvidence: 50 });
  });

  it('treats an empty file as all defaults', async () => {
    const { config, path } = await loadConfig(fixture('empty.yaml'));
    expect(path).toBe(fixture('empty.yaml'));
    expect(config).toEqual(defaultConfig());
    expect(parseConfig('# only a comment\n', 'x.yaml')).toEqual(defaultConfig());
  });

  it('uses ./trailhound.yaml when no path is given, else defaults', async () => {
    dir = await mkdtemp(join(tmpdir(), 'trailhound-config-'));
    process.chdir(dir);
    const none = await loadConfig(undefined);
    expect(none.path).toBeUndefined();
    expect(none.config).toEqual(defaultConfig());

    await writeFile(
      join(dir, 'trailhound.yaml'),
      'organisation:\n  approvedRegions: [eu-west-1]\n',
    );
    const found = await loadConfig(undefined);
    expect(found.path).toBe('trailhound.yaml');
    expect(found.config.organisation.approvedRegions).toEqual(['eu-west-1']);
  });

  it('reports a missing file named with --config', async () => {
    const err = await configError(() => loadConfig(fixture('does-not-exist.yaml')));
    expect(err.code).toBe('config');
    expect(err.message).toBe('no such file');
    expect(err.location?.file).toBe(fixture('does-not-exist.yaml'));
  });

  it('reports a directory given as the config file', async () => {
    const err = await configError(() => loadConfig(fixture('')));
    expect(err.code).toBe('config');
    expect(err.message).toMatch(/directory/);
  });

  it('reports every problem at once with path, expectation, found value and line', async () => {
    const err = await configError(() => loadConfig(fixture('invalid.yaml')));
    expect(err.code).toBe('config');
    expect(err.location?.file).toBe(fixture('invalid.yaml'));
    expect(err.message).toBe('10 problems in the configuration');
    expect(err.details).toEqual([
      'organisation.accounts[0]: expected a 12-digit AWS account id, found "12" (line 4)',
      'organisation.accounts[1]: expected a string, found 111122223333; quote it to keep it a string (line 5)',
      'organisation.internalCidrs[1]: expected a CIDR block such as 10.0.0.0/8, found "not-a-cidr" (line 6)',
      'organisation.workingHours.start: expected a time of day as HH:MM, found "25:00" (line 8)',
      'organisation.workingHours.days[0]: expected a number >= 1, found 0 (line 9)',
      'organisation.crossAccountPairs[0].to: expected a string, found nothing (the key is missing) (line 11)',
      'rules["aws.evasion.cloudtrail-stopped"].priority: expected one of info, low, medium, high, critical, found "urgent" (line 14)',
      'rules["aws.evasion.cloudtrail-stopped"].enabled: expected true or false, found "yes" (line 15)',
      'input.maxRecordBytes: expected a number >= 1024, found 10 (line 17)',
      'findings: expected a mapping, found 3 (line 18)',
    ]);
  });

  it('rejects unknown keys, naming the allowed ones and a near miss', async () => {
    const err = await configError(() => loadConfig(fixture('unknown-key.yaml')));
    expect(err.details).toHaveLength(2);
    expect(err.details[0]).toMatch(
      /^organisation\.acounts: unknown key, did you mean "accounts"\? \(expected one of accounts, trustedAccounts, .*sensitive\) \(line 2\)$/,
    );
    expect(err.details[1]).toBe(
      'outputs: unknown key (expected one of organisation, rules, input, intel, suppressions, changes, findings, sinks, state) (line 4)',
    );
  });

  it('rejects an unknown key inside a list item', () => {
    const text =
      "organisation:\n  crossAccountPairs:\n    - from: '111122223333'\n      to: '444455556666'\n      via: x\n";
    expect(parseError(text).details).toEqual([
      'organisation.crossAccountPairs[0].via: unknown key (expected one of from, to) (line 5)',
    ]);
  });

  it('reports YAML syntax errors with line and column', async () => {
    const err = await configError(() => loadConfig(fixture('syntax-error.yaml')));
    expect(err.code).toBe('config');
    expect(err.message).toBe('not valid YAML');
    expect(err.location).toEqual({ file: fixture('syntax-error.yaml'), line: 3 });
    expect(err.details[0]).toMatch(/^line 3, column \d+: Flow sequence/);
  });

  it('rejects a repeated key instead of letting the last one win', async () => {
    const err = await configError(() => loadConfig(fixture('duplicate-key.yaml')));
    expect(err.message).toBe('not valid YAML');
    expect(err.details[0]).toMatch(/^line 3, column 3: Map keys must be unique/);
  });

  it('reports a document that is not a mapping', () => {
    expect(parseError('- 1\n- 2\n').details).toEqual([
      '(top level): expected a mapping, found a list (line 1)',
    ]);
  });

  it('suggests [] for a key left empty where a list is expected', () => {
    expect(parseError('organisation:\n  accounts:\n').details).toEqual([
      'organisation.accounts: expected a list, found an empty value; write [] for an empty list (line 2)',
    ]);
  });

  it('reports __proto__ keys everywhere and changes no prototype', async () => {
    const err = await configError(() => loadConfig(fixture('proto.yaml')));
    expect(err.details).toEqual([
      '__proto__: unknown key (expected one of organisation, rules, input, intel, suppressions, changes, findings, sinks, state) (line 1)',
      expect.stringMatching(
        /^organisation\.__proto__: unknown key \(expected one of accounts, .*\) \(line 4\)$/,
      ),
      'rules.__proto__: reserved key name, not allowed in a configuration (line 7)',
      'rules["aws.evasion.cloudtrail-stopped"].knobs.__proto__: reserved key name, not allowed in a configuration (line 13)',
    ]);
    const plain: Record<string, unknown> = {};
    expect(plain['polluted']).toBeUndefined();
    expect(plain['accounts']).toBeUndefined();
    expect(plain['enabled']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('keeps keys such as constructor as plain data', () => {
    const config = parseConfig(
      'rules:\n  constructor:\n    enabled: false\n  toString:\n    knobs: { hasOwnProperty: 2 }\n',
      'x.yaml',
    );
    expect(Object.getPrototypeOf(config.rules)).toBe(Object.prototype);
    expect(Object.hasOwn(config.rules, 'constructor')).toBe(true);
    expect(config.rules['constructor']).toEqual({ enabled: false });
    expect(config.rules['toString']?.knobs).toEqual({ hasOwnProperty: 2 });
  });

  it('resolves YAML aliases, and reports a bad anchored value at the anchor', () => {
    const ok = parseConfig(
      "organisation:\n  accounts: &ids ['111122223333']\n  trustedAccounts: *ids\n",
      'x.yaml',
    );
    expect(ok.organisation.trustedAccounts).toEqual(['111122223333']);
    expect(
      parseError("organisation:\n  accounts: &ids ['12']\n  trustedAccounts: *ids\n").details,
    ).toEqual([
      'organisation.accounts[0]: expected a 12-digit AWS account id, found "12" (line 2)',
      'organisation.trustedAccounts[0]: expected a 12-digit AWS account id, found "12" (line 2)',
    ]);
  });

  it('refuses a document whose aliases expand without bound', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const err = parseError(`${lines.join('\n')}\n`);
    expect(err.message).toBe('not valid YAML');
    expect(err.details[0]).toMatch(/alias/i);
  });
});

describe('formatPath', () => {
  it('writes identifiers with dots, indexes and other keys in brackets', () => {
    expect(formatPath([])).toBe('(top level)');
    expect(formatPath(['organisation', 'accounts', 0])).toBe('organisation.accounts[0]');
    expect(formatPath(['rules', 'aws.recon.*', 'enabled'])).toBe('rules["aws.recon.*"].enabled');
  });
});
