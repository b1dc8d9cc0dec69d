import { useEffect, useRef, useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { ConfirmDialog, Notice, Page, useLoad } from '../../lib/components';
import { CheckboxField, errorMessage, FormStatus, SelectField, SubmitButton, TextField, useForm } from '../../lib/forms';
import { formatDate, formatNumber, hasString, preferences, t, useI18n } from '../../lib/i18n';
import { ActionNotices, DataTable, LoadStatus, RowButton, usePageActions } from '../../lib/list';

const API = '/api/system/backups';
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

interface Schedule {
  enabled: boolean;
  frequency: 'daily' | 'weekly';
  weekday: (typeof WEEKDAYS)[number];
  time: string;
  keep: number;
}

interface StoredBackup {
  name: string;
  kind: 'scheduled' | 'manual';
  createdAt: string;
  size: number;
  recordingsSet: { name: string; size: number; recordings: number } | null;
  recordingsTotal: number;
}

interface Run {
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  size: number | null;
  error: string | null;
}

interface Overview {
  schedule: Schedule;
  timeZone: string;
  nextRunAt: string | null;
  lastRun: Run | null;
  items: StoredBackup[];
  maxUploadBytes: number;
  restoreAvailable: boolean;
  lastRestore: { at: string; by: string; ok: boolean; backupCreatedAt: string | null; error: string | null; code: string | null; configKept: string | null } | null;
}

interface Uploaded {
  id: string;
  createdAt: string;
  carillonVersion: string;
  files: number;
  recordings: number;
  usesRecordingsSets: boolean;
}

/** "12.3 MB" / "12,3 Mo": the unit in the user's language. */
export function formatSize(bytes: number): string {
  const units = [
    ['gigabyte', 1024 ** 3],
    ['megabyte', 1024 ** 2],
    ['kilobyte', 1024],
  ] as const;
  const [unit, size] = units.find(([, size]) => bytes >= size) ?? ['byte', 1];
  return formatNumber(bytes / size, { style: 'unit', unit, maximumFractionDigits: 1 });
}

/** Backups: download now, the schedule and its retention, the backups kept here, restore by upload. */
export default function BackupsPage() {
  useI18n();
  const load = useLoad((signal) => http.get<Overview>(API, undefined, signal), []);
  /** The start of the Carillon that takes the restore (`startedAt` of /api/health): the page waits for another one. */
  const [restarting, setRestarting] = useState<string | null>(null);
  const view = load.data;
  return (
    <Page wide title={t('page.backups')}>
      <LoadStatus load={load} />
      {restarting !== null ? (
        <Restarting previousStart={restarting} />
      ) : (
        view && (
          <>
            <LastRestore view={view} />
            <BackUpNow onTaken={load.reload} />
            <ScheduleForm view={view} onSaved={load.reload} />
            <KeptBackups view={view} reload={load.reload} onRestarting={setRestarting} />
            <RestoreUpload view={view} onRestarting={setRestarting} />
          </>
        )
      )}
    </Page>
  );
}

/** The server's English words in English; in French, the translation of its code when there is one. */
function inLanguage(code: string | null, text: string | null): string {
  const key = `error.${code}`;
  return code && hasString(key) && (preferences.get().locale !== 'en' || !text) ? t(key) : (text ?? '');
}

function LastRestore({ view }: { view: Overview }) {
  const last = view.lastRestore;
  if (!last) return null;
  return last.ok ? (
    <Notice kind="success">
      {t('backups.restore.lastOk', { date: formatDate(last.at), by: last.by, backup: formatDate(last.backupCreatedAt) })}
      {last.configKept && ` ${t('backups.restore.configKept', { file: last.configKept })}`}
    </Notice>
  ) : (
    <Notice kind="error">{t('backups.restore.lastFailed', { date: formatDate(last.at), by: last.by, error: inLanguage(last.code, last.error) })}</Notice>
  );
}

function BackUpNow(props: { onTaken: () => void }) {
  const actions = usePageActions(props.onTaken);
  return (
    <section class="card stack" aria-labelledby="backup-now-title">
      <h2 id="backup-now-title">{t('backups.now.title')}</h2>
      <p>{t('backups.now.text')}</p>
      <ActionNotices notice={actions.notice} error={actions.error} />
      <div class="form-actions">
        <a class="button primary" href={`${API}/download`} download data-testid="backup-download">
          {t('backups.now.download')}
        </a>
        <button
          type="button"
          data-testid="backup-keep"
          onClick={() => {
            let name = '';
            void actions.act(
              async () => {
                name = (await http.post<StoredBackup>(API, {})).name;
              },
              '',
            ).then(() => name && actions.setNotice(t('backups.now.kept', { name })));
          }}
        >
          {t('backups.now.keep')}
        </button>
      </div>
    </section>
  );
}

function scheduleValues(s: Schedule): { enabled: boolean; frequency: string; weekday: string; time: string; keep: string } {
  return { enabled: s.enabled, frequency: s.frequency, weekday: s.weekday, time: s.time, keep: String(s.keep) };
}

function ScheduleForm(props: { view: Overview; onSaved: () => void }) {
  const { view } = props;
  const form = useForm(scheduleValues(view.schedule));
  useEffect(() => form.setAll(scheduleValues(view.schedule)), [view.schedule]);
  const submit = form.onSubmit(async (v) => {
    const keep = Number(v.keep);
    const bad: Record<string, string> = {};
    if (!Number.isInteger(keep) || keep < 1 || keep > 365) bad.keep = t('backups.schedule.integer');
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(v.time)) bad.time = t('backups.schedule.badTime');
    if (Object.keys(bad).length) return form.fail(bad);
    await http.put(`${API}/schedule`, { enabled: v.enabled, frequency: v.frequency, weekday: v.weekday, time: v.time, keep });
    form.setNotice(t('common.saved'));
    props.onSaved();
  });
  const last = view.lastRun;
  return (
    <section class="card stack" aria-labelledby="backup-schedule-title">
      <h2 id="backup-schedule-title">{t('backups.schedule.title')}</h2>
      <p class="muted" data-testid="backup-next">
        {view.nextRunAt ? t('backups.schedule.next', { date: formatDate(view.nextRunAt) }) : t('backups.schedule.off')}
        {last && last.status === 'succeeded' && ` ${t('backups.schedule.lastOk', { date: formatDate(last.startedAt), size: formatSize(last.size ?? 0) })}`}
      </p>
      {last && last.status === 'failed' && <Notice kind="error">{t('backups.schedule.lastFailed', { date: formatDate(last.startedAt), error: last.error ?? '' })}</Notice>}
      <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="backup-schedule">
        <CheckboxField label={t('backups.schedule.enabled')} {...form.field('enabled')} />
        <div class="form-grid">
          <SelectField
            label={t('backups.schedule.frequency')}
            options={[
              { value: 'daily', label: t('backups.schedule.daily') },
              { value: 'weekly', label: t('backups.schedule.weekly') },
            ]}
            {...form.field('frequency')}
          />
          {form.values.frequency === 'weekly' && (
            <SelectField label={t('backups.schedule.weekday')} options={WEEKDAYS.map((d) => ({ value: d, label: t(`backups.weekday.${d}`) }))} {...form.field('weekday')} />
          )}
          <TextField label={t('backups.schedule.time')} hint={t('backups.schedule.timeHint', { zone: view.timeZone })} inputMode="numeric" {...form.field('time')} />
          <TextField label={t('backups.schedule.keep')} hint={t('backups.schedule.keepHint')} type="number" {...form.field('keep')} />
        </div>
        <p class="muted">{t('backups.schedule.offsite')}</p>
        <FormStatus form={form} />
        <div class="form-actions">
          <SubmitButton form={form} label={t('common.save')} />
        </div>
      </form>
    </section>
  );
}

function KeptBackups(props: { view: Overview; reload: () => void; onRestarting: (previousStart: string) => void }) {
  const actions = usePageActions(props.reload);
  const [deleting, setDeleting] = useState<StoredBackup | null>(null);
  const [restoring, setRestoring] = useState<StoredBackup | null>(null);
  const items = props.view.items;
  return (
    <section class="card stack" aria-labelledby="backup-list-title">
      <h2 id="backup-list-title">{t('backups.list.title')}</h2>
      <p class="muted">{t('backups.list.chain')}</p>
      <ActionNotices notice={actions.notice} error={actions.error} />
      <DataTable columns={[t('backups.list.date'), t('backups.list.kind'), t('backups.list.size'), t('backups.list.recordings')]} actions empty={items.length === 0 && t('backups.list.none')} testId="backups-table">
        {items.map((b) => (
          <tr key={b.name} data-backup={b.name}>
            <td data-label={t('backups.list.date')}>{formatDate(b.createdAt)}</td>
            <td data-label={t('backups.list.kind')}>{t(`backups.kind.${b.kind}`)}</td>
            <td data-label={t('backups.list.size')}>{formatSize(b.size + (b.recordingsSet?.size ?? 0))}</td>
            <td data-label={t('backups.list.recordings')}>{t('backups.list.recordingsAdded', { added: formatNumber(b.recordingsSet?.recordings ?? 0), total: formatNumber(b.recordingsTotal) })}</td>
            <td class="actions">
              <a class="button" href={`${API}/${b.name}/archive`} download aria-label={`${t('backups.list.archive')} ${formatDate(b.createdAt)}`}>
                {t('backups.list.archive')}
              </a>
              {b.recordingsSet && (
                <a class="button" href={`${API}/${b.name}/recordings`} download aria-label={`${t('backups.list.set')} ${formatDate(b.createdAt)}`}>
                  {t('backups.list.set')}
                </a>
              )}
              {props.view.restoreAvailable && <RowButton label={t('backups.list.restore')} name={formatDate(b.createdAt)} onClick={() => setRestoring(b)} />}
              <RowButton class="danger" label={t('backups.list.delete')} name={formatDate(b.createdAt)} onClick={() => setDeleting(b)} />
            </td>
          </tr>
        ))}
      </DataTable>
      <ConfirmDialog
        open={deleting !== null}
        message={deleting ? t('backups.list.deleteConfirm', { date: formatDate(deleting.createdAt) }) : ''}
        confirmLabel={t('backups.list.delete')}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          await http.delete(`${API}/${deleting!.name}`);
          setDeleting(null);
          actions.setNotice(t('backups.list.deleted'));
          props.reload();
        }}
      />
      <ConfirmDialog
        open={restoring !== null}
        message={restoring ? t('backups.restore.confirm', { date: formatDate(restoring.createdAt) }) : ''}
        confirmLabel={t('backups.restore.confirmLabel')}
        onClose={() => setRestoring(null)}
        onConfirm={async () => {
          const previousStart = await serverStart();
          await http.post(`${API}/restore`, { backup: restoring!.name, confirm: true });
          props.onRestarting(previousStart);
        }}
      />
    </section>
  );
}

function RestoreUpload(props: { view: Overview; onRestarting: (previousStart: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [checked, setChecked] = useState<Uploaded | null>(null);
  const [confirming, setConfirming] = useState(false);
  const check = async (event: Event) => {
    event.preventDefault();
    const file = input.current?.files?.[0];
    setError(null);
    if (!file) return setError(t('backups.restore.pick'));
    setBusy(true);
    try {
      setChecked(await http.upload<Uploaded>(`${API}/uploads`, file, { contentType: 'application/gzip' }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const discard = async () => {
    if (checked) await http.delete(`${API}/uploads/${checked.id}`).catch(() => undefined);
    setChecked(null);
    if (input.current) input.current.value = '';
  };
  return (
    <section class="card stack" aria-labelledby="backup-restore-title" data-testid="backup-restore">
      <h2 id="backup-restore-title">{t('backups.restore.title')}</h2>
      <p>{t('backups.restore.text')}</p>
      {!props.view.restoreAvailable && <Notice kind="warning">{t('backups.restore.unavailable')}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      {checked ? (
        <div class="stack">
          <Notice kind="success">
            {t('backups.restore.checked', { date: formatDate(checked.createdAt), version: checked.carillonVersion, files: formatNumber(checked.files), recordings: formatNumber(checked.recordings) })}
            {checked.usesRecordingsSets && ` ${t('backups.restore.chainNote')}`}
          </Notice>
          <div class="form-actions">
            <button type="button" class="danger" disabled={!props.view.restoreAvailable} onClick={() => setConfirming(true)}>
              {t('backups.restore.go')}
            </button>
            <button type="button" onClick={() => void discard()}>
              {t('backups.restore.discard')}
            </button>
          </div>
        </div>
      ) : (
        <form class="stack" onSubmit={check} noValidate>
          <div class="field">
            <label for="backup-file">{t('backups.restore.file')}</label>
            <input id="backup-file" type="file" accept=".gz,.tgz,application/gzip" ref={input} aria-describedby="backup-file-hint" />
            <p class="hint" id="backup-file-hint">
              {t('backups.restore.fileHint', { size: formatSize(props.view.maxUploadBytes) })}
            </p>
          </div>
          <div class="form-actions">
            <button type="submit" class="primary" disabled={busy} aria-busy={busy ? 'true' : undefined}>
              {t('backups.restore.check')}
            </button>
          </div>
        </form>
      )}
      <ConfirmDialog
        open={confirming}
        message={checked ? t('backups.restore.confirm', { date: formatDate(checked.createdAt) }) : ''}
        confirmLabel={t('backups.restore.confirmLabel')}
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          const previousStart = await serverStart();
          await http.post(`${API}/restore`, { upload: checked!.id, confirm: true });
          props.onRestarting(previousStart);
        }}
      />
    </section>
  );
}

/** When the Carillon answering now started (`/api/health`), read before a restore is asked for. */
async function serverStart(): Promise<string> {
  const res = await fetch('/api/health', { cache: 'no-store' });
  return ((await res.json()) as { startedAt: string }).startedAt;
}

/**
 * While Carillon restarts: waits until another Carillon than `previousStart` answers, then reloads
 * the page. Its start instant, not a dropped connection or a smaller uptime: a restore can be
 * over between two polls.
 */
function Restarting(props: { previousStart: string }) {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    let stopped = false;
    const started = Date.now();
    const poll = async () => {
      while (!stopped) {
        await new Promise((r) => setTimeout(r, 1000));
        try {
          const res = await fetch('/api/health', { cache: 'no-store' });
          const body = (await res.json()) as { startedAt?: string };
          if (res.ok && body.startedAt && body.startedAt !== props.previousStart) {
            window.location.reload();
            return;
          }
        } catch {
          // Down while it restarts: ask again.
        }
        if (Date.now() - started > 120_000) setSlow(true);
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, []);
  return (
    <>
      <Notice kind="info">
        <span data-testid="backup-restarting">{t('backups.restore.restarting')}</span>
      </Notice>
      {slow && <Notice kind="warning">{t('backups.restore.slow')}</Notice>}
    </>
  );
}
