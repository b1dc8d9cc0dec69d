import { useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { ConfirmDialog, Page, useLoad } from '../../lib/components';
import { FormStatus, SubmitButton, TextField, useForm } from '../../lib/forms';
import { formatDate, t, useI18n } from '../../lib/i18n';
import { DataTable, LoadStatus, RowButton } from '../../lib/list';
import { describe, useDescriptions } from '../../lib/descriptions';
import { useStore } from '../../lib/store';
import { PermissionPicker } from './PermissionPicker';
import { session } from '../../shell/session';

interface TokenView {
  id: number;
  name: string;
  prefix: string;
  permissions: string[] | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  active: boolean;
}

/** Personal API tokens: the value is shown once, right after creation, and never again. */
export default function TokensPage() {
  useI18n();
  const state = useStore(session);
  const mine = state.status === 'authenticated' ? [...state.permissions].sort() : [];
  const descriptions = useDescriptions();
  const tokens = useLoad((signal) => http.get<{ items: TokenView[] }>('/api/auth/tokens', undefined, signal).then((r) => r.items), []);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<TokenView | null>(null);
  const [copied, setCopied] = useState(false);
  const form = useForm({ name: '', expiresInDays: '90', permissions: [] as string[] });
  const submit = form.onSubmit(async (values) => {
    const days = values.expiresInDays.trim();
    if (days && !/^\d+$/.test(days)) return form.fail({ expiresInDays: t('tokens.daysInvalid') });
    const result = await http.post<TokenView & { token: string }>('/api/auth/tokens', {
      name: values.name,
      ...(days ? { expiresInDays: Number(days) } : {}),
      ...(values.permissions.length ? { permissions: values.permissions } : {}),
    });
    setCreated({ name: result.name, token: result.token });
    setCopied(false);
    form.setAll({ name: '', expiresInDays: '90', permissions: [] });
    tokens.reload();
  });

  return (
    <Page title={t('page.tokens')}>
      {created && (
        <div class="notice notice-success" role="status" data-testid="new-token">
          <p>{t('tokens.createdOnce', { name: created.name })}</p>
          <code class="secret">{created.token}</code>
          <p>
            <button
              type="button"
              onClick={async () => {
                await navigator.clipboard?.writeText(created.token).then(() => setCopied(true)).catch(() => setCopied(false));
              }}
            >
              {copied ? t('tokens.copied') : t('tokens.copy')}
            </button>{' '}
            <button type="button" onClick={() => setCreated(null)}>
              {t('tokens.done')}
            </button>
          </p>
        </div>
      )}
      <section class="card" aria-labelledby="new-token-title">
        <h2 id="new-token-title">{t('tokens.new')}</h2>
        <form class="stack" ref={form.formRef} onSubmit={submit} noValidate>
          <TextField label={t('common.name')} hint={t('tokens.nameHint')} required {...form.field('name')} />
          <TextField label={t('tokens.expiresInDays')} hint={t('tokens.expiresHint')} inputMode="numeric" {...form.field('expiresInDays')} />
          <details>
            <summary>{t('tokens.limit')}</summary>
            <PermissionPicker label={t('tokens.permissions')} keys={mine} descriptions={descriptions} {...form.field('permissions')} />
          </details>
          <FormStatus form={form} />
          <div class="form-actions">
            <SubmitButton form={form} label={t('common.create')} />
          </div>
        </form>
      </section>
      <LoadStatus load={tokens} />
      {tokens.data && (
        <DataTable
          testId="tokens-table"
          columns={[t('common.name'), t('tokens.prefix'), t('tokens.permissions'), t('tokens.created'), t('tokens.expires'), t('tokens.lastUsed')]}
          actions
          empty={tokens.data.length === 0 && t('tokens.none')}
        >
          {tokens.data.map((token) => (
            <tr key={token.id}>
              <td data-label={t('common.name')}>
                {token.name} {!token.active && <span class="badge badge-warn">{token.revokedAt ? t('tokens.revoked') : t('tokens.expired')}</span>}
              </td>
              <td data-label={t('tokens.prefix')}>
                <code>{token.prefix}…</code>
              </td>
              <td data-label={t('tokens.permissions')}>
                {token.permissions?.length ? (
                  <ul class="plain-list">
                    {token.permissions.map((key) => (
                      <li key={key} title={t('tokens.permissionKey', { key })}>
                        {describe(descriptions.permissions, key)} <code class="muted permission-key">{key}</code>
                      </li>
                    ))}
                  </ul>
                ) : (
                  t('tokens.allMine')
                )}
              </td>
              <td data-label={t('tokens.created')}>{formatDate(token.createdAt)}</td>
              <td data-label={t('tokens.expires')}>{token.expiresAt ? formatDate(token.expiresAt) : t('tokens.never')}</td>
              <td data-label={t('tokens.lastUsed')}>{token.lastUsedAt ? formatDate(token.lastUsedAt) : t('tokens.never')}</td>
              <td class="actions">
                {token.active && (
                  <RowButton class="danger" label={t('tokens.revoke')} name={token.name} onClick={() => setRevoking(token)} />
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <ConfirmDialog
        open={revoking !== null}
        message={t('tokens.confirmRevoke', { name: revoking?.name ?? '' })}
        confirmLabel={t('tokens.revoke')}
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          await http.delete(`/api/auth/tokens/${revoking!.id}`);
          tokens.reload();
        }}
      />
    </Page>
  );
}
