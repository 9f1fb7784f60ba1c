/**
 * The rule registry: every rule trailhound ships, in one explicit list. A rule exists for the
 * engine, the docs and the CLI only when it is listed here; nothing registers itself on import.
 * Keep the list grouped by category and, within a category, by matrix row.
 */
import type { Rule } from '../engine/rule.js';
import { EVASION_RULES } from './evasion/index.js';

/** Each category keeps its own list in `src/rules/<category>/index.ts`; this joins them. */
export const RULES: readonly Rule[] = [...EVASION_RULES];
