import { z } from 'zod';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export const backupScheduleInput = z.strictObject({
  enabled: z.boolean(),
  frequency: z.enum(['daily', 'weekly']),
  /** Only for weekly backups. */
  weekday: z.enum(WEEKDAYS).default('sunday'),
  /** Local time in the system time zone, 24 h. */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 02:30'),
  /** Scheduled backups kept (the oldest go first); manual ones are kept until deleted. */
  keep: z.number().int().min(1).max(365),
});
export type BackupSchedule = z.output<typeof backupScheduleInput> & { updatedAt: string };

export const DEFAULT_SCHEDULE: BackupSchedule = { enabled: false, frequency: 'daily', weekday: 'sunday', time: '02:30', keep: 7, updatedAt: new Date(0).toISOString() };

/** The wall-clock parts of `at` in `timeZone`. */
function localParts(at: Date, timeZone: string): { year: number; month: number; day: number; weekday: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'long' }).formatToParts(at).map((p) => [p.type, p.value]),
  );
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), weekday: WEEKDAYS.indexOf(String(parts.weekday).toLowerCase() as (typeof WEEKDAYS)[number]) };
}

function offsetAt(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - Math.floor(at / 1000) * 1000;
}

/** The UTC instant of a wall-clock time in `timeZone` (two passes: the offset may change across DST). */
function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  let at = guess - offsetAt(guess, timeZone);
  at = guess - offsetAt(at, timeZone);
  return new Date(at);
}

/** The latest slot of the schedule at or before `now` (its wall-clock time in the system zone). */
export function latestSlot(schedule: Pick<BackupSchedule, 'frequency' | 'weekday' | 'time'>, now: Date, timeZone: string): Date {
  const [hour, minute] = schedule.time.split(':').map(Number);
  for (let back = 0; back <= 8; back++) {
    const day = localParts(new Date(now.getTime() - back * 86_400_000), timeZone);
    if (schedule.frequency === 'weekly' && day.weekday !== WEEKDAYS.indexOf(schedule.weekday)) continue;
    const slot = zonedInstant(day.year, day.month, day.day, hour, minute, timeZone);
    if (slot.getTime() <= now.getTime()) return slot;
  }
  throw new Error('no slot in the last 8 days');
}

/** The next slot after `now`, shown to the admin. */
export function nextSlot(schedule: Pick<BackupSchedule, 'frequency' | 'weekday' | 'time'>, now: Date, timeZone: string): Date {
  const [hour, minute] = schedule.time.split(':').map(Number);
  for (let ahead = 0; ahead <= 8; ahead++) {
    const day = localParts(new Date(now.getTime() + ahead * 86_400_000), timeZone);
    if (schedule.frequency === 'weekly' && day.weekday !== WEEKDAYS.indexOf(schedule.weekday)) continue;
    const slot = zonedInstant(day.year, day.month, day.day, hour, minute, timeZone);
    if (slot.getTime() > now.getTime()) return slot;
  }
  throw new Error('no slot in the next 8 days');
}

/**
 * Whether a scheduled backup is due at `now`: the latest slot has passed, it came after the
 * schedule was set (setting 02:30 at 10:00 waits for tomorrow), and no scheduled run started
 * at or after it. A slot missed while Carillon was stopped is caught up at the next check.
 */
export function isDue(schedule: BackupSchedule, now: Date, timeZone: string, lastScheduledStart: Date | null): boolean {
  if (!schedule.enabled) return false;
  const slot = latestSlot(schedule, now, timeZone);
  if (slot.getTime() < new Date(schedule.updatedAt).getTime()) return false;
  return !lastScheduledStart || lastScheduledStart.getTime() < slot.getTime();
}
