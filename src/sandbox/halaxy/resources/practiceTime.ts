import { dayOf, isoDateTime, wallClockAt } from '../../data/practiceClock';
import type { WallClock } from '../../data/practiceClock';

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The practice's wall clock as Halaxy writes it: instants carry the offset of the practice's time zone, daylight
 * saving included ("2025-03-03T09:00:00+11:00"), unlike the Best Practice facade, which pins +10:00.
 */
export class PracticeTime {
  private readonly offsets = new Map<string, string>();
  /** One formatter for every offset: building an Intl.DateTimeFormat per call dominated building a practice. */
  private readonly offsetFormat: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.offsetFormat = new Intl.DateTimeFormat('en-AU', { timeZone, timeZoneName: 'longOffset' });
  }

  /**
   * A wall-clock "YYYY-MM-DDTHH:MM:SS" as an instant. The offset is the one in force from the afternoon of that day:
   * a practice is closed during the 2–3 am changeover, so every appointment of the day shares it.
   */
  instant(wallClock: string): string {
    const date = wallClock.slice(0, 10);
    let offset = this.offsets.get(date);
    if (offset === undefined) {
      const noon = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), 12);
      offset = offsetText(this.offsetMinutes(noon));
      this.offsets.set(date, offset);
    }
    return `${wallClock}${offset}`;
  }

  /** An instant as the practice's wall clock with its exact offset at that moment. */
  format(at: Date): string {
    const ms = Math.floor(at.getTime() / 1000) * 1000;
    const clock = this.wallClock(ms);
    return `${isoDateTime(clock.day, clock.seconds)}${offsetText(this.offsetMinutes(ms))}`;
  }

  private wallClock(ms: number): WallClock {
    return wallClockAt(new Date(ms), this.timeZone);
  }

  /** The day number of a "YYYY-MM-DD" date. */
  static day(date: string): number {
    return dayOf(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
  }

  private offsetMinutes(ms: number): number {
    // "GMT+10:30", or plain "GMT" for UTC itself.
    const name = this.offsetFormat.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return m === null ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  }
}
