// The company directory's admin page, loaded by the shell at run time (no build step): search by
// name, company or any number, browse by folder, see a contact card; with `directory.manage`,
// add, edit and delete contacts, export, import a CSV file and restore a backup (`csv-import.js`).
// Plain DOM: a small `el()` helper (`dom.js`) builds it.
import { el, field, openDialog } from './dom.js';
import { mountImport } from './csv-import.js';

const API = '/api/plugins/directory';
const PAGE = 50;
const NUMBER_TYPES = ['work', 'mobile', 'home', 'fax', 'other'];

export default function mount(root, api) {
  const { http, t, can } = api;
  const manage = can('directory.manage');
  const state = { q: '', folderId: '', offset: 0, items: [], hasMore: false, folders: [], error: null, notice: null };
  let stopped = false;
  let searchTimer = null;

  const search = el('input', { id: 'dir-search', type: 'search', placeholder: t('searchHint'), onInput: (e) => {
    state.q = e.currentTarget.value;
    state.offset = 0;
    clearTimeout(searchTimer);
    searchTimer = setTimeout(load, 200);
  } });
  const folderSelect = el('select', { id: 'dir-folder', onChange: (e) => {
    state.folderId = e.currentTarget.value;
    state.offset = 0;
    load();
  } });
  const toolbar = el(
    'form',
    { class: 'toolbar', role: 'search', onSubmit: (e) => e.preventDefault() },
    el('div', { class: 'field' }, el('label', { for: 'dir-search' }, t('search')), search),
    el('div', { class: 'field' }, el('label', { for: 'dir-folder' }, t('folder')), folderSelect),
  );
  const actions = el(
    'div',
    { class: 'form-actions' },
    manage ? el('button', { type: 'button', class: 'primary', onClick: () => edit(null).catch(fail) }, t('add')) : null,
    manage ? el('a', { class: 'button', href: `${API}/export.csv`, download: '' }, t('export')) : null,
    manage ? el('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'dir-import', onClick: (e) => toggleImport(e.currentTarget) }, t('import.open')) : null,
  );
  const importPanel = el('section', { id: 'dir-import', class: 'card stack', hidden: true, 'aria-labelledby': 'dir-import-title' });
  const status = el('div', { role: 'status', 'aria-live': 'polite' });
  const table = el('div', { class: 'table-wrap' });
  const pager = el('nav', { class: 'pager', 'aria-label': t('pages') });
  root.replaceChildren(actions, importPanel, toolbar, status, table, pager);

  // The import panel is built when first opened: readers of the directory never load it.
  let importer = null;
  function toggleImport(button) {
    const open = importPanel.hidden;
    if (open && !importer) importer = mountImport(importPanel, api, { root, onChanged: () => { load(); loadFolders(); } });
    importPanel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) importer.refresh();
  }

  function drawFolders() {
    folderSelect.replaceChildren(
      el('option', { value: '' }, t('allFolders')),
      ...state.folders.map((f) => el('option', { value: String(f.id), selected: String(f.id) === state.folderId }, `${f.path.join(' / ')} (${f.contactCount})`)),
    );
  }

  function draw() {
    status.replaceChildren(
      state.error ? el('div', { class: 'notice notice-error', role: 'alert' }, state.error) : '',
      state.notice ? el('div', { class: 'notice notice-success' }, state.notice) : '',
    );
    const head = el('thead', {}, el('tr', {}, ...[t('name'), t('company'), t('number'), ''].map((label) => el('th', { scope: 'col' }, label))));
    const rows = state.items.length
      ? state.items.map((c) =>
          el(
            'tr',
            { 'data-contact': c.key },
            el('td', { 'data-label': t('name') }, el('button', { type: 'button', class: 'link', onClick: () => show(c.key).catch(fail) }, c.displayName), c.source === 'ldap' ? el('span', { class: 'badge' }, ' LDAP') : ''),
            el('td', { 'data-label': t('company') }, c.company ?? ''),
            el('td', { 'data-label': t('number') }, c.defaultNumber ?? ''),
            el('td', { class: 'actions' }, manage && c.source !== 'ldap' ? el('button', { type: 'button', onClick: () => edit(c.key).catch(fail), 'aria-label': `${t('edit')} ${c.displayName}` }, t('edit')) : ''),
          ),
        )
      : [el('tr', {}, el('td', { colSpan: 4, class: 'muted' }, state.q ? t('noMatch') : t('empty')))];
    table.replaceChildren(el('table', { class: 'responsive', 'data-testid': 'directory-contacts' }, head, el('tbody', {}, rows)));
    pager.replaceChildren(
      el('button', { type: 'button', disabled: state.offset === 0, onClick: () => { state.offset = Math.max(0, state.offset - PAGE); load(); } }, t('previous')),
      el('button', { type: 'button', disabled: !state.hasMore, onClick: () => { state.offset += PAGE; load(); } }, t('next')),
    );
  }

  /** An error of an action or a load, shown above the list. */
  function fail(err) {
    state.error = err.detail ?? err.message;
    state.notice = null;
    draw();
  }

  async function load() {
    try {
      const result = await http.get(`${API}/contacts`, { q: state.q || undefined, folderId: state.folderId || undefined, limit: PAGE, offset: state.offset });
      if (stopped) return;
      state.items = result.items;
      state.hasMore = result.hasMore;
      state.error = null;
    } catch (err) {
      state.error = err.detail ?? err.message;
    }
    draw();
  }

  async function loadFolders() {
    try {
      state.folders = (await http.get(`${API}/folders`)).items;
      if (!stopped) drawFolders();
    } catch {
      // Searching still works without the folder list.
    }
  }

  async function show(key) {
    const card = await http.get(`${API}/contacts/${key}`);
    const rows = [
      [t('company'), [card.company, card.jobTitle].filter(Boolean).join(' · ')],
      [t('folder'), card.folderPath.join(' / ')],
      ...card.numbers.map((n) => [`${t(`type.${n.type}`)}${n.isDefault ? ` (${t('default')})` : ''}`, n.display]),
      [t('emails'), card.emails.join(', ')],
      [t('extension'), card.extension ?? ''],
      [t('notes'), card.notes ?? ''],
    ].filter(([, value]) => value);
    openDialog(root, card.displayName, el('dl', { class: 'stats' }, rows.flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, value)])), t('close'));
  }

  async function edit(key) {
    const card = key ? await http.get(`${API}/contacts/${key}`) : null;
    const fields = {
      firstName: field(t('firstName'), 'firstName', card?.firstName, { required: true, maxLength: 100 }),
      lastName: field(t('lastName'), 'lastName', card?.lastName, { required: true, maxLength: 100 }),
      company: field(t('company'), 'company', card?.company),
      jobTitle: field(t('jobTitle'), 'jobTitle', card?.jobTitle),
      extension: field(t('extension'), 'extension', card?.extension),
      emails: field(t('emails'), 'emails', card?.emails.join(', ')),
      notes: field(t('notes'), 'notes', card?.notes, { multiline: true }),
    };
    // One line per type; the first filled one is the default unless the card said otherwise.
    const numbers = NUMBER_TYPES.map((type) => field(t(`type.${type}`), `numbers.${type}`, card?.numbers.filter((n) => n.type === type).map((n) => n.original).join(', '), { type: 'tel' }));
    const formError = el('p', { class: 'form-error', role: 'alert', hidden: true, tabIndex: -1 });
    const form = el(
      'form',
      { class: 'stack', noValidate: true },
      el('div', { class: 'grid-2' }, fields.firstName.wrapper, fields.lastName.wrapper),
      el('div', { class: 'grid-2' }, fields.company.wrapper, fields.jobTitle.wrapper),
      el('fieldset', { class: 'field' }, el('legend', {}, t('numbers')), el('div', { class: 'grid-2' }, numbers.map((n) => n.wrapper))),
      el('div', { class: 'grid-2' }, fields.emails.wrapper, fields.extension.wrapper),
      fields.notes.wrapper,
      formError,
      el(
        'div',
        { class: 'form-actions' },
        key ? el('button', { type: 'button', class: 'danger', onClick: () => remove(key, card.displayName) }, t('delete')) : '',
        el('button', { type: 'button', onClick: () => close() }, t('cancel')),
        el('button', { type: 'submit', class: 'primary' }, key ? t('save') : t('create')),
      ),
    );
    const close = openDialog(root, key ? t('editTitle') : t('addTitle'), form, t('close'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const list = (text) => text.split(/[,;]/).map((s) => s.trim()).filter(Boolean);
      const typed = NUMBER_TYPES.flatMap((type, i) => list(numbers[i].input.value).map((number) => ({ type, number })));
      const previousDefault = card?.numbers.find((n) => n.isDefault)?.original;
      const body = {
        firstName: fields.firstName.input.value,
        lastName: fields.lastName.input.value,
        company: fields.company.input.value || null,
        jobTitle: fields.jobTitle.input.value || null,
        extension: fields.extension.input.value.trim() || null,
        emails: list(fields.emails.input.value),
        notes: fields.notes.input.value || null,
        numbers: typed.map((n, i) => ({ ...n, isDefault: previousDefault ? n.number === previousDefault : i === 0 })),
      };
      for (const f of [...Object.values(fields), ...numbers]) f.setError(null);
      formError.hidden = true;
      try {
        if (key) await http.patch(`${API}/contacts/${key}`, body);
        else await http.post(`${API}/contacts`, body);
        close();
        state.notice = t('saved');
        load();
        loadFolders();
      } catch (err) {
        // Errors next to their fields (`numbers.2.number` goes to that number's type); the rest above the buttons.
        const shown = [];
        for (const [name, message] of Object.entries(err.fields ?? {})) {
          const match = /^numbers\.(\d+)/.exec(name);
          const target = match ? numbers[NUMBER_TYPES.indexOf(typed[Number(match[1])]?.type)] : fields[name.split('.')[0]];
          if (target) {
            target.setError(message);
            shown.push(target);
          }
        }
        formError.hidden = false;
        formError.textContent = err.detail ?? err.message;
        (shown[0]?.input ?? formError).focus();
      }
    });
  }

  function remove(key, name) {
    const closeConfirm = openDialog(
      root,
      t('confirm'),
      el(
        'div',
        {},
        el('p', {}, t('confirmDelete', { name })),
        el(
          'div',
          { class: 'form-actions' },
          el('button', { type: 'button', onClick: () => closeConfirm() }, t('cancel')),
          el('button', { type: 'button', class: 'danger', onClick: async () => {
            try {
              await http.delete(`${API}/contacts/${key}`);
            } catch (err) {
              closeConfirm();
              fail(err);
              return;
            }
            closeConfirm();
            for (const open of root.querySelectorAll('dialog')) {
              open.close();
              open.remove();
            }
            state.notice = t('deleted');
            load();
            loadFolders();
          } }, t('delete')),
        ),
      ),
      t('close'),
    );
  }

  // Another admin's edit, an import or an LDAP sync: the list follows.
  const off = api.socket.on('directory.changed', () => {
    load();
    loadFolders();
  });
  draw();
  load();
  loadFolders();
  return () => {
    stopped = true;
    clearTimeout(searchTimer);
    off();
    importer?.unmount();
    root.replaceChildren();
  };
}
