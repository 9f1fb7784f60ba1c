import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lines.js';

function split(chunks: (string | Buffer)[], max = 1024) {
  const got: [string, number, boolean][] = [];
  const big: [number, number][] = [];
  const s = new LineSplitter(max, {
    line: (text, n, terminated) => got.push([text, n, terminated]),
    tooLarge: (n, bytes) => big.push([n, bytes]),
  });
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c);
  s.end();
  return { got, big };
}

describe('LineSplitter', () => {
  it('numbers lines across chunk boundaries and drops CR of CRLF', () => {
    const { got } = split(['ab', 'c\r\nde', 'f\n\ng', 'h']);
    expect(got).toEqual([
      ['abc', 1, true],
      ['def', 2, true],
      ['', 3, true],
      ['gh', 4, false],
    ]);
  });

  it('keeps a UTF-8 character split between chunks whole', () => {
    const bytes = Buffer.from('café ☕\n');
    const { got } = split([bytes.subarray(0, 4), bytes.subarray(4, 7), bytes.subarray(7)]);
    expect(got).toEqual([['café ☕', 1, true]]);
  });

  it('skips lines over the limit with their full length, also when they span chunks', () => {
    const long = 'x'.repeat(30);
    const { got, big } = split(['ok\n', long.slice(0, 12), long.slice(12), '\nfine\n', long], 20);
    expect(got).toEqual([
      ['ok', 1, true],
      ['fine', 3, true],
    ]);
    expect(big).toEqual([
      [2, 30],
      [4, 30],
    ]);
  });

  it('gives no extra line for a final newline', () => {
    expect(split(['a\nb\n']).got.map((g) => g[0])).toEqual(['a', 'b']);
  });
});
