import { useState } from 'preact/hooks';
import { http, type Paged } from '../../lib/api';
import { Page, Pager, useLoad } from '../../lib/components';
import { describe, useDescriptions } from '../../lib/descriptions';
import { formatDate, t, tn, useI18n } from '../../lib/i18n';
import { DataTable, LoadStatus } from '../../lib/list';
import { can } from '../../shell/session';
import { DateInput } from '../../lib/date-input';
import { TimeInput } from '../../lib/time-input';
import { atTime, startOfDay } from '../../lib/zoned-date';
import { ChangesTable, type AuditChanges } from './ChangesTable';

interface AuditEntry {
  id: number;
  at: string;
  userId: number | null;
  actor: string | null;
  action: string;
  target: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
  changes: AuditChanges | null;
}

const COLUMNS = 6;

const LIMIT = 50;

/**
 * The filters' bounds as instants in the user's time zone (not the browser's). A day without a
 * time is the whole day: "from" its first minute, "until" its last; "until 14:30" includes 14:30
 * (the API's `to` excludes its instant).
 */
function bound(date: string, time: string, timeZone: string, end: boolean): string | undefined {
  if (!date) return undefined;
  if (!time) return startOfDay(date, timeZone, end ? 1 : 0);
  return atTime(date, time, timeZone, end ? 1 : 0);
}

export default function AuditPage() {
  const prefs = useI18n();
  const descriptions = useDescriptions();
  const [filters, setFilters] = useState({ action: '', fromDate: '', fromTime: '', toDate: '', toTime: '', userId: '' });
  // Who did it: a list of people for those who may see users, nothing to guess for the others.
  const users = useLoad(
    (signal) => (can('users.read') ? http.get<Paged<{ id: number; displayName: string; email: string }>>('/api/users', { limit: 500 }, signal).then((r) => r.items) : Promise.resolve([])),
    [],
  );
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<number | null>(null);
  const [openChanges, setOpenChanges] = useState<Set<number>>(new Set());
  const toggleChanges = (id: number) => {
    const next = new Set(openChanges);
    if (!next.delete(id)) next.add(id);
    setOpenChanges(next);
  };
  const list = useLoad(
    (signal) =>
      http.get<Paged<AuditEntry>>(
        '/api/audit',
        {
          action: filters.action.trim(),
          userId: filters.userId,
          from: bound(filters.fromDate, filters.fromTime, prefs.timeZone, false),
          to: bound(filters.toDate, filters.toTime, prefs.timeZone, true),
          limit: LIMIT,
          offset,
        },
        signal,
      ),
    [filters.action, filters.fromDate, filters.fromTime, filters.toDate, filters.toTime, filters.userId, prefs.timeZone, offset],
  );
  const setValue = (name: keyof typeof filters) => (value: string) => {
    setFilters((current) => ({ ...current, [name]: value }));
    setOffset(0);
  };
  const setFilter = (name: keyof typeof filters) => (e: Event) => {
    setFilters({ ...filters, [name]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });
    setOffset(0);
  };
  return (
    <Page title={t('page.audit')} wide>
      <form class="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="audit-action">{t('audit.action')}</label>
          <input id="audit-action" type="search" list="audit-actions" value={filters.action} placeholder="users." onInput={setFilter('action')} aria-describedby="audit-action-hint" />
          {/* Type a description or a key: the browser offers the known actions, described. */}
          <datalist id="audit-actions" aria-label={t('audit.actionPick')}>
            {Object.keys(descriptions.auditActions)
              .sort()
              .map((key) => (
                <option key={key} value={key} label={describe(descriptions.auditActions, key)} />
              ))}
          </datalist>
          <p class="hint" id="audit-action-hint">
            {t('audit.actionHint')}
          </p>
        </div>
        {users.data && users.data.length > 0 && (
          <div class="field">
            <label for="audit-user">{t('audit.actor')}</label>
            <select id="audit-user" value={filters.userId} onChange={setFilter('userId')}>
              <option value="">{t('audit.anyone')}</option>
              {users.data.map((u) => (
                <option key={u.id} value={String(u.id)}>
                  {u.displayName} ({u.email})
                </option>
              ))}
            </select>
          </div>
        )}
        {/* A day, and an optional time beside it (named for screen readers); both in the UI's order and the user's zone. */}
        <div class="field field-date-time">
          <label for="audit-from">{t('audit.from')}</label>
          <span class="date-time">
            <DateInput id="audit-from" value={filters.fromDate} max={filters.toDate || undefined} onValue={setValue('fromDate')} describedBy="audit-time-hint" />
            <TimeInput id="audit-from-time" label={t('audit.fromTime')} value={filters.fromTime} onValue={setValue('fromTime')} describedBy="audit-time-hint" />
          </span>
        </div>
        <div class="field field-date-time">
          <label for="audit-to">{t('audit.to')}</label>
          <span class="date-time">
            <DateInput id="audit-to" value={filters.toDate} min={filters.fromDate || undefined} onValue={setValue('toDate')} describedBy="audit-time-hint" />
            <TimeInput id="audit-to-time" label={t('audit.toTime')} value={filters.toTime} onValue={setValue('toTime')} describedBy="audit-time-hint" />
          </span>
        </div>
        <p class="hint toolbar-hint" id="audit-time-hint">
          {t('audit.timeHint', { zone: prefs.timeZone })}
        </p>
      </form>
      <LoadStatus load={list} />
      {list.data && (
        <>
          <DataTable
            testId="audit-table"
            columns={[t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.target'), t('audit.status'), t('audit.ip')]}
            empty={list.data.items.length === 0 && t('common.empty')}
          >
            {list.data.items.flatMap((entry) => {
              const hasChanges = entry.changes !== null && entry.changes.fields.length > 0;
              const changesShown = hasChanges && openChanges.has(entry.id);
              const rows = [
                <tr key={entry.id} data-testid={`audit-row-${entry.id}`}>
                  <td data-label={t('audit.at')}>{formatDate(entry.at)}</td>
                  <td data-label={t('audit.actor')}>{entry.actor ?? (entry.userId ? `#${entry.userId}` : t('audit.system'))}</td>
                  <td data-label={t('audit.action')}>
                    {/* The description for people; the key stays visible, smaller, for integrators and searches. */}
                    <span class="audit-action" title={t('audit.actionKey', { key: entry.action })}>
                      {describe(descriptions.auditActions, entry.action)}
                    </span>
                    <br />
                    <code class="muted audit-action-key">{entry.action}</code>
                    {hasChanges && (
                      <>
                        {' '}
                        <button type="button" class="link" aria-expanded={changesShown ? 'true' : 'false'} aria-controls={`audit-changes-${entry.id}`} onClick={() => toggleChanges(entry.id)}>
                          {changesShown ? t('audit.hideChanges') : tn('audit.showChanges', entry.changes!.fields.length)}
                        </button>
                      </>
                    )}
                    {entry.details && (
                      <>
                        {' '}
                        <button type="button" class="link" aria-expanded={open === entry.id ? 'true' : 'false'} onClick={() => setOpen(open === entry.id ? null : entry.id)}>
                          {t('audit.details')}
                        </button>
                        {open === entry.id && <pre class="secret">{JSON.stringify(entry.details, null, 2)}</pre>}
                      </>
                    )}
                  </td>
                  <td data-label={t('audit.target')}>{entry.target}</td>
                  <td data-label={t('audit.status')}>
                    {entry.status !== null && <span class={`badge ${entry.status < 400 ? 'badge-ok' : 'badge-error'}`}>{entry.status}</span>}
                  </td>
                  <td data-label={t('audit.ip')}>{entry.ip}</td>
                </tr>,
              ];
              if (changesShown) {
                rows.push(
                  <tr key={`${entry.id}-changes`} class="audit-changes-row" id={`audit-changes-${entry.id}`}>
                    <td colSpan={COLUMNS}>
                      <ChangesTable id={entry.id} changes={entry.changes!} />
                    </td>
                  </tr>,
                );
              }
              return rows;
            })}
          </DataTable>
          <Pager offset={offset} limit={LIMIT} total={list.data.total} onOffset={setOffset} />
        </>
      )}
    </Page>
  );
}
