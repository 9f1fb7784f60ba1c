/**
 * Working hours in the organisation's time zone: the local weekday and time of an event, whether
 * it falls inside the configured hours (shifts that cross midnight included), and the words a
 * summary uses for both. Local time comes from `Intl.DateTimeFormat`, so daylight-saving changes
 * follow the time-zone database of the Node runtime. Formatters are built once per zone; an unknown
 * zone is reported once as such (`undefined`), never thrown per event.
 */
import type { Organisation } from '../../config/schema.js';

export type WorkingHours = NonNullable<Organisation['workingHours']>;

/** A moment as the clock on the wall shows it in one zone. */
export interface LocalTime {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
  /** `Mon 02:14`. */
  text: string;
}

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const WEEKDAY: Readonly<Record<string, number>> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      // RangeError for a zone the runtime does not know; remembered so it is tried once.
      f = null;
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the Node runtime knows `timeZone` (an IANA name such as `Europe/Berlin`, or `UTC`). */
export function isKnownTimeZone(timeZone: string): boolean {
  return formatterFor(timeZone) !== null;
}

/** The local weekday and time of `epochMs` in `timeZone`; undefined for an unknown zone. */
export function localTime(epochMs: number, timeZone: string): LocalTime | undefined {
  const f = formatterFor(timeZone);
  if (f === null || !Number.isFinite(epochMs)) return undefined;
  let weekday: number | undefined;
  let hour: number | undefined;
  let minute: number | undefined;
  for (const part of f.formatToParts(epochMs)) {
    if (part.type === 'weekday') weekday = WEEKDAY[part.value];
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  if (weekday === undefined || hour === undefined || minute === undefined) return undefined;
  return {
    weekday,
    minutes: hour * 60 + minute,
    text: `${DAY_NAMES[weekday - 1] ?? '?'} ${hhmm(hour * 60 + minute)}`,
  };
}

function toMinutes(hhmmText: string): number {
  const [h, m] = hhmmText.split(':');
  return Number(h) * 60 + Number(m);
}

function hhmm(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/**
 * True when `epochMs` falls inside the working hours, false when outside, undefined when the time
 * zone is unknown. A shift whose end is not after its start runs past midnight: its early-morning
 * part belongs to the working day before (`22:00`–`06:00` on Monday covers Tuesday 03:00).
 */
export function withinWorkingHours(epochMs: number, hours: WorkingHours): boolean | undefined {
  const t = localTime(epochMs, hours.timeZone);
  if (t === undefined) return undefined;
  const start = toMinutes(hours.start);
  const end = toMinutes(hours.end);
  const isDay = (d: number): boolean => hours.days.includes(d);
  if (start < end) return isDay(t.weekday) && t.minutes >= start && t.minutes < end;
  const yesterday = t.weekday === 1 ? 7 : t.weekday - 1;
  return (isDay(t.weekday) && t.minutes >= start) || (isDay(yesterday) && t.minutes < end);
}

/** `Mon–Fri 07:00–19:00 Europe/Berlin`, or the listed days when they are not one run. */
export function describeWorkingHours(hours: WorkingHours): string {
  const days = [...new Set(hours.days)].sort((a, b) => a - b);
  const name = (d: number): string => DAY_NAMES[d - 1] ?? String(d);
  const first = days[0];
  const last = days.at(-1);
  const contiguous = first !== undefined && last !== undefined && last - first === days.length - 1;
  const dayText =
    days.length === 0
      ? 'no days'
      : contiguous && days.length > 2
        ? `${name(first)}–${name(last)}`
        : days.map(name).join(', ');
  return `${dayText} ${hours.start}–${hours.end} ${hours.timeZone}`;
}
