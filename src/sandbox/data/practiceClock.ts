import type { AustralianState } from './australianIdentifiers';

/*
 * Calendar arithmetic on whole days counted from 1970-01-01 ("day numbers"): the generator works in the practice's
 * wall clock, so a day number and a count of seconds after midnight say everything Best Practice stores.
 */

const DAY_MS = 86_400_000;

export const TIME_ZONES: Readonly<Record<AustralianState, string>> = {
  NSW: 'Australia/Sydney', ACT: 'Australia/Sydney', VIC: 'Australia/Melbourne', TAS: 'Australia/Hobart',
  QLD: 'Australia/Brisbane', SA: 'Australia/Adelaide', NT: 'Australia/Darwin', WA: 'Australia/Perth',
};

export interface WallClock {
  day: number;
  seconds: number;
}

/** The practice's local date and time at the instant `now`. */
export function wallClockAt(now: Date, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? '0');
  return {
    day: Math.floor(Date.UTC(part('year'), part('month') - 1, part('day')) / DAY_MS),
    seconds: part('hour') * 3600 + part('minute') * 60 + part('second'),
  };
}

export function dayOf(year: number, month: number, dayOfMonth: number): number {
  return Math.floor(Date.UTC(year, month - 1, dayOfMonth) / DAY_MS);
}

// Generating a large practice formats the same few hundred days millions of times: Date#toISOString dominated the profile.
const isoDateCache = new Map<number, string>();

/** "YYYY-MM-DD". */
export function isoDate(day: number): string {
  let text = isoDateCache.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (isoDateCache.size < 100_000) {
      isoDateCache.set(day, text);
    }
  }
  return text;
}

/** "YYYY-MM-DDTHH:MM:SS" without offset, as Halo returns SQL Server datetimes. */
export function isoDateTime(day: number, seconds = 0): string {
  return `${isoDate(day)}T${timeOfDay(seconds)}`;
}

/** "HH:MM:SS". */
export function timeOfDay(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

/** 0 Sunday … 6 Saturday. */
export function weekdayOf(day: number): number {
  return (day + 4) % 7;
}

export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** The same day of the month `months` later (clamped to the month's end), as a day number. */
export function addMonths(day: number, months: number): number {
  const date = new Date(day * DAY_MS);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return dayOf(target.getUTCFullYear(), target.getUTCMonth() + 1, Math.min(date.getUTCDate(), lastDay));
}

/** Whole years between two day numbers, as an age is counted. */
export function yearsBetween(from: number, to: number): number {
  const a = new Date(from * DAY_MS);
  const b = new Date(to * DAY_MS);
  let years = b.getUTCFullYear() - a.getUTCFullYear();
  if (b.getUTCMonth() < a.getUTCMonth() || (b.getUTCMonth() === a.getUTCMonth() && b.getUTCDate() < a.getUTCDate())) {
    years--;
  }
  return years;
}

/** National public holidays on fixed dates; the practice is closed. */
export function isFixedPublicHoliday(day: number): boolean {
  const date = new Date(day * DAY_MS);
  const key = (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
  return key === 101 || key === 126 || key === 425 || key === 1225 || key === 1226;
}

/** Day number of an ISO date or date-time ("YYYY-MM-DD…"); NaN when it is not one. */
export function parseIsoDay(text: string): number {
  const key = text.length > 10 ? text.slice(0, 10) : text;
  let day = parseCache.get(key);
  if (day === undefined) {
    day = parseUncached(key);
    if (parseCache.size < 100_000) {
      parseCache.set(key, day);
    }
  }
  return day;
}

const parseCache = new Map<string, number>();

function parseUncached(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text.trim());
  if (!match) {
    return Number.NaN;
  }
  const day = dayOf(Number(match[1]), Number(match[2]), Number(match[3]));
  return isoDate(day) === `${match[1]}-${match[2]}-${match[3]}` ? day : Number.NaN;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}
