/**
 * The hit spool: where a hunt keeps hits until its input is over and findings can be built. A
 * finding may gather hits from anywhere in the input, so none can be written before the last file
 * is read; holding every hit in memory made a sweep's memory grow with its findings (a 10 million
 * event run held 115,000 hits, 150 MB as JSON, at the end).
 *
 * The spool is a private temporary SQLite database (better-sqlite3 with an empty file name): it
 * lives in SQLite's page cache while small and moves to a temporary file, removed on close, once
 * the cache is full. Findings are then built one group (rule, key, window) at a time in output
 * order, so building and writing them holds one group, not all of them.
 *
 * `buildFindings` is the same path for a list of hits: there is one implementation of grouping
 * and ordering, whatever the size of the run.
 */
import Database from 'better-sqlite3';
import type { CompiledRuleSet } from '../engine/compile.js';
import { findingId, findingOf, PRIORITY_RANK, windowOf, type BuildOptions } from './build.js';
import type { Finding, Hit } from './finding.js';

/** SQLite's page cache, in KiB: what the spool holds in memory before using its temporary file. */
export const SPOOL_CACHE_KIB = 16 * 1024;
/** Hits written per transaction. */
const BATCH = 1024;

export interface HitSpool {
  /** Keeps a hit for the findings. */
  add(hit: Hit): void;
  /** Hits added so far. */
  readonly size: number;
  /**
   * The findings of every hit added, in output order (`compareFindings`), built one group at a
   * time. Read it once, after the last `add`; the spool is closed when it ends.
   */
  findings(): Generator<Finding, void, undefined>;
  /** Removes the spool; needed only when `findings` is not read to its end. */
  close(): void;
}

export interface SpoolOptions {
  /** The page cache in KiB (default `SPOOL_CACHE_KIB`). */
  cacheKiB?: number;
}

interface GroupRow {
  fid: string;
  win: number;
}

/**
 * Opens an empty spool for findings of `rules`, grouped and capped as `opts` says.
 *
 * @example
 * const spool = createHitSpool(rules, { windowMs: 3_600_000, maxEvidence: 20 });
 * for (const h of hits) spool.add(h);
 * for (const f of spool.findings()) write(f);
 */
export function createHitSpool(
  rules: CompiledRuleSet,
  opts: BuildOptions,
  spoolOpts: SpoolOptions = {},
): HitSpool {
  const cacheKiB = Math.max(64, Math.floor(spoolOpts.cacheKiB ?? SPOOL_CACHE_KIB));
  const db = new Database('');
  db.pragma(`cache_size = -${cacheKiB}`);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  // `seq` keeps insertion order, the last tie-break of `compareHits` (a stable sort).
  // Within a group, hits are read in `compareHits` order: time, file, place in it, then `seq`
  // (insertion order), the tie-break of that stable sort.
  db.exec(`CREATE TABLE hits (
    seq INTEGER PRIMARY KEY,
    fid TEXT NOT NULL,
    win INTEGER NOT NULL,
    rule TEXT NOT NULL,
    prank INTEGER NOT NULL,
    time REAL NOT NULL,
    file TEXT NOT NULL,
    pos REAL NOT NULL,
    hit TEXT NOT NULL
  )`);
  const insert = db.prepare(
    'INSERT INTO hits (fid, win, rule, prank, time, file, pos, hit) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let pending: Hit[] = [];
  let size = 0;
  let closed = false;
  const write = db.transaction((batch: readonly Hit[]) => {
    for (const h of batch) {
      const win = windowOf(h.time, opts.windowMs);
      const o = h.origins[0];
      insert.run(
        findingId(h.ruleId, h.key, win),
        win,
        h.ruleId,
        PRIORITY_RANK[h.priority],
        h.time,
        o?.file ?? '',
        o?.line ?? o?.index ?? 0,
        JSON.stringify(h),
      );
    }
  });
  const flush = () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    write(batch);
  };
  const close = () => {
    if (closed) return;
    closed = true;
    pending = [];
    db.close();
  };

  return {
    add(hit) {
      if (closed) throw new Error('hit spool: add after close');
      pending.push(hit);
      size++;
      if (pending.length >= BATCH) flush();
    },
    get size() {
      return size;
    },
    *findings() {
      if (closed) throw new Error('hit spool: findings read twice');
      try {
        flush();
        // Built once the hits are in: cheaper than keeping it up to date on every insert.
        db.exec('CREATE INDEX hits_group ON hits (fid, time, file, pos, seq)');
        // The group's first time, highest priority, rule and id: `compareFindings`.
        const groups = db.prepare(
          `SELECT fid, win FROM hits GROUP BY fid
           ORDER BY MIN(time), MAX(prank) DESC, rule, fid`,
        );
        const members = db
          .prepare('SELECT hit FROM hits WHERE fid = ? ORDER BY time, file, pos, seq')
          .pluck();
        for (const g of groups.iterate() as IterableIterator<GroupRow>) {
          const hits = (members.all(g.fid) as string[]).map((j) => JSON.parse(j) as Hit);
          const f = findingOf(g.win, hits, rules, opts);
          if (f !== undefined) yield f;
        }
      } finally {
        close();
      }
    },
    close,
  };
}

/**
 * Groups hits into findings by rule, key and window, in output order (first time, then priority
 * highest first, rule and id).
 */
export function buildFindings(
  hits: readonly Hit[],
  rules: CompiledRuleSet,
  opts: BuildOptions,
): Finding[] {
  const spool = createHitSpool(rules, opts);
  for (const h of hits) spool.add(h);
  return [...spool.findings()];
}
