import { DateTime } from 'luxon';
import { HttpError } from '../../http/problem';
import type { WeeklySlot } from '../config/snapshot';
import type { TelephonyConfigChanges } from './config-changes';
import type { DestinationRules } from './destinations';
import type { PublicHolidays } from './holidays';
import { Schedule, type ManualHoliday } from './models';
import { Problems, refusingDuplicates, stillReferenced } from './problems';
import { searchWhere, type ListFilter, type Page } from './search';

export interface ScheduleView {
  id: number;
  name: string;
  timeZone: string;
  weekly: WeeklySlot[];
  holidays: ManualHoliday[];
  publicHolidays: { country: string; region: string | null } | null;
  override: 'open' | 'closed' | null;
  createdAt: string;
  updatedAt: string;
}

export interface ScheduleInput {
  name?: string;
  timeZone?: string;
  weekly?: WeeklySlot[];
  holidays?: ManualHoliday[];
  publicHolidays?: { country: string; region?: string | null } | null;
  override?: 'open' | 'closed' | null;
}

export interface ScheduleStatus {
  open: boolean;
  /** What decided: the manual override, a holiday, a weekly slot, or no slot at that time. */
  reason: 'override' | 'holiday' | 'weekly_slot' | 'outside_hours';
  holiday?: string;
  /** The local time the decision was made for, in the schedule's time zone. */
  localTime: string;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

const DAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * Each range must close after it opens, and ranges of one day must not overlap (touching is fine:
 * 09:00–12:00 then 12:00–14:00). Errors name the day and both ranges, on the later range's field.
 */
export function checkWeekly(weekly: WeeklySlot[], problems: Problems): void {
  const valid: Array<{ slot: WeeklySlot; index: number }> = [];
  weekly.forEach((slot, index) => {
    if (minutes(slot.close) <= minutes(slot.open)) {
      problems.add(`body.weekly.${index}.close`, 'before_open', `${DAY_NAMES[slot.day]} ${slot.open}–${slot.close}: a range closes after it opens; split a range that crosses midnight in two (…–24:00 and 00:00–…).`);
    } else valid.push({ slot, index });
  });
  for (let day = 1; day <= 7; day++) {
    const ranges = valid.filter((r) => r.slot.day === day).sort((a, b) => minutes(a.slot.open) - minutes(b.slot.open));
    // Compared with the range that reaches latest so far: 09:00–18:00 covers a later 12:00–13:00 too.
    let latest: WeeklySlot | null = null;
    for (const { slot, index } of ranges) {
      if (latest && minutes(slot.open) < minutes(latest.close)) {
        problems.add(`body.weekly.${index}.open`, 'overlap', `${DAY_NAMES[day]}: ${slot.open}–${slot.close} overlaps ${latest.open}–${latest.close}; join them in one range or move one.`);
      }
      if (!latest || minutes(slot.close) > minutes(latest.close)) latest = slot;
    }
  }
}

/** Opening hours: weekly slots in a time zone, holidays (manual and public), a manual override. */
export class ScheduleService {
  constructor(private readonly deps: { holidays: PublicHolidays; destinations: DestinationRules; changes: TelephonyConfigChanges }) {}

  async find(id: number): Promise<Schedule> {
    const schedule = await Schedule.findByPk(id);
    if (!schedule) throw HttpError.notFound('schedule', `No schedule with id ${id}.`);
    return schedule;
  }

  async get(id: number): Promise<ScheduleView> {
    return this.view(await this.find(id));
  }

  async list(filter: ListFilter): Promise<Page<ScheduleView>> {
    const { rows, count } = await Schedule.findAndCountAll({ where: searchWhere(Schedule, ['name'], filter.search), order: [['name', 'ASC']], limit: filter.limit, offset: filter.offset });
    return { items: rows.map((s) => this.view(s)), total: count };
  }

  async create(input: ScheduleInput & { name: string; timeZone: string; weekly: WeeklySlot[] }): Promise<ScheduleView> {
    await this.validate(input, null);
    const schedule = await refusingDuplicates({ name: 'body.name' }, () => Schedule.create({
      name: input.name.trim(),
      timeZone: input.timeZone,
      weekly: input.weekly,
      holidays: input.holidays ?? [],
      holidayCountry: input.publicHolidays?.country ?? null,
      holidayRegion: input.publicHolidays?.region ?? null,
      override: input.override ?? null,
    }));
    this.deps.changes.committed('schedule', 'created', schedule.id);
    return this.view(schedule);
  }

  async update(id: number, input: ScheduleInput): Promise<ScheduleView> {
    const schedule = await this.find(id);
    await this.validate(input, schedule);
    await refusingDuplicates({ name: 'body.name' }, () => schedule.update({
      name: input.name?.trim() ?? schedule.name,
      timeZone: input.timeZone ?? schedule.timeZone,
      weekly: input.weekly ?? schedule.weekly,
      holidays: input.holidays ?? schedule.holidays,
      holidayCountry: input.publicHolidays !== undefined ? (input.publicHolidays?.country ?? null) : schedule.holidayCountry,
      holidayRegion: input.publicHolidays !== undefined ? (input.publicHolidays?.region ?? null) : schedule.holidayRegion,
      override: input.override !== undefined ? input.override : schedule.override,
    }));
    this.deps.changes.committed('schedule', 'updated', id);
    return this.view(schedule);
  }

  async remove(id: number): Promise<void> {
    const schedule = await this.find(id);
    const users = await this.deps.destinations.referencesTo({ scheduleId: id });
    if (users.length) throw stillReferenced(`Schedule "${schedule.name}"`, users);
    await schedule.destroy();
    this.deps.changes.committed('schedule', 'deleted', id);
  }

  async isOpen(scheduleId: number, at: Date = new Date()): Promise<boolean> {
    return (await this.status(scheduleId, at)).open;
  }

  async status(scheduleId: number, at: Date = new Date()): Promise<ScheduleStatus> {
    return this.evaluate(await this.find(scheduleId), at);
  }

  /** The decision for one instant: override first, then holidays, then the weekly slots, all in the schedule's local time. */
  evaluate(schedule: Schedule, at: Date): ScheduleStatus {
    const local = DateTime.fromJSDate(at, { zone: schedule.timeZone });
    const localTime = local.toISO({ suppressMilliseconds: true }) ?? at.toISOString();
    if (schedule.override) return { open: schedule.override === 'open', reason: 'override', localTime };
    const date = local.toISODate()!;
    const holiday = schedule.holidays.find((h) => h.date === date)?.label ?? this.publicHoliday(schedule, local.year, date);
    if (holiday !== undefined) return { open: false, reason: 'holiday', holiday, localTime };
    const now = local.hour * 60 + local.minute;
    const inSlot = schedule.weekly.some((slot) => slot.day === local.weekday && minutes(slot.open) <= now && now < minutes(slot.close));
    return { open: inSlot, reason: inSlot ? 'weekly_slot' : 'outside_hours', localTime };
  }

  /** Every closed day (manual and public) of the given years, sorted: what the generated dialplan checks. */
  closedDays(schedule: Schedule, years: number[]): string[] {
    const days = new Set(schedule.holidays.map((h) => h.date));
    if (schedule.holidayCountry) for (const year of years) for (const date of this.deps.holidays.of(schedule.holidayCountry, schedule.holidayRegion, year).keys()) days.add(date);
    return [...days].sort();
  }

  private publicHoliday(schedule: Schedule, year: number, date: string): string | undefined {
    if (!schedule.holidayCountry) return undefined;
    return this.deps.holidays.of(schedule.holidayCountry, schedule.holidayRegion, year).get(date);
  }

  private async validate(input: ScheduleInput, current: Schedule | null): Promise<void> {
    const problems = new Problems();
    const name = input.name?.trim();
    if (name && name !== current?.name && (await Schedule.findOne({ where: { name } }))) problems.add('body.name', 'duplicate', `A schedule named "${name}" already exists.`);
    if (input.weekly) checkWeekly(input.weekly, problems);
    if (input.publicHolidays) {
      const problem = this.deps.holidays.check(input.publicHolidays.country, input.publicHolidays.region ?? null);
      if (problem) problems.add(problem.startsWith('unknown region') ? 'body.publicHolidays.region' : 'body.publicHolidays.country', 'not_found', problem);
    }
    problems.throwIfAny();
  }

  view(s: Schedule): ScheduleView {
    return {
      id: s.id,
      name: s.name,
      timeZone: s.timeZone,
      weekly: s.weekly,
      holidays: s.holidays,
      publicHolidays: s.holidayCountry ? { country: s.holidayCountry, region: s.holidayRegion } : null,
      override: s.override,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    };
  }
}
