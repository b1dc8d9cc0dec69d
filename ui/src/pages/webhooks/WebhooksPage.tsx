import { useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { ConfirmDialog, Page, useLoad } from '../../lib/components';
import { CheckboxField, CheckboxList, FormStatus, SubmitButton, TextField, useForm } from '../../lib/forms';
import { localized, t, useI18n } from '../../lib/i18n';
import { ActionNotices, DataTable, LoadStatus, RowButton, usePageActions } from '../../lib/list';
import { SecretNotice } from './SecretNotice';
import { countsText, eventOptions, loadEventTypes, stateText, type Subscription, type WebhookSettings } from './webhooks';

/** Webhook subscriptions: create one (its secret shown once), test, turn off or on, delete; the settings. */
export default function WebhooksPage() {
  useI18n();
  const list = useLoad((signal) => http.get<{ items: Subscription[] }>('/api/webhooks', undefined, signal).then((r) => r.items), []);
  const types = useLoad((signal) => loadEventTypes(signal), []);
  const actions = usePageActions(list.reload);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [deleting, setDeleting] = useState<Subscription | null>(null);
  const form = useForm({ name: '', url: '', events: [] as string[] });
  const submit = form.onSubmit(async (values) => {
    const result = await http.post<{ subscription: Subscription; secret: string }>('/api/webhooks', values);
    setCreated({ name: result.subscription.name, secret: result.secret });
    form.setAll({ name: '', url: '', events: [] });
    list.reload();
  });

  return (
    <Page title={t('page.webhooks')} wide>
      <p>{t('webhooks.intro')}</p>
      <p class="hint">{t('webhooks.docs')}</p>
      {created && <SecretNotice message={t('webhooks.createdOnce', { name: created.name })} secret={created.secret} onDone={() => setCreated(null)} />}
      <ActionNotices notice={actions.notice} error={actions.error} />
      <LoadStatus load={list} />
      {list.data && (
        <DataTable testId="webhooks-table" columns={[t('webhooks.name'), t('webhooks.events'), t('webhooks.state'), t('webhooks.deliveries')]} actions empty={list.data.length === 0 && t('webhooks.none')}>
          {list.data.map((s) => (
            <tr key={s.id}>
              <td data-label={t('webhooks.name')}>
                <a href={`/admin/webhooks/${s.id}`}>{s.name}</a>
                <br />
                <code class="hint" style={{ overflowWrap: 'anywhere' }}>
                  {s.url}
                </code>
              </td>
              <td data-label={t('webhooks.events')}>{s.events.join(', ')}</td>
              <td data-label={t('webhooks.state')}>
                <span class={`badge ${s.enabled && !s.failingSince ? 'badge-ok' : 'badge-warn'}`} style={{ whiteSpace: 'nowrap' }}>
                  {stateText(s)}
                </span>
              </td>
              <td data-label={t('webhooks.deliveries')}>{countsText(s.deliveries)}</td>
              <td class="actions">
                <a class="button" href={`/admin/webhooks/${s.id}`} aria-label={`${t('webhooks.open')} ${s.name}`}>
                  {t('webhooks.open')}
                </a>
                {s.enabled && <RowButton label={t('webhooks.test')} name={s.name} onClick={() => actions.act(() => http.post(`/api/webhooks/${s.id}/test`), t('webhooks.testSent'))} />}
                <RowButton class="danger" label={t('webhooks.delete')} name={s.name} onClick={() => setDeleting(s)} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <section class="card" aria-labelledby="new-webhook-title" style={{ marginTop: '1rem' }}>
        <h2 id="new-webhook-title">{t('webhooks.new')}</h2>
        <form class="stack" ref={form.formRef} onSubmit={submit} noValidate>
          <TextField label={t('webhooks.name')} hint={t('webhooks.nameHint')} required {...form.field('name')} />
          <TextField label={t('webhooks.url')} hint={t('webhooks.urlHint')} type="url" required {...form.field('url')} />
          <LoadStatus load={types} />
          {types.data && <CheckboxList label={t('webhooks.events')} hint={t('webhooks.eventsHint')} options={eventOptions(types.data)} {...form.field('events')} />}
          {types.data && (
            <details data-testid="webhook-examples">
              <summary>{t('webhooks.examples')}</summary>
              {types.data.map((type) => (
                <div key={type.name}>
                  <h3>
                    <code>{type.name}</code>
                  </h3>
                  <p>{localized(type.description)}</p>
                  <pre style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{JSON.stringify(type.example, null, 2)}</pre>
                </div>
              ))}
            </details>
          )}
          <FormStatus form={form} />
          <div class="form-actions">
            <SubmitButton form={form} label={t('webhooks.create')} />
          </div>
        </form>
      </section>
      <SettingsCard />
      <ConfirmDialog
        open={deleting !== null}
        message={t('webhooks.confirmDelete', { name: deleting?.name ?? '' })}
        confirmLabel={t('webhooks.delete')}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          await http.delete(`/api/webhooks/${deleting!.id}`);
          actions.setNotice(t('webhooks.deleted'));
          list.reload();
        }}
      />
    </Page>
  );
}

function SettingsCard() {
  const settings = useLoad((signal) => http.get<WebhookSettings>('/api/webhooks/settings', undefined, signal), []);
  return (
    <section class="card" aria-labelledby="webhook-settings-title">
      <h2 id="webhook-settings-title">{t('webhooks.settings')}</h2>
      <LoadStatus load={settings} />
      {settings.data && <SettingsForm initial={settings.data} />}
    </section>
  );
}

function SettingsForm(props: { initial: WebhookSettings }) {
  const form = useForm({ allowPrivateNetworks: props.initial.allowPrivateNetworks, autoDisableDays: String(props.initial.autoDisableDays) });
  const submit = form.onSubmit(async (values) => {
    const days = values.autoDisableDays.trim();
    if (!/^\d+$/.test(days)) return form.fail({ autoDisableDays: t('common.required') });
    await http.put('/api/webhooks/settings', { allowPrivateNetworks: values.allowPrivateNetworks, autoDisableDays: Number(days) });
    form.setNotice(t('webhooks.settingsSaved'));
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate>
      <CheckboxField label={t('webhooks.allowPrivate')} hint={t('webhooks.allowPrivateHint')} {...form.field('allowPrivateNetworks')} />
      <TextField label={t('webhooks.autoDisableDays')} inputMode="numeric" {...form.field('autoDisableDays')} />
      <FormStatus form={form} />
      <div class="form-actions">
        <SubmitButton form={form} label={t('webhooks.save')} />
      </div>
    </form>
  );
}
