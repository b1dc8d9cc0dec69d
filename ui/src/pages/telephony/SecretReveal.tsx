import { useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { ConfirmDialog, Dialog } from '../../lib/components';
import { errorMessage } from '../../lib/forms';
import { t } from '../../lib/i18n';
import { can } from '../../shell/session';

/**
 * A secret shown on demand: each `reveal()` is a POST to `url` that the server audits; the answer
 * is kept only while the dialog is open.
 */
export function useSecretReveal<T>(url: string) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const reveal = async () => {
    setError(null);
    setValue(null);
    setOpen(true);
    try {
      setValue(await http.post<T>(url));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const close = () => {
    setOpen(false);
    setValue(null);
  };
  return { value, error, open, reveal, close };
}

/**
 * "Show password" for an extension or a trunk: only for users holding `telephony.secrets`; each
 * reveal is a POST the server audits. The password is kept only while the dialog is open.
 */
export function SecretReveal(props: { url: string; name: string; userKey: string; passwordKey: string }) {
  const { value: secret, error, open, reveal, close } = useSecretReveal<Record<string, string>>(props.url);
  if (!can('telephony.secrets')) return null;
  const shown = secret && { user: secret[props.userKey], password: secret[props.passwordKey] };
  return (
    <>
      <button type="button" onClick={reveal} aria-label={`${t('tel.revealSecret')} ${props.name}`}>
        {t('tel.revealSecret')}
      </button>
      <Dialog title={t('tel.secretOf', { name: props.name })} open={open} onClose={close}>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        {shown && (
          <dl class="stats">
            <dt>{t('tel.sipUsername')}</dt>
            <dd>
              <code class="secret" data-testid="secret-user">
                {shown.user}
              </code>
            </dd>
            <dt>{t('tel.sipPassword')}</dt>
            <dd>
              <code class="secret" data-testid="secret-password">
                {shown.password}
              </code>
            </dd>
          </dl>
        )}
        <p class="hint">{t('tel.secretAudited')}</p>
        <div class="form-actions">
          <button type="button" onClick={close}>
            {t('common.close')}
          </button>
        </div>
      </Dialog>
    </>
  );
}

/**
 * "New password" (needs `telephony.manage`): the phone or IPBX using the old one must be set up
 * again, so it asks first.
 */
export function RegenerateSecret(props: { url: string; name: string; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  if (!can('telephony.manage')) return null;
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} aria-label={`${t('tel.regenerateSecret')} ${props.name}`}>
        {t('tel.regenerateSecret')}
      </button>
      <ConfirmDialog
        open={open}
        message={t('tel.regenerateConfirm', { name: props.name })}
        confirmLabel={t('tel.regenerateSecret')}
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          await http.post(props.url);
          props.onDone();
        }}
      />
    </>
  );
}
