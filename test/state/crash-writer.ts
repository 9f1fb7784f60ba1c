/**
 * The child process of the crash test in src/state/sqlite.test.ts: writes to a SQLite state file
 * and checkpoints in an endless loop until the test kills it with SIGKILL. Every checkpoint leaves
 * a state that can be checked from N alone (the counter in `crash#meta`), and the cache is small
 * so most changes reach the file, uncommitted, between checkpoints. After each checkpoint it prints
 * N, so the test knows the last checkpoint that returned.
 *
 * Usage: node --import tsx test/state/crash-writer.ts FILE
 */
import { SqliteStore } from '../../src/state/sqlite.js';

/** How many `item-*` keys stay (older ones are deleted). */
const WINDOW = 20;
/** How many `hot-*` keys are rewritten with N every round. */
const HOT = 40;
/** How many `lru-*` keys `evict` keeps. */
const LRU_KEEP = 10;

const file = process.argv[2];
if (file === undefined) throw new Error('usage: crash-writer.ts FILE');
const store = new SqliteStore(file, { cacheSize: 16 });
// Large values make a checkpoint span many pages, so a kill can land in the middle of one.
const pad = 'x'.repeat(2000);
let n = store.get<number>('crash#meta', 'n') ?? 0;
// The shape goes to the test with the first line, so the two cannot disagree.
process.stdout.write(
  `ready ${JSON.stringify({ n, window: WINDOW, hot: HOT, lruKeep: LRU_KEEP })}\n`,
);
for (;;) {
  n++;
  store.set('crash#meta', 'n', n);
  store.set('crash', `item-${n}`, { n, pad });
  if (n > WINDOW) store.delete('crash', `item-${n - WINDOW}`);
  for (let j = 0; j < HOT; j++) store.set('crash#hot', `hot-${j}`, { n, pad });
  store.set('crash#lru', `lru-${n}`, { n });
  store.evict('crash#lru', LRU_KEEP);
  store.checkpoint();
  process.stdout.write(`${n}\n`);
}
