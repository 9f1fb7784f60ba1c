/**
 * Small Markdown helpers for the generated docs: table cells that cannot break a table, inline
 * code, ATT&CK links and anchors. Output must be byte-for-byte stable, since the drift check
 * compares committed docs with freshly generated ones.
 */

/** Text safe inside a table cell: pipes escaped, line breaks folded into spaces. */
export function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Prose that keeps its asterisks (`List*`) instead of turning them into emphasis. */
export function prose(text: string): string {
  return text.replace(/([\\*_])/g, '\\$1');
}

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** `T1562.008` → a link to the technique page on attack.mitre.org. */
export function mitreLink(id: string): string {
  const m = /^T(\d{4})(?:\.(\d{3}))?$/.exec(id);
  if (m === null) return id;
  const path = m[2] === undefined ? `T${m[1]}` : `T${m[1]}/${m[2]}`;
  return `[${id}](https://attack.mitre.org/techniques/${path}/)`;
}

/** The anchor id a rule's section carries in docs/rules.md. */
export function ruleAnchor(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '-');
}

/** A GitHub-flavoured Markdown table. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
