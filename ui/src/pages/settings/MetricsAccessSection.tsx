import { useEffect, useState } from 'preact/hooks';
import { ApiError, http } from '../../lib/api';
import { ConfirmDialog, useLoad } from '../../lib/components';
import { errorMessage, FormStatus, SubmitButton, TextArea, useForm } from '../../lib/forms';
import { t } from '../../lib/i18n';
import { LoadStatus } from '../../lib/list';
import { can } from '../../shell/session';

interface MetricsAccess {
  tokenSet: boolean;
  allowedNetworks: string[];
}

/**
 * Who may scrape `GET /metrics`: allowed networks, and a bearer token shown once when made (the
 * server keeps only its hash). See docs/monitoring.md.
 */
export function MetricsAccessSection() {
  const access = useLoad((signal) => http.get<MetricsAccess>('/api/system/metrics-access', undefined, signal), []);
  const manage = can('system.settings.manage');
  const form = useForm({ allowedNetworks: '' });
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  useEffect(() => {
    if (access.data) form.setAll({ allowedNetworks: access.data.allowedNetworks.join('\n') });
  }, [access.data]);
  const save = form.onSubmit(async (values) => {
    const allowedNetworks = values.allowedNetworks
      .split(/[\s,]+/)
      .map((n) => n.trim())
      .filter(Boolean);
    try {
      access.setData(await http.put<MetricsAccess>('/api/system/metrics-access', { allowedNetworks }));
    } catch (err) {
      // The server names the list entry (`allowedNetworks.1`): say it against the field, with the entry.
      const wrong = err instanceof ApiError ? Object.entries(err.fields).filter(([field]) => /^allowedNetworks\.\d+$/.test(field)) : [];
      if (!wrong.length) throw err;
      const lines = wrong.map(([field, message]) => `${allowedNetworks[Number(field.split('.')[1])]}: ${message}`);
      return form.fail({ allowedNetworks: lines.join(' · ') });
    }
    form.setNotice(t('common.saved'));
  });
  const newToken = async () => {
    setError(null);
    try {
      const made = await http.post<MetricsAccess & { token: string }>('/api/system/metrics-access/token');
      setToken(made.token);
      access.setData({ tokenSet: made.tokenSet, allowedNetworks: made.allowedNetworks });
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section class="card stack" aria-labelledby="metrics-access-title" data-testid="metrics-access">
      <h2 id="metrics-access-title">{t('metricsAccess.title')}</h2>
      <p class="hint">{t('metricsAccess.intro')}</p>
      <LoadStatus load={access} />
      {access.data && (
        <>
          <form class="stack" ref={form.formRef} onSubmit={save} noValidate>
            <fieldset disabled={!manage} class="stack">
              <TextArea label={t('metricsAccess.networks')} hint={t('metricsAccess.networksHint')} rows={3} {...form.field('allowedNetworks')} />
            </fieldset>
            <FormStatus form={form} />
            {manage && (
              <div class="form-actions">
                <SubmitButton form={form} label={t('metricsAccess.saveNetworks')} />
              </div>
            )}
          </form>
          <p data-testid="metrics-token-state">{access.data.tokenSet ? t('metricsAccess.tokenSet') : t('metricsAccess.tokenUnset')}</p>
          {token && (
            <div class="notice notice-warning" role="status">
              <p>{t('metricsAccess.tokenOnce')}</p>
              <code class="secret" data-testid="metrics-token">
                {token}
              </code>
            </div>
          )}
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          {manage && (
            <div class="form-actions">
              <button type="button" onClick={newToken}>
                {access.data.tokenSet ? t('metricsAccess.replaceToken') : t('metricsAccess.makeToken')}
              </button>
              {access.data.tokenSet && (
                <button type="button" class="danger" onClick={() => setConfirmRemove(true)}>
                  {t('metricsAccess.removeToken')}
                </button>
              )}
            </div>
          )}
          <ConfirmDialog
            open={confirmRemove}
            message={t('metricsAccess.removeConfirm')}
            confirmLabel={t('metricsAccess.removeToken')}
            onClose={() => setConfirmRemove(false)}
            onConfirm={async () => {
              access.setData(await http.delete<MetricsAccess>('/api/system/metrics-access/token'));
              setToken(null);
            }}
          />
        </>
      )}
    </section>
  );
}
