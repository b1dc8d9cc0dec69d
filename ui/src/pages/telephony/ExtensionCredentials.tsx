import { Dialog } from '../../lib/components';
import { t } from '../../lib/i18n';
import { can } from '../../shell/session';
import { CopyButton } from './CopyButton';
import { useSecretReveal } from './SecretReveal';

interface Account {
  server: string;
  port: number;
  transport: 'udp' | 'tcp';
  tcpPort: number;
  username: string;
  authUsername: string;
  password: string;
  qr: { format: string; apps: string[]; png: string };
}

/**
 * An extension's credentials for its phone or softphone: server, port, transport, user names and
 * password, each with a copy button, and a QR code Grandstream Wave scans. Only for holders of
 * `telephony.secrets`; each opening is an audited reveal, and the password is dropped on close.
 */
export function ExtensionCredentials(props: { url: string; name: string }) {
  const { value, error, open, reveal, close } = useSecretReveal<{ account: Account }>(props.url);
  if (!can('telephony.secrets')) return null;
  const account = value?.account ?? null;
  const rows: Array<[string, string, string?]> = account
    ? [
        [t('tel.cred.server'), account.server, 'server'],
        [t('tel.cred.port'), String(account.port), 'port'],
        [t('tel.cred.transport'), account.transport.toUpperCase(), 'transport'],
        [t('tel.cred.user'), account.username, 'user'],
        [t('tel.cred.authUser'), account.authUsername, 'auth-user'],
        [t('tel.sipPassword'), account.password, 'password'],
      ]
    : [];
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
        {account && (
          <div class="credentials">
            <dl class="credentials-fields">
              {rows.map(([label, value, id]) => (
                <div key={id} class="credentials-field">
                  <dt>{label}</dt>
                  <dd>
                    <code class="secret" data-testid={id === 'password' ? 'secret-password' : `cred-${id}`}>
                      {value}
                    </code>{' '}
                    <CopyButton text={value} label={label} />
                  </dd>
                </div>
              ))}
            </dl>
            <figure class="credentials-qr">
              <img src={account.qr.png} alt={t('tel.cred.qrAlt', { apps: account.qr.apps.join(', ') })} data-testid="cred-qr" />
              <figcaption class="hint">{t('tel.cred.qrWorksWith', { apps: account.qr.apps.join(', ') })}</figcaption>
            </figure>
          </div>
        )}
        {account && <p class="hint">{t('tel.cred.otherApps', { tcpPort: account.tcpPort })}</p>}
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
