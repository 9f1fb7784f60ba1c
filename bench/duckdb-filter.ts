/**
 * The DuckDB side of the comparison (compare.ts): the event-name filter of the single-event rules
 * as one SQL query over the gzip CloudTrail files, counting the records it keeps. It runs as its
 * own child process so its time and peak memory are measured like trailhound's. compare.ts
 * transpiles it to `.bench/duckdb-filter.mjs` (see transpile in measure.ts) and runs
 *   node .bench/duckdb-filter.mjs <job.json>
 * where the job names the files, the event names, the threads and the largest file. It prints one
 * line of JSON: `{ version, records, matched }`.
 */
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

export interface DuckDbJob {
  files: string[];
  names: string[];
  /** Same pattern as the jq filter (VERSION_SUFFIX in event-names.ts). */
  versionSuffix: string;
  threads: number;
  /** Uncompressed size of the largest file: each file is one JSON object of that size. */
  largestFileBytes: number;
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const list = (xs: readonly string[]) => xs.map(quote).join(', ');

/**
 * Records differ in shape from one event to the next (requestParameters above all), so reading
 * them as a typed table would make DuckDB sample and reconcile schemas; `Records` read as JSON[]
 * and unnested is how a team would write it for CloudTrail. Every record's name is extracted, so
 * counting all records next to the matched ones costs nothing and shows every record was read.
 */
export function sql(job: DuckDbJob): string {
  const maxObject = Math.max(16 * 1024 * 1024, 2 * job.largestFileBytes);
  return `
    SELECT count(*) AS records,
           count(*) FILTER (
             WHERE regexp_replace(r->>'eventName', ${quote(job.versionSuffix)}, '') IN (${list(job.names)})
           ) AS matched
    FROM (
      SELECT unnest(Records) AS r
      FROM read_json([${list(job.files)}],
                     compression = 'gzip',
                     format = 'auto',
                     columns = {Records: 'JSON[]'},
                     maximum_object_size = ${maxObject})
    )`;
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as DuckDbJob;
  const instance = await DuckDBInstance.create(':memory:', { threads: String(job.threads) });
  const db = await instance.connect();
  const version = (await db.runAndReadAll('SELECT version() AS v')).getRowObjectsJS()[0]?.v;
  const row = (await db.runAndReadAll(sql(job))).getRowObjectsJS()[0] ?? {};
  process.stdout.write(
    JSON.stringify({ version, records: Number(row.records), matched: Number(row.matched) }) + '\n',
  );
  db.closeSync();
  instance.closeSync();
}

await main();
