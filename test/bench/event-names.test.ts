/**
 * The event names the comparison with jq and DuckDB filters for (bench/event-names.ts): taken from
 * the registry, they must be a usable filter that means what trailhound's rules select.
 */
import { describe, expect, it } from 'vitest';
import { singleEventNames, VERSION_SUFFIX } from '../../bench/event-names.js';
import { baseEventName } from '../../src/normalise/cloudtrail.js';
import { RULES } from '../../src/rules/registry.js';

describe('singleEventNames', () => {
  const { names, rules } = singleEventNames(RULES);

  it('lists the names of the single-event API rules, sorted, once each', () => {
    expect(rules).toBeGreaterThan(0);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(names);
    expect(names).toEqual(expect.arrayContaining(['CreateUser', 'StopLogging', 'DeleteTrail']));
    expect(names).not.toContain('*');
  });

  it('leaves out stateful rules and rules on every event', () => {
    const only = singleEventNames(
      RULES.filter((r) => r.kind !== 'match' || r.on === 'flow' || r.on.eventNames === '*'),
    );
    expect(only).toEqual({ names: [], rules: 0 });
  });

  it('holds names in the base form the engine compares against', () => {
    for (const name of names) expect(baseEventName(name)).toBe(name);
  });
});

describe('VERSION_SUFFIX', () => {
  const strip = (name: string) => name.replace(new RegExp(VERSION_SUFFIX), '');

  it('strips the API version as the normaliser does', () => {
    for (const name of [
      'UpdateFunctionCode20150331v2',
      'ListFunctions20150331',
      'CreateFunction20150331',
      'ListObjectsV2',
      'CreateUser',
      'GetObject',
    ])
      expect(strip(name)).toBe(baseEventName(name));
  });
});
