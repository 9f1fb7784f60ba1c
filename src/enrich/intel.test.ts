import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TrailhoundError } from '../errors.js';
import { parseAddress } from './address.js';
import {
  BAD_LINES_LISTED,
  loadIntelLists,
  matchIntel,
  parseCsvList,
  parseTextList,
} from './intel.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/enrich/', import.meta.url));
const at = (v: string) => {
  const a = parseAddress(v);
  if (a === undefined) throw new Error(v);
  return a;
};

describe('parseTextList', () => {
  it('reads addresses, blocks, comments and TOR exit-addresses records', () => {
    const { blocks, problems } = parseTextList(
      [
        '# bad networks',
        '198.51.100.7',
        '  203.0.113.0/24   # a whole block',
        '45.155.205.0/24 ; SBL123456',
        'ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E',
        'Published 2026-04-07 21:01:15',
        'ExitAddress 204.85.191.9 2026-04-08 03:12:27',
        '2001:db8::/32',
        '',
      ].join('\r\n'),
      'list.txt',
    );
    expect(blocks.map((b) => [b.family, b.prefixLength])).toEqual([
      [4, 32],
      [4, 24],
      [4, 24],
      [4, 32],
      [6, 32],
    ]);
    expect(problems).toEqual([]);
  });

  it('reports each bad line with file, line and reason, and keeps the rest', () => {
    const { blocks, problems } = parseTextList(
      '10.0.0.1\nnot-an-address\n211.9.016.253\n10.0.0.2',
      'l.txt',
    );
    expect(blocks).toHaveLength(2);
    expect(problems).toEqual([
      {
        code: 'intel-bad-line',
        severity: 'warning',
        file: 'l.txt',
        line: 2,
        reason: 'expected an IP address or CIDR block, found "not-an-address"',
      },
      {
        code: 'intel-bad-line',
        severity: 'warning',
        file: 'l.txt',
        line: 3,
        reason: 'expected an IP address or CIDR block, found "211.9.016.253"',
      },
    ]);
  });

  it('lists a bounded number of bad lines and counts the rest', () => {
    const text = Array.from({ length: BAD_LINES_LISTED + 25 }, (_, i) => `junk-${i}`).join('\n');
    const { problems } = parseTextList(text, 'junk.txt');
    expect(problems).toHaveLength(BAD_LINES_LISTED + 1);
    expect(problems[BAD_LINES_LISTED]).toMatchObject({
      line: BAD_LINES_LISTED + 25,
      reason: '25 more lines hold no IP address or CIDR block (not listed one by one)',
    });
  });
});

describe('parseCsvList', () => {
  it('takes a named column from the header, with quoted cells', () => {
    const csv =
      'first_seen,ip,source\n2026-03-30,"198.51.100.23","incident, phishing"\n2026-03-31,45.155.205.0/24,feed\n';
    const { blocks, problems } = parseCsvList(csv, 'bad.csv', 'IP');
    expect(blocks.map((b) => b.prefixLength)).toEqual([32, 24]);
    expect(problems).toEqual([]);
  });

  it('uses the first column by default and takes a non-address first row as the header', () => {
    expect(parseCsvList('address,note\n10.0.0.1,x\n', 'a.csv').blocks).toHaveLength(1);
    expect(parseCsvList('10.0.0.1,x\n10.0.0.2,y\n', 'a.csv').blocks).toHaveLength(2);
    expect(parseCsvList('note,address\nx,10.0.0.1\n', 'a.csv', 2).blocks).toHaveLength(1);
  });

  it('reports a missing named column once, and short or bad rows by line', () => {
    const missing = parseCsvList('a,b\n10.0.0.1,x\n', 'a.csv', 'ip');
    expect(missing.blocks).toEqual([]);
    expect(missing.problems).toEqual([
      expect.objectContaining({ line: 1, reason: 'no column "ip" in the header (found a, b)' }),
    ]);
    const rows = parseCsvList('note,ip\nx\n# comment\ny,999.1.1.1\nz,10.0.0.0/8\n', 'r.csv', 'ip');
    expect(rows.blocks).toHaveLength(1);
    expect(rows.problems.map((p) => [p.line, p.reason])).toEqual([
      [2, 'expected an address in column 2, found only 1'],
      [4, 'expected an IP address or CIDR block, found "999.1.1.1"'],
    ]);
  });
});

describe('loadIntelLists', () => {
  it('reads text and CSV files relative to the base folder, merging lists of one name', () => {
    const { lists, problems } = loadIntelLists(
      [
        { name: 'tor', file: 'tor-exits.txt', addresses: [] },
        { name: 'bad-ips', file: 'bad-ips.csv', column: 'ip', addresses: [] },
        { name: 'tor', addresses: ['192.0.2.66'] },
      ],
      fixtures,
    );
    expect(lists.map((l) => l.name)).toEqual(['tor', 'bad-ips']);
    expect(matchIntel(lists, at('185.220.101.47'))).toEqual(['tor']);
    expect(matchIntel(lists, at('204.85.191.9'))).toEqual(['tor']);
    expect(matchIntel(lists, at('2a0b:f4c2:2::1'))).toEqual(['tor']);
    expect(matchIntel(lists, at('192.0.2.66'))).toEqual(['tor']);
    expect(matchIntel(lists, at('45.155.205.77'))).toEqual(['bad-ips']);
    expect(matchIntel(lists, at('2001:db8:dead::1'))).toEqual(['bad-ips']);
    expect(matchIntel(lists, at('8.8.8.8'))).toBeUndefined();
    expect(problems.map((p) => [p.file.endsWith('tor-exits.txt') ? 'tor' : 'csv', p.line])).toEqual(
      [
        ['tor', 10],
        ['tor', 11],
        ['csv', 5],
      ],
    );
  });

  it('returns every list an address is on, sorted', () => {
    const { lists } = loadIntelLists([
      { name: 'tor', addresses: ['185.220.101.0/24'] },
      { name: 'bad-ips', addresses: ['185.220.101.47'] },
    ]);
    expect(matchIntel(lists, at('185.220.101.47'))).toEqual(['bad-ips', 'tor']);
  });

  it('is a configuration error when a list file is missing', () => {
    let err: unknown;
    try {
      loadIntelLists([{ name: 'tor', file: 'no-such-file.txt', addresses: [] }], fixtures);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrailhoundError);
    expect(err).toMatchObject({
      code: 'config',
      message: 'cannot read threat-intelligence list: no such file',
      location: { file: join(fixtures, 'no-such-file.txt'), path: 'intel.lists[0].file' },
    });
  });

  it('keeps list names such as __proto__ as data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-intel-'));
    writeFileSync(join(dir, 'p.csv'), '__proto__,constructor\n10.0.0.1,x\n');
    const { lists } = loadIntelLists(
      [
        { name: '__proto__', file: 'p.csv', column: '__proto__', addresses: [] },
        { name: 'constructor', addresses: ['10.0.0.1'] },
      ],
      dir,
    );
    expect(matchIntel(lists, at('10.0.0.1'))).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
