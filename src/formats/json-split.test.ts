import { describe, expect, it } from 'vitest';
import { JsonSplitter, type SplitStart } from './json-split.js';

type Event = [string, ...unknown[]];

function run(start: SplitStart, text: string, chunk = text.length, maxElement = 1 << 20) {
  const events: Event[] = [];
  const s = new JsonSplitter(start, maxElement, 1 << 20, 1, {
    unit: (t, kind, index, line) => events.push(['unit', kind, index, line, t]),
    tooLarge: (kind, index, line, bytes) => events.push(['tooLarge', kind, index, line, bytes]),
    truncated: (kind, index, line, bytes) => events.push(['truncated', kind, index, line, bytes]),
    unclosed: (what, n, line) => events.push(['unclosed', what, n, line]),
    invalid: (line, found) => events.push(['invalid', line, found]),
  });
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += Math.max(chunk, 1)) s.push(bytes.subarray(i, i + chunk));
  s.end();
  return events;
}

const units = (events: Event[]) => events.filter((e) => e[0] === 'unit').map((e) => e[4]);

describe('JsonSplitter', () => {
  // Strings with escaped quotes, backslashes before quotes and brackets inside strings: the
  // cases where a splitter that miscounts would cut in the wrong place.
  const tricky = [
    { a: 'he said "hi" {not a brace}', b: ['x', { c: 'back\\slash\\' }] },
    { d: '\\"', e: 'multi\nline', f: 'é☕' },
    { g: [] },
  ];

  it.each([1, 2, 3, 5, 17, 1000])('splits a Records array at any chunk size (%i)', (chunk) => {
    const body = JSON.stringify({ Records: tricky }).slice('{"Records":['.length);
    const got = units(run('records', body, chunk));
    expect(got.map((t) => JSON.parse(t as string))).toEqual(tricky);
  });

  it('splits a pretty-printed array and counts the line each element starts on', () => {
    const text = JSON.stringify(tricky, null, 2).slice(1);
    const events = run('array', text, 4);
    const lines = events.filter((e) => e[0] === 'unit').map((e) => e[3]);
    const starts = JSON.stringify(tricky, null, 2)
      .split('\n')
      .flatMap((l, i) => (l === '  {' ? [i + 1] : []));
    expect(lines).toEqual(starts);
  });

  it('splits top-level values, scalars included', () => {
    const got = run('stream', '{"a":1}\n[1,2] "s" 42 true\n{"b":{"c":[]}}');
    expect(got.map((e) => [e[0], e[1], e[2], e[3]])).toEqual([
      ['unit', 'value', 0, 1],
      ['unit', 'value', 1, 2],
      ['unit', 'value', 2, 2],
      ['unit', 'value', 3, 2],
      ['unit', 'value', 4, 2],
      ['unit', 'value', 5, 3],
    ]);
    expect(units(got)).toEqual(['{"a":1}', '[1,2]', '"s"', '42', 'true', '{"b":{"c":[]}}']);
  });

  it('goes on to further documents after a Records document closes', () => {
    const doc = '{"Records":[{"x":1}],"extra":{"y":[2]}}';
    const got = run('records', doc.slice('{"Records":['.length) + '\n' + doc);
    expect(got.map((e) => [e[0], e[1], e[2], e[3]])).toEqual([
      ['unit', 'element', 0, 1],
      ['unit', 'value', 0, 2],
    ]);
  });

  it('reports an element over the limit without keeping it and reads on', () => {
    const body = `{"a":1},{"big":"${'z'.repeat(500)}"},{"c":3}]}`;
    const got = run('records', body, 64, 100);
    expect(got.map((e) => e.slice(0, 3))).toEqual([
      ['unit', 'element', 0],
      ['tooLarge', 'element', 1],
      ['unit', 'element', 2],
    ]);
    expect(got[1]?.[4]).toBe(510);
  });

  it('reports an element cut off by the end of input, after the complete ones', () => {
    const got = run('array', '{"a":1},\n{"b":"cut');
    expect(got.map((e) => e.slice(0, 4))).toEqual([
      ['unit', 'element', 0, 1],
      ['truncated', 'element', 1, 2],
    ]);
  });

  it('reports an array left open between elements, and a Records object left open', () => {
    expect(run('array', '{"a":1},')).toEqual([
      ['unit', 'element', 0, 1, '{"a":1}'],
      ['unclosed', 'array', 1, 1],
    ]);
    expect(run('records', '{"a":1}]').at(-1)).toEqual(['unclosed', 'object', 1, 1]);
  });

  it('stops at a character that cannot start a value', () => {
    expect(run('stream', '{"a":1}\n}{"b":2}')).toEqual([
      ['unit', 'value', 0, 1, '{"a":1}'],
      ['invalid', 2, '}'],
    ]);
  });
});
