/**
 * Matrix coverage, generated from the registry: for each row of the seed matrix, the rules that
 * implement it, then the rules beyond the matrix. `renderMatrixDoc` writes docs/MATRIX.md and is
 * what `trailhound matrix` prints; `matrixCoverage` is the same as data for `--format json`.
 */
import type { Rule } from '../engine/rule.js';
import { cell, code, prose, ruleAnchor, table } from './markdown.js';
import { SEED_MATRIX } from './matrix-data.js';
import type { MatrixRow } from './matrix-data.js';

export interface RuleRef {
  id: string;
  title: string;
  priority: string;
  kind: string;
}

export interface MatrixCoverage {
  rows: (MatrixRow & { rules: RuleRef[] })[];
  beyondMatrix: (RuleRef & { category: string })[];
}

function ref(r: Rule): RuleRef {
  return { id: r.id, title: r.title, priority: r.priority, kind: r.kind };
}

export function matrixCoverage(rules: readonly Rule[]): MatrixCoverage {
  return {
    rows: SEED_MATRIX.map((row) => ({
      ...row,
      rules: rules.filter((r) => r.row === row.row).map(ref),
    })),
    beyondMatrix: rules.filter((r) => r.row === null).map((r) => ({ ...ref(r), category: r.category })),
  };
}

function link(r: RuleRef, base: string): string {
  return `[${code(r.id)}](${base}#${ruleAnchor(r.id)})`;
}

/**
 * docs/MATRIX.md: the seed rows with, for each, the implementing rules, then every row's rules in
 * detail and the rules beyond the matrix. Links point into rules.md beside it.
 */
export function renderMatrixDoc(rules: readonly Rule[]): string {
  const coverage = matrixCoverage(rules);
  const covered = coverage.rows.filter((r) => r.rules.length > 0).length;
  const out: string[] = [];
  out.push('# Threat matrix coverage');
  out.push('');
  out.push(
    '<!-- Generated from the rule registry (src/rules/registry.ts) by `trailhound docs --write`. Do not edit by hand. -->',
  );
  out.push('');
  out.push(
    'The rows of the AWS Threat Hunting & APT Detection Matrix (the seed) and the trailhound ' +
      `rules that implement each. ${covered} of ${coverage.rows.length} rows have at least one ` +
      `rule; ${rules.length} rule${rules.length === 1 ? '' : 's'} in all, ` +
      `${coverage.beyondMatrix.length} beyond the matrix.`,
  );
  out.push('');
  out.push(
    table(
      ['row', 'category', 'behaviour (seed)', 'seed priority', 'rules'],
      coverage.rows.map((r) => [
        r.row,
        code(r.category),
        cell(prose(r.behaviour)),
        r.seedPriority,
        r.rules.length === 0 ? '—' : String(r.rules.length),
      ]),
    ),
  );
  out.push('');
  out.push('## Rules by row');
  for (const r of coverage.rows) {
    out.push('');
    out.push(`### ${r.row}: ${prose(r.behaviour)}`);
    out.push('');
    out.push(`Category ${code(r.category)} (seed: ${r.seedCategory}), seed priority ${r.seedPriority}.`);
    out.push('');
    if (r.rules.length === 0) {
      out.push('No rule yet.');
      continue;
    }
    out.push(
      table(
        ['rule', 'title', 'priority', 'kind'],
        r.rules.map((x) => [link(x, 'rules.md'), cell(x.title), x.priority, code(x.kind)]),
      ),
    );
  }
  out.push('');
  out.push('## Beyond the matrix');
  out.push('');
  if (coverage.beyondMatrix.length === 0) {
    out.push('No rule yet.');
  } else {
    out.push(
      table(
        ['rule', 'category', 'title', 'priority', 'kind'],
        coverage.beyondMatrix.map((x) => [
          link(x, 'rules.md'),
          code(x.category),
          cell(x.title),
          x.priority,
          code(x.kind),
        ]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
