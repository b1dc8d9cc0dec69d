import { roleLabel } from '../../lib/labels';
import { useState } from 'preact/hooks';
import { http, type Paged } from '../../lib/api';
import { ConfirmDialog, Dialog, Page, Pager, useLoad } from '../../lib/components';
import { formatDate, t, useI18n } from '../../lib/i18n';
import { ActionNotices, DataTable, LoadStatus, RowButton, SearchToolbar, usePageActions, useSearchPaging } from '../../lib/list';
import { useEvents } from '../../lib/socket';
import { can, currentUser } from '../../shell/session';
import { UserForm, type RoleOption, type UserView } from './UserForm';

const LIMIT = 25;

export default function UsersPage() {
  useI18n();
  const { search, setSearch, offset, setOffset } = useSearchPaging();
  const [editing, setEditing] = useState<UserView | 'new' | null>(null);
  const [deleting, setDeleting] = useState<UserView | null>(null);
  const manage = can('users.manage');
  const list = useLoad((signal) => http.get<Paged<UserView>>('/api/users', { search, limit: LIMIT, offset }, signal), [search, offset]);
  const roles = useLoad((signal) => http.get<{ items: RoleOption[] }>('/api/roles', undefined, signal).then((r) => r.items), []);

  const { notice, setNotice, act, error: actionError } = usePageActions(() => list.reload());
  // Users created or changed elsewhere (another administrator, the CLI) appear without a reload.
  useEvents(['auth.usersChanged'], () => list.reload());

  return (
    <Page
      title={t('page.users')}
      actions={
        manage && (
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            {t('users.add')}
          </button>
        )
      }
    >
      <SearchToolbar id="user-search" value={search} placeholder={t('users.searchHint')} onSearch={setSearch} />
      <ActionNotices notice={notice} error={actionError} />
      <LoadStatus load={list} />
      {list.data && (
        <>
          <DataTable
            testId="users-table"
            columns={[t('common.name'), t('auth.email'), t('users.roles'), t('users.state'), t('users.lastLogin')]}
            actions={manage}
            empty={list.data.items.length === 0 && t('common.empty')}
          >
            {list.data.items.map((user) => (
              <tr key={user.id}>
                <td data-label={t('common.name')}>{user.displayName}</td>
                <td data-label={t('auth.email')}>{user.email}</td>
                <td data-label={t('users.roles')}>{user.roles.map(roleLabel).join(', ') || t('common.none')}</td>
                <td data-label={t('users.state')}>
                  <span class={`badge ${user.active ? 'badge-ok' : 'badge-warn'}`}>{user.active ? t('users.active') : t('users.inactive')}</span>{' '}
                  {user.locked && <span class="badge badge-error">{t('users.locked')}</span>}{' '}
                  {user.totpEnabled && <span class="badge">{t('users.totp')}</span>}
                </td>
                <td data-label={t('users.lastLogin')}>{user.lastLoginAt ? formatDate(user.lastLoginAt) : t('users.never')}</td>
                {manage && (
                  <td class="actions">
                    <RowButton label={t('common.edit')} name={user.displayName} onClick={() => setEditing(user)} />
                    {user.locked && (
                      <button type="button" onClick={() => act(() => http.post(`/api/users/${user.id}/unlock`), t('users.unlocked'))}>
                        {t('users.unlock')}
                      </button>
                    )}
                    {user.totpEnabled && (
                      <button type="button" onClick={() => act(() => http.post(`/api/users/${user.id}/reset-totp`), t('users.totpReset'))}>
                        {t('users.resetTotp')}
                      </button>
                    )}
                    {user.id !== currentUser()?.id && (
                      <RowButton class="danger" label={t('common.delete')} name={user.displayName} onClick={() => setDeleting(user)} />
                    )}
                  </td>
                )}
              </tr>
            ))}
          </DataTable>
          <Pager offset={offset} limit={LIMIT} total={list.data.total} onOffset={setOffset} />
        </>
      )}
      <Dialog title={editing === 'new' ? t('users.add') : t('users.edit')} open={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null && (
          <UserForm
            user={editing === 'new' ? null : editing}
            roles={roles.data ?? []}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setNotice(t('common.saved'));
              setEditing(null);
              list.reload();
            }}
          />
        )}
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        message={t('common.confirmDelete', { name: deleting?.displayName ?? '' })}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          await http.delete(`/api/users/${deleting!.id}`);
          setNotice(t('common.deleted'));
          list.reload();
        }}
      />
    </Page>
  );
}
