/**
 * Tests of the rule helpers, and of the priority policy as it reaches findings: configured
 * priorities, attempts, sensitive targets and automation.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { compileRules } from '../engine/compile.js';
import { evaluateMatch } from '../engine/evaluate.js';
import type { RuleFailure } from '../engine/evaluate.js';
import type { Hit } from '../findings/finding.js';
import type { ApiEvent, JsonObject } from '../model/event.js';
import { normaliseCloudTrail } from '../normalise/cloudtrail.js';
import {
  actorName,
  at,
  bool,
  byAwsService,
  ctRecord,
  ec2Values,
  field,
  IDENTITIES,
  isAutomation,
  list,
  names,
  num,
  shift,
  str,
  where,
} from './lib.js';
import { RULES } from './registry.js';

function event(record: JsonObject): ApiEvent {
  const n = normaliseCloudTrail(record, { file: 'test.json', index: 0 });
  if (!n.ok) throw new Error(n.reason);
  return n.event;
}

function hitsFor(ruleId: string, record: JsonObject, config: Record<string, unknown> = {}): Hit[] {
  const set = compileRules(RULES, configSchema.parse(config));
  const hits: Hit[] = [];
  const failures: RuleFailure[] = [];
  evaluateMatch(set, event(record), hits, failures);
  expect(failures).toEqual([]);
  return hits.filter((h) => h.ruleId === ruleId);
}

describe('getters', () => {
  const o: JsonObject = {
    name: 'a',
    Flag: 'TRUE',
    size: '149893',
    nested: { list: [{ v: 1 }, { v: 2 }] },
  };

  it('read own properties, trying the other case of the first letter', () => {
    expect(field(o, 'name')).toBe('a');
    expect(field(o, 'flag')).toBe('TRUE');
    expect(field(o, 'Name')).toBe('a');
    expect(field(o, 'missing')).toBeUndefined();
  });

  it('never read inherited properties', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as JsonObject;
    expect(str(hostile, 'polluted')).toBeUndefined();
    expect(at({}, 'toString')).toBeUndefined();
    expect(at({}, 'constructor', 'name')).toBeUndefined();
  });

  it('follow paths and convert the string forms exports write', () => {
    expect(at(o, 'nested', 'list', 1, 'v')).toBe(2);
    expect(at(o, 'nested', 'list', 'v')).toBeUndefined();
    expect(bool(o, 'flag')).toBe(true);
    expect(bool(o, 'name')).toBeUndefined();
    expect(num(o, 'size')).toBe(149893);
    expect(num(o, 'name')).toBeUndefined();
    expect(str({ n: 5 }, 'n')).toBe('5');
    expect(str({ s: '' }, 's')).toBeUndefined();
  });

  it('treat a bare value as a one-element list, as XML-born records log it', () => {
    expect(list({ Rule: { ID: 'x' } }, 'Rule')).toEqual([{ ID: 'x' }]);
    expect(list({ Rule: [1, 2] }, 'Rule')).toEqual([1, 2]);
    expect(list({}, 'Rule')).toEqual([]);
    expect(list({ Rule: null }, 'Rule')).toEqual([]);
  });

  it('read EC2 values in all their wrappers', () => {
    expect(ec2Values({ id: { tag: 1, content: 'fl-1' } }, 'id')).toEqual(['fl-1']);
    expect(
      ec2Values(
        {
          id: [
            { tag: 1, content: 'fl-1' },
            { tag: 2, content: 'fl-2' },
          ],
        },
        'id',
      ),
    ).toEqual(['fl-1', 'fl-2']);
    expect(ec2Values({ id: { item: ['fl-1', 'fl-2'] } }, 'id')).toEqual(['fl-1', 'fl-2']);
    expect(ec2Values({ id: 'fl-1' }, 'id')).toEqual(['fl-1']);
    expect(ec2Values({}, 'id')).toEqual([]);
  });
});

describe('summaries', () => {
  it('name the actor by ARN, else by the service or key that acted', () => {
    expect(actorName(event(ctRecord({ eventSource: 'x.amazonaws.com', eventName: 'X' })))).toBe(
      IDENTITIES.user.arn,
    );
    const service = ctRecord({
      eventSource: 'x.amazonaws.com',
      eventName: 'X',
      identity: { type: 'AWSService', invokedBy: 'config.amazonaws.com' },
    });
    expect(actorName(event(service))).toBe('config.amazonaws.com');
    expect(byAwsService(event(service))).toBe(true);
  });

  it('say where, naming the account only when it is not the actor’s', () => {
    const own = event(ctRecord({ eventSource: 'x.amazonaws.com', eventName: 'X' }));
    expect(where(own)).toBe('in us-east-1');
    const record = ctRecord({
      eventSource: 'x.amazonaws.com',
      eventName: 'X',
      errorCode: 'AccessDenied',
    });
    record.recipientAccountId = '210987654321';
    expect(where(event(record))).toBe(
      'in us-east-1 of account 210987654321 (failed: AccessDenied)',
    );
  });

  it('list names briefly', () => {
    expect(names([])).toBe('(none named)');
    expect(names(['a', 'b'])).toBe('a and b');
    expect(names(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
  });
});

describe('ctRecord', () => {
  it('builds complete records with stable ids and CloudTrail field order', () => {
    const input = { eventSource: 'logs.amazonaws.com', eventName: 'DeleteLogGroup' } as const;
    const a = ctRecord(input);
    expect(ctRecord(input)).toEqual(a);
    expect(ctRecord({ ...input, eventName: 'DeleteLogStream' }).eventID).not.toBe(a.eventID);
    expect(Object.keys(a).slice(0, 8)).toEqual([
      'eventVersion',
      'userIdentity',
      'eventTime',
      'eventSource',
      'eventName',
      'awsRegion',
      'sourceIPAddress',
      'userAgent',
    ]);
    for (const k of [
      'requestID',
      'eventID',
      'readOnly',
      'eventType',
      'managementEvent',
      'recipientAccountId',
      'eventCategory',
    ]) {
      expect(a).toHaveProperty(k);
    }
    expect(a.eventID).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('priority policy', () => {
  const stop = (extra: Partial<Parameters<typeof ctRecord>[0]> = {}): JsonObject =>
    ctRecord({
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'StopLogging',
      requestParameters: { name: 'org-trail' },
      ...extra,
    });

  it('lowers failed calls by one level', () => {
    expect(hitsFor('aws.evasion.cloudtrail-stopped', stop())[0]?.priority).toBe('high');
    expect(
      hitsFor('aws.evasion.cloudtrail-stopped', stop({ errorCode: 'AccessDenied' }))[0]?.priority,
    ).toBe('medium');
  });

  it('starts from the priority set in configuration', () => {
    const config = { rules: { 'aws.evasion.cloudtrail-stopped': { priority: 'critical' } } };
    expect(hitsFor('aws.evasion.cloudtrail-stopped', stop(), config)[0]?.priority).toBe('critical');
    expect(
      hitsFor('aws.evasion.cloudtrail-stopped', stop({ errorCode: 'AccessDenied' }), config)[0]
        ?.priority,
    ).toBe('high');
  });

  it('raises sensitive targets and lowers the organisation’s automation', () => {
    const del = (logGroupName: string): JsonObject =>
      ctRecord({
        eventSource: 'logs.amazonaws.com',
        eventName: 'DeleteLogGroup',
        identity: 'ci',
        requestParameters: { logGroupName },
      });
    expect(hitsFor('aws.evasion.log-group-deleted', del('/aws/lambda/orders'))[0]?.priority).toBe(
      'medium',
    );
    expect(hitsFor('aws.evasion.log-group-deleted', del('/VPC/Flow-Logs'))[0]?.priority).toBe(
      'high',
    );
    const automation = { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } };
    expect(
      hitsFor('aws.evasion.log-group-deleted', del('/aws/lambda/orders'), automation)[0]?.priority,
    ).toBe('low');
  });

  it('does not lower tampering with security tools for automation', () => {
    const automation = { organisation: { automationUserAgents: ['*Terraform*'] } };
    const record = ctRecord({
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'DeleteTrail',
      identity: 'ci',
      userAgent: 'APN/1.0 HashiCorp/1.0 Terraform/1.7.5',
      requestParameters: { name: 'org-trail' },
    });
    expect(isAutomation(event(record), configSchema.parse(automation).organisation)).toBe(true);
    expect(hitsFor('aws.evasion.cloudtrail-deleted', record, automation)[0]?.priority).toBe('high');
  });

  it('reports a trail bucket change one level lower until trail buckets are configured', () => {
    const record = ctRecord({
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'UpdateTrail',
      requestParameters: { name: 'org-trail', s3BucketName: 'acme-cloudtrail-logs' },
    });
    expect(hitsFor('aws.evasion.cloudtrail-weakened', record)[0]?.priority).toBe('medium');
    const approved = {
      rules: {
        'aws.evasion.cloudtrail-weakened': { knobs: { trailBuckets: ['acme-cloudtrail-*'] } },
      },
    };
    expect(hitsFor('aws.evasion.cloudtrail-weakened', record, approved)).toEqual([]);
  });

  it('clamps at both ends of the scale', () => {
    expect(shift('critical', 1)).toBe('critical');
    expect(shift('info', -1)).toBe('info');
    expect(shift('medium', -2)).toBe('info');
  });
});
