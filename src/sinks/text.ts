/**
 * Text helpers shared by the human-readable sinks (table and run summary): making values from logs
 * safe to print on a terminal, measuring and cutting them to a column, and formatting numbers and
 * durations the same way everywhere.
 */

// C0 and C1 control characters, DEL, and the Unicode bidirectional overrides. Values in findings come
// from log records an attacker can write (user agents, resource names); printed raw they could move
// the cursor, rewrite earlier lines or reorder text on the responder's terminal.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Makes one value printable on one line: whitespace controls become spaces, others `\uXXXX`. */
export function clean(value: string): string {
  return value.replace(UNSAFE, (ch) =>
    ch === '\n' || ch === '\r' || ch === '\t'
      ? ' '
      : `\\u${ch.codePointAt(0)?.toString(16).padStart(4, '0') ?? ''}`,
  );
}

/** Length in code points; close enough to terminal cells for the text trailhound prints. */
export function textWidth(value: string): number {
  return Array.from(value).length;
}

/** Cuts to `width` cells, keeping the start (`end`) or the end (`start`) and marking the cut. */
export function truncate(value: string, width: number, cut: 'end' | 'start' = 'end'): string {
  if (width <= 0) return '';
  const chars = Array.from(value);
  if (chars.length <= width) return value;
  if (width === 1) return '…';
  return cut === 'end'
    ? `${chars.slice(0, width - 1).join('')}…`
    : `…${chars.slice(chars.length - (width - 1)).join('')}`;
}

export function pad(value: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - textWidth(value)));
  return align === 'left' ? value + fill : fill + value;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `2900` → `2,900`. */
export function formatCount(n: number): string {
  return integer.format(n);
}

/** `850 ms`, `12.3 s`, `4 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const totalSeconds = Math.round(s);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** `1 finding`, `2 findings`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
