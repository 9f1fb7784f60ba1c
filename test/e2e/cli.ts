/**
 * Runs the built `trailhound` command as a user would (a child process on `dist/`), so the
 * end-to-end tests cover argument parsing, worker threads, output and exit codes together.
 * `npm test` builds before it tests.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = `${ROOT}dist/cli/index.js`;
export const CORPUS = `${ROOT}../shared/corpus`;

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build before the e2e tests`);

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function trailhound(
  args: string[],
  opts: { input?: string | Buffer; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Parses `--format json` output. */
export function json(r: RunResult): {
  summary: Record<string, any>;
  findings: Record<string, any>[];
} {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(
      `not JSON (exit ${r.code}):\n${r.stdout.slice(0, 500)}\n${r.stderr.slice(0, 2000)}`,
    );
  }
}
