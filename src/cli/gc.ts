/**
 * The garbage-collector settings of the `trailhound` executable, process-wide, so the worker threads
 * started later follow them. Applied as the program starts, by src/cli/index.ts, and by
 * bench/live-heap.ts, which measures a hunt as the CLI runs it.
 */
import { setFlagsFromString } from 'node:v8';

// Measured with the benchmark's 1M CloudTrail events and 5M flow records on 2 workers (README,
// Performance):
// - V8 learns per allocation site whether objects live long and, if most did, allocates that
//   site's later objects straight into the old generation. Loading the geolocation tables teaches
//   it that about sites that later make one short-lived object per record, which then fill the
//   old generation until a full collection. Without the heuristic a CloudTrail hunt took 17% less
//   CPU time (47 s against 56.5 s).
// - V8 lets a heap grow to several times its live data before a full collection; each thread's
//   live data is 40-75 MiB, so three heaps (main and two workers) reached 750-900 MiB. Growing by
//   at most half keeps them near 425 MiB (CloudTrail) and 490 MiB (flow logs) at a cost of about
//   10% more CPU time. It is a growth factor, not a limit: a run that needs more still gets it.
// TRAILHOUND_GC=v8 keeps V8's own settings (faster where memory is plentiful, and how the figures
// above are reproduced).
export function applyGcSettings(): void {
  if (process.env.TRAILHOUND_GC === 'v8') return;
  setFlagsFromString('--no-allocation-site-pretenuring');
  setFlagsFromString('--heap-growing-percent=50');
}
