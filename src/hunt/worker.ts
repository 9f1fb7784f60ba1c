/**
 * Worker thread entry: builds its own processor (rules are compiled per thread; compiled rules hold
 * functions and cannot be sent) and processes the files the main thread hands it, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { adoptSharedGeo, type SharedGeo } from '../enrich/geo.js';
import { RULES } from '../rules/registry.js';
import { decodeFileBatches } from '../formats/detect.js';
import type { InputFile } from '../sources/index.js';
import {
  createProcessor,
  processDecoded,
  releaseExamples,
  type EventFilters,
  type FileResult,
} from './process.js';
import { packSignals, transferList, type SignalPacket } from './signal-packet.js';

export interface WorkerInit {
  config: Config;
  filters: EventFilters;
  /** The geolocation tables the main thread read, shared rather than read again per worker. */
  geo?: SharedGeo;
}
export interface WorkerTask {
  seq: number;
  file: InputFile;
}
/**
 * From a worker, per task: chunks of signals as the file is read (packed, see signal-packet.ts),
 * then its result (or error).
 */
export type WorkerMessage =
  | { seq: number; signals: SignalPacket }
  | { seq: number; result: FileResult }
  | { seq: number; error: string };

const init = workerData as WorkerInit;
if (init.geo !== undefined) adoptSharedGeo(init.geo);
const proc = createProcessor(RULES, init.config, init.filters);
// This thread only hunts, and its modules are its own.
releaseExamples(RULES);
const port = parentPort;
if (port === null) throw new Error('hunt worker started outside a worker thread');

port.on('message', (task: WorkerTask) => {
  const post = (msg: WorkerMessage) => port.postMessage(msg);
  processDecoded(decodeFileBatches(task.file, proc.decode), proc, (signals) => {
    const packet = packSignals(signals);
    port.postMessage(
      { seq: task.seq, signals: packet } satisfies WorkerMessage,
      transferList(packet),
    );
  }).then(
    (result) => post({ seq: task.seq, result }),
    (err: unknown) =>
      post({
        seq: task.seq,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
