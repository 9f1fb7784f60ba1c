/**
 * A bounded cache that keeps recently used entries. Logs repeat a small set of addresses millions
 * of times, so enrichment looks each distinct value up once and answers repeats from here; the
 * bound keeps memory flat on flow logs with very many distinct peers.
 *
 * It keeps two generations of at most half the capacity each: a hit in the young generation is a
 * single `Map.get` (the common case stays as cheap as a plain map), a hit in the old one moves the
 * entry to the young one, and when the young generation is full it becomes the old one and the
 * previous old one is dropped. Entries not used for a whole generation are evicted, an
 * approximation of least-recently-used that needs no bookkeeping on the hot path.
 */
export class LruCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;

  /** At most `capacity` entries are kept; 0 turns caching off. */
  constructor(capacity: number) {
    const c = Math.max(0, Math.floor(capacity));
    this.generation = c === 0 ? 0 : Math.max(1, Math.floor(c / 2));
  }

  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.set(key, aged);
    }
    return aged;
  }

  set(key: K, value: V): void {
    if (this.generation === 0) return;
    if (this.young.size >= this.generation && !this.young.has(key)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
