/**
 * The `json` format: one document, `{"summary": {…}, "findings": […]}`, with the run summary in
 * machine-readable form (problems with their file and position) beside the findings.
 */
import type { Finding } from '../findings/finding.js';
import type { RunSummary } from '../hunt/summary.js';

export function renderJson(findings: readonly Finding[], summary: RunSummary): string {
  return `${JSON.stringify({ summary, findings }, null, 2)}\n`;
}
