import { describe, expect, it } from 'vitest';
import { wrap } from './table.js';

describe('wrap', () => {
  it('wraps at spaces and keeps every character', () => {
    const text = 'alice deleted CloudWatch Logs log group /aws/vpc/flow-logs in eu-west-1';
    const lines = wrap(text, 20);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
    expect(lines.join(' ')).toBe(text);
  });
  it('splits a word longer than the width', () => {
    expect(wrap('arn:aws:cloudtrail:eu-west-1:111122223333:trail/x', 16)).toEqual([
      'arn:aws:cloudtra',
      'il:eu-west-1:111',
      '122223333:trail/',
      'x',
    ]);
    expect(wrap('', 10)).toEqual(['']);
  });
});
