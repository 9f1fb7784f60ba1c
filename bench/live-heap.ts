/**
 * Whether memory stays flat as a hunt goes on: runs a hunt in this process, on one thread, as the
 * CLI runs it (every rule, its garbage-collector settings, the rules' examples let go), and every
 * N files forces a full collection and prints what is still live (the heap after it) beside the
 * resident set size. A live heap that levels off means nothing accumulates with the input; peak
 * RSS alone cannot tell that apart from garbage waiting for a collection.
 *
 *   node --expose-gc --import tsx bench/live-heap.ts [--every N] PATH...
 *
 * For the benchmark's data sets: `.bench/data-full/ct` (1 million events) or `.bench/data-large/ct`
 * (10 million; `npm run bench -- --large --only ct` generates it).
 */
import { applyGcSettings } from '../src/cli/gc.js';

applyGcSettings();

const { configSchema } = await import('../src/config/schema.js');
const { huntStream } = await import('../src/hunt/run.js');
const { releaseExamples } = await import('../src/hunt/process.js');
const { RULES } = await import('../src/rules/registry.js');

const USAGE = 'usage: node --expose-gc --import tsx bench/live-heap.ts [--every N] PATH...';
const args = process.argv.slice(2);
let every = 250;
const inputs: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i] as string;
  if (a === '--every' && /^[1-9]\d*$/.test(args[i + 1] ?? '')) every = Number(args[++i]);
  else if (a.startsWith('-')) {
    process.stderr.write(`live-heap: unexpected argument ${JSON.stringify(a)}\n${USAGE}\n`);
    process.exit(2);
  } else inputs.push(a);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (inputs.length === 0 || gc === undefined) {
  process.stderr.write(`${USAGE}\n(--expose-gc is required: the script forces full collections)\n`);
  process.exit(2);
}

const mib = (b: number) => String(Math.round(b / 2 ** 20)).padStart(5);
const line = (label: string) => {
  gc();
  const m = process.memoryUsage();
  process.stdout.write(
    `${label.padEnd(36)} live heap ${mib(m.heapUsed)} MiB   RSS ${mib(m.rss)} MiB   external ${mib(m.external)} MiB\n`,
  );
};

// As `trailhound hunt` does.
releaseExamples(RULES);
let next = every;
const run = await huntStream({
  inputs,
  config: configSchema.parse({}),
  registry: RULES,
  workers: 1,
  onProgress: (done, total, events) => {
    if (done < next && done < total) return;
    next = done + every;
    line(`${done}/${total} files, ${events} events`);
  },
});
let findings = 0;
for (let r = run.findings.next(); r.done !== true; r = run.findings.next()) findings++;
line(`end: ${findings} findings`);
const { tracked, evicted } = run.summary.state;
process.stdout.write(`stateful stage: ${tracked} entities tracked, ${evicted} evicted\n`);
