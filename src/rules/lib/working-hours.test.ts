/**
 * Working hours in a time zone: local weekday and time across daylight-saving changes, shifts
 * that cross midnight, and unknown zones, which must answer "unknown" rather than throw.
 */
import { describe, expect, it } from 'vitest';
import {
  describeWorkingHours,
  isKnownTimeZone,
  localTime,
  withinWorkingHours,
  type WorkingHours,
} from './working-hours.js';

const at = (iso: string): number => Date.parse(iso);

const BERLIN: WorkingHours = {
  timeZone: 'Europe/Berlin',
  start: '08:00',
  end: '18:00',
  days: [1, 2, 3, 4, 5],
};

describe('localTime', () => {
  it('follows daylight saving time in the zone', () => {
    // 2026-03-27 is a Friday in winter time (UTC+1), 2026-03-30 a Monday in summer time (UTC+2).
    expect(localTime(at('2026-03-27T07:30:00Z'), 'Europe/Berlin')).toEqual({
      weekday: 5,
      minutes: 8 * 60 + 30,
      text: 'Fri 08:30',
    });
    expect(localTime(at('2026-03-30T07:30:00Z'), 'Europe/Berlin')?.text).toBe('Mon 09:30');
  });

  it('moves to the local calendar day', () => {
    // 23:30 UTC on a Sunday is already Monday morning in Tokyo.
    expect(localTime(at('2026-01-04T23:30:00Z'), 'Asia/Tokyo')?.text).toBe('Mon 08:30');
  });

  it('answers undefined for a zone the runtime does not know, every time', () => {
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(localTime(at('2026-01-05T10:00:00Z'), 'Mars/Olympus_Mons')).toBeUndefined();
    expect(localTime(at('2026-01-05T10:00:00Z'), 'Mars/Olympus_Mons')).toBeUndefined();
    expect(isKnownTimeZone('UTC')).toBe(true);
  });
});

describe('withinWorkingHours', () => {
  it('is inside on a working day between start and end, outside otherwise', () => {
    expect(withinWorkingHours(at('2026-01-05T08:00:00Z'), BERLIN)).toBe(true); // Mon 09:00
    expect(withinWorkingHours(at('2026-01-05T16:59:00Z'), BERLIN)).toBe(true); // Mon 17:59
    expect(withinWorkingHours(at('2026-01-05T17:00:00Z'), BERLIN)).toBe(false); // Mon 18:00
    expect(withinWorkingHours(at('2026-01-05T06:59:00Z'), BERLIN)).toBe(false); // Mon 07:59
    expect(withinWorkingHours(at('2026-01-03T10:00:00Z'), BERLIN)).toBe(false); // Sat 11:00
  });

  it('uses the local clock, not UTC, around a daylight-saving change', () => {
    // 06:30 UTC: 07:30 in winter (outside), 08:30 in summer (inside).
    expect(withinWorkingHours(at('2026-03-27T06:30:00Z'), BERLIN)).toBe(false);
    expect(withinWorkingHours(at('2026-03-30T06:30:00Z'), BERLIN)).toBe(true);
  });

  it('counts the early hours of a night shift to the working day it started on', () => {
    const night: WorkingHours = { timeZone: 'UTC', start: '22:00', end: '06:00', days: [1] };
    expect(withinWorkingHours(at('2026-01-05T23:00:00Z'), night)).toBe(true); // Mon 23:00
    expect(withinWorkingHours(at('2026-01-06T03:00:00Z'), night)).toBe(true); // Tue 03:00
    expect(withinWorkingHours(at('2026-01-06T23:00:00Z'), night)).toBe(false); // Tue 23:00
    expect(withinWorkingHours(at('2026-01-05T03:00:00Z'), night)).toBe(false); // Mon 03:00
    expect(withinWorkingHours(at('2026-01-05T12:00:00Z'), night)).toBe(false); // Mon noon
  });

  it('is undefined for an unknown zone', () => {
    expect(
      withinWorkingHours(at('2026-01-05T10:00:00Z'), { ...BERLIN, timeZone: 'Nowhere/X' }),
    ).toBe(undefined);
  });
});

describe('describeWorkingHours', () => {
  it('names a run of days as a range and other days one by one', () => {
    expect(describeWorkingHours(BERLIN)).toBe('Mon–Fri 08:00–18:00 Europe/Berlin');
    expect(describeWorkingHours({ ...BERLIN, days: [1, 3, 5] })).toBe(
      'Mon, Wed, Fri 08:00–18:00 Europe/Berlin',
    );
  });
});
