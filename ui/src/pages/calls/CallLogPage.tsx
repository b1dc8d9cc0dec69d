import { DateInput } from '../../lib/date-input';
import { useRef, useState } from 'preact/hooks';
import { http, toQueryString, type Query } from '../../lib/api';
import { Page, useLoad } from '../../lib/components';
import { formatDate, formatDuration, formatPhone, t, useI18n } from '../../lib/i18n';
import { DataTable, LoadStatus } from '../../lib/list';
import { useEvents } from '../../lib/socket';
import { can } from '../../shell/session';
import { startOfDay, today } from '../../lib/zoned-date';

export const CALL_STATUSES = ['answered', 'no_answer', 'closed', 'unavailable', 'cancelled', 'busy', 'failed'] as const;
const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
const LIMIT = 50;

interface CallLogItem {
  id: number;
  callId: string;
  startedAt: string;
  callerNumber: string;
  callerName: string;
  destination: string;
  extension: string | null;
  callerExtension: string | null;
  /** The extensions' names as they are now (null when unknown). */
  extensionName?: string | null;
  callerExtensionName?: string | null;
  direction: (typeof DIRECTIONS)[number];
  durationSeconds: number;
  talkSeconds: number;
  status: (typeof CALL_STATUSES)[number];
  transferredTo?: string | null;
  recordings: Array<{ id: number; url: string; downloadUrl: string; bytes: number }>;
}

interface CallLogPage {
  items: CallLogItem[];
  nextCursor: string | null;
}

interface Filters {
  from: string;
  to: string;
  direction: string;
  status: string[];
  extension: string;
  number: string;
}

const EMPTY: Filters = { from: '', to: '', direction: '', status: [], extension: '', number: '' };

/** The filters as the API's query: dates are whole days in the user's time zone, `to` included. */
function toQuery(filters: Filters, timeZone: string): Query {
  return {
    from: filters.from ? startOfDay(filters.from, timeZone) : undefined,
    to: filters.to ? startOfDay(filters.to, timeZone, 1) : undefined,
    direction: filters.direction || undefined,
    status: filters.status.join(',') || undefined,
    extension: filters.extension.trim() || undefined,
    number: filters.number.trim() || undefined,
  };
}

function StatusBadge(props: { status: CallLogItem['status'] }) {
  const kind = props.status === 'answered' ? 'badge-ok' : props.status === 'failed' ? 'badge-error' : 'badge-warn';
  return (
    <span class={`badge ${kind}`} data-status={props.status}>
      {t(`callStatus.${props.status}`)}
    </span>
  );
}

function Party(props: { number: string; name?: string }) {
  return (
    <>
      {props.name && <strong>{props.name} </strong>}
      <span class="nowrap">{formatPhone(props.number) || '—'}</span>
    </>
  );
}

/** The recording of a call: an audio player (the browser asks for byte ranges) and a download link. */
function Recording(props: { recording: CallLogItem['recordings'][number]; call: CallLogItem }) {
  const [open, setOpen] = useState(false);
  const label = t('calls.recordingOf', { date: formatDate(props.call.startedAt) });
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} aria-label={`${t('calls.listen')} · ${label}`}>
        ▶ {t('calls.listen')}
      </button>
    );
  }
  return (
    <span class="recording">
      {/* preload none: nothing is fetched before play; then only the ranges needed are. */}
      <audio controls autoPlay preload="none" src={props.recording.url} aria-label={label} />
      <a href={props.recording.downloadUrl} download>
        {t('calls.download')}
      </a>
    </span>
  );
}

/**
 * The call log: filters, newest first, one page at a time (keyset: "older" follows the server's
 * cursor, "newer" goes back through the cursors seen), recordings, CSV export of the same filters.
 */
export default function CallLogPage() {
  const prefs = useI18n();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  // Cursors of the pages before the current one; the current cursor is the last.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const query = toQuery(filters, prefs.timeZone);
  const list = useLoad((signal) => http.get<CallLogPage>('/api/calls', { ...query, limit: LIMIT, cursor }, signal), [JSON.stringify(query), cursor]);
  const listening = can('recordings.listen');

  // New calls appear on the first page by themselves (a burst of events makes one reload).
  const timer = useRef<number | null>(null);
  useEvents(['calls.liveChanged'], (payload) => {
    if (cursors.length || (payload as { type?: string })?.type !== 'ended' || timer.current !== null) return;
    timer.current = window.setTimeout(() => {
      timer.current = null;
      list.reload();
    }, 1500);
  });

  const apply = (event: Event) => {
    event.preventDefault();
    setFilters(draft);
    setCursors([]);
  };
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const toggleStatus = (status: string, on: boolean) => set('status', on ? [...draft.status, status] : draft.status.filter((s) => s !== status));
  const exportUrl = `/api/calls/export.csv${toQueryString(query)}`;

  return (
    <Page
      title={t('page.calls')}
      wide
      actions={
        <a class="button" href={exportUrl} download data-testid="calls-export">
          {t('calls.exportCsv')}
        </a>
      }
    >
      <form class="toolbar calls-filters" role="search" onSubmit={apply} aria-label={t('calls.filters')}>
        <div class="field">
          <label for="calls-from">{t('calls.from')}</label>
          <DateInput id="calls-from" value={draft.from} max={draft.to || today(prefs.timeZone)} onValue={(v) => set('from', v)} />
        </div>
        <div class="field">
          <label for="calls-to">{t('calls.to')}</label>
          <DateInput id="calls-to" value={draft.to} min={draft.from || undefined} onValue={(v) => set('to', v)} />
        </div>
        <div class="field">
          <label for="calls-direction">{t('calls.direction')}</label>
          <select id="calls-direction" value={draft.direction} onChange={(e) => set('direction', (e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('calls.all')}</option>
            {DIRECTIONS.map((d) => (
              <option key={d} value={d}>
                {t(`calls.direction.${d}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="calls-extension">{t('calls.extension')}</label>
          <input id="calls-extension" type="text" inputMode="numeric" value={draft.extension} maxLength={32} onInput={(e) => set('extension', (e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="calls-number">{t('calls.number')}</label>
          <input id="calls-number" type="search" inputMode="tel" value={draft.number} maxLength={40} placeholder={t('calls.numberHint')} onInput={(e) => set('number', (e.currentTarget as HTMLInputElement).value)} />
        </div>
        <fieldset class="field checkbox-list calls-status">
          <legend>{t('calls.status')}</legend>
          {CALL_STATUSES.map((status) => (
            <label key={status} class="checkbox">
              <input type="checkbox" name="status" value={status} checked={draft.status.includes(status)} onChange={(e) => toggleStatus(status, (e.currentTarget as HTMLInputElement).checked)} /> {t(`callStatus.${status}`)}
            </label>
          ))}
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="primary">
            {t('calls.apply')}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              setCursors([]);
            }}
          >
            {t('calls.reset')}
          </button>
        </div>
      </form>
      <LoadStatus load={list} />
      {list.data && (
        <>
          <DataTable
            testId="calls-table"
            columns={[t('calls.startedAt'), t('calls.caller'), t('calls.destination'), t('calls.direction'), t('calls.duration'), t('calls.status'), t('calls.recording')]}
            empty={list.data.items.length === 0 && t('calls.none')}
          >
            {list.data.items.map((call) => (
              <tr key={call.id} data-call-id={call.callId}>
                <td data-label={t('calls.startedAt')}>{formatDate(call.startedAt)}</td>
                <td data-label={t('calls.caller')}>
                  <Party number={call.callerNumber} name={call.callerName || (call.callerNumber === call.callerExtension ? call.callerExtensionName ?? '' : '')} />
                </td>
                <td data-label={t('calls.destination')}>
                  <Party number={call.destination} name={call.destination === call.extension ? call.extensionName ?? '' : ''} />
                  {call.transferredTo && <span class="muted"> {t('calls.transferredTo', { number: formatPhone(call.transferredTo) })}</span>}
                </td>
                <td data-label={t('calls.direction')}>{t(`calls.direction.${call.direction}`)}</td>
                <td data-label={t('calls.duration')}>
                  {formatDuration(call.durationSeconds)}
                  {call.talkSeconds > 0 && <span class="muted"> ({t('calls.talk', { time: formatDuration(call.talkSeconds) })})</span>}
                </td>
                <td data-label={t('calls.status')}>
                  <StatusBadge status={call.status} />
                </td>
                <td data-label={t('calls.recording')}>
                  {call.recordings.length === 0 ? (
                    <span class="muted">—</span>
                  ) : listening ? (
                    call.recordings.map((recording) => <Recording key={recording.id} recording={recording} call={call} />)
                  ) : (
                    <span class="muted">{t('calls.recorded')}</span>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
          <nav class="pager" aria-label={t('calls.pages')}>
            <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              {t('calls.newer')}
            </button>
            <span>{t('calls.pageNumber', { n: cursors.length + 1 })}</span>
            <button type="button" disabled={!list.data.nextCursor} onClick={() => setCursors([...cursors, list.data!.nextCursor!])}>
              {t('calls.older')}
            </button>
          </nav>
        </>
      )}
    </Page>
  );
}
