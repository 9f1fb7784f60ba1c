/**
 * The rule catalogue, generated from the registry: `renderRulesDoc` writes docs/rules.md, and
 * `describeRule` gives the plain-data form of a rule that `trailhound rules` prints as JSON. The
 * registry is the only source; nothing here is written by hand per rule.
 */
import { CATEGORIES } from '../engine/rule.js';
import type { ApiSelector, Rule } from '../engine/rule.js';
import type { JsonObject } from '../model/event.js';
import { cell, code, mitreLink, ruleAnchor, table } from './markdown.js';

export interface KnobDescription {
  name: string;
  default: unknown;
  description: string;
}

/** A rule as plain data: everything but its functions and example records. */
export interface RuleDescription {
  id: string;
  title: string;
  category: string;
  row: string | null;
  priority: string;
  kind: string;
  on: string;
  mitre: string[];
  description: string;
  falsePositives: string[];
  response: string[];
  references: string[];
  knobs: KnobDescription[];
  examples: { fire: string[]; miss: string[] };
}

function selectorText(on: ApiSelector | 'flow'): string {
  if (on === 'flow') return 'VPC Flow Log records';
  const names = on.eventNames === '*' ? 'every API event' : on.eventNames.join(', ');
  return on.eventSource === undefined ? names : `${on.eventSource.join(', ')}: ${names}`;
}

/** Which events a rule listens to, in words. */
export function eventsOf(rule: Rule): string {
  return selectorText(rule.on);
}

export function describeRule(rule: Rule): RuleDescription {
  return {
    id: rule.id,
    title: rule.title,
    category: rule.category,
    row: rule.row,
    priority: rule.priority,
    kind: rule.kind,
    on: eventsOf(rule),
    mitre: [...rule.mitre],
    description: rule.description,
    falsePositives: [...rule.falsePositives],
    response: [...rule.response],
    references: [...rule.references],
    knobs: Object.entries(rule.knobs).map(([name, k]) => ({
      name,
      default: k.default,
      description: k.description,
    })),
    examples: {
      fire: rule.examples.fire.map((x) => x.title),
      miss: rule.examples.miss.map((x) => x.title),
    },
  };
}

/** A knob default as it reads in docs: JSON, which is also how it is written in YAML config. */
export function formatDefault(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function exampleLine(title: string, config: JsonObject | undefined): string {
  return config === undefined ? `- ${title}` : `- ${title} (with configuration ${code(JSON.stringify(config))})`;
}

function ruleSection(rule: Rule): string {
  const d = describeRule(rule);
  const out: string[] = [];
  out.push(`<a id="${ruleAnchor(rule.id)}"></a>`);
  out.push('');
  out.push(`### ${code(rule.id)}: ${rule.title}`);
  out.push('');
  out.push(
    table(
      ['', ''],
      [
        ['Category', code(d.category)],
        ['Matrix row', d.row === null ? 'beyond the matrix' : d.row],
        ['Priority', d.priority],
        ['Kind', code(d.kind)],
        ['Events', cell(d.on)],
        ['MITRE ATT&CK', d.mitre.map(mitreLink).join(', ')],
      ],
    ),
  );
  out.push('');
  out.push(d.description);
  out.push('');
  out.push('**Knobs**');
  out.push('');
  if (d.knobs.length === 0) {
    out.push('None.');
  } else {
    out.push(
      table(
        ['knob', 'default', 'meaning'],
        d.knobs.map((k) => [code(k.name), cell(code(formatDefault(k.default))), cell(k.description)]),
      ),
    );
  }
  out.push('');
  out.push('**False positives**');
  out.push('');
  for (const fp of d.falsePositives) out.push(`- ${fp}`);
  out.push('');
  out.push('**Response**');
  out.push('');
  d.response.forEach((step, i) => out.push(`${i + 1}. ${step}`));
  out.push('');
  out.push(
    `**Examples** (run by the test suite): ${d.examples.fire.length} that fire, ` +
      `${d.examples.miss.length} near miss${d.examples.miss.length === 1 ? '' : 'es'} that must not.`,
  );
  out.push('');
  out.push('Fires:');
  out.push('');
  for (const x of rule.examples.fire) out.push(exampleLine(x.title, x.config as JsonObject | undefined));
  out.push('');
  out.push('Does not fire:');
  out.push('');
  for (const x of rule.examples.miss) out.push(exampleLine(x.title, x.config as JsonObject | undefined));
  out.push('');
  out.push('**References**');
  out.push('');
  for (const r of d.references) out.push(`- <${r}>`);
  return out.join('\n');
}

/**
 * docs/rules.md: a summary table of every rule, then one section per rule with its metadata,
 * knobs and defaults, ATT&CK techniques, false positives, response and examples.
 */
export function renderRulesDoc(rules: readonly Rule[]): string {
  const out: string[] = [];
  out.push('# Rules');
  out.push('');
  out.push(
    '<!-- Generated from the rule registry (src/rules/registry.ts) by `trailhound docs --write`. Do not edit by hand. -->',
  );
  out.push('');
  out.push(
    `trailhound ships ${rules.length} rule${rules.length === 1 ? '' : 's'}. Each can be disabled, ` +
      're-prioritised or tuned through its knobs under `rules.<id>` in the configuration file ' +
      '(`trailhound rules show ID` prints one rule with its examples). Rules that speak of ' +
      '"unexpected" or "automation" read the `organisation` section of the configuration.',
  );
  out.push('');
  out.push(
    table(
      ['id', 'title', 'row', 'priority', 'MITRE ATT&CK'],
      rules.map((r) => [
        `[${code(r.id)}](#${ruleAnchor(r.id)})`,
        cell(r.title),
        r.row ?? '—',
        r.priority,
        r.mitre.join(', '),
      ]),
    ),
  );
  for (const category of CATEGORIES) {
    const inCategory = rules.filter((r) => r.category === category);
    if (inCategory.length === 0) continue;
    out.push('');
    out.push(`## ${code(category)}`);
    for (const rule of inCategory) {
      out.push('');
      out.push(ruleSection(rule));
    }
  }
  return `${out.join('\n')}\n`;
}
