// The directory's CSV import, as the API does it: upload a file and see the plan (counts and each
// faulty row, nothing changed yet), apply it after a confirmation (an automatic backup is made
// first, progress comes over socket.io), and the last automatic backups, each restorable.
import { el, openDialog } from './dom.js';

const API = '/api/plugins/directory';
const ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1'];
const SEPARATORS = ['semicolon', 'comma', 'tab'];
const COUNTS = ['created', 'updated', 'unchanged', 'deleted', 'readOnly', 'foldersCreated', 'rowsWithErrors'];

/** Builds the panel in `panel`; returns `refresh()` (reload the backups) and `unmount()`. */
export function mountImport(panel, api, { root, onChanged }) {
  const { http, t, h, render, format } = api;
  const lang = api.locale === 'en' ? 'en' : 'fr';
  /** The import being applied: its progress events feed the bar; null while planning (the id is not known yet). */
  let applyingId = null;
  let busy = null;

  const fileInput = el('input', { id: 'dir-import-file', type: 'file', accept: '.csv,text/csv,text/plain', required: true });
  const encoding = el('select', { id: 'dir-import-encoding' }, el('option', { value: '' }, t('import.auto')), ENCODINGS.map((e) => el('option', { value: e }, e.toUpperCase())));
  const separator = el('select', { id: 'dir-import-separator' }, el('option', { value: '' }, t('import.auto')), SEPARATORS.map((s) => el('option', { value: s }, t(`import.separator.${s}`))));
  const fileError = el('p', { class: 'field-error', id: 'dir-import-file-error', hidden: true });
  const submit = el('button', { type: 'submit', class: 'primary' }, t('import.check'));
  const form = el(
    'form',
    { class: 'stack', noValidate: true, onSubmit: (e) => { e.preventDefault(); check(); } },
    el('div', { class: 'field', 'data-field': 'file' }, el('label', { for: 'dir-import-file' }, t('import.file')), fileInput, fileError),
    el(
      'div',
      { class: 'grid-2' },
      el('div', { class: 'field' }, el('label', { for: 'dir-import-encoding' }, t('import.encoding')), encoding),
      el('div', { class: 'field' }, el('label', { for: 'dir-import-separator' }, t('import.separator')), separator),
    ),
    el('div', { class: 'form-actions' }, submit),
  );
  const status = el('div', { role: 'status', 'aria-live': 'polite' });
  const progress = el('div', { class: 'dir-import-progress' });
  const planBox = el('div', { class: 'stack', 'data-testid': 'directory-import-plan' });
  const backupsBox = el('div', { class: 'table-wrap', 'data-testid': 'directory-backups' });

  panel.replaceChildren(
    el('h2', { id: 'dir-import-title' }, t('import.title')),
    el('p', { class: 'muted' }, t('import.help')),
    el('p', {}, el('a', { href: `${API}/template.csv?lang=${lang}`, download: '' }, t('import.template')), ' · ', el('a', { href: `${API}/export.csv?lang=${lang}`, download: '' }, t('export'))),
    form,
    progress,
    status,
    planBox,
    el('h3', {}, t('backups.title')),
    el('p', { class: 'muted' }, t('backups.help')),
    backupsBox,
  );

  function say(kind, text) {
    status.replaceChildren(text ? el('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : undefined }, text) : '');
  }

  function showProgress(event) {
    // Finished, it says what was done ("file checked", "done"), not the phase it was in.
    const label = t('progress.directory.importProgress', { phase: t(`${event.done ? 'progress.phaseDone' : 'progress.phase'}.${event.phase}`) });
    render(h(api.components.ProgressBar, { label, done: event.processed, total: event.total, finished: event.done }), progress);
  }

  const offProgress = api.socket.on('directory.importProgress', (event) => {
    if (!busy || !event) return;
    if (busy === 'apply' ? event.importId === applyingId : event.phase === 'plan') showProgress(event);
  });

  function setBusy(what) {
    busy = what;
    submit.disabled = !!what;
    if (!what) render(null, progress);
  }

  async function check() {
    const file = fileInput.files?.[0];
    fileError.hidden = true;
    fileInput.removeAttribute('aria-invalid');
    if (!file) {
      fileError.hidden = false;
      fileError.textContent = t('import.noFile');
      fileInput.setAttribute('aria-invalid', 'true');
      fileInput.focus();
      return;
    }
    setBusy('plan');
    say(null, '');
    planBox.replaceChildren();
    try {
      const plan = await http.upload(`${API}/imports`, file, { contentType: 'text/csv', query: { encoding: encoding.value || undefined, separator: separator.value || undefined } });
      drawPlan(plan);
    } catch (err) {
      // A file refused as a whole (no header, required columns missing, too large…): said next to the file.
      const message = err.fields?.file ?? err.detail ?? err.message;
      fileError.hidden = false;
      fileError.textContent = message;
      fileInput.setAttribute('aria-invalid', 'true');
      fileInput.setAttribute('aria-describedby', fileError.id);
      say('error', err.detail ?? err.message);
    } finally {
      setBusy(null);
    }
  }

  function drawPlan(plan) {
    const detected = (value, auto) => (auto ? `${value} (${t('import.detected')})` : value);
    const summary = el(
      'dl',
      { class: 'stats', 'data-testid': 'directory-import-counts' },
      COUNTS.flatMap((name) => [el('dt', {}, t(`import.count.${name}`)), el('dd', { 'data-count': name }, format.number(plan.counts[name]))]),
      el('dt', {}, t('import.rows')), el('dd', {}, format.number(plan.rows)),
      el('dt', {}, t('import.encoding')), el('dd', {}, detected(plan.encoding.toUpperCase(), plan.encodingDetected)),
      el('dt', {}, t('import.separator')), el('dd', {}, detected(t(`import.separator.${plan.separator}`), plan.separatorDetected)),
    );
    const ignored = plan.columns.ignored.length ? el('p', { class: 'muted' }, t('import.ignoredColumns', { columns: plan.columns.ignored.join(', ') })) : '';
    const parts = [el('h3', {}, t('import.planTitle')), summary, ignored];
    if (plan.errors.length) {
      parts.push(
        el('div', { class: 'notice notice-error', role: 'alert' }, t('import.hasErrors', { count: plan.counts.rowsWithErrors })),
        el(
          'div',
          { class: 'table-wrap' },
          el(
            'table',
            { class: 'responsive', 'data-testid': 'directory-import-errors' },
            el('thead', {}, el('tr', {}, [t('import.line'), t('import.column'), t('import.error')].map((label) => el('th', { scope: 'col' }, label)))),
            el('tbody', {}, plan.errors.map((e) => el(
              'tr',
              { 'data-line': e.line },
              el('td', { 'data-label': t('import.line') }, String(e.line)),
              el('td', { 'data-label': t('import.column') }, e.column),
              el('td', { 'data-label': t('import.error') }, e.message),
            ))),
          ),
        ),
        plan.errorsTruncated ? el('p', { class: 'muted' }, t('import.errorsTruncated', { shown: plan.errors.length })) : '',
      );
    }
    if (plan.canApply) {
      parts.push(el('div', { class: 'form-actions' }, el('button', { type: 'button', class: 'primary', onClick: () => confirmApply(plan) }, t('import.apply'))));
    }
    planBox.replaceChildren(...parts);
  }

  /** A confirmation dialog; `action` runs on confirm, its error is shown in the panel. */
  function confirm(message, label, action) {
    const close = openDialog(
      root,
      t('confirm'),
      el(
        'div',
        {},
        el('p', {}, message),
        el(
          'div',
          { class: 'form-actions' },
          el('button', { type: 'button', onClick: () => close() }, t('cancel')),
          el('button', { type: 'button', class: 'primary', onClick: () => { close(); action(); } }, label),
        ),
      ),
      t('close'),
    );
  }

  function confirmApply(plan) {
    const { created, updated, deleted } = plan.counts;
    confirm(t('import.confirmApply', { created, updated, deleted }), t('import.apply'), async () => {
      applyingId = plan.id;
      setBusy('apply');
      showProgress({ phase: 'apply', processed: 0, total: plan.rows, done: false });
      try {
        const done = await http.post(`${API}/imports/${plan.id}/apply`);
        planBox.replaceChildren();
        fileInput.value = '';
        say('success', t('import.applied', { created: done.counts.created, updated: done.counts.updated, deleted: done.counts.deleted }));
        onChanged();
        loadBackups();
      } catch (err) {
        say('error', err.detail ?? err.message);
      } finally {
        applyingId = null;
        setBusy(null);
      }
    });
  }

  function confirmRestore(backup) {
    confirm(t('backups.confirmRestore', { date: format.date(backup.createdAt, 'datetime'), count: backup.contactCount }), t('backups.restore'), async () => {
      setBusy('restore');
      try {
        await http.post(`${API}/backups/${backup.id}/restore`);
        say('success', t('backups.restored', { date: format.date(backup.createdAt, 'datetime') }));
        planBox.replaceChildren();
        onChanged();
        loadBackups();
      } catch (err) {
        say('error', err.detail ?? err.message);
      } finally {
        setBusy(null);
      }
    });
  }

  async function loadBackups() {
    let items;
    try {
      items = (await http.get(`${API}/backups`)).items;
    } catch (err) {
      backupsBox.replaceChildren(el('div', { class: 'notice notice-error', role: 'alert' }, err.detail ?? err.message));
      return;
    }
    const head = el('thead', {}, el('tr', {}, [t('backups.date'), t('backups.reason'), t('backups.contacts'), ''].map((label) => el('th', { scope: 'col' }, label))));
    const rows = items.length
      ? items.map((b) => {
          const date = format.date(b.createdAt, 'datetime');
          return el(
            'tr',
            { 'data-backup': b.id },
            el('td', { 'data-label': t('backups.date') }, date),
            el('td', { 'data-label': t('backups.reason') }, t(`backups.reason.${b.reason}`)),
            el('td', { 'data-label': t('backups.contacts') }, format.number(b.contactCount)),
            el(
              'td',
              { class: 'actions' },
              el('a', { class: 'button', href: `${API}/backups/${b.id}/download`, download: '', 'aria-label': `${t('backups.download')} ${date}` }, t('backups.download')),
              el('button', { type: 'button', onClick: () => confirmRestore(b), 'aria-label': `${t('backups.restore')} ${date}` }, t('backups.restore')),
            ),
          );
        })
      : [el('tr', {}, el('td', { colSpan: 4, class: 'muted' }, t('backups.empty')))];
    backupsBox.replaceChildren(el('table', { class: 'responsive' }, head, el('tbody', {}, rows)));
  }

  return {
    refresh: loadBackups,
    unmount() {
      offProgress();
      render(null, progress);
    },
  };
}
