/**
 * `trailhound update-data FILE`: refreshes the AWS IP ranges snapshot from an `ip-ranges.json`
 * the user downloaded from AWS (trailhound downloads nothing). The file is validated in full, every
 * problem listed with its place, before anything is written. By default the snapshot replaces the
 * one in the package's `data/` folder; `--out` writes it elsewhere (point `intel.awsIpRanges` in
 * the configuration at it). A snapshot older than the one it would replace is refused unless
 * `--force`, so a stale download never rolls the data back by accident.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { TrailhoundError } from '../errors.js';
import {
  defaultSnapshotPath,
  fromAwsIpRanges,
  readJsonFile,
  serialiseSnapshot,
  toSnapshot,
  type AwsRangesSnapshot,
} from '../enrich/aws-ranges.js';

interface UpdateFlags {
  out?: string;
  force?: boolean;
}

export function registerUpdateData(program: Command): void {
  program
    .command('update-data')
    .description(
      'refresh the AWS IP ranges snapshot from a downloaded ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json)',
    )
    .argument('<file>', 'ip-ranges.json as published by AWS (gzip accepted)')
    .option(
      '-o, --out <file>',
      `where to write the snapshot (default: the package's ${defaultSnapshotPath()})`,
    )
    .option('--force', 'replace a snapshot even when the new file is older')
    .action((file: string, flags: UpdateFlags) => {
      const written = updateData(file, flags);
      process.stdout.write(`${written}\n`);
    });
}

/** Validates `file` and writes the snapshot; returns the line to print. */
export function updateData(file: string, flags: UpdateFlags = {}): string {
  const r = fromAwsIpRanges(readJsonFile(file), `ip-ranges.json as published by AWS (${file})`);
  if ('errors' in r) {
    throw new TrailhoundError('input', 'not a valid AWS ip-ranges.json; nothing was written', {
      location: { file },
      details: r.errors,
    });
  }
  const snapshot = r.snapshot;
  const out = flags.out ?? defaultSnapshotPath();
  if (flags.force !== true && existsSync(out)) {
    const current = currentSnapshot(out);
    // syncToken is AWS's publication time in seconds; a snapshot without one is not compared.
    const older =
      current !== undefined &&
      /^\d+$/.test(current.syncToken) &&
      BigInt(current.syncToken) > BigInt(snapshot.syncToken);
    if (older && current !== undefined) {
      throw new TrailhoundError(
        'usage',
        `${file} (createDate ${snapshot.createDate}) is older than the snapshot in ${out} (createDate ${current.createDate}); use --force to replace it anyway`,
      );
    }
  }
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, serialiseSnapshot(snapshot));
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new TrailhoundError(
      'usage',
      `cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}; choose another place with --out`,
      { cause: err },
    );
  }
  const v4 = snapshot.prefixes.filter((p) => !(typeof p === 'string' ? p : p[0]).includes(':'));
  return `wrote ${v4.length} IPv4 and ${snapshot.prefixes.length - v4.length} IPv6 prefixes (createDate ${snapshot.createDate}, syncToken ${snapshot.syncToken}) to ${out}`;
}

/** The snapshot already at `file`, or undefined when it cannot be read as one. */
function currentSnapshot(file: string): AwsRangesSnapshot | undefined {
  try {
    return toSnapshot(readJsonFile(file), file);
  } catch {
    return undefined;
  }
}
