import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n';

/** A signing secret, shown once (after creation or rotation) with a copy button. */
export function SecretNotice(props: { message: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="notice notice-success" role="status" data-testid="webhook-secret">
      <p>{props.message}</p>
      <code class="secret">{props.secret}</code>
      <p>
        <button type="button" onClick={() => navigator.clipboard?.writeText(props.secret).then(() => setCopied(true)).catch(() => setCopied(false))}>
          {copied ? t('webhooks.copied') : t('webhooks.copy')}
        </button>{' '}
        <button type="button" onClick={props.onDone}>
          {t('webhooks.done')}
        </button>
      </p>
    </div>
  );
}
