/**
 * Where the stateful stage keeps its state: in memory for a one-shot hunt, or in a SQLite file that
 * survives between runs when the user names one (`--state FILE`). Callers build the store here and
 * see only the `StateStore` interface.
 *
 * A run that succeeds calls `checkpoint()` and then `close()`; `close()` alone discards what the
 * SQLite store learned since its last checkpoint, so a run that fails leaves the file as it was.
 */
import { MemoryStore } from './memory.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite.js';
import type { StateStore } from './store.js';

export type { StateStore } from './store.js';
export { MemoryStore } from './memory.js';
export { SCHEMA_VERSION, SqliteStore, type SqliteStoreOptions } from './sqlite.js';

/**
 * The store for a run: SQLite at `path` (created when missing, migrated when older), or memory
 * when no path is given. Problems with the file are `TrailhoundError`s naming it.
 *
 * @example
 * const store = openStateStore(opts.state); // undefined → memory
 * try {
 *   runHunt(store);
 *   store.checkpoint();
 * } finally {
 *   store.close();
 * }
 */
export function openStateStore(
  path: string | undefined,
  options: SqliteStoreOptions = {},
): StateStore {
  return path === undefined ? new MemoryStore() : new SqliteStore(path, options);
}
