/**
 * What `watch` remembers between runs, kept in the same state database as the detections and made
 * durable by the same checkpoint, so a restart continues exactly where the last checkpoint left
 * off: the objects processed (with what identifies their content), the ids of findings already
 * emitted, how far the output file had been written, and per S3 source how far listing has come.
 *
 * Namespaces of the `StateStore`: `watch#objects` (key: absolute path or s3:// URL),
 * `watch#findings` (key: finding id), `watch#output` (key: output path), `watch#cursor` (key: the
 * source as given). The object and finding sets are bounded (least recently recorded dropped
 * first); the bound is far above what one listing window holds.
 */
import type { StateStore } from '../state/store.js';
import type { OutputMark } from './output.js';

export const WATCH_NS = {
  objects: 'watch#objects',
  findings: 'watch#findings',
  output: 'watch#output',
  cursor: 'watch#cursor',
} as const;

/** Kept at most in each of the object and finding sets. */
export const LEDGER_LIMIT = 1_000_000;

/** What says an object's content is the one already processed. */
export interface ObjectMark {
  size: number;
  /** LastModified (S3) or mtime (file), epoch ms. */
  mtime: number;
  /** S3 only. */
  etag?: string;
}

export class Ledger {
  constructor(
    private readonly store: StateStore,
    private readonly limit = LEDGER_LIMIT,
  ) {}

  /** True when the object was never processed, or its content changed since. */
  isNew(key: string, mark: ObjectMark): boolean {
    const seen = this.store.get<ObjectMark>(WATCH_NS.objects, key);
    if (seen === undefined) return true;
    if (mark.etag !== undefined && seen.etag !== undefined) return mark.etag !== seen.etag;
    return mark.size !== seen.size || mark.mtime !== seen.mtime;
  }

  markObject(key: string, mark: ObjectMark): void {
    const v: ObjectMark = { size: mark.size, mtime: mark.mtime };
    if (mark.etag !== undefined) v.etag = mark.etag;
    this.store.set(WATCH_NS.objects, key, v);
  }

  hasFinding(id: string): boolean {
    return this.store.get(WATCH_NS.findings, id) !== undefined;
  }

  /** `at`: when it was emitted (epoch ms). */
  markFinding(id: string, at: number): void {
    this.store.set(WATCH_NS.findings, id, at);
  }

  /** The output file as of the last checkpoint (undefined when never written). */
  output(path: string): OutputMark | undefined {
    return this.store.get<OutputMark>(WATCH_NS.output, path);
  }

  setOutput(path: string, mark: OutputMark): void {
    this.store.set(WATCH_NS.output, path, { bytes: mark.bytes, ino: mark.ino });
  }

  /** Newest date folder (epoch ms of the UTC day) of a source listed and processed completely. */
  cursor(source: string): number | undefined {
    return this.store.get<number>(WATCH_NS.cursor, source);
  }

  setCursor(source: string, at: number): void {
    this.store.set(WATCH_NS.cursor, source, at);
  }

  /** Keeps the object and finding sets within their bound. */
  trim(): void {
    for (const ns of [WATCH_NS.objects, WATCH_NS.findings]) {
      if (this.store.count(ns) > this.limit) this.store.evict(ns, this.limit);
    }
  }
}

/**
 * The store as a hunt inside `watch` sees it: everything passes through except `checkpoint`,
 * which `watch` makes itself once the batch's findings are written and recorded, so that the
 * detection state and the record of what was emitted become durable together. `close` is left to
 * the owner too.
 */
export class DeferredCheckpoint implements StateStore {
  constructor(private readonly inner: StateStore) {}
  get kind(): StateStore['kind'] {
    return this.inner.kind;
  }
  get<T>(ns: string, key: string): T | undefined {
    return this.inner.get<T>(ns, key);
  }
  set(ns: string, key: string, value: unknown): void {
    this.inner.set(ns, key, value);
  }
  delete(ns: string, key: string): void {
    this.inner.delete(ns, key);
  }
  count(ns: string): number {
    return this.inner.count(ns);
  }
  evict(ns: string, keep: number): number {
    return this.inner.evict(ns, keep);
  }
  entries<T>(ns: string): Iterable<[string, T]> {
    return this.inner.entries<T>(ns);
  }
  checkpoint(): void {
    // Deliberately nothing: see the class comment.
  }
  close(): void {
    // Deliberately nothing: the owner closes the store.
  }
}
