/**
 * `trailhound rules list|show|test` and `trailhound matrix`: the rule catalogue and matrix coverage
 * on the command line, read from the same registry and generators as the docs, so what the CLI says
 * and what docs/ says cannot differ. `rules test` runs a user's own labelled events against the
 * rules; the file format and the logic live in src/rules/user-tests.ts.
 */
import Table from 'cli-table3';
import type { Command } from 'commander';
import { Option } from 'commander';
import { matrixCoverage, renderMatrixDoc } from '../docs/matrix.js';
import { describeRule, formatDefault } from '../docs/rules.js';
import type { Rule } from '../engine/rule.js';
import { TrailhoundError } from '../errors.js';
import { RULES } from '../rules/registry.js';
import {
  formatResults,
  loadUserTests,
  runUserTests,
  USER_TESTS_HELP,
} from '../rules/user-tests.js';

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function plainTable(head: string[]): Table.Table {
  // No colours or styling: the output is often piped or pasted into tickets.
  return new Table({
    head,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
}

function findRule(id: string, rules: readonly Rule[]): Rule {
  const rule = rules.find((r) => r.id === id);
  if (rule !== undefined) return rule;
  const near = rules.filter((r) => r.id.includes(id) || id.includes(r.id.split('.').at(-1) ?? ''));
  throw new TrailhoundError('usage', `no rule with id "${id}"`, {
    details:
      near.length > 0
        ? near.slice(0, 5).map((r) => `did you mean ${r.id}?`)
        : ['run `trailhound rules list` to see every rule id'],
  });
}

/** The text `rules show` prints: metadata, knobs with defaults, and every example record. */
export function renderRuleText(rule: Rule): string {
  const d = describeRule(rule);
  const lines: string[] = [];
  lines.push(`${d.id}: ${d.title}`);
  lines.push('');
  lines.push(`  category      ${d.category}`);
  lines.push(`  matrix row    ${d.row ?? 'beyond the matrix'}`);
  lines.push(`  priority      ${d.priority}`);
  lines.push(`  kind          ${d.kind}`);
  lines.push(`  events        ${d.on}`);
  lines.push(`  MITRE ATT&CK  ${d.mitre.join(', ')}`);
  lines.push('');
  lines.push(d.description);
  lines.push('');
  lines.push('Knobs (set under rules.<id>.knobs in the configuration):');
  if (d.knobs.length === 0) lines.push('  none');
  for (const k of d.knobs) {
    lines.push(`  ${k.name} = ${formatDefault(k.default)}`);
    lines.push(`      ${k.description}`);
  }
  lines.push('');
  lines.push('False positives:');
  for (const fp of d.falsePositives) lines.push(`  - ${fp}`);
  lines.push('');
  lines.push('Response:');
  d.response.forEach((step, i) => lines.push(`  ${i + 1}. ${step}`));
  lines.push('');
  lines.push('References:');
  for (const r of d.references) lines.push(`  - ${r}`);
  const examples = (label: string, list: Rule['examples']['fire']): void => {
    lines.push('');
    lines.push(`${label} (${list.length}):`);
    list.forEach((x, i) => {
      lines.push('');
      lines.push(`  ${i + 1}. ${x.title}`);
      if (x.config !== undefined) lines.push(`     configuration: ${JSON.stringify(x.config)}`);
      const json = (v: unknown) => {
        for (const l of JSON.stringify(v, null, 2).split('\n')) lines.push(`     ${l}`);
      };
      if ('record' in x) json(x.record);
      else if ('records' in x)
        x.records.forEach((r, n) => (lines.push(`     event ${n + 1}:`), json(r)));
      else {
        if (x.header !== undefined) lines.push(`     header: ${x.header}`);
        for (const f of 'flows' in x ? x.flows : [x.flow]) lines.push(`     flow:   ${f}`);
      }
    });
  };
  examples('Examples that fire', rule.examples.fire);
  examples('Near misses that must not fire', rule.examples.miss);
  return `${lines.join('\n')}\n`;
}

export function registerRules(program: Command, rules: readonly Rule[] = RULES): void {
  const cmd = program.command('rules').description('list, inspect and test the detection rules');

  cmd
    .command('list')
    .description('list every rule with its matrix row and priority')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['table', 'json'])
        .default('table'),
    )
    .action((flags: { format: 'table' | 'json' }) => {
      if (flags.format === 'json') {
        out(JSON.stringify(rules.map(describeRule), null, 2));
        return;
      }
      const t = plainTable(['id', 'title', 'row', 'priority', 'kind']);
      for (const r of rules) t.push([r.id, r.title, r.row ?? '-', r.priority, r.kind]);
      out(t.toString());
      out(`${rules.length} rule${rules.length === 1 ? '' : 's'}`);
    });

  cmd
    .command('show')
    .description('print one rule: metadata, knobs with their defaults, and its examples')
    .argument('<id>', 'rule id, for example aws.evasion.cloudtrail-stopped')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .action((id: string, flags: { format: 'text' | 'json' }) => {
      const rule = findRule(id, rules);
      if (flags.format === 'json') {
        out(
          JSON.stringify(
            {
              ...describeRule(rule),
              examples: { fire: rule.examples.fire, miss: rule.examples.miss },
            },
            null,
            2,
          ),
        );
        return;
      }
      out(renderRuleText(rule));
    });

  cmd
    .command('test')
    .description('run your own labelled events against the rules (exit 1 when a case fails)')
    .argument('<files...>', 'YAML or JSON files of test cases (format below)')
    .option(
      '-c, --config <file>',
      'configuration every case starts from (default: none; cases run under the defaults)',
    )
    .addHelpText('after', USER_TESTS_HELP)
    .action(async (files: string[], flags: { config?: string }) => {
      const cases = await loadUserTests(
        files,
        flags.config === undefined ? { rules } : { rules, configFile: flags.config },
      );
      const results = runUserTests(cases);
      out(formatResults(results).join('\n'));
      if (results.some((r) => !r.passed)) process.exitCode = 1;
    });
}

export function registerMatrix(program: Command, rules: readonly Rule[] = RULES): void {
  program
    .command('matrix')
    .description('print the seed threat matrix with the rules that implement each row')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['markdown', 'json'])
        .default('markdown'),
    )
    .action((flags: { format: 'markdown' | 'json' }) => {
      out(
        flags.format === 'json'
          ? JSON.stringify(matrixCoverage(rules), null, 2)
          : renderMatrixDoc(rules),
      );
    });
}
