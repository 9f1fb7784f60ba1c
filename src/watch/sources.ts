/**
 * What `watch` follows: a local directory (or file, or glob) walked as `hunt` walks it, or an S3
 * prefix listed as `hunt` lists it, each object with what identifies its content (size and mtime;
 * S3 adds the ETag and LastModified). Deciding which of them are new is the ledger's job.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { InputProblem } from '../formats/types.js';
import { expandInputs, type InputNotice } from '../sources/index.js';
import { isS3Url, listS3, s3Url } from '../sources/s3.js';

export interface WatchObject {
  /** Identity in the ledger: the absolute path, or the s3:// URL. */
  key: string;
  /** What to hand the hunt: the path as walked, or the s3:// URL. */
  input: string;
  size: number;
  /** LastModified or mtime, epoch ms. */
  mtime: number;
  etag?: string;
}

export interface SourceListing {
  objects: WatchObject[];
  problems: InputProblem[];
  notices: InputNotice[];
}

/**
 * Lists one source. `since` prunes S3 date prefixes (see s3.ts); local sources are walked whole.
 *
 * @example
 * const { objects } = await listSource('s3://org-trail/AWSLogs/', Date.parse('2026-03-01'));
 */
export async function listSource(source: string, since?: number): Promise<SourceListing> {
  if (isS3Url(source)) {
    const l = await listS3(source, since === undefined ? {} : { since });
    return {
      objects: l.objects.map((o) => {
        const url = s3Url(o.bucket, o.key);
        return { key: url, input: url, size: o.size, mtime: o.lastModified, etag: o.etag };
      }),
      problems: l.problems,
      notices: l.notices,
    };
  }
  const x = await expandInputs([source]);
  const problems = [...x.problems];
  const objects: WatchObject[] = [];
  await Promise.all(
    x.files.map(async (f) => {
      try {
        const st = await stat(f.path);
        objects.push({
          key: path.resolve(f.path),
          input: f.path,
          size: st.size,
          mtime: st.mtimeMs,
        });
      } catch {
        // Gone between the walk and the stat: the next cycle will not see it either.
      }
    }),
  );
  objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { objects, problems, notices: x.notices };
}

/** `…_20230710T1145Z_…`: the delivery time AWS puts in CloudTrail and flow-log file names. */
const STAMP = /_(\d{8}T\d{4}Z)_/;

/** Oldest delivery first (by the time in the name, then modification time, then key). */
export function deliveryOrder(objects: readonly WatchObject[]): WatchObject[] {
  const stamp = (o: WatchObject) => STAMP.exec(o.key)?.[1] ?? '';
  return [...objects].sort((a, b) => {
    const sa = stamp(a);
    const sb = stamp(b);
    if (sa !== sb) return sa < sb ? -1 : 1;
    if (a.mtime !== b.mtime) return a.mtime - b.mtime;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}
