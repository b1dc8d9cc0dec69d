import { roleDescription, roleLabel } from '../../lib/labels';
import { http } from '../../lib/api';
import { CheckboxField, CheckboxList, FormStatus, SelectField, SubmitButton, TextField, useForm } from '../../lib/forms';
import { preferences, t, timeZones } from '../../lib/i18n';

export interface UserView {
  id: number;
  email: string;
  displayName: string;
  locale: 'fr' | 'en';
  timeZone: string;
  numberDisplay: 'international' | 'national';
  active: boolean;
  roles: string[];
  totpEnabled: boolean;
  locked: boolean;
  lastLoginAt: string | null;
}

export interface RoleOption {
  name: string;
  description: string | null;
}

/** Create or edit a user; on edit, an empty password keeps the current one. */
export function UserForm(props: { user: UserView | null; roles: RoleOption[]; onSaved: () => void; onCancel: () => void }) {
  const { user } = props;
  const form = useForm({
    email: user?.email ?? '',
    displayName: user?.displayName ?? '',
    password: '',
    locale: user?.locale ?? preferences.get().locale,
    timeZone: user?.timeZone ?? preferences.get().timeZone,
    numberDisplay: user?.numberDisplay ?? preferences.get().numberDisplay,
    active: user?.active ?? true,
    roles: user?.roles ?? [],
  });
  const submit = form.onSubmit(async (values) => {
    const body: Record<string, unknown> = { ...values };
    if (!values.password) delete body.password;
    if (user) await http.patch(`/api/users/${user.id}`, body);
    else await http.post('/api/users', body);
    props.onSaved();
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate>
      <TextField label={t('auth.email')} type="email" autoComplete="off" required {...form.field('email')} />
      <TextField label={t('users.displayName')} required {...form.field('displayName')} />
      <TextField label={t('auth.password')} type="password" autoComplete="new-password" hint={user ? t('users.passwordKeep') : t('users.passwordHint')} {...form.field('password')} />
      <div class="grid-2">
        <SelectField label={t('prefs.locale')} options={[{ value: 'fr', label: t('locale.fr') }, { value: 'en', label: t('locale.en') }]} {...form.field('locale')} onValue={(v) => form.set('locale', v as 'fr' | 'en')} />
        <SelectField label={t('prefs.timeZone')} options={timeZones().map((z) => ({ value: z, label: z }))} {...form.field('timeZone')} />
      </div>
      <SelectField
        label={t('prefs.numberDisplay')}
        options={[
          { value: 'international', label: t('numberDisplay.international') },
          { value: 'national', label: t('numberDisplay.national') },
        ]}
        {...form.field('numberDisplay')}
        onValue={(v) => form.set('numberDisplay', v as 'international' | 'national')}
      />
      <CheckboxField label={t('users.active')} {...form.field('active')} />
      <CheckboxList label={t('users.roles')} options={props.roles.map((r) => ({ value: r.name, label: roleLabel(r.name), hint: roleDescription(r.name, r.description) || undefined }))} {...form.field('roles')} />
      <FormStatus form={form} />
      <div class="form-actions">
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        <SubmitButton form={form} label={user ? t('common.save') : t('common.create')} />
      </div>
    </form>
  );
}
