import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { http, type Paged, type Query } from '../../lib/api';
import { ConfirmDialog, Dialog, Notice, Page, Pager, useLoad } from '../../lib/components';
import { t, useI18n } from '../../lib/i18n';
import { DataTable, LoadStatus, RowButton, SearchToolbar, useSearchPaging } from '../../lib/list';
import { useEvents } from '../../lib/socket';
import { can } from '../../shell/session';
import { TELEPHONY_API } from './resource';

const LIMIT = 25;

export interface Column<T> {
  label: string;
  cell: (item: T) => ComponentChildren;
}

export interface FormDone {
  saved: () => void;
  cancel: () => void;
}

/**
 * A telephony resource page: search, a paged table, create and edit in a dialog, delete after
 * confirmation. Only users with `telephony.manage` see the buttons that change things (the API
 * refuses them anyway).
 */
export function ResourcePage<T extends { id: number }>(props: {
  title: string;
  /** Path under /api/telephony, e.g. `extensions`. */
  resource: string;
  testId: string;
  searchHint: string;
  columns: Column<T>[];
  nameOf: (item: T) => string;
  addLabel: string;
  editLabel: string;
  renderForm: (item: T | null, done: FormDone) => ComponentChildren;
  /** More buttons per row (reveal a secret…); `reload` refreshes the list. */
  rowActions?: (item: T, reload: () => void) => ComponentChildren;
  /** More buttons beside "Add" (bulk creation, import, export); `reload` refreshes the list. */
  headerActions?: (reload: () => void) => ComponentChildren;
  /** Extra filters above the table, and the query they add. */
  filters?: ComponentChildren;
  query?: Query;
}) {
  useI18n();
  const { search, setSearch, offset, setOffset } = useSearchPaging();
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const manage = can('telephony.manage');
  const queryKey = JSON.stringify(props.query ?? {});
  const list = useLoad(
    (signal) => http.get<Paged<T>>(`${TELEPHONY_API}/${props.resource}`, { ...props.query, search, limit: LIMIT, offset }, signal),
    [props.resource, search, offset, queryKey],
  );
  // Another admin's change (or a plugin's) shows without a reload.
  useEvents(['telephony.resourceChanged'], () => list.reload());
  const hasActions = manage || !!props.rowActions;

  return (
    <Page
      title={props.title}
      wide
      actions={
        <>
          {props.headerActions?.(list.reload)}
          {manage && (
            <button type="button" class="primary" data-testid={`${props.testId}-add`} onClick={() => setEditing('new')}>
              {props.addLabel}
            </button>
          )}
        </>
      }
    >
      <SearchToolbar id={`${props.testId}-search`} value={search} placeholder={props.searchHint} onSearch={setSearch}>
        {props.filters}
      </SearchToolbar>
      {notice && <Notice kind="success">{notice}</Notice>}
      <LoadStatus load={list} />
      {list.data && (
        <>
          <DataTable
            testId={`${props.testId}-table`}
            columns={props.columns.map((column) => column.label)}
            actions={hasActions}
            empty={list.data.items.length === 0 && (search ? t('tel.noMatch') : t('common.empty'))}
          >
            {list.data.items.map((item) => (
              <tr key={item.id}>
                {props.columns.map((column) => (
                  <td key={column.label} data-label={column.label}>
                    {column.cell(item)}
                  </td>
                ))}
                {hasActions && (
                  <td class="actions">
                    {props.rowActions?.(item, list.reload)}
                    {manage && (
                      <>
                        <RowButton label={t('common.edit')} name={props.nameOf(item)} onClick={() => setEditing(item)} />
                        <RowButton class="danger" label={t('common.delete')} name={props.nameOf(item)} onClick={() => setDeleting(item)} />
                      </>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </DataTable>
          <Pager offset={offset} limit={LIMIT} total={list.data.total} onOffset={setOffset} />
        </>
      )}
      <Dialog title={editing === 'new' ? props.addLabel : props.editLabel} open={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null &&
          props.renderForm(editing === 'new' ? null : editing, {
            saved: () => {
              setNotice(t('common.saved'));
              setEditing(null);
              list.reload();
            },
            cancel: () => setEditing(null),
          })}
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        message={t('common.confirmDelete', { name: deleting ? props.nameOf(deleting) : '' })}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          await http.delete(`${TELEPHONY_API}/${props.resource}/${deleting!.id}`);
          setNotice(t('common.deleted'));
          list.reload();
        }}
      />
    </Page>
  );
}

/** Cancel and submit buttons at the bottom of a resource form. */
export function FormButtons(props: { done: FormDone; creating: boolean; busy: boolean }) {
  return (
    <div class="form-actions">
      <button type="button" onClick={props.done.cancel}>
        {t('common.cancel')}
      </button>
      <button type="submit" class="primary" disabled={props.busy} aria-busy={props.busy ? 'true' : undefined}>
        {props.creating ? t('common.create') : t('common.save')}
      </button>
    </div>
  );
}
