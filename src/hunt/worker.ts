/**
 * Worker thread entry: builds its own processor (rules are compiled per thread; compiled rules hold
 * functions and cannot be sent) and processes the files the main thread hands it, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { RULES } from '../rules/registry.js';
import { decodeFile } from '../formats/detect.js';
import type { InputFile } from '../sources/index.js';
import { createProcessor, processDecoded, type EventFilters } from './process.js';

export interface WorkerInit {
  config: Config;
  filters: EventFilters;
}
export interface WorkerTask {
  seq: number;
  file: InputFile;
}

const init = workerData as WorkerInit;
const proc = createProcessor(RULES, init.config, init.filters);
const port = parentPort;
if (port === null) throw new Error('hunt worker started outside a worker thread');

port.on('message', (task: WorkerTask) => {
  processDecoded(decodeFile(task.file, proc.decode), proc).then(
    (result) => port.postMessage({ seq: task.seq, result }),
    (err: unknown) =>
      port.postMessage({
        seq: task.seq,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
