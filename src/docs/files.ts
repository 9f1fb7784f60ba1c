/**
 * The generated doc files and the drift check. Each file under docs/ that describes code is
 * listed here with its renderer; `writeDocs` regenerates them and `checkDocs` reports any
 * committed copy that differs from what the code generates now.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rule } from '../engine/rule.js';
import { renderMatrixDoc } from './matrix.js';
import { renderRulesDoc } from './rules.js';

export interface GeneratedDoc {
  /** Path relative to the docs directory. */
  file: string;
  render(rules: readonly Rule[]): string;
}

export const GENERATED_DOCS: readonly GeneratedDoc[] = [
  { file: 'rules.md', render: renderRulesDoc },
  { file: 'MATRIX.md', render: renderMatrixDoc },
];

/**
 * The repository's docs/ directory. This module sits two levels below the package root both as
 * source (src/docs/) and when built (dist/docs/).
 */
export function defaultDocsDir(): string {
  return fileURLToPath(new URL('../../docs/', import.meta.url));
}

/** Writes every generated doc into `dir`; returns the paths written. */
export async function writeDocs(dir: string, rules: readonly Rule[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const doc of GENERATED_DOCS) {
    const path = join(dir, doc.file);
    await writeFile(path, doc.render(rules), 'utf8');
    written.push(path);
  }
  return written;
}

export interface DocDrift {
  path: string;
  problem: 'missing' | 'stale';
}

/** Compares every generated doc with the file in `dir`; an empty list means no drift. */
export async function checkDocs(dir: string, rules: readonly Rule[]): Promise<DocDrift[]> {
  const drift: DocDrift[] = [];
  for (const doc of GENERATED_DOCS) {
    const path = join(dir, doc.file);
    let committed: string;
    try {
      committed = await readFile(path, 'utf8');
    } catch {
      drift.push({ path, problem: 'missing' });
      continue;
    }
    // Git may check files out with CRLF on Windows; that is not drift.
    if (committed.replace(/\r\n/g, '\n') !== doc.render(rules)) drift.push({ path, problem: 'stale' });
  }
  return drift;
}
