import { DateTime } from 'luxon';
import { isPublicHoliday } from '../public-holidays';
import type { TimeRange, WeekdayName } from '../types';

export interface CallingHoursParams {
  readonly weekly: Readonly<Partial<Record<WeekdayName, readonly TimeRange[]>>>;
  readonly holidays: { readonly country: string; readonly types: readonly string[] } | null;
}

const WEEKDAYS: readonly WeekdayName[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
/** Far enough to cross any run of holidays and closed days; beyond it the schedule never opens. */
const SEARCH_DAYS = 400;

function atLocalTime(day: DateTime, hhmm: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number);
  // Luxon moves a wall-clock time that a DST jump skips forward, which is the legal reading.
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

/**
 * Earliest instant ≥ `from` inside the schedule in `timeZone`, or null if the schedule never opens.
 * Windows are local wall-clock times, so DST changes move them in UTC as they should.
 */
export function nextOpenInstant(
  from: Date,
  timeZone: string,
  params: CallingHoursParams,
  holidayRegion: string | undefined,
): Date | null {
  const local = DateTime.fromJSDate(from, { zone: timeZone });
  if (!local.isValid) throw new Error(`unknown time zone ${timeZone}`);
  const startOfToday = local.startOf('day');
  for (let d = 0; d < SEARCH_DAYS; d++) {
    const day = startOfToday.plus({ days: d });
    const ranges = params.weekly[WEEKDAYS[day.weekday - 1]];
    if (!ranges || ranges.length === 0) continue;
    if (params.holidays && isPublicHoliday(day.toISODate()!, params.holidays.country, holidayRegion, params.holidays.types)) {
      continue;
    }
    for (const [start, end] of ranges) {
      const opens = atLocalTime(day, start);
      const closes = atLocalTime(day, end);
      if (local < opens) return opens.toJSDate();
      if (local < closes) return from;
    }
  }
  return null;
}
