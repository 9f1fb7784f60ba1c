/**
 * State that survives between runs (`--state FILE`): the `StateStore` interface over an embedded
 * SQLite database (better-sqlite3), with a bounded write-back cache in front of it.
 *
 * Durability is by checkpoint. `set` and `delete` change the cache; nothing is committed until
 * `checkpoint()`, which makes every change since the previous checkpoint durable in ONE SQLite
 * transaction. Changes may reach the database file before that — when the cache is full, and before
 * `evict` and `entries`, pending changes are written into a transaction that stays open until the
 * checkpoint — but uncommitted, so a process killed at any point leaves exactly the last
 * checkpoint (SQLite's write-ahead log discards the open transaction on the next open). `close()`
 * does NOT checkpoint: it rolls back everything since the last checkpoint, so a run that fails
 * half-way never leaves half of its state behind. A run that succeeds calls `checkpoint()` and
 * then `close()`.
 *
 * Recency for `evict` is a logical clock (one tick per `set`), stored with each key and carried
 * across runs, so the order is the same whatever the wall clock and the number of workers. The
 * database is locked for the lifetime of the store: a second process opening the same file gets a
 * clear error instead of two runs overwriting each other's state.
 *
 * The file format is versioned: `meta.schema_version` counts the steps of `MIGRATIONS` applied;
 * opening an older file applies the missing steps in one transaction, and a file from a newer
 * trailhound (or something that is not a trailhound state file) is refused with a message.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { TrailhoundError } from '../errors.js';
import type { StateStore } from './store.js';

/**
 * The schema, one step per version: step i takes a database from version i to i + 1. Steps that
 * have shipped are never edited; a change to the format is a new step at the end.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
   CREATE TABLE state (
     ns TEXT NOT NULL,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     touched INTEGER NOT NULL,
     PRIMARY KEY (ns, key)
   ) STRICT;
   CREATE INDEX state_touched ON state (ns, touched);`,
];

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** `meta.application` of every trailhound state file. */
const APPLICATION = 'trailhound';

export interface SqliteStoreOptions {
  /** Keys held in memory at most, pending changes included (default 100 000). */
  cacheSize?: number;
}

const DEFAULT_CACHE_SIZE = 100_000;
/** Rows read per query by `entries`. */
const PAGE = 256;

/** One key held in memory: a value read from the file, a pending change, or a pending deletion. */
interface Entry {
  readonly ns: string;
  readonly key: string;
  value: unknown;
  /** Logical time of the last `set`; written with a pending change. */
  touched: number;
  /** Changed since it was last written to the file. */
  dirty: boolean;
  /** False for a pending deletion (always dirty: a written deletion leaves the cache). */
  live: boolean;
}

/** Per namespace: the exact key count and the pending changes, created on first count or change. */
interface Space {
  count: number;
  pending: Map<string, Entry>;
}

interface Statements {
  value: Database.Statement<[string, string], string>;
  exists: Database.Statement<[string, string], number>;
  upsert: Database.Statement<[string, string, string, number]>;
  remove: Database.Statement<[string, string]>;
  count: Database.Statement<[string], number>;
  evict: Database.Statement<[string, number], Buffer>;
  firstPage: Database.Statement<[string, number], { k: Buffer; value: string }>;
  nextPage: Database.Statement<[string, string, number], { k: Buffer; value: string }>;
  setMeta: Database.Statement<[string, string]>;
}

export class SqliteStore implements StateStore {
  readonly kind = 'sqlite' as const;
  /** The file as the user named it (for messages). */
  readonly path: string;
  private db: Database.Database | undefined;
  private readonly q: Statements;
  private readonly cacheSize: number;
  /** Every key in memory, least recently used first (reads and writes both count). */
  private readonly cache = new Map<string, Entry>();
  private readonly spaces = new Map<string, Space>();
  private clock: number;
  /** Bumped by every change, so `entries` knows when a page it read may be stale. */
  private changes = 0;
  /** Set when a write failed: the store refuses further use rather than drift from the file. */
  private failure: TrailhoundError | undefined;

  /**
   * Opens (or creates) the state file at `path`, migrating an older schema.
   *
   * @example
   * const store = new SqliteStore('state.db');
   * store.set('aws.iam.key-dormant', 'AKIA…', { last: 1718000000000 });
   * store.checkpoint();
   * store.close();
   */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path;
    const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    if (!Number.isInteger(cacheSize) || cacheSize < 1) {
      throw new TrailhoundError(
        'internal',
        `state cache size must be an integer ≥ 1; found ${cacheSize}`,
      );
    }
    this.cacheSize = cacheSize;
    const db = openDatabase(path);
    try {
      migrate(db, MIGRATIONS);
      this.q = prepare(db);
      const clock = db
        .prepare<[string], string>('SELECT value FROM meta WHERE key = ?')
        .pluck()
        .get('clock');
      this.clock = clock === undefined ? 0 : Number(clock);
      if (!Number.isSafeInteger(this.clock) || this.clock < 0) {
        throw new TrailhoundError(
          'input',
          `is damaged: its clock is ${JSON.stringify(clock)}, not a count`,
          {
            location: { file: path },
          },
        );
      }
    } catch (err) {
      db.close();
      throw fileError(path, err);
    }
    this.db = db;
  }

  get<T>(ns: string, key: string): T | undefined {
    this.usable();
    const id = cacheId(ns, key);
    const hit = this.cache.get(id);
    if (hit !== undefined) {
      this.cache.delete(id);
      this.cache.set(id, hit);
      return hit.live ? (hit.value as T) : undefined;
    }
    return this.guard(() => {
      const text = this.q.value.get(ns, key);
      if (text === undefined) return undefined;
      const value = this.parse(ns, key, text);
      this.remember(id, { ns, key, value, touched: 0, dirty: false, live: true });
      return value as T;
    });
  }

  set(ns: string, key: string, value: unknown): void {
    this.usable();
    this.changes++;
    this.guard(() => {
      const space = this.space(ns);
      const id = cacheId(ns, key);
      let e = this.cache.get(id);
      const existed = e === undefined ? this.q.exists.get(ns, key) !== undefined : e.live;
      if (!existed) space.count++;
      if (e === undefined) e = { ns, key, value, touched: 0, dirty: false, live: true };
      else this.cache.delete(id);
      e.value = value;
      e.live = true;
      e.touched = ++this.clock;
      if (!e.dirty) {
        e.dirty = true;
        space.pending.set(key, e);
      }
      this.remember(id, e);
    });
  }

  delete(ns: string, key: string): void {
    this.usable();
    this.changes++;
    this.guard(() => {
      const id = cacheId(ns, key);
      const e = this.cache.get(id);
      if (e === undefined) {
        if (this.q.exists.get(ns, key) === undefined) return;
        const space = this.space(ns);
        space.count--;
        const gone: Entry = { ns, key, value: undefined, touched: 0, dirty: true, live: false };
        space.pending.set(key, gone);
        this.remember(id, gone);
        return;
      }
      if (!e.live) return;
      const space = this.space(ns);
      space.count--;
      e.live = false;
      e.value = undefined;
      if (!e.dirty) {
        e.dirty = true;
        space.pending.set(key, e);
      }
    });
  }

  count(ns: string): number {
    this.usable();
    return this.guard(() => this.space(ns).count);
  }

  evict(ns: string, keep: number): number {
    this.usable();
    return this.guard(() => {
      const space = this.space(ns);
      const drop = space.count - Math.max(0, keep);
      if (drop <= 0) return 0;
      this.changes++;
      // With every pending change of the namespace in the file, its order by `touched` is the
      // whole story, and the index on (ns, touched) finds the oldest directly.
      this.spill(space);
      this.begin();
      const gone = this.q.evict.all(ns, drop);
      for (const k of gone) this.cache.delete(cacheId(ns, decodeKey(k)));
      if (gone.length !== drop) {
        throw new TrailhoundError(
          'internal',
          `state ${ns}: expected to evict ${drop} keys, found ${gone.length}`,
        );
      }
      space.count -= drop;
      return drop;
    });
  }

  *entries<T>(ns: string): Iterable<[string, T]> {
    let after: string | undefined;
    for (;;) {
      this.usable();
      const rows = this.guard(() => {
        // Written first, so the file holds the namespace as it stands now.
        const space = this.spaces.get(ns);
        if (space !== undefined) this.spill(space);
        return after === undefined
          ? this.q.firstPage.all(ns, PAGE)
          : this.q.nextPage.all(ns, after, PAGE);
      });
      const read = this.changes;
      for (const row of rows) {
        const key = decodeKey(row.k);
        after = key;
        this.usable();
        // The cached value is the one `get` hands out; the same object keeps callers consistent.
        // A pending change is always cached, so without a hit the file is current.
        const hit = this.cache.get(cacheId(ns, key));
        let value: unknown;
        if (hit !== undefined) {
          if (!hit.live) continue;
          value = hit.value;
        } else {
          // The caller changed the store since this page was read: the row may be stale.
          const text =
            this.changes === read ? row.value : this.guard(() => this.q.value.get(ns, key));
          if (text === undefined) continue;
          value = this.guard(() => this.parse(ns, key, text));
        }
        yield [key, value as T];
      }
      if (rows.length < PAGE) return;
    }
  }

  checkpoint(): void {
    const db = this.usable();
    this.guard(() => {
      this.spill();
      if (!db.inTransaction) return;
      this.q.setMeta.run('clock', String(this.clock));
      db.exec('COMMIT');
    });
  }

  /** Closes the file WITHOUT checkpointing: changes since the last `checkpoint()` are discarded. */
  close(): void {
    const db = this.db;
    if (db === undefined) return;
    this.db = undefined;
    this.cache.clear();
    this.spaces.clear();
    try {
      if (db.inTransaction) db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  }

  private usable(): Database.Database {
    if (this.failure !== undefined) throw this.failure;
    if (this.db === undefined) throw new TrailhoundError('internal', 'the state store is closed');
    return this.db;
  }

  /**
   * Runs `fn`; if it throws, the open transaction is rolled back and the store refuses further use,
   * since memory may no longer match the file. The file keeps its last checkpoint.
   */
  private guard<R>(fn: () => R): R {
    try {
      return fn();
    } catch (err) {
      const failure = fileError(this.path, err);
      this.failure = failure;
      this.cache.clear();
      this.spaces.clear();
      try {
        if (this.db?.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // The original failure is the one worth reporting; SQLite may already have rolled back.
      }
      throw failure;
    }
  }

  /** The namespace's bookkeeping, counting its keys in the file the first time. */
  private space(ns: string): Space {
    let s = this.spaces.get(ns);
    if (s === undefined) {
      // Nothing of `ns` is pending yet, so the file holds exactly its keys.
      s = { count: this.q.count.get(ns) ?? 0, pending: new Map() };
      this.spaces.set(ns, s);
    }
    return s;
  }

  private remember(id: string, e: Entry): void {
    this.cache.set(id, e);
    if (this.cache.size <= this.cacheSize) return;
    // Trim to 90% so a full cache does not spill on every miss.
    const target = Math.floor(this.cacheSize * 0.9);
    for (const [oldId, old] of this.cache) {
      if (this.cache.size <= target) break;
      // A pending change cannot simply be forgotten: write them all (uncommitted), then drop.
      if (old.dirty) this.spill();
      this.cache.delete(oldId);
    }
  }

  private begin(): void {
    const db = this.db as Database.Database;
    if (!db.inTransaction) db.exec('BEGIN IMMEDIATE');
  }

  /** Writes pending changes (of one namespace, or all) into the open transaction. */
  private spill(only?: Space): void {
    for (const space of only === undefined ? this.spaces.values() : [only]) {
      if (space.pending.size === 0) continue;
      this.begin();
      for (const e of space.pending.values()) {
        if (e.live) {
          this.q.upsert.run(e.ns, e.key, toJson(e), e.touched);
          e.dirty = false;
        } else {
          this.q.remove.run(e.ns, e.key);
          this.cache.delete(cacheId(e.ns, e.key));
        }
      }
      space.pending.clear();
    }
  }

  private parse(ns: string, key: string, text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new TrailhoundError(
        'input',
        `is damaged: the value of ${JSON.stringify(key)} in ${ns} is not JSON`,
        {
          location: { file: this.path },
        },
      );
    }
  }
}

/** One string per (namespace, key); the length prefix keeps it unambiguous whatever the characters. */
function cacheId(ns: string, key: string): string {
  return `${ns.length}:${ns}${key}`;
}

function toJson(e: Entry): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(e.value);
  } catch (err) {
    throw new TrailhoundError(
      'internal',
      `state ${e.ns} ${JSON.stringify(e.key)}: value is not plain JSON (${(err as Error).message})`,
    );
  }
  if (text === undefined) {
    throw new TrailhoundError(
      'internal',
      `state ${e.ns} ${JSON.stringify(e.key)}: value is not plain JSON`,
    );
  }
  return text;
}

/**
 * A key as stored, back to the exact JavaScript string. SQLite hands text back as UTF-8, which
 * cannot carry a lone surrogate (better-sqlite3 stores one as its 3-byte generalised UTF-8 form,
 * which reads back as U+FFFD), and keys come from records, so they are read as bytes and decoded
 * here whenever the plain decoding is not exact.
 */
function decodeKey(bytes: Buffer): string {
  const plain = bytes.toString('utf8');
  if (!plain.includes('\ufffd')) return plain;
  const units: number[] = [];
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i] as number;
    const at = (n: number): number => (bytes[i + n] as number) & 0x3f;
    if (b < 0x80) {
      units.push(b);
      i += 1;
    } else if (b < 0xe0) {
      units.push(((b & 0x1f) << 6) | at(1));
      i += 2;
    } else if (b < 0xf0) {
      units.push(((b & 0x0f) << 12) | (at(1) << 6) | at(2));
      i += 3;
    } else {
      const cp = (((b & 0x07) << 18) | (at(1) << 12) | (at(2) << 6) | at(3)) - 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      i += 4;
    }
  }
  let out = '';
  for (let i = 0; i < units.length; i += 4096)
    out += String.fromCharCode(...units.slice(i, i + 4096));
  return out;
}

function prepare(db: Database.Database): Statements {
  return {
    value: db
      .prepare<[string, string], string>('SELECT value FROM state WHERE ns = ? AND key = ?')
      .pluck(),
    exists: db
      .prepare<[string, string], number>('SELECT 1 FROM state WHERE ns = ? AND key = ?')
      .pluck(),
    upsert: db.prepare(
      `INSERT INTO state (ns, key, value, touched) VALUES (?, ?, ?, ?)
       ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, touched = excluded.touched`,
    ),
    remove: db.prepare('DELETE FROM state WHERE ns = ? AND key = ?'),
    count: db.prepare<[string], number>('SELECT count(*) FROM state WHERE ns = ?').pluck(),
    evict: db
      .prepare<[string, number], Buffer>(
        `DELETE FROM state WHERE rowid IN (SELECT rowid FROM state WHERE ns = ? ORDER BY touched LIMIT ?)
         RETURNING CAST(key AS BLOB)`,
      )
      .pluck(),
    firstPage: db.prepare(
      'SELECT CAST(key AS BLOB) AS k, value FROM state WHERE ns = ? ORDER BY key LIMIT ?',
    ),
    nextPage: db.prepare(
      'SELECT CAST(key AS BLOB) AS k, value FROM state WHERE ns = ? AND key > ? ORDER BY key LIMIT ?',
    ),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
  };
}

/**
 * Opens the file and takes its lock. Exclusive locking mode is set before the first read, so the
 * write-ahead log's index lives in process memory (no `-shm` file) and the lock is held until
 * close; a busy timeout of 0 makes a second process fail at once.
 */
function openDatabase(path: string): Database.Database {
  const full = resolve(path);
  if (!existsSync(dirname(full))) {
    throw new TrailhoundError(
      'input',
      `cannot create the state file: directory ${dirname(path)} does not exist`,
      {
        location: { file: path },
      },
    );
  }
  if (existsSync(full) && statSync(full).isDirectory()) {
    throw new TrailhoundError('input', 'is a directory, not a state file', {
      location: { file: path },
    });
  }
  let db: Database.Database;
  try {
    // An absolute path: better-sqlite3 would read a name starting with `file:` as a URI.
    db = new Database(full, { timeout: 0 });
  } catch (err) {
    if (err instanceof Database.SqliteError) throw fileError(path, err);
    throw new TrailhoundError(
      'internal',
      `cannot load SQLite for the state file (better-sqlite3's native module did not load; ` +
        `reinstall with its install script allowed, e.g. \`npm rebuild better-sqlite3\`): ${(err as Error).message}`,
      { cause: err },
    );
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // Identify the file before changing anything in it (switching to WAL rewrites its header).
    const version = schemaVersion(db);
    if (version > SCHEMA_VERSION) throw newerSchema(version);
    db.pragma('journal_mode = WAL');
    // FULL: a checkpoint that returned survives a power cut too, not only a killed process.
    db.pragma('synchronous = FULL');
  } catch (err) {
    db.close();
    throw fileError(path, err);
  }
  return db;
}

/** The schema version of an open database: 0 when empty; throws when it is not trailhound's. */
export function schemaVersion(db: Database.Database): number {
  const tables = db
    .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .pluck()
    .all();
  if (tables.length === 0) return 0;
  const notOurs = (why: string): TrailhoundError =>
    new TrailhoundError('input', `is an SQLite database but not a trailhound state file (${why})`);
  if (!tables.includes('meta')) throw notOurs(`it has tables ${tables.join(', ')}`);
  const meta = db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck();
  let app: string | undefined;
  let text: string | undefined;
  try {
    app = meta.get('application');
    text = meta.get('schema_version');
  } catch (err) {
    if (err instanceof Database.SqliteError && err.code === 'SQLITE_ERROR')
      throw notOurs('its meta table differs');
    throw err;
  }
  if (app !== APPLICATION) throw notOurs(`meta.application is ${JSON.stringify(app ?? null)}`);
  const version = Number(text);
  if (!Number.isInteger(version) || version < 1) {
    throw new TrailhoundError(
      'input',
      `is damaged: its schema version is ${JSON.stringify(text ?? null)}`,
    );
  }
  return version;
}

function newerSchema(version: number): TrailhoundError {
  return new TrailhoundError(
    'input',
    `was written by a newer trailhound (state schema version ${version}; this version reads up to ` +
      `${SCHEMA_VERSION}); use that trailhound or another state file`,
  );
}

/**
 * Brings the database to the last version of `steps`, applying the missing steps and recording the
 * version in one transaction: a failing step leaves the file as it was. Returns the version.
 */
export function migrate(db: Database.Database, steps: readonly string[]): number {
  db.exec('BEGIN IMMEDIATE');
  try {
    const from = schemaVersion(db);
    if (from > steps.length) throw newerSchema(from);
    for (let v = from; v < steps.length; v++) db.exec(steps[v] as string);
    if (from < steps.length) {
      const put = db.prepare<[string, string]>(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      );
      put.run('application', APPLICATION);
      put.run('schema_version', String(steps.length));
    }
    db.exec('COMMIT');
    return steps.length;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** Any failure about the file, as a TrailhoundError that names it and says what was found. */
function fileError(path: string, err: unknown): TrailhoundError {
  if (err instanceof TrailhoundError) {
    if (err.location !== undefined || err.code === 'internal') return err;
    return new TrailhoundError(err.code, err.message, {
      location: { file: path },
      details: err.details,
      cause: err,
    });
  }
  if (err instanceof Database.SqliteError) {
    const why: Record<string, string> = {
      SQLITE_NOTADB: 'is not a trailhound state file: it is not an SQLite database',
      SQLITE_CORRUPT:
        'is damaged (SQLite reports corruption); restore it or start a new state file',
      SQLITE_BUSY:
        'is in use by another process (a trailhound run holds its lock); wait for it or use another file',
      SQLITE_LOCKED:
        'is in use by another process (a trailhound run holds its lock); wait for it or use another file',
      SQLITE_CANTOPEN: 'cannot be opened (check that it is a file you may read and write)',
      SQLITE_READONLY: 'cannot be written (read-only file or directory)',
      SQLITE_FULL: 'cannot be written: the disk is full',
      SQLITE_IOERR: 'cannot be read or written (I/O error)',
    };
    const base = err.code.replace(/_[A-Z]+$/, '');
    const message = why[err.code] ?? why[base] ?? `SQLite error: ${err.message}`;
    return new TrailhoundError('input', message, { location: { file: path }, cause: err });
  }
  return new TrailhoundError(
    'internal',
    `state file: ${err instanceof Error ? err.message : String(err)}`,
    {
      location: { file: path },
      cause: err,
    },
  );
}
