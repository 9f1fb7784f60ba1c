/**
 * `aws.compute.new-image-for-account` beyond its examples: the priority each story earns, and the
 * image of a launch-template launch read from the response.
 */
import { describe, expect, it } from 'vitest';
import type { Example, Rule } from '../../engine/rule.js';
import type { Hit } from '../../findings/finding.js';
import { runExample } from '../examples.js';
import { RULES } from '../registry.js';

const rule = (id: string): Rule => RULES.find((r) => r.id === id) as Rule;
const hitsOf = (id: string, example: Example): Hit[] => {
  const run = runExample(RULES, rule(id), example);
  expect(run.failures).toEqual([]);
  return run.hits;
};
const priorities = (id: string): string[][] =>
  rule(id).examples.fire.map((x) => hitsOf(id, x).map((h) => h.priority));

describe('aws.compute.new-image-for-account', () => {
  const ID = 'aws.compute.new-image-for-account';

  it('is medium for people and one level lower for AWS services (Auto Scaling)', () => {
    expect(priorities(ID)).toEqual([['medium'], ['low'], ['medium']]);
  });

  it('reads the image of a launch-template launch from the response', () => {
    const [scaleOut] = hitsOf(ID, rule(ID).examples.fire[1] as Example);
    expect(scaleOut?.summary).toContain('from ami-07caf09b362be10b8');
    expect(scaleOut?.summary).toContain('(2 images known');
  });

  it('is lowered for the configured automation', () => {
    const first = rule(ID).examples.fire[0] as Example;
    const config = { organisation: { automationArns: ['arn:aws:iam::*:user/alice'] } };
    expect(hitsOf(ID, { ...first, config }).map((h) => h.priority)).toEqual(['low']);
  });
});
