/**
 * The labelled examples of the rules that judge where a call came from, run with address
 * enrichment as a hunt runs them: the country of a sign-in, the class (public, AWS, private) of
 * the address that used instance or long-term credentials. Each `fire` example must produce one
 * hit of its rule and each `miss` none, and without enrichment none of them may fire: these rules
 * must never guess a place they were not told.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { Example, Rule } from '../../engine/rule.js';
import type { Hit } from '../../findings/finding.js';
import callerIdentityLongTermKey from '../credential/caller-identity-long-term-key.js';
import instanceCredentialsOutsideAws from '../credential/instance-credentials-outside-aws.js';
import { replay } from '../lib/replay.js';
import unexpectedCountry from './unexpected-country.js';

const PLACE_RULES: readonly Rule[] = [
  unexpectedCountry,
  instanceCredentialsOutsideAws,
  callerIdentityLongTermKey,
];

function run(rule: Rule, example: Example, enrich: boolean): Hit[] {
  if (!('record' in example))
    throw new Error(`${rule.id} has a flow example; this test reads CloudTrail`);
  const { hits, failures } = replay(
    [rule],
    configSchema.parse(example.config ?? {}),
    [{ record: example.record, origin: { file: `example:${rule.id}`, index: 0 } }],
    { enrich },
  );
  expect(failures).toEqual([]);
  return hits;
}

describe.each(PLACE_RULES.map((r) => [r.id, r] as const))('%s with enrichment', (_id, rule) => {
  it.each(rule.examples.fire.map((x) => [x.title, x] as const))('fires: %s', (_t, example) => {
    const hits = run(rule, example, true);
    expect(hits).toHaveLength(1);
    expect((hits[0] as Hit).summary).toMatch(/ from \S+ \(/);
    expect(run(rule, example, false)).toEqual([]);
  });

  it.each(rule.examples.miss.map((x) => [x.title, x] as const))('misses: %s', (_t, example) => {
    expect(run(rule, example, true)).toEqual([]);
  });
});
