/**
 * The per-principal habit rules (a region or a service new for the principal), beyond their
 * examples: the priority each story earns and why, the knobs that change what is learned, and the
 * stable key state is kept under.
 */
import { describe, expect, it } from 'vitest';
import type { Example, Rule } from '../../engine/rule.js';
import type { Hit } from '../../findings/finding.js';
import { runExample } from '../examples.js';
import { ctRecord, USER_AGENTS } from '../lib.js';
import { DAY, isoAfter } from '../lib/principal-behaviour.js';
import { RULES } from '../registry.js';

const rule = (id: string): Rule => RULES.find((r) => r.id === id) as Rule;
const hitsOf = (id: string, example: Example): Hit[] => {
  const run = runExample(RULES, rule(id), example);
  expect(run.failures).toEqual([]);
  return run.hits;
};
const priorities = (id: string): string[][] =>
  rule(id).examples.fire.map((x) => hitsOf(id, x).map((h) => h.priority));

describe('aws.time-geo.new-service-for-principal', () => {
  const ID = 'aws.time-geo.new-service-for-principal';

  it('raises sensitive services one level: secrets and IAM medium, SES low', () => {
    expect(priorities(ID)).toEqual([['medium'], ['low'], ['medium']]);
  });

  it('lowers console calls and principals without history, and obeys sensitiveServices', () => {
    const T0 = '2026-02-01T09:00:00Z';
    const learning = ctRecord({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances',
      eventTime: T0,
      readOnly: true,
      requestParameters: { instancesSet: {}, filterSet: {} },
    });
    const later = isoAfter(T0, 15 * DAY);
    // A call the console made for alice, marked as CloudTrail marks them.
    const browsing = {
      ...ctRecord({
        eventSource: 'lightsail.amazonaws.com',
        eventName: 'GetInstances',
        eventTime: later,
        readOnly: true,
        sourceIPAddress: '73.162.10.20',
        userAgent:
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
        requestParameters: {},
      }),
      sessionCredentialFromConsole: 'true',
    };
    const console = hitsOf(ID, { title: 'console', records: [learning, browsing] });
    expect(console.map((h) => h.priority)).toEqual(['info']);
    // Learning ended before this principal's first call: every service is new, one level lower.
    const stranger = hitsOf(ID, {
      title: 'stranger',
      records: [
        learning,
        ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'GetSecretValue',
          eventTime: later,
          readOnly: true,
          identity: 'ci',
          userAgent: USER_AGENTS.boto3,
          requestParameters: { secretId: 'prod/orders/db' },
        }),
      ],
    });
    expect(stranger.map((h) => [h.priority, h.figures?.knownValues])).toEqual([['low', 0]]);
    expect(stranger[0]?.summary).toContain('the first service seen for this principal');
    // With an empty sensitiveServices list a secret read is as weak as any other service.
    const plain = hitsOf(ID, {
      ...(rule(ID).examples.fire[0] as Example),
      config: { rules: { [ID]: { knobs: { sensitiveServices: [] } } } },
    });
    expect(plain.map((h) => h.priority)).toEqual(['low']);
  });
});

describe('aws.time-geo.new-region-for-principal', () => {
  const ID = 'aws.time-geo.new-region-for-principal';

  it('is low, and one level higher outside the approved regions', () => {
    expect(priorities(ID)).toEqual([['low'], ['low'], ['medium']]);
  });

  it('learns us-east-1 from IAM calls only when IAM is removed from globalServices', () => {
    const firstUsEast = rule(ID).examples.fire[1] as Example;
    expect(hitsOf(ID, firstUsEast)).toHaveLength(1);
    const noGlobals = {
      ...firstUsEast,
      config: { rules: { [ID]: { knobs: { globalServices: [] } } } },
    };
    expect(hitsOf(ID, noGlobals)).toEqual([]);
  });

  it('keeps one state per role, not per session', () => {
    const story = rule(ID).examples.fire[2] as Example;
    const hits = hitsOf(ID, story);
    expect(hits.map((h) => h.key)).toEqual(['arn:aws:iam::123456789012:role/deploy-terraform']);
    expect(hits[0]?.figures?.knownValues).toBe(2);
  });
});
