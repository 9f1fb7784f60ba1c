/**
 * Dead-letter files: one JSON-lines file per destination (`<dir>/<sink>.jsonl`), one entry per
 * alert the destination did not take, holding the payload exactly as it would be sent (never a
 * secret or a signature: those are added at send time) with when it first failed, how many tries it
 * had and the last error. Writers only ever append. A replay first claims the file by renaming it
 * (an atomic step, so alerts dead-lettered meanwhile start a new file and are not lost), rewrites
 * its claim with a temporary file and a rename as entries are delivered, and finally appends what
 * is left back to the live file. A replay that dies half-way leaves its claim behind; the next
 * replay picks it up, so nothing is lost, though an entry may be sent twice.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SinkConfig } from '../../config/sinks.js';

export interface DeadLetterEntry {
  version: 1;
  sink: string;
  type: SinkConfig['type'];
  alertId: string;
  rule: string;
  /** The body as sent (Slack blocks, webhook envelope, Jira fields, file line). */
  payload: unknown;
  firstFailure: string;
  lastFailure: string;
  /** Tries made so far over all runs; 0 when the sink was already down and it was not tried. */
  attempts: number;
  lastError: string;
}

const CLAIM = '.replay-';

export function deadLetterFile(dir: string, sink: string): string {
  return join(dir, `${sink}.jsonl`);
}

/** Appends entries in one write, creating the folder when needed. */
export async function appendDeadLetters(
  dir: string,
  sink: string,
  entries: readonly DeadLetterEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await mkdir(dir, { recursive: true });
  await appendFile(
    deadLetterFile(dir, sink),
    entries.map((e) => `${JSON.stringify(e)}\n`).join(''),
  );
}

/** Sink names with a dead-letter file or an unfinished replay claim in `dir`. */
export async function deadLetterSinks(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const sinks = new Set<string>();
  for (const n of names) {
    const m = /^(.+)\.jsonl(?:\.replay-[\w-]+)?$/.exec(n);
    if (m && !n.endsWith('.tmp')) sinks.add(m[1] as string);
  }
  return [...sinks].sort();
}

/** One line of a claimed file: a parsed entry, or a line that could not be read (kept as it is). */
export type ClaimedLine = { entry: DeadLetterEntry } | { raw: string; problem: string };

export interface Claim {
  path: string;
  lines: ClaimedLine[];
}

/**
 * Takes the sink's live file and any claims left by replays that died into one new claim.
 * Returns undefined when there is nothing to replay.
 */
export async function claimDeadLetters(dir: string, sink: string): Promise<Claim | undefined> {
  const live = deadLetterFile(dir, sink);
  const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const candidates = (await readdir(dir).catch(() => [] as string[]))
    .filter((n) => n.startsWith(`${sink}.jsonl${CLAIM}`) && !n.endsWith('.tmp'))
    .filter((n) => !claimedByLiveProcess(n))
    .map((n) => join(dir, n))
    .sort();
  candidates.push(live);
  const taken: string[] = [];
  for (const [i, path] of candidates.entries()) {
    const to = `${live}${CLAIM}${id}-${i}`;
    try {
      await rename(path, to);
      taken.push(to);
    } catch (err) {
      // Gone: another replay claimed it first, or there was no live file.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (taken.length === 0) return undefined;
  const lines: ClaimedLine[] = [];
  for (const path of taken) {
    const text = await readFile(path, 'utf8');
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      lines.push(parseLine(raw, sink));
    }
  }
  const claim: Claim = { path: `${live}${CLAIM}${id}`, lines };
  await rewriteClaim(claim);
  for (const path of taken) await unlink(path);
  return claim;
}

/** A claim whose replay process still runs (on this machine) is left to it. */
function claimedByLiveProcess(name: string): boolean {
  const pid = Number(/\.replay-(\d+)-/.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseLine(raw: string, sink: string): ClaimedLine {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { raw, problem: 'not JSON' };
  }
  const e = value as Partial<DeadLetterEntry> | null;
  if (
    e === null ||
    typeof e !== 'object' ||
    e.sink !== sink ||
    typeof e.type !== 'string' ||
    typeof e.alertId !== 'string' ||
    !Object.hasOwn(e, 'payload')
  )
    return { raw, problem: `not a dead-letter entry of sink ${sink}` };
  return { entry: e as DeadLetterEntry };
}

function serialise(lines: readonly ClaimedLine[]): string {
  return lines.map((l) => ('entry' in l ? JSON.stringify(l.entry) : l.raw) + '\n').join('');
}

/** Replaces the claim's file with its current lines: a temporary file, then a rename. */
export async function rewriteClaim(claim: Claim): Promise<void> {
  const tmp = `${claim.path}.tmp`;
  await writeFile(tmp, serialise(claim.lines));
  await rename(tmp, claim.path);
}

/** Gives what is left of a claim back to the live file and removes the claim. */
export async function releaseClaim(claim: Claim, dir: string, sink: string): Promise<void> {
  if (claim.lines.length > 0) await appendFile(deadLetterFile(dir, sink), serialise(claim.lines));
  await unlink(claim.path).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  });
}
