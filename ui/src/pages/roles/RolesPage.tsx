import { roleDescription, roleLabel } from '../../lib/labels';
import { useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { ConfirmDialog, Dialog, Notice, Page, useLoad } from '../../lib/components';
import { localized, t, tn, useI18n } from '../../lib/i18n';
import { DataTable, LoadStatus, RowButton } from '../../lib/list';
import { can } from '../../shell/session';
import { permissionLabel, RoleForm, type PermissionView, type RoleView } from './RoleForm';

export default function RolesPage() {
  useI18n();
  const [editing, setEditing] = useState<RoleView | 'new' | null>(null);
  const [deleting, setDeleting] = useState<RoleView | null>(null);
  const [expanded, setExpanded] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const manage = can('roles.manage');
  const roles = useLoad((signal) => http.get<{ items: RoleView[] }>('/api/roles', undefined, signal).then((r) => r.items), []);
  const permissions = useLoad((signal) => http.get<{ items: PermissionView[] }>('/api/permissions', undefined, signal).then((r) => r.items), []);
  // Permissions are grouped by plugin: by its display name for those who may read the plugins list.
  const plugins = useLoad(
    (signal) =>
      can('plugins.read')
        ? http.get<{ items: Array<{ id: string; displayName: { en: string; fr: string } | null }> }>('/api/system/plugins', undefined, signal).then((r) => r.items)
        : Promise.resolve([]),
    [],
  );
  const pluginNames = Object.fromEntries((plugins.data ?? []).filter((p) => p.displayName).map((p) => [p.id, localized(p.displayName!)]));

  return (
    <Page
      title={t('page.roles')}
      actions={
        manage && (
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            {t('roles.add')}
          </button>
        )
      }
    >
      {notice && <Notice kind="success">{notice}</Notice>}
      <LoadStatus load={roles} />
      {roles.data && (
        <DataTable testId="roles-table" columns={[t('common.name'), t('common.description'), t('roles.inherits'), t('roles.permissions')]} actions>
          {roles.data.map((role) => (
            <tr key={role.name}>
              <td data-label={t('common.name')}>
                {roleLabel(role.name)} {roleLabel(role.name) !== role.name && <code class="muted">{role.name}</code>} {role.builtin && <span class="badge">{t('roles.builtin')}</span>}
              </td>
              <td data-label={t('common.description')}>{roleDescription(role.name, role.description)}</td>
              <td data-label={t('roles.inherits')}>{role.inherits.map(roleLabel).join(', ') || t('common.none')}</td>
              <td data-label={t('roles.permissions')}>
                <button type="button" class="link" aria-expanded={expanded === role.name ? 'true' : 'false'} onClick={() => setExpanded(expanded === role.name ? null : role.name)}>
                  {tn('roles.permissionCount', role.effectivePermissions.length)}
                </button>
                {expanded === role.name && (
                  <ul class="muted">
                    {role.effectivePermissions.map((p) => {
                      const known = permissions.data?.find((permission) => permission.key === p);
                      return (
                        <li key={p}>
                          {known ? permissionLabel(known) : p}
                          {!role.permissions.includes(p) && ` (${t('roles.inherited')})`} {known && <code class="muted permission-key">{p}</code>}
                        </li>
                      );
                    })}
                  </ul>
                )}
              </td>
              <td class="actions">
                {manage && role.name !== 'admin' && (
                  <RowButton label={t('common.edit')} name={roleLabel(role.name)} onClick={() => setEditing(role)} />
                )}
                {manage && !role.builtin && (
                  <RowButton class="danger" label={t('common.delete')} name={roleLabel(role.name)} onClick={() => setDeleting(role)} />
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <Dialog title={editing === 'new' ? t('roles.add') : t('roles.edit')} open={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null && (
          <RoleForm
            role={editing === 'new' ? null : editing}
            roles={roles.data ?? []}
            permissions={permissions.data ?? []}
            pluginNames={pluginNames}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setNotice(t('common.saved'));
              setEditing(null);
              roles.reload();
            }}
          />
        )}
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        message={t('common.confirmDelete', { name: deleting?.name ?? '' })}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          await http.delete(`/api/roles/${encodeURIComponent(deleting!.name)}`);
          setNotice(t('common.deleted'));
          roles.reload();
        }}
      />
    </Page>
  );
}
