import { describe, expect, it } from 'vitest';
import type { JsonValue, Origin } from '../model/event.js';
import { cloudWatchTextMessage, decodeValue } from './cloudtrail.js';
import type { Decoded } from './types.js';

const rec = (name: string) => ({
  eventName: name,
  eventSource: 'iam.amazonaws.com',
  eventTime: '2024-03-14T09:00:00Z',
});

function decode(v: unknown, place: Origin = { file: 'f' }) {
  const out: Decoded[] = [];
  decodeValue(v as JsonValue, place, out);
  return out;
}

describe('decodeValue', () => {
  it('takes records out of nested envelopes, keeping the outer place', () => {
    const out = decode({
      events: [
        { timestamp: 1, message: JSON.stringify(rec('A')) },
        {
          timestamp: 2,
          message: JSON.stringify({
            'detail-type': 'AWS API Call via CloudTrail',
            detail: rec('B'),
          }),
        },
      ],
    });
    expect(out).toEqual([
      { type: 'cloudtrail', record: rec('A'), origin: { file: 'f', index: 0 } },
      { type: 'cloudtrail', record: rec('B'), origin: { file: 'f', index: 1 } },
    ]);
  });

  it('gives records inside a line both the line and their index', () => {
    const out = decode({ Records: [rec('A'), 42] }, { file: 'f', line: 7 });
    expect(out[0]).toEqual({
      type: 'cloudtrail',
      record: rec('A'),
      origin: { file: 'f', line: 7, index: 0 },
    });
    expect(out[1]).toMatchObject({
      type: 'problem',
      problem: { code: 'not-a-record', line: 7, index: 1 },
    });
    expect(out[1]?.type === 'problem' && out[1].problem.reason).toMatch(/the number 42/);
  });

  it('reads lookup-events output, whose records are JSON text', () => {
    const out = decode({ Events: [{ EventId: 'e', CloudTrailEvent: JSON.stringify(rec('A')) }] });
    expect(out).toEqual([
      { type: 'cloudtrail', record: rec('A'), origin: { file: 'f', index: 0 } },
    ]);
  });

  it('explains a CloudWatch Logs message that is not JSON, or broken JSON', () => {
    const [text, broken] = decode([
      { timestamp: 1, message: 'START RequestId: 1b2c Version: $LATEST' },
      { timestamp: 2, message: '{"eventName": "A",' },
    ]);
    expect(text).toMatchObject({ problem: { code: 'not-a-record', index: 0 } });
    expect(text?.type === 'problem' && text.problem.reason).toMatch(/is not JSON \(starts "START/);
    expect(broken).toMatchObject({ problem: { code: 'invalid-json', index: 1 } });
  });

  it('reports a Lake row without the columns that make a record', () => {
    const [p] = decode({ QueryResultRows: [[{ eventTime: '2024-03-14 09:00:00.000' }]] });
    expect(p).toMatchObject({ problem: { code: 'not-a-record', index: 0 } });
    expect(p?.type === 'problem' && p.problem.reason).toMatch(/no eventName or eventSource column/);
  });

  it('does not recurse without end', () => {
    let v: unknown = rec('deep');
    for (let i = 0; i < 10; i++) v = [v];
    const [p] = decode(v);
    expect(p).toMatchObject({ problem: { code: 'not-a-record' } });
    expect(p?.type === 'problem' && p.problem.reason).toMatch(/too deeply/);
  });
});

describe('cloudWatchTextMessage', () => {
  it('returns what follows the export timestamp', () => {
    expect(cloudWatchTextMessage('2024-03-14T09:05:12.000Z {"a":1}')).toBe('{"a":1}');
    expect(cloudWatchTextMessage('2024-03-14T09:05:12Z x')).toBe('x');
    expect(cloudWatchTextMessage('2024-03-14 09:05:12.000Z {"a":1}')).toBeUndefined();
    expect(cloudWatchTextMessage('{"a":1}')).toBeUndefined();
  });
});
