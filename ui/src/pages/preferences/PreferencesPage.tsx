import { useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { Page } from '../../lib/components';
import { FormStatus, SelectField, SubmitButton, TextField, useForm } from '../../lib/forms';
import { formatDate, formatPhone, setPreferences, t, timeZones, useI18n } from '../../lib/i18n';
import { setCsrfToken } from '../../lib/api';
import { useStore } from '../../lib/store';
import { refreshSession, session, type CurrentUser } from '../../shell/session';

/** The user's own profile, display preferences, password and second factor. */
export default function PreferencesPage() {
  useI18n();
  const state = useStore(session);
  if (state.status !== 'authenticated') return null;
  return (
    <Page title={t('page.preferences')}>
      <ProfileForm user={state.user} />
      <PasswordForm />
      <TotpSection user={state.user} />
    </Page>
  );
}

function ProfileForm(props: { user: CurrentUser }) {
  const form = useForm({ displayName: props.user.displayName, locale: props.user.locale, timeZone: props.user.timeZone, numberDisplay: props.user.numberDisplay });
  const submit = form.onSubmit(async (values) => {
    await http.patch('/api/auth/me', values);
    setPreferences({ locale: values.locale, timeZone: values.timeZone, numberDisplay: values.numberDisplay });
    await refreshSession();
    form.setNotice(t('common.saved'));
  });
  return (
    <section class="card" aria-labelledby="profile-title">
      <h2 id="profile-title">{t('prefs.profile')}</h2>
      <form class="stack" ref={form.formRef} onSubmit={submit} noValidate>
        <TextField label={t('users.displayName')} required autoComplete="name" {...form.field('displayName')} />
        <SelectField label={t('prefs.locale')} options={[{ value: 'fr', label: t('locale.fr') }, { value: 'en', label: t('locale.en') }]} {...form.field('locale')} onValue={(v) => form.set('locale', v as 'fr' | 'en')} />
        <SelectField label={t('prefs.timeZone')} options={timeZones().map((z) => ({ value: z, label: z }))} {...form.field('timeZone')} />
        <SelectField
          label={t('prefs.numberDisplay')}
          options={[
            { value: 'international', label: t('numberDisplay.international') },
            { value: 'national', label: t('numberDisplay.national') },
          ]}
          {...form.field('numberDisplay')}
          onValue={(v) => form.set('numberDisplay', v as 'international' | 'national')}
        />
        <p class="muted" data-testid="prefs-example">
          {t('prefs.example', { date: formatDate(new Date()), number: formatPhone('+33123456789') })}
        </p>
        <FormStatus form={form} />
        <div class="form-actions">
          <SubmitButton form={form} label={t('common.save')} />
        </div>
      </form>
    </section>
  );
}

function PasswordForm() {
  const form = useForm({ currentPassword: '', newPassword: '', confirm: '' });
  const submit = form.onSubmit(async (values) => {
    if (values.newPassword !== values.confirm) return form.fail({ confirm: t('prefs.passwordMismatch') });
    const result = await http.post<{ csrfToken: string }>('/api/auth/password', { currentPassword: values.currentPassword, newPassword: values.newPassword });
    // A new session comes with the new password: keep using it.
    setCsrfToken(result.csrfToken);
    form.setAll({ currentPassword: '', newPassword: '', confirm: '' });
    form.setNotice(t('prefs.passwordChanged'));
  });
  return (
    <section class="card" aria-labelledby="password-title">
      <h2 id="password-title">{t('prefs.password')}</h2>
      <form class="stack" ref={form.formRef} onSubmit={submit} noValidate>
        <TextField label={t('prefs.currentPassword')} type="password" autoComplete="current-password" required {...form.field('currentPassword')} />
        <TextField label={t('prefs.newPassword')} type="password" autoComplete="new-password" hint={t('users.passwordHint')} required {...form.field('newPassword')} />
        <TextField label={t('prefs.confirmPassword')} type="password" autoComplete="new-password" required {...form.field('confirm')} />
        <FormStatus form={form} />
        <div class="form-actions">
          <SubmitButton form={form} label={t('prefs.changePassword')} />
        </div>
      </form>
    </section>
  );
}

function TotpSection(props: { user: CurrentUser }) {
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUrl: string; qrSvg: string } | null>(null);
  const enable = useForm({ code: '' });
  const disable = useForm({ password: '' });
  const start = useForm({});
  const begin = start.onSubmit(async () => setEnrolment(await http.post('/api/auth/totp/setup')));
  const confirm = enable.onSubmit(async (values) => {
    await http.post('/api/auth/totp/enable', { code: values.code.trim() });
    setEnrolment(null);
    enable.setAll({ code: '' });
    await refreshSession();
  });
  const turnOff = disable.onSubmit(async (values) => {
    await http.post('/api/auth/totp/disable', values);
    disable.setAll({ password: '' });
    await refreshSession();
  });
  return (
    <section class="card" aria-labelledby="totp-title">
      <h2 id="totp-title">{t('prefs.totp')}</h2>
      {props.user.totpEnabled ? (
        <form class="stack" ref={disable.formRef} onSubmit={turnOff} noValidate>
          <p>{t('prefs.totpOn')}</p>
          <TextField label={t('auth.password')} type="password" autoComplete="current-password" required {...disable.field('password')} />
          <FormStatus form={disable} />
          <div class="form-actions">
            <SubmitButton form={disable} class="danger" label={t('prefs.totpDisable')} />
          </div>
        </form>
      ) : enrolment ? (
        <form class="stack" ref={enable.formRef} onSubmit={confirm} noValidate>
          <p>{t('prefs.totpScan')}</p>
          <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`} alt={t('prefs.totpQr')} width={200} height={200} />
          <p>
            {t('prefs.totpSecret')} <code class="secret">{enrolment.secret}</code>
          </p>
          <TextField label={t('auth.totpCode')} hint={t('auth.totpHint')} inputMode="numeric" autoComplete="one-time-code" maxLength={6} required {...enable.field('code')} />
          <FormStatus form={enable} />
          <div class="form-actions">
            <button type="button" onClick={() => setEnrolment(null)}>
              {t('common.cancel')}
            </button>
            <SubmitButton form={enable} label={t('prefs.totpEnable')} />
          </div>
        </form>
      ) : (
        <form class="stack" ref={start.formRef} onSubmit={begin}>
          <p>{t('prefs.totpOff')}</p>
          <FormStatus form={start} />
          <div class="form-actions">
            <SubmitButton form={start} label={t('prefs.totpStart')} />
          </div>
        </form>
      )}
    </section>
  );
}
