/**
 * The `jsonl` format: the output contract of DESIGN.md, one finding per line and nothing else, so
 * `trailhound hunt … --format jsonl | jq` always sees only findings.
 */
import type { Finding } from '../findings/finding.js';

export function* jsonlLines(findings: Iterable<Finding>): Generator<string> {
  for (const f of findings) yield `${JSON.stringify(f)}\n`;
}
