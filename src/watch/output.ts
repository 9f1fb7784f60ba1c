/**
 * Where `watch` writes findings as JSON lines: a file (`--out`) or standard output. A file is
 * written so that it never holds a finding twice, whatever the moment the process was killed:
 * lines are appended and synced before the batch is checkpointed, the checkpoint records the file's
 * size, and on start the lines after that size (written by a batch whose checkpoint never
 * happened) are read back so the replayed batch skips them; a last line cut off mid-write is cut
 * away. A file replaced since the checkpoint (rotated) is read whole. Standard output cannot be
 * read back: after a kill it may repeat the findings of the batch in hand (at least once).
 */
import { open, readFile, stat, truncate } from 'node:fs/promises';
import type { Finding } from '../findings/finding.js';
import { jsonlLines } from '../sinks/jsonl.js';

/** The output file's state as checkpointed. */
export interface OutputMark {
  bytes: number;
  /** Inode, to notice a file replaced since (log rotation). */
  ino: number;
}

export interface FindingOutput {
  /** Appends the findings not already in the output; returns how many were written. */
  write(findings: readonly Finding[]): Promise<number>;
  /** The file's state after the last write, for the checkpoint; undefined for a stream. */
  mark(): OutputMark | undefined;
}

function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

/** Ids on complete lines of `text`; blank and foreign lines are passed over. */
function idsOf(text: string): string[] {
  const ids: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (typeof v === 'object' && v !== null && 'id' in v && typeof v.id === 'string')
        ids.push(v.id);
    } catch {
      // Not a finding line (written by something else): not ours to judge.
    }
  }
  return ids;
}

/**
 * Opens the output file, recovering what was written after the last checkpoint (`committed`).
 *
 * @example
 * const out = await openFileOutput('findings.jsonl', ledger.output('findings.jsonl'));
 * await out.write(findings); // then record out.mark() and checkpoint
 */
export async function openFileOutput(
  path: string,
  committed: OutputMark | undefined,
): Promise<FindingOutput> {
  const present = new Set<string>();
  let mark: OutputMark | undefined;
  try {
    const st = await stat(path);
    const same = committed !== undefined && committed.ino === st.ino && st.size >= committed.bytes;
    const from = same ? committed.bytes : 0;
    const buf = await readFile(path);
    const tail = buf.subarray(from);
    const lastNewline = tail.lastIndexOf(0x0a);
    const complete = lastNewline + 1;
    if (complete < tail.length) await truncate(path, from + complete);
    for (const id of idsOf(tail.subarray(0, complete).toString('utf8'))) present.add(id);
    mark = { bytes: from + complete, ino: st.ino };
  } catch (err) {
    if (errCode(err) !== 'ENOENT') throw err;
  }
  return {
    async write(findings) {
      const fresh = findings.filter((f) => !present.has(f.id));
      const h = await open(path, 'a');
      try {
        if (fresh.length > 0) {
          await h.write([...jsonlLines(fresh)].join(''));
          await h.sync();
        }
        const st = await h.stat();
        mark = { bytes: st.size, ino: st.ino };
      } finally {
        await h.close();
      }
      for (const f of fresh) present.add(f.id);
      return fresh.length;
    },
    mark: () => mark,
  };
}

/** Findings as JSON lines on a stream (standard output). */
export function streamOutput(out: NodeJS.WritableStream): FindingOutput {
  return {
    async write(findings) {
      if (findings.length === 0) return 0;
      const text = [...jsonlLines(findings)].join('');
      await new Promise<void>((resolve, reject) =>
        out.write(text, (err) => (err ? reject(err) : resolve())),
      );
      return findings.length;
    },
    mark: () => undefined,
  };
}
