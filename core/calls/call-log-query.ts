import { DateTime } from 'luxon';
import { Op, type WhereOptions } from 'sequelize';
import { CallRecord, CallRecording } from './call-models';
import type { ExtensionDirectory } from './extension-directory';
import type { CallDirection, CallStatus } from './call-status';
import { likeValue } from '../db/like';
import { phoneRegion } from '../http/phone-number';
import { numberSearch } from './phone-digits';

export interface CallLogFilter {
  from?: Date;
  to?: Date;
  direction?: CallDirection;
  status?: CallStatus[];
  extension?: string;
  /** Any format: compared by digits. */
  number?: string;
  /** Only calls of these extensions (agents with `calls.read.own`); an empty list sees nothing. */
  onlyExtensions?: string[];
}

export interface CallLogPage {
  items: CallLogItem[];
  /** Pass it back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface CallLogItem {
  id: number;
  callId: string;
  startedAt: string;
  /** The start in the viewer's time zone, ISO with offset, and the zone used. */
  startedAtLocal: string;
  timeZone: string;
  callerNumber: string;
  callerName: string;
  destination: string;
  extension: string | null;
  callerExtension: string | null;
  /** Names of those extensions as they are now (null when unknown or removed). */
  extensionName: string | null;
  callerExtensionName: string | null;
  direction: CallDirection;
  durationSeconds: number;
  talkSeconds: number;
  status: CallStatus;
  /** Where the call was transferred (from CEL), or null. */
  transferredTo: string | null;
  recordings: Array<{ id: number; url: string; downloadUrl: string; bytes: number }>;
}

const MAX_BRANCHES = 8;

/** `<start ms>.<id>` of the last row of a page, base64url. */
export function encodeCursor(row: { startAt: Date; id: number }): string {
  return Buffer.from(`${row.startAt.getTime()}.${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { startAt: Date; id: number } | null {
  const match = /^(\d+)\.(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { startAt: new Date(Number(match[1])), id: Number(match[2]) } : null;
}

/**
 * Pages through the call log, newest first, by keyset on (start_at, id): the next page starts
 * below the last row seen, so a deep page costs what the first one does (no OFFSET scan).
 */
export class CallLogQuery {
  /** `extensions` names the extensions of each row (the list pages show "201 · Reception"). */
  constructor(private readonly extensions?: Pick<ExtensionDirectory, 'list'>) {}

  /** The whole filter as one condition (ORs included): for counting, and the OFFSET baseline of the bench. */
  where(filter: CallLogFilter, after?: { startAt: Date; id: number } | null): WhereOptions<CallRecord> {
    return { [Op.and]: [...this.common(filter, after), ...this.alternatives(filter).map((group) => ({ [Op.or]: group }))] };
  }

  /**
   * The filter as a union of OR-free conditions. An OR across two columns (extension or calling
   * extension, caller or destination number) cannot be read in (start_at, id) order from one
   * index: the database would collect and sort every match. Each branch instead reads its own
   * index in order and stops at the page size; the branches are merged here.
   */
  branches(filter: CallLogFilter, after?: { startAt: Date; id: number } | null): Array<WhereOptions<CallRecord>> {
    let combos: Array<Array<WhereOptions<CallRecord>>> = [[]];
    for (const group of this.alternatives(filter)) combos = combos.flatMap((combo) => group.map((choice) => [...combo, choice]));
    // Past a handful of branches, one query with ORs costs less than many.
    if (combos.length > MAX_BRANCHES) return [this.where(filter, after)];
    const common = this.common(filter, after);
    return combos.map((combo) => ({ [Op.and]: [...common, ...combo] }));
  }

  private common(filter: CallLogFilter, after?: { startAt: Date; id: number } | null): Array<WhereOptions<CallRecord>> {
    const and: Array<WhereOptions<CallRecord>> = [];
    if (filter.from) and.push({ startAt: { [Op.gte]: filter.from } });
    if (filter.to) and.push({ startAt: { [Op.lt]: filter.to } });
    if (filter.direction) and.push({ direction: filter.direction });
    if (filter.status?.length) and.push({ status: filter.status.length === 1 ? filter.status[0] : { [Op.in]: filter.status } });
    if (after) and.push({ [Op.or]: [{ startAt: { [Op.lt]: after.startAt } }, { startAt: after.startAt, id: { [Op.lt]: after.id } }] });
    return and;
  }

  /** Groups of alternatives (one of each group must hold). */
  private alternatives(filter: CallLogFilter): Array<Array<WhereOptions<CallRecord>>> {
    const groups: Array<Array<WhereOptions<CallRecord>>> = [];
    if (filter.extension) groups.push([{ extension: filter.extension }, { callerExtension: filter.extension }]);
    if (filter.onlyExtensions) {
      // No extension linked: nothing to see.
      const own = filter.onlyExtensions.length ? filter.onlyExtensions : [''];
      groups.push(own.flatMap((number) => [{ extension: number }, { callerExtension: number }]));
    }
    const search = filter.number ? numberSearch(filter.number, phoneRegion()) : null;
    if (search) {
      // A prefix (typed with the national prefix or a country code) is a range of each side's
      // index; bare digits can be anywhere in a number, read along start_at until the page is full.
      if ('prefix' in search) {
        const pattern = likeValue(CallRecord.sequelize!, search.prefix, 'prefix');
        groups.push([{ callerDigits: { [Op.like]: pattern } }, { destinationDigits: { [Op.like]: pattern } }]);
      } else {
        // No index serves either side: one scan testing both beats one scan per side.
        const pattern = likeValue(CallRecord.sequelize!, search.contains);
        groups.push([{ [Op.or]: [{ callerDigits: { [Op.like]: pattern } }, { destinationDigits: { [Op.like]: pattern } }] }]);
      }
    }
    return groups;
  }

  async page(filter: CallLogFilter, options: { limit: number; cursor?: string; timeZone: string }): Promise<CallLogPage> {
    const after = options.cursor ? decodeCursor(options.cursor) : null;
    const order: Array<[string, string]> = [
      ['startAt', 'DESC'],
      ['id', 'DESC'],
    ];
    const found = await Promise.all(this.branches(filter, after).map((where) => CallRecord.findAll({ where, order, limit: options.limit + 1 })));
    const byId = new Map<string, CallRecord>();
    for (const row of found.flat()) byId.set(String(row.id), row);
    const rows = [...byId.values()].sort((a, b) => b.startAt.getTime() - a.startAt.getTime() || Number(b.id) - Number(a.id));
    const more = rows.length > options.limit;
    const pageRows = rows.slice(0, options.limit);
    return { items: await this.present(pageRows, options.timeZone), nextCursor: more ? encodeCursor(pageRows[pageRows.length - 1]) : null };
  }

  /** Every matching row, newest first, in batches (the CSV export streams them). */
  async *all(filter: CallLogFilter, timeZone: string, batch = 500): AsyncGenerator<CallLogItem> {
    let cursor: string | undefined;
    do {
      const page = await this.page(filter, { limit: batch, cursor, timeZone });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  async present(rows: CallRecord[], timeZone: string): Promise<CallLogItem[]> {
    const recordings = rows.length ? await CallRecording.findAll({ where: { callKey: { [Op.in]: rows.map((r) => r.callKey) } }, order: [['id', 'ASC']] }) : [];
    const names = new Map(rows.length && this.extensions ? (await this.extensions.list()).map((e) => [e.number, e.name]) : []);
    const nameOf = (number: string | null) => (number !== null ? (names.get(number) ?? null) : null);
    return rows.map((row) => ({
      id: Number(row.id),
      callId: row.callKey,
      startedAt: row.startAt.toISOString(),
      startedAtLocal: DateTime.fromJSDate(row.startAt, { zone: timeZone }).toISO({ suppressMilliseconds: true }) ?? row.startAt.toISOString(),
      timeZone,
      callerNumber: row.callerNumber,
      callerName: row.callerName,
      destination: row.destination,
      extension: row.extension,
      callerExtension: row.callerExtension,
      extensionName: nameOf(row.extension),
      callerExtensionName: nameOf(row.callerExtension),
      direction: row.direction,
      durationSeconds: row.durationSeconds,
      talkSeconds: row.talkSeconds,
      status: row.status,
      transferredTo: row.transferredTo ?? null,
      recordings: recordings
        .filter((r) => r.callKey === row.callKey)
        .map((r) => ({ id: r.id, url: `/api/calls/recordings/${r.id}`, downloadUrl: `/api/calls/recordings/${r.id}?download=1`, bytes: r.bytes })),
    }));
  }
}
