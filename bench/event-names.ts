/**
 * The event names the comparison (compare.ts) filters for with jq and DuckDB: every name that a
 * single-event CloudTrail rule (an API match rule) selects, taken from the registry so the list
 * follows the rules. Rules that select every event (`'*'`) and stateful rules are left out: what
 * they find cannot be written as a filter on names.
 */
import type { Rule } from '../src/engine/rule.js';

export interface SingleEventNames {
  /** Sorted, without duplicates, in base form (no API-version suffix). */
  names: string[];
  /** How many rules contributed. */
  rules: number;
}

export function singleEventNames(rules: readonly Rule[]): SingleEventNames {
  const names = new Set<string>();
  let count = 0;
  for (const rule of rules) {
    if (rule.kind !== 'match' || rule.on === 'flow' || rule.on.eventNames === '*') continue;
    count++;
    for (const name of rule.on.eventNames) names.add(name);
  }
  return { names: [...names].sort(), rules: count };
}

/**
 * Lambda writes its API version into the event name (`UpdateFunctionCode20150331v2`); trailhound
 * compares names without it (`baseEventName` in src/normalise/cloudtrail.ts), so the jq and DuckDB
 * filters replace this pattern by nothing before looking a name up. Valid in jq (Oniguruma) and
 * DuckDB (RE2); anchored at the end, its leftmost match is the suffix.
 */
export const VERSION_SUFFIX = '20[0-9]{6}(v[0-9]+)?$';
