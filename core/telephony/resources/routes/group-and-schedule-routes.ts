import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../../http/routes';
import { idParam, timeZone } from '../../../http/schemas';
import type { TelephonyResources } from '../resources';
import { destination, internalNumber } from '../schemas';
import { crud } from './crud-routes';

const ringGroupFields = {
  number: internalNumber,
  name: z.string().trim().min(1).max(80),
  strategy: z.enum(['ring_all', 'hunt']),
  members: z
    .array(z.number().int().positive())
    .min(1, 'at least one extension')
    .max(100)
    .refine((ids) => new Set(ids).size === ids.length, 'each extension at most once'),
  ringSeconds: z.number().int().min(5).max(300),
  fallback: destination,
};

const time = /^([01]\d|2[0-3]):[0-5]\d$/;
const slot = z.strictObject({
  day: z.number().int().min(1).max(7),
  open: z.string().regex(time, 'HH:MM, 00:00 to 23:59'),
  close: z.string().regex(new RegExp(`${time.source}|^24:00$`), 'HH:MM, 00:01 to 24:00'),
});
const scheduleFields = {
  name: z.string().trim().min(1).max(120),
  timeZone,
  weekly: z.array(slot).max(70),
  holidays: z.array(z.strictObject({ date: z.iso.date(), label: z.string().trim().max(80).default('') })).max(400),
  publicHolidays: z.strictObject({ country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 country code such as FR'), region: z.string().max(16).nullable().optional() }).nullable(),
  override: z.enum(['open', 'closed']).nullable(),
};

export function groupAndScheduleRoutes(r: TelephonyResources): RouteDefinition[] {
  return [
    ...crud({
      key: 'ringGroups',
      path: '/ring-groups',
      noun: 'ring group',
      kind: 'ringGroup',
      service: () => r.ringGroups,
      listSummary: 'List ring groups (search in number and name), paged',
      deleteSummary: 'Delete a ring group no route uses',
      create: z.strictObject({
        ...ringGroupFields,
        strategy: ringGroupFields.strategy.optional(),
        ringSeconds: ringGroupFields.ringSeconds.optional(),
        fallback: ringGroupFields.fallback.optional(),
      }),
      update: z.strictObject(z.object(ringGroupFields).partial().shape),
    }),
    ...crud({
      key: 'schedules',
      path: '/schedules',
      noun: 'schedule',
      kind: 'schedule',
      service: () => r.schedules,
      listSummary: 'List opening-hours schedules (search in name), paged',
      deleteSummary: 'Delete a schedule no route uses',
      create: z.strictObject({
        ...scheduleFields,
        holidays: scheduleFields.holidays.optional(),
        publicHolidays: scheduleFields.publicHolidays.optional(),
        override: scheduleFields.override.optional(),
      }),
      update: z.strictObject(z.object(scheduleFields).partial().shape),
    }),
    defineRoute({
      id: 'telephony.schedules.status',
      method: 'GET',
      path: '/schedules/:id/status',
      summary: 'Whether a schedule is open now (or at `at`), and why',
      permission: 'telephony.read',
      input: { params: idParam, query: z.strictObject({ at: z.iso.datetime({ offset: true }).optional() }) },
      handler: ({ params, query }) => r.schedules.status(params.id, query.at ? new Date(query.at) : new Date()),
    }),
  ];
}
