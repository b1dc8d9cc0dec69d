import type { ScheduleConfig } from './snapshot';
import * as v from './conf-values';

/** An opening-hours subroutine: holidays by local date, weekly slots through GotoIfTime in the schedule's zone. */
export interface ScheduleView {
  id: number;
  comment: string;
  timeZone: string;
  override: { state: 'open' | 'closed'; value: 1 | 0 } | null;
  holidays: string[];
  slots: Array<{ times: string; day: string }>;
}

const DAYS = ['', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function scheduleView(s: ScheduleConfig, i: number): ScheduleView {
  const at = `schedules[${i}]`;
  const slots = s.weekly.map((slot, j) => {
    const f = `${at}.weekly[${j}]`;
    const day = DAYS[v.integer(`${f}.day`, slot.day, 1, 7)];
    const open = v.clockMinutes(`${f}.open`, slot.open);
    const close = v.clockMinutes(`${f}.close`, slot.close);
    if (close <= open) throw new v.ConfigValueError(f, 'must close after it opens (split a slot that crosses midnight)');
    // GotoIfTime includes the end minute: 09:00-12:00 is written 09:00-11:59.
    return { times: `${clock(open)}-${clock(close - 1)}`, day };
  });
  if (s.override !== null && s.override !== 'open' && s.override !== 'closed') throw new v.ConfigValueError(`${at}.override`, 'expected open, closed or null');
  return {
    id: v.integer(`${at}.id`, s.id, 1, Number.MAX_SAFE_INTEGER),
    comment: v.displayText(`${at}.name`, s.name),
    timeZone: v.timeZone(`${at}.timeZone`, s.timeZone),
    override: s.override === null ? null : { state: s.override, value: s.override === 'open' ? 1 : 0 },
    holidays: [...new Set(s.holidays.map((d, j) => v.isoDate(`${at}.holidays[${j}]`, d)))].sort(),
    slots,
  };
}
