/**
 * The progress bar of long runs: files done of files queued and events read, drawn with
 * `cli-progress` on standard error only, so it never mixes into findings on standard output. The
 * caller decides whether it is wanted (stderr is a terminal, the run is long); when it is not, the
 * same interface does nothing.
 */
import cliProgress from 'cli-progress';
import { formatCount } from './text.js';

export interface ProgressOptions {
  totalFiles: number;
  enabled: boolean;
  /** Where to draw; standard error by default. */
  stream?: NodeJS.WriteStream;
}

export interface Progress {
  update(filesDone: number, events: number): void;
  /** Removes the bar; safe to call more than once. */
  stop(): void;
}

const NOOP: Progress = { update() {}, stop() {} };

/**
 * @example
 * const progress = createProgress({ totalFiles: files.length, enabled: process.stderr.isTTY });
 * progress.update(done, events);
 * progress.stop();
 */
export function createProgress(opts: ProgressOptions): Progress {
  if (!opts.enabled) return NOOP;
  const bar = new cliProgress.SingleBar(
    {
      stream: opts.stream ?? process.stderr,
      format:
        'hunting {bar} {percentage}% | {value}/{total} files | {events} events | eta {eta_formatted}',
      barCompleteChar: '█',
      barIncompleteChar: '░',
      barsize: 30,
      // A hidden cursor would stay hidden after Ctrl-C: cli-progress can only restore it by
      // catching SIGINT (`gracefulExit`), which would also stop Ctrl-C from ending the run.
      hideCursor: false,
      clearOnComplete: true,
      stopOnComplete: false,
      fps: 10,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(0, opts.totalFiles), 0, { events: '0' });
  let stopped = false;
  return {
    update(filesDone, events) {
      if (stopped) return;
      bar.update(filesDone, { events: formatCount(events) });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
