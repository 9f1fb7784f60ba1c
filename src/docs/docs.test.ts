/**
 * Tests of the generated docs: the seed matrix data agrees with the engine's rows, the renderers
 * put every rule, knob and row where a reader looks for it, output is stable, and the drift check
 * catches stale and missing files (including the committed docs/ of this repository).
 */
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineApiRule, knob, ROWS } from '../engine/rule.js';
import type { Rule } from '../engine/rule.js';
import { ctRecord } from '../rules/lib.js';
import { RULES } from '../rules/registry.js';
import { checkDocs, defaultDocsDir, writeDocs } from './files.js';
import { cell, mitreLink, prose } from './markdown.js';
import { matrixCoverage, renderMatrixDoc } from './matrix.js';
import { SEED_MATRIX } from './matrix-data.js';
import { renderRulesDoc } from './rules.js';

const beyond = defineApiRule({
  id: 'aws.iam.root-used',
  title: 'Root | account used',
  category: 'iam',
  row: null,
  priority: 'critical',
  mitre: ['T1078.004'],
  description: 'The root user made an API call, which almost nothing in a well-run account needs.',
  falsePositives: ['Account recovery.'],
  response: ['Ask the account owner.'],
  references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html'],
  knobs: { ignoreServices: knob(z.array(z.string()), ['support.amazonaws.com'], 'Services | ignored.') },
  kind: 'match',
  on: { eventNames: '*' },
  match: (e) => e.actor.type === 'Root',
  summary: (e) => `${e.actor.arn ?? 'root'} used the root user`,
  examples: {
    fire: [
      {
        title: 'root lists buckets',
        record: ctRecord({ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets' }),
        config: { organisation: { accounts: ['123456789012'] } },
      },
    ],
    miss: [{ title: 'alice lists buckets', record: ctRecord({ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets' }) }],
  },
});

describe('seed matrix data', () => {
  it('has exactly the engine rows, in order, with the same categories', () => {
    expect(SEED_MATRIX.map((r) => r.row)).toEqual(Object.keys(ROWS));
    for (const r of SEED_MATRIX) expect(r.category).toBe(ROWS[r.row]);
  });
});

describe('markdown helpers', () => {
  it('keep table cells and asterisks intact', () => {
    expect(cell('a | b\nc')).toBe('a \\| b c');
    expect(prose('List* / Get*')).toBe('List\\* / Get\\*');
    expect(mitreLink('T1562.008')).toBe('[T1562.008](https://attack.mitre.org/techniques/T1562/008/)');
    expect(mitreLink('T1070')).toBe('[T1070](https://attack.mitre.org/techniques/T1070/)');
  });
});

describe('renderRulesDoc', () => {
  const doc = renderRulesDoc(RULES);

  it('is stable and ends with one newline', () => {
    expect(renderRulesDoc(RULES)).toBe(doc);
    expect(doc.endsWith('\n')).toBe(true);
    expect(doc.endsWith('\n\n')).toBe(false);
  });

  it('has a section for every rule with its metadata', () => {
    for (const r of RULES) {
      expect(doc).toContain(`<a id="${r.id}"></a>`);
      expect(doc).toContain(`### \`${r.id}\`: ${r.title}`);
      for (const t of r.mitre) expect(doc).toContain(mitreLink(t));
      for (const ref of r.references) expect(doc).toContain(`<${ref}>`);
      for (const x of [...r.examples.fire, ...r.examples.miss]) expect(doc).toContain(x.title);
    }
  });

  it('lists knobs with their defaults as configuration would write them', () => {
    const one = renderRulesDoc([beyond]);
    expect(one).toContain('| `ignoreServices` | `["support.amazonaws.com"]` | Services \\| ignored. |');
    expect(one).toContain('| Matrix row | beyond the matrix |');
    expect(one).toContain('| Events | every API event |');
    expect(one).toContain('Root \\| account used');
    expect(one).toContain('(with configuration `{"organisation":{"accounts":["123456789012"]}}`)');
    const retention = renderRulesDoc(RULES.filter((r) => r.id === 'aws.evasion.log-retention-shortened'));
    expect(retention).toContain('| `minRetentionDays` | `7` |');
  });
});

describe('renderMatrixDoc', () => {
  it('lists every row with the rules that implement it', () => {
    const doc = renderMatrixDoc(RULES);
    for (const r of SEED_MATRIX) expect(doc).toContain(`### ${r.row}: ${prose(r.behaviour)}`);
    for (const r of RULES) {
      expect(doc).toContain(`[\`${r.id}\`](rules.md#${r.id})`);
    }
    expect(doc).toContain('### REC-1: bulk List\\* / Describe\\* / Get\\*');
  });

  it('counts covered rows and puts rules without a row beyond the matrix', () => {
    const rules: Rule[] = [RULES.find((r) => r.row === 'EVA-2') as Rule, beyond];
    const doc = renderMatrixDoc(rules);
    expect(doc).toContain('1 of 20 rows have at least one rule; 2 rules in all, 1 beyond the matrix.');
    const tail = doc.slice(doc.indexOf('## Beyond the matrix'));
    expect(tail).toContain('[`aws.iam.root-used`](rules.md#aws.iam.root-used) | `iam` |');
    const coverage = matrixCoverage(rules);
    expect(coverage.rows.find((r) => r.row === 'EVA-2')?.rules).toHaveLength(1);
    expect(coverage.rows.find((r) => r.row === 'EVA-1')?.rules).toEqual([]);
    expect(coverage.beyondMatrix.map((r) => r.id)).toEqual(['aws.iam.root-used']);
  });
});

describe('drift check', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trailhound-docs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds nothing right after writing', async () => {
    const written = await writeDocs(dir, RULES);
    expect(written.map((p) => p.slice(dir.length + 1)).sort()).toEqual(['MATRIX.md', 'rules.md']);
    expect(await checkDocs(dir, RULES)).toEqual([]);
  });

  it('names a stale file and a missing one', async () => {
    await writeDocs(dir, RULES);
    const rulesMd = join(dir, 'rules.md');
    await writeFile(rulesMd, `${await readFile(rulesMd, 'utf8')}\nhand edit\n`);
    await unlink(join(dir, 'MATRIX.md'));
    expect(await checkDocs(dir, RULES)).toEqual([
      { path: rulesMd, problem: 'stale' },
      { path: join(dir, 'MATRIX.md'), problem: 'missing' },
    ]);
  });

  it('notices when the registry changes after the docs were written', async () => {
    await writeDocs(dir, RULES);
    expect(await checkDocs(dir, [...RULES, beyond])).toHaveLength(2);
  });

  it('accepts CRLF line endings', async () => {
    await writeDocs(dir, RULES);
    const p = join(dir, 'MATRIX.md');
    await writeFile(p, (await readFile(p, 'utf8')).replace(/\n/g, '\r\n'));
    expect(await checkDocs(dir, RULES)).toEqual([]);
  });

  it('finds the committed docs of this repository up to date', async () => {
    const drift = await checkDocs(defaultDocsDir(), RULES);
    expect(drift, 'run `trailhound docs --write` (or npm run docs) and commit the result').toEqual([]);
  });
});
