/**
 * The state interface of the stateful stage: namespaced key → value, where a namespace is one
 * rule's state and a key one entity (a principal, a key pair, a source → destination pair). Values
 * are plain JSON data. Two implementations share one conformance suite: in memory for one-shot
 * hunts, and SQLite for state that must survive between runs (`--state FILE`).
 *
 * Values are owned by the caller between `get` and `set`: change a value, then `set` it again so
 * the store knows it changed (and counts it as recently used).
 */
export interface StateStore {
  readonly kind: 'memory' | 'sqlite';
  get<T>(ns: string, key: string): T | undefined;
  /** Stores `value` and marks the key most recently used. */
  set(ns: string, key: string, value: unknown): void;
  delete(ns: string, key: string): void;
  /** Keys in the namespace. */
  count(ns: string): number;
  /** Removes the least recently used keys until at most `keep` remain; returns how many went. */
  evict(ns: string, keep: number): number;
  /** Every key and value of the namespace (order unspecified). */
  entries<T>(ns: string): Iterable<[string, T]>;
  /** Makes everything set so far durable, all or nothing. A no-op in memory. */
  checkpoint(): void;
  close(): void;
}
