import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { TrailhoundError } from '../errors.js';
import { openStateStore } from './index.js';
import { MemoryStore } from './memory.js';
import { MIGRATIONS, SCHEMA_VERSION, SqliteStore, migrate, schemaVersion } from './sqlite.js';
import { describeStateStore } from './store.conformance.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const WRITER = join(REPO, 'test/state/crash-writer.ts');

const dir = mkdtempSync(join(tmpdir(), 'trailhound-state-'));
let files = 0;
const fresh = (): string => join(dir, `state-${++files}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStateStore('SqliteStore', () => new SqliteStore(fresh()));
// A cache smaller than the data sends most reads and every eviction through the file.
describeStateStore(
  'SqliteStore with a cache of 3 keys',
  () => new SqliteStore(fresh(), { cacheSize: 3 }),
);

/** The error `fn` throws, checked to be a TrailhoundError. */
function thrown(fn: () => unknown): TrailhoundError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TrailhoundError);
    return err as TrailhoundError;
  }
  throw new Error('expected an error');
}

function raw(file: string): Database.Database {
  return new Database(file, { timeout: 0 });
}

describe('SqliteStore', () => {
  it('is what openStateStore returns for a path; memory without one', () => {
    const file = fresh();
    const s = openStateStore(file);
    expect(s).toBeInstanceOf(SqliteStore);
    expect(s.kind).toBe('sqlite');
    s.close();
    const m = openStateStore(undefined);
    expect(m).toBeInstanceOf(MemoryStore);
    expect(m.kind).toBe('memory');
  });

  it('keeps what was checkpointed across close and reopen, recency included', () => {
    const file = fresh();
    const a = new SqliteStore(file);
    for (const k of ['a', 'b', 'c']) a.set('ns', k, { k });
    a.set('other', 'a', 'x');
    a.checkpoint();
    a.close();

    const b = new SqliteStore(file);
    expect(b.count('ns')).toBe(3);
    expect(b.get('ns', 'b')).toEqual({ k: 'b' });
    expect(b.get('other', 'a')).toBe('x');
    // Keys set in this run are newer than every key of the last one, so the clock carried over.
    b.set('ns', 'a', { k: 'a', again: true });
    b.set('ns', 'd', { k: 'd' });
    expect(b.evict('ns', 2)).toBe(2);
    expect([...b.entries('ns')].map(([k]) => k).sort()).toEqual(['a', 'd']);
    b.checkpoint();
    b.close();

    const c = new SqliteStore(file, { cacheSize: 1 });
    expect(c.get('ns', 'a')).toEqual({ k: 'a', again: true });
    expect(c.get('ns', 'b')).toBeUndefined();
    expect(c.count('ns')).toBe(2);
    c.close();
  });

  it('discards what was not checkpointed, even when it already reached the file', () => {
    const file = fresh();
    const a = new SqliteStore(file, { cacheSize: 2 });
    a.set('ns', 'kept', 1);
    a.set('ns', 'old', 1);
    a.checkpoint();
    a.set('ns', 'kept', 2);
    a.delete('ns', 'old');
    // More keys than the cache holds: these are written to the file, uncommitted.
    for (let i = 0; i < 50; i++) a.set('ns', `new-${i}`, i);
    expect(a.evict('ns', 10)).toBe(41);
    expect(a.get('ns', 'kept')).toBeUndefined();
    a.close();

    const b = new SqliteStore(file);
    expect(b.count('ns')).toBe(2);
    expect(b.get('ns', 'kept')).toBe(1);
    expect(b.get('ns', 'old')).toBe(1);
    expect(b.get('ns', 'new-0')).toBeUndefined();
    b.close();
  });

  it('records the schema version and writes in WAL mode', () => {
    const file = fresh();
    const s = new SqliteStore(file);
    s.set('ns', 'k', 1);
    s.checkpoint();
    s.close();
    const db = raw(file);
    const meta = Object.fromEntries(
      db
        .prepare<[], { key: string; value: string }>('SELECT key, value FROM meta')
        .all()
        .map((r) => [r.key, r.value]),
    );
    expect(meta['application']).toBe('trailhound');
    expect(meta['schema_version']).toBe(String(SCHEMA_VERSION));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT ns, key, value FROM state').all()).toEqual([
      { ns: 'ns', key: 'k', value: '1' },
    ]);
    db.close();
  });

  it('refuses a file written by a newer trailhound, and leaves it alone', () => {
    const file = fresh();
    new SqliteStore(file).close();
    const db = raw(file);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(
      String(SCHEMA_VERSION + 1),
    );
    db.close();

    const err = thrown(() => new SqliteStore(file));
    expect(err.code).toBe('input');
    expect(err.location?.file).toBe(file);
    expect(err.message).toMatch(/newer trailhound/);
    expect(err.message).toContain(`version ${SCHEMA_VERSION + 1}`);
    const after = raw(file);
    expect(schemaVersion(after)).toBe(SCHEMA_VERSION + 1);
    after.close();
  });

  it('refuses a file that is not SQLite, with a clear message, without changing it', () => {
    const file = fresh();
    const text = '{"Records": []}\n'.repeat(40);
    writeFileSync(file, text);
    const err = thrown(() => new SqliteStore(file));
    expect(err.code).toBe('input');
    expect(err.location?.file).toBe(file);
    expect(err.message).toBe('is not a trailhound state file: it is not an SQLite database');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('refuses an SQLite database of something else, without switching it to WAL', () => {
    const file = fresh();
    const db = raw(file);
    db.exec('CREATE TABLE users (name TEXT)');
    db.close();
    const err = thrown(() => new SqliteStore(file));
    expect(err.code).toBe('input');
    expect(err.message).toMatch(/not a trailhound state file \(it has tables users\)/);
    const again = raw(file);
    expect(again.pragma('journal_mode', { simple: true })).toBe('delete');
    again.close();
  });

  it('starts a new state file in an empty file', () => {
    const file = fresh();
    writeFileSync(file, '');
    const s = new SqliteStore(file);
    s.set('ns', 'k', true);
    s.checkpoint();
    s.close();
    const again = new SqliteStore(file);
    expect(again.get('ns', 'k')).toBe(true);
    again.close();
  });

  it('says when the directory does not exist', () => {
    const err = thrown(() => new SqliteStore(join(dir, 'missing', 'state.db')));
    expect(err.code).toBe('input');
    expect(err.message).toMatch(/directory .*missing does not exist/);
  });

  it('refuses a file another store holds open', () => {
    const file = fresh();
    const a = new SqliteStore(file);
    const err = thrown(() => new SqliteStore(file));
    expect(err.code).toBe('input');
    expect(err.message).toMatch(/in use by another process/);
    a.close();
    new SqliteStore(file).close();
  });

  it('refuses a value that is not JSON at the checkpoint and keeps the last checkpoint', () => {
    const file = fresh();
    const s = new SqliteStore(file);
    s.set('ns', 'a', 1);
    s.checkpoint();
    s.set('ns', 'b', { n: 10n });
    const err = thrown(() => s.checkpoint());
    expect(err.message).toMatch(/state ns "b": value is not plain JSON/);
    // Memory may no longer match the file, so the store stops rather than guess.
    expect(thrown(() => s.get('ns', 'a'))).toBe(err);
    s.close();
    const again = new SqliteStore(file);
    expect([...again.entries('ns')]).toEqual([['a', 1]]);
    again.close();
  });

  it('fails clearly when used after close', () => {
    const s = new SqliteStore(fresh());
    s.close();
    s.close();
    expect(thrown(() => s.get('ns', 'k')).message).toMatch(/closed/);
    expect(thrown(() => s.set('ns', 'k', 1)).message).toMatch(/closed/);
  });
});

describe('migrate', () => {
  const ADD = 'ALTER TABLE state ADD COLUMN note TEXT;';

  it('applies only the missing steps and records the version', () => {
    const db = new Database(':memory:');
    expect(schemaVersion(db)).toBe(0);
    expect(migrate(db, MIGRATIONS)).toBe(1);
    db.prepare("INSERT INTO state VALUES ('ns', 'k', '1', 1)").run();
    expect(migrate(db, [...MIGRATIONS, ADD])).toBe(2);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT note, value FROM state').get()).toEqual({ note: null, value: '1' });
    // Applying again changes nothing (a second ALTER would fail).
    expect(migrate(db, [...MIGRATIONS, ADD])).toBe(2);
    db.close();
  });

  it('applies all steps or none', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS);
    expect(() =>
      migrate(db, [...MIGRATIONS, 'CREATE TABLE extra (a TEXT);', 'NOT SQL AT ALL']),
    ).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(
      db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'").pluck().get(),
    ).toBe(0);
    expect(db.inTransaction).toBe(false);
    db.close();
  });

  it('refuses to go back from a newer version', () => {
    const db = new Database(':memory:');
    migrate(db, [...MIGRATIONS, ADD]);
    expect(() => migrate(db, MIGRATIONS)).toThrow(/newer trailhound/);
    db.close();
  });
});

interface Shape {
  n: number;
  window: number;
  hot: number;
  lruKeep: number;
}

interface Run {
  shape: Shape;
  /** The last N the writer printed: that checkpoint had returned. */
  last: number;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Starts the writer on `file`, waits for its first checkpoint of this run, then kills it with
 * SIGKILL after a random delay of up to 300 ms, so the kill lands at a different point each time
 * (mid-write, mid-commit, between rounds). Every assertion below holds wherever it lands.
 */
function runAndKill(file: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let shape: Shape | undefined;
    let last = -1;
    let killing = false;
    let buffer = '';
    let stderr = '';
    const onLine = (line: string): void => {
      if (line.startsWith('ready ')) {
        shape = JSON.parse(line.slice('ready '.length)) as Shape;
        last = shape.n;
        return;
      }
      last = Number(line);
      if (!killing && shape !== undefined && last > shape.n) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 300);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
        onLine(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    // A writer that never gets going must not hang the suite.
    const stuck = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(stuck);
      if (shape === undefined) reject(new Error(`the writer did not start: ${stderr}`));
      else resolve({ shape, last, signal, stderr });
    });
  });
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(1, from); i <= to; i++) out.push(i);
  return out;
}

describe('SqliteStore under SIGKILL', () => {
  it('always reopens intact, holding exactly the last checkpoint or the one in flight', async () => {
    const file = fresh();
    let verified = 0;
    for (let round = 0; round < 6; round++) {
      const run = await runAndKill(file);
      expect(run.signal, run.stderr).toBe('SIGKILL');
      // The writer resumed from the state verified after the previous kill.
      expect(run.shape.n).toBe(verified);

      const db = raw(file);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();

      const store = new SqliteStore(file);
      const n = store.get<number>('crash#meta', 'n') ?? 0;
      // Every checkpoint that returned is there; the one being written may or may not be.
      expect(n).toBeGreaterThanOrEqual(run.last);
      expect(n).toBeLessThanOrEqual(run.last + 1);
      expect(n).toBeGreaterThan(verified);

      const { window, hot, lruKeep } = run.shape;
      const items = [...store.entries<{ n: number; pad: string }>('crash')];
      expect(items.map(([k]) => Number(k.slice('item-'.length))).sort((x, y) => x - y)).toEqual(
        range(n - window + 1, n),
      );
      for (const [k, v] of items) {
        expect(v.n).toBe(Number(k.slice('item-'.length)));
        expect(v.pad).toHaveLength(2000);
      }
      expect(store.count('crash')).toBe(items.length);

      const hots = [...store.entries<{ n: number }>('crash#hot')];
      expect(hots).toHaveLength(hot);
      expect(hots.every(([, v]) => v.n === n)).toBe(true);

      const lru = [...store.entries<{ n: number }>('crash#lru')]
        .map(([, v]) => v.n)
        .sort((x, y) => x - y);
      expect(lru).toEqual(range(n - lruKeep + 1, n));
      store.close();
      verified = n;
    }
  });
});
