/**
 * Meta-test over the whole registry: ids are unique and equal to their files, every rule file is
 * registered, categories and rows are valid, ATT&CK ids are well formed, metadata and examples are
 * there, knob defaults pass their own schemas, and the matrix rows required so far have rules.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PRIORITIES } from '../config/schema.js';
import { CATEGORIES, ROWS } from '../engine/rule.js';
import type { Row } from '../engine/rule.js';
import { RULES } from './registry.js';

const RULES_DIR = fileURLToPath(new URL('./', import.meta.url));
const ID = /^aws\.([a-z][a-z-]*)\.([a-z0-9][a-z0-9-]*)$/;
const ATTACK_ID = /^T\d{4}(\.\d{3})?$/;
const KINDS = ['match', 'threshold', 'firstSeen', 'dormancy', 'sequence', 'baseline', 'beacon'];

/**
 * Rows that must have at least one rule. The foundation issue ships EVA-1 and EVA-2; when the rules
 * issue completes the matrix, replace this list with `Object.keys(ROWS)`.
 */
const REQUIRED_ROWS = Object.keys(ROWS) as Row[];

describe('rule registry', () => {
  it('has unique ids', () => {
    const ids = RULES.map((r) => r.id);
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(duplicates).toEqual([]);
  });

  it('registers every rule file under src/rules/<category>/', () => {
    const registered = new Set(RULES.map((r) => r.id));
    const files: string[] = [];
    for (const category of CATEGORIES) {
      const dir = `${RULES_DIR}${category}`;
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir)) {
        if (f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts')
          files.push(`aws.${category}.${f.slice(0, -3)}`);
      }
    }
    expect(files.filter((id) => !registered.has(id))).toEqual([]);
  });

  it.each(REQUIRED_ROWS.map((row) => [row]))('has a rule for matrix row %s', (row) => {
    expect(RULES.filter((r) => r.row === row).map((r) => r.id)).not.toEqual([]);
  });
});

describe.each(RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
  it('has an id equal to its path under src/rules/', () => {
    const m = ID.exec(id);
    expect(m, `id ${id} is not aws.<category>.<name>`).not.toBeNull();
    const [, category, name] = m as RegExpExecArray;
    expect(category).toBe(rule.category);
    expect(existsSync(`${RULES_DIR}${category}/${name}.ts`)).toBe(true);
  });

  it('has a valid category, row, priority and kind', () => {
    expect(CATEGORIES).toContain(rule.category);
    if (rule.row !== null) {
      expect(Object.keys(ROWS)).toContain(rule.row);
      expect(ROWS[rule.row]).toBe(rule.category);
    }
    expect(PRIORITIES).toContain(rule.priority);
    expect(KINDS).toContain(rule.kind);
  });

  it('has well-formed ATT&CK technique ids', () => {
    expect(rule.mitre.length).toBeGreaterThan(0);
    for (const t of rule.mitre) expect(t).toMatch(ATTACK_ID);
  });

  it('has its required metadata', () => {
    expect(rule.title.trim()).not.toBe('');
    expect(rule.description.trim().length).toBeGreaterThan(40);
    expect(rule.falsePositives.length).toBeGreaterThan(0);
    expect(rule.response.length).toBeGreaterThan(0);
    expect(rule.references.length).toBeGreaterThan(0);
    for (const s of [...rule.falsePositives, ...rule.response]) expect(s.trim()).not.toBe('');
    for (const ref of rule.references) expect(ref).toMatch(/^https:\/\/\S+$/);
    if (rule.on !== 'flow') {
      expect(rule.on.eventNames === '*' || rule.on.eventNames.length > 0).toBe(true);
    }
  });

  it('has at least one example that fires and one near miss, with distinct titles', () => {
    expect(rule.examples.fire.length).toBeGreaterThan(0);
    expect(rule.examples.miss.length).toBeGreaterThan(0);
    const titles = [...rule.examples.fire, ...rule.examples.miss].map((x) => x.title);
    for (const t of titles) expect(t.trim()).not.toBe('');
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('has knobs whose defaults pass their own schema', () => {
    for (const [name, k] of Object.entries(rule.knobs)) {
      expect(k.description.trim(), `knob ${name}`).not.toBe('');
      const parsed = k.schema.safeParse(k.default);
      expect(parsed.success, `knob ${name} default ${JSON.stringify(k.default)}`).toBe(true);
    }
  });
});
