import { describe, expect, it } from 'vitest';
import { LruCache } from './cache.js';

describe('LruCache', () => {
  it('never holds more than its capacity', () => {
    const c = new LruCache<number, number>(10);
    for (let i = 0; i < 1000; i++) {
      c.set(i, i);
      expect(c.size).toBeLessThanOrEqual(10);
    }
    expect(c.get(999)).toBe(999);
    expect(c.get(0)).toBeUndefined();
  });

  it('keeps an entry that is used while others come and go', () => {
    const c = new LruCache<string, number>(4);
    c.set('hot', 1);
    for (let i = 0; i < 100; i++) {
      c.set(`cold-${i}`, i);
      expect(c.get('hot')).toBe(1);
    }
    expect(c.get('cold-0')).toBeUndefined();
  });

  it('drops an entry not used for a whole generation', () => {
    const c = new LruCache<string, number>(4);
    c.set('a', 1);
    c.set('b', 2); // young full: a, b
    c.set('c', 3); // a, b become old
    c.set('d', 4); // young full: c, d
    c.set('e', 5); // c, d become old; a and b are dropped
    expect(c.get('a')).toBeUndefined();
    expect(c.get('b')).toBeUndefined();
    expect(c.get('c')).toBe(3);
    expect(c.get('e')).toBe(5);
  });

  it('replaces a value set twice without growing', () => {
    const c = new LruCache<string, number>(4);
    c.set('a', 1);
    c.set('a', 2);
    expect(c.get('a')).toBe(2);
    expect(c.size).toBe(1);
  });

  it('keeps nothing with capacity 0', () => {
    const c = new LruCache<string, number>(0);
    c.set('a', 1);
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('treats keys such as __proto__ as plain keys', () => {
    const c = new LruCache<string, string>(4);
    c.set('__proto__', 'x');
    c.set('constructor', 'y');
    expect(c.get('__proto__')).toBe('x');
    expect(c.get('constructor')).toBe('y');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
