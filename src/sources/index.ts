/**
 * Sources: turns what the user named (files, directories, glob patterns, `-` for standard input)
 * into the sorted list of inputs to read. Directories are walked to any depth, which covers S3
 * deliveries as they are synced down (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`,
 * organisation trails under `AWSLogs/o-xxxx/<account>/…`, flow logs under `vpcflowlogs/`). What a
 * file holds is not looked at here: content, compression and layout are for the formats stage.
 *
 * Nothing is left out silently. The one thing skipped on purpose is CloudTrail's digest files
 * (`CloudTrail-Digest/` folders, `*_CloudTrail-Digest_*` names): they hold hashes of delivered log
 * files for integrity validation, not events, so each skipped folder is reported as a notice with
 * its file count (not as a problem, since `--strict` should not fail on a complete S3 sync).
 * A file named directly is always read, digest or not. Paths that cannot be read are problems.
 * `s3://` inputs are listed by s3.ts, which knows the same layouts on the bucket side.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { InputProblem } from '../formats/types.js';
import { isS3Url, listS3, namedObject, s3InputFile } from './s3.js';

export interface InputFile {
  /** Where to open it (`-`: standard input). */
  path: string;
  /** The path as the user would recognise it: as typed, or joined onto what was typed. */
  display: string;
  /** Set for an S3 object (`path` is then its s3:// URL): reading opens a GetObject stream. */
  s3?: { bucket: string; key: string };
}

export interface ExpandOptions {
  /** Epoch ms: S3 listings skip date prefixes before this day (see s3.ts). */
  since?: number;
}

/** Input left out on purpose, counted so the run summary can say so. */
export interface InputNotice {
  /** The folder (or file) as the user would recognise it. */
  path: string;
  /** Files left out under it. */
  files: number;
  reason: string;
}

export interface ExpandedInputs {
  /** Sorted by path; standard input, when named, comes last. */
  files: InputFile[];
  problems: InputProblem[];
  notices: InputNotice[];
}

export const STDIN: InputFile = { path: '-', display: '-' };

const DIGEST_DIR = 'CloudTrail-Digest';
const DIGEST_REASON =
  'CloudTrail digest files hold hashes of delivered log files for integrity validation, not events';

function isDigestName(name: string): boolean {
  return name.includes('_CloudTrail-Digest_');
}

function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

function unreadable(display: string, err: unknown, what = 'path'): InputProblem {
  const code = errCode(err);
  const why =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES' || code === 'EPERM'
        ? `permission denied (${code})`
        : err instanceof Error
          ? err.message
          : String(err);
  return {
    code: 'unreadable-file',
    severity: 'skip',
    file: display,
    reason: `this ${what} cannot be read: ${why}; expected a file, a directory, a glob pattern or - for standard input`,
  };
}

class Collector {
  readonly found = new Map<string, InputFile>();
  readonly problems: InputProblem[] = [];
  readonly notices: InputNotice[] = [];
  private readonly walked = new Set<string>();

  /** `real` is the file's path with symbolic links resolved: one file reached twice counts once. */
  add(p: string, display: string, real: string): void {
    if (!this.found.has(real)) this.found.set(real, { path: p, display });
  }

  async addResolved(p: string, display: string): Promise<void> {
    let real: string;
    try {
      real = await realpath(p);
    } catch {
      real = path.resolve(p);
    }
    this.add(p, display, real);
  }

  /** Walks a directory; sub-directories are read concurrently, order is restored by the sort. */
  async walk(dir: string, display: string): Promise<void> {
    let real: string;
    let entries: Dirent[];
    try {
      real = await realpath(dir);
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      this.problems.push(unreadable(display, err, 'directory'));
      return;
    }
    // A symbolic link back up the tree would otherwise be walked forever.
    if (this.walked.has(real)) return;
    this.walked.add(real);
    let digests = 0;
    const subdirs: Promise<void>[] = [];
    for (const e of entries) {
      const p = path.join(dir, e.name);
      const d = path.join(display, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      let realFile = path.join(real, e.name);
      if (e.isSymbolicLink()) {
        try {
          const s = await stat(p);
          isDir = s.isDirectory();
          isFile = s.isFile();
          realFile = await realpath(p);
        } catch (err) {
          this.problems.push(unreadable(d, err, 'symbolic link'));
          continue;
        }
      }
      if (isDir) {
        if (e.name === DIGEST_DIR) subdirs.push(this.skipDigests(p, d));
        else subdirs.push(this.walk(p, d));
      } else if (isFile) {
        if (isDigestName(e.name)) digests++;
        else this.add(p, d, realFile);
      } else {
        this.problems.push({
          code: 'unreadable-file',
          severity: 'skip',
          file: d,
          reason:
            'this is not a regular file (a socket, pipe or device) found while walking a directory; name it directly to read it',
        });
      }
    }
    if (digests > 0) this.notices.push({ path: display, files: digests, reason: DIGEST_REASON });
    await Promise.all(subdirs);
  }

  private async skipDigests(dir: string, display: string): Promise<void> {
    this.notices.push({ path: display, files: await countFiles(dir), reason: DIGEST_REASON });
  }

  async expandGlob(pattern: string): Promise<void> {
    let matches: string[];
    try {
      matches = await glob(pattern, {
        dot: true,
        onlyFiles: false,
        expandDirectories: false,
        absolute: path.isAbsolute(pattern),
      });
    } catch (err) {
      this.problems.push(unreadable(pattern, err, 'glob pattern'));
      return;
    }
    if (matches.length === 0) {
      this.problems.push({
        code: 'unreadable-file',
        severity: 'skip',
        file: pattern,
        reason: 'no file or directory matches this glob pattern; expected at least one match',
      });
      return;
    }
    const digests: Promise<string>[] = [];
    const pending: Promise<void>[] = [];
    for (const m of matches.sort()) {
      if (m.endsWith('/')) {
        const dir = m.slice(0, -1) || '/';
        if (dir.split(/[\\/]/).includes(DIGEST_DIR)) continue;
        pending.push(this.walk(dir, dir));
      } else if (isDigestName(path.basename(m)) || m.split(/[\\/]/).includes(DIGEST_DIR)) {
        digests.push(realpath(m).catch(() => path.resolve(m)));
      } else pending.push(this.addResolved(m, m));
    }
    await Promise.all(pending);
    // Counted by real path: a symbolic link must not count a digest file twice.
    const skipped = new Set(await Promise.all(digests)).size;
    if (skipped > 0) this.notices.push({ path: pattern, files: skipped, reason: DIGEST_REASON });
  }
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  try {
    for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
      if (!e.isDirectory()) n++;
  } catch {
    // An unreadable digest folder is still skipped; its count is then unknown and reported as 0.
  }
  return n;
}

/** Code-unit order: the same on every machine, unlike locale collation. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Expands command-line inputs into files to read, sorted, each once. `s3://bucket/prefix` inputs
 * are listed through s3.ts.
 *
 * @example
 * const { files, problems } = await expandInputs(['AWSLogs/', 'extra/*.json.gz', '-']);
 */
export async function expandInputs(
  args: string[],
  opts: ExpandOptions = {},
): Promise<ExpandedInputs> {
  const c = new Collector();
  let stdin = false;
  for (const arg of args) {
    if (arg === '-') {
      stdin = true;
      continue;
    }
    if (isS3Url(arg)) {
      const named = namedObject(arg);
      if (named !== undefined) {
        c.found.set(named.path, named);
        continue;
      }
      const listed = await listS3(arg, opts.since === undefined ? {} : { since: opts.since });
      for (const o of listed.objects) {
        const f = s3InputFile(o);
        c.found.set(f.path, f);
      }
      c.problems.push(...listed.problems);
      c.notices.push(...listed.notices);
      continue;
    }
    let isDir: boolean;
    try {
      isDir = (await stat(arg)).isDirectory();
    } catch (err) {
      if (errCode(err) === 'ENOENT' && isDynamicPattern(arg)) await c.expandGlob(arg);
      else c.problems.push(unreadable(arg, err));
      continue;
    }
    if (isDir) await c.walk(arg, arg);
    else await c.addResolved(arg, arg);
  }
  const files = [...c.found.values()].sort((a, b) => compare(a.path, b.path));
  if (stdin) files.push(STDIN);
  // Directories are walked concurrently, so these arrive in any order.
  c.problems.sort((a, b) => compare(a.file, b.file));
  c.notices.sort((a, b) => compare(a.path, b.path));
  return { files, problems: c.problems, notices: c.notices };
}
