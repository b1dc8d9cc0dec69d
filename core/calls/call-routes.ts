import { snapshotOf } from '../audit/snapshots';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import type { Identity } from '../auth/authenticator';
import { HttpError } from '../http/problem';
import { defineRoute, type RouteDefinition } from '../http/routes';
import { idParam, pagination } from '../http/schemas';
import { sendStream } from '../http/stream-body';
import type { CallLogFilter, CallLogQuery } from './call-log-query';
import { CALL_DIRECTIONS, CALL_STATUSES } from './call-status';
import type { ExtensionDirectory } from './extension-directory';
import { parseByteRange } from './recordings/byte-range';
import type { RecordingService } from './recordings/recording-service';

export interface CallRouteDeps {
  callLogQuery: CallLogQuery;
  recordingService: RecordingService;
  extensionLookup: ExtensionDirectory;
}

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const filterQuery = {
  from: instant.optional().describe('Calls that started at or after this instant (ISO 8601)'),
  to: instant.optional().describe('Calls that started before this instant'),
  direction: z.enum(CALL_DIRECTIONS).optional(),
  status: z
    .string()
    .transform((value) => value.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(CALL_STATUSES)).max(CALL_STATUSES.length))
    .optional()
    .describe('One status or several, comma-separated'),
  extension: z.string().trim().min(1).max(32).optional(),
  number: z.string().trim().regex(/\d/, 'a phone number').max(40).optional().describe('Caller or destination, whole or part, any format: with the national prefix or a country code it is the start of the number ("063284", "+33 6 32"), bare digits are found anywhere ("1234")'),
};
const listQuery = z.object({
  ...filterQuery,
  limit: pagination.limit,
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/).optional(),
});
const exportQuery = z.object(filterQuery);

/**
 * `calls.read` sees every call; `calls.read.own` (agents) only their extensions' calls — both
 * directions, internal included. Without either, 403.
 */
async function scopedFilter(identity: Identity, filter: CallLogFilter, extensions: ExtensionDirectory): Promise<CallLogFilter> {
  if (identity.permissions.has('calls.read')) return filter;
  if (!identity.permissions.has('calls.read.own')) throw HttpError.forbidden('calls.read');
  return { ...filter, onlyExtensions: await extensions.numbersOfUser(identity.user.id) };
}

const CSV_COLUMNS = ['startedAt', 'startedAtLocal', 'callerNumber', 'callerName', 'destination', 'direction', 'durationSeconds', 'talkSeconds', 'status', 'transferredTo', 'recording'];

export function callRoutes(deps: CallRouteDeps): RouteDefinition[] {
  return [
    defineRoute({
      id: 'calls.list',
      method: 'GET',
      path: '/',
      summary: 'The call log, newest first, one keyset page at a time',
      description: 'Needs `calls.read` (all calls) or `calls.read.own` (the calls of the extensions linked to the user). Times are UTC (`startedAt`) and in the viewer\'s time zone (`startedAtLocal`). Pass `nextCursor` back as `cursor` for the next page.',
      permission: 'authenticated',
      input: { query: listQuery },
      handler: async ({ query, identity }) => {
        const { limit, cursor, ...filter } = query;
        return deps.callLogQuery.page(await scopedFilter(identity!, filter, deps.extensionLookup), { limit, cursor, timeZone: identity!.user.timeZone });
      },
    }),
    defineRoute({
      id: 'calls.export',
      method: 'GET',
      path: '/export.csv',
      summary: 'The call log as CSV (same filters), streamed',
      permission: 'authenticated',
      input: { query: exportQuery },
      handler: async ({ query, identity, koa }) => {
        const filter = await scopedFilter(identity!, query, deps.extensionLookup);
        const rows = async function* () {
          for await (const item of deps.callLogQuery.all(filter, identity!.user.timeZone)) {
            yield { ...item, recording: item.recordings[0]?.url ?? '' };
          }
        };
        koa.set('Content-Type', 'text/csv; charset=utf-8');
        koa.attachment('calls.csv');
        await sendStream(koa, Readable.from(rows()), stringify({ header: true, columns: CSV_COLUMNS }));
        return undefined;
      },
    }),
    defineRoute({
      id: 'calls.recordings.get',
      method: 'GET',
      path: '/recordings/:id',
      summary: 'A call recording (MP3), with HTTP range requests for playback; `download=1` to save it',
      permission: 'recordings.listen',
      input: { params: idParam, query: z.object({ download: z.enum(['0', '1']).optional() }) },
      handler: async ({ params, query, koa, identity }) => {
        // Someone given recordings.listen without calls.read hears only their own extensions' calls.
        const only = identity!.permissions.has('calls.read') ? undefined : await deps.extensionLookup.numbersOfUser(identity!.user.id);
        const { file, size, downloadName } = await deps.recordingService.open(params.id, only);
        koa.set('Accept-Ranges', 'bytes');
        koa.set('Content-Type', 'audio/mpeg');
        if (query.download === '1') koa.attachment(downloadName);
        const range = parseByteRange(koa.get('range') || undefined, size);
        if (range === 'unsatisfiable') {
          koa.status = 416;
          koa.set('Content-Range', `bytes */${size}`);
          koa.body = '';
          return undefined;
        }
        if (range) {
          koa.status = 206;
          koa.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
          koa.length = range.end - range.start + 1;
          await sendStream(koa, fs.createReadStream(file, { start: range.start, end: range.end }));
          return undefined;
        }
        koa.status = 200;
        koa.length = size;
        await sendStream(koa, fs.createReadStream(file));
        return undefined;
      },
    }),
    defineRoute({
      id: 'calls.recordingSettings.get',
      method: 'GET',
      path: '/recording-settings',
      summary: 'How long recordings are kept',
      permission: 'recordings.manage',
      handler: async () => ({ retentionDays: await deps.recordingService.retentionDays() }),
    }),
    defineRoute({
      id: 'calls.recordingSettings.update',
      method: 'PUT',
      path: '/recording-settings',
      summary: 'Set how long recordings are kept (days; 0 keeps them)',
      permission: 'recordings.manage',
      input: { body: z.strictObject({ retentionDays: z.number().int().min(0).max(3650) }) },
      audit: { target: () => 'calls:recording-settings', snapshot: snapshotOf(async () => ({ retentionDays: await deps.recordingService.retentionDays() })) },
      handler: async ({ body }) => {
        await deps.recordingService.setRetentionDays(body.retentionDays);
        return { retentionDays: body.retentionDays };
      },
    }),
  ];
}
