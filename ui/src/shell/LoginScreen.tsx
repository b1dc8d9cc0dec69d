import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { errorMessage, FormStatus, SubmitButton, TextField, useForm } from '../lib/forms';
import { LOCALES, setPreferences, t, useI18n, type Locale } from '../lib/i18n';
import { login, type SessionState } from './session';

export function LanguageSwitch() {
  const { locale } = useI18n();
  return (
    <div class="language-switch" role="group" aria-label={t('auth.language')}>
      {LOCALES.map((l: Locale) => (
        <button key={l} type="button" lang={l} aria-pressed={locale === l ? 'true' : 'false'} onClick={() => setPreferences({ locale: l })}>
          {t(`locale.${l}`)}
        </button>
      ))}
    </div>
  );
}

/** Where the printed one-time link leads: the server's `/setup` page (it works without this UI). */
function SetupNeeded() {
  const [link, setLink] = useState('');
  const open = (e: Event) => {
    e.preventDefault();
    const token = /token=([A-Za-z0-9_-]+)/.exec(link)?.[1] ?? link.trim();
    if (token) window.location.assign(`/setup?token=${encodeURIComponent(token)}`);
  };
  return (
    <div class="notice notice-info" role="status">
      <p>{t('auth.setupNeeded')}</p>
      <form onSubmit={open} class="inline-form">
        <TextField label={t('auth.setupToken')} name="setupLink" value={link} onValue={setLink} />
        <button type="submit">{t('auth.setupOpen')}</button>
      </form>
    </div>
  );
}

/** Login with e-mail and password; the TOTP field appears when the server asks for the second factor. */
export function LoginScreen(props: { state: Extract<SessionState, { status: 'anonymous' }> }) {
  useI18n();
  const [needsTotp, setNeedsTotp] = useState(false);
  const form = useForm({ email: '', password: '', totpCode: '' });
  useEffect(() => {
    document.title = `${t('auth.loginTitle')}`;
  });
  const submit = form.onSubmit(async (values) => {
    try {
      await login(values);
    } catch (err) {
      // The second factor is asked for (or was wrong): say so next to its field, which gets the focus.
      if (err instanceof ApiError && (err.code === 'totp_required' || err.code === 'totp_invalid')) {
        setNeedsTotp(true);
        form.fail({ totpCode: errorMessage(err) }, '');
        return;
      }
      throw err;
    }
  });
  return (
    <main class="login" id="main">
      <div class="login-card">
        <LanguageSwitch />
        <h1>{t('auth.loginTitle')}</h1>
        {props.state.reason === 'expired' && (
          <p class="notice notice-warning" role="alert" data-testid="session-expired">
            {t('auth.sessionExpired')}
          </p>
        )}
        {props.state.reason === 'loggedOut' && (
          <p class="notice notice-info" role="status">
            {t('auth.loggedOut')}
          </p>
        )}
        {props.state.setupNeeded && <SetupNeeded />}
        <form ref={form.formRef} onSubmit={submit} noValidate>
          <TextField label={t('auth.email')} type="email" autoComplete="username" required {...form.field('email')} />
          <TextField label={t('auth.password')} type="password" autoComplete="current-password" required {...form.field('password')} />
          {needsTotp && (
            <TextField
              label={t('auth.totpCode')}
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              maxLength={6}
              {...form.field('totpCode')}
            />
          )}
          <FormStatus form={form} />
          <SubmitButton form={form} label={t('auth.login')} />
        </form>
      </div>
    </main>
  );
}
