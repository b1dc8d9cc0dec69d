import { roleDescription, roleLabel } from '../../lib/labels';
import { http } from '../../lib/api';
import { CheckboxList, FormStatus, SubmitButton, TextField, useForm } from '../../lib/forms';
import { localized, t } from '../../lib/i18n';

export interface RoleView {
  id: number;
  name: string;
  description: string | null;
  builtin: boolean;
  permissions: string[];
  inherits: string[];
  effectivePermissions: string[];
}

export interface PermissionView {
  key: string;
  owner: string;
  /** The English description, as the plugin or core wrote it. */
  description: string;
  /** The description per language (null: a plugin gave only its English one). */
  descriptions: { en: string; fr: string } | null;
}

/** What a permission allows, in the UI's language; its English words, or its key, when that is all there is. */
export function permissionLabel(permission: PermissionView): string {
  return localized(permission.descriptions ?? undefined) || permission.description || permission.key;
}

/** Create or edit a role: its own permissions (grouped by core / plugin) and the roles it inherits. */
export function RoleForm(props: {
  role: RoleView | null;
  roles: RoleView[];
  permissions: PermissionView[];
  /** Plugins' display names in the UI's language, by id (empty for those who may not read plugins: ids then). */
  pluginNames: Record<string, string>;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { role } = props;
  const form = useForm({
    name: role?.name ?? '',
    description: role?.description ?? '',
    inherits: role?.inherits ?? [],
    permissions: role?.permissions ?? [],
  });
  const owners = [...new Set(props.permissions.map((p) => p.owner))].sort((a, b) => (a === 'core' ? -1 : b === 'core' ? 1 : a.localeCompare(b)));
  const submit = form.onSubmit(async (values) => {
    if (role) await http.patch(`/api/roles/${encodeURIComponent(role.name)}`, values);
    else await http.post('/api/roles', values);
    props.onSaved();
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate>
      <TextField label={t('common.name')} hint={t('roles.nameHint')} required {...form.field('name')} />
      <TextField label={t('common.description')} {...form.field('description')} />
      <CheckboxList
        label={t('roles.inherits')}
        options={props.roles.filter((r) => r.name !== role?.name).map((r) => ({ value: r.name, label: roleLabel(r.name), hint: roleDescription(r.name, r.description) || undefined }))}
        {...form.field('inherits')}
      />
      {owners.map((owner) => (
        <CheckboxList
          key={owner}
          label={t('roles.permissionsOf', { owner: owner === 'core' ? t('roles.core') : (props.pluginNames[owner] ?? owner) })}
          options={props.permissions.filter((p) => p.owner === owner).map((p) => ({ value: p.key, label: permissionLabel(p), code: p.key, hint: t('roles.permissionKey', { key: p.key }) }))}
          {...form.field('permissions')}
        />
      ))}
      <FormStatus form={form} />
      <div class="form-actions">
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        <SubmitButton form={form} label={role ? t('common.save') : t('common.create')} />
      </div>
    </form>
  );
}
