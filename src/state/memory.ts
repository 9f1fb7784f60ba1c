/**
 * In-memory state for one-shot hunts. Each namespace is a Map kept in least-recently-used order
 * (a key is moved to the end whenever it is set), so eviction drops from the front.
 */
import type { StateStore } from './store.js';

export class MemoryStore implements StateStore {
  readonly kind = 'memory' as const;
  private readonly spaces = new Map<string, Map<string, unknown>>();

  private space(ns: string): Map<string, unknown> {
    let m = this.spaces.get(ns);
    if (m === undefined) this.spaces.set(ns, (m = new Map()));
    return m;
  }

  get<T>(ns: string, key: string): T | undefined {
    return this.spaces.get(ns)?.get(key) as T | undefined;
  }

  set(ns: string, key: string, value: unknown): void {
    const m = this.space(ns);
    m.delete(key);
    m.set(key, value);
  }

  delete(ns: string, key: string): void {
    this.spaces.get(ns)?.delete(key);
  }

  count(ns: string): number {
    return this.spaces.get(ns)?.size ?? 0;
  }

  evict(ns: string, keep: number): number {
    const m = this.spaces.get(ns);
    if (m === undefined || m.size <= keep) return 0;
    let drop = m.size - keep;
    const dropped = drop;
    for (const k of m.keys()) {
      if (drop-- <= 0) break;
      m.delete(k);
    }
    return dropped;
  }

  *entries<T>(ns: string): Iterable<[string, T]> {
    const m = this.spaces.get(ns);
    if (m === undefined) return;
    for (const [k, v] of m) yield [k, v as T];
  }

  checkpoint(): void {}

  close(): void {
    this.spaces.clear();
  }
}
