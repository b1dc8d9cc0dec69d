import { useEffect, useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { ConfirmDialog, Dialog, Notice, Page, Pager, useLoad } from '../../lib/components';
import { CheckboxList, FormStatus, SubmitButton, TextField, useForm } from '../../lib/forms';
import { formatDate, formatNumber, t, useI18n } from '../../lib/i18n';
import { ActionNotices, DataTable, LoadStatus, RowButton, usePageActions } from '../../lib/list';
import { SecretNotice } from './SecretNotice';
import { countsText, deliveryErrorText, eventOptions, loadEventTypes, stateText, type Delivery, type EventType, type Subscription } from './webhooks';

const LIMIT = 25;
/** While deliveries wait, the log refreshes itself this often. */
const REFRESH_MS = 3000;

/** One webhook: its state (and why Carillon turned it off), edit, test, new secret, and the delivery log. */
export default function WebhookDetailPage(props: { params?: { id?: string } }) {
  useI18n();
  const id = Number(props.params?.id);
  const subscription = useLoad((signal) => http.get<Subscription>(`/api/webhooks/${id}`, undefined, signal), [id]);
  const [offset, setOffset] = useState(0);
  const log = useLoad((signal) => http.get<{ total: number; items: Delivery[] }>(`/api/webhooks/${id}/deliveries`, { limit: LIMIT, offset }, signal), [id, offset]);
  const reload = () => {
    subscription.reload();
    log.reload();
  };
  const actions = usePageActions(reload);
  const [secret, setSecret] = useState<string | null>(null);
  const [rotating, setRotating] = useState(false);
  const [editing, setEditing] = useState(false);
  const [shown, setShown] = useState<Delivery | null>(null);
  const waiting = !!log.data?.items.some((d) => d.status === 'pending');
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [waiting, id, offset]);

  const s = subscription.data;
  return (
    <Page title={s ? s.name : t('page.webhook')} wide actions={<a href="/admin/webhooks">{t('webhooks.back')}</a>}>
      <LoadStatus load={subscription} />
      {secret && s && <SecretNotice message={t('webhooks.rotatedOnce', { name: s.name })} secret={secret} onDone={() => setSecret(null)} />}
      <ActionNotices notice={actions.notice} error={actions.error} />
      {s && (
        <>
          {!s.enabled && s.disabledReason === 'failing' && (
            <Notice kind="warning">{t('webhooks.autoOffSince', { date: formatDate(s.disabledAt), since: formatDate(s.failingSince) })}</Notice>
          )}
          {s.enabled && s.failingSince && <Notice kind="warning">{t('webhooks.failingSince', { date: formatDate(s.failingSince) })}</Notice>}
          <dl class="stats">
            <dt>{t('webhooks.url')}</dt>
            <dd>
              <code style={{ overflowWrap: 'anywhere' }}>{s.url}</code>
            </dd>
            <dt>{t('webhooks.events')}</dt>
            <dd>{s.events.join(', ')}</dd>
            <dt>{t('webhooks.state')}</dt>
            <dd data-testid="webhook-state">{stateText(s)}</dd>
            <dt>{t('webhooks.deliveries')}</dt>
            <dd>{countsText(s.deliveries)}</dd>
          </dl>
          <div class="form-actions">
            <button type="button" class="primary" disabled={!s.enabled} onClick={() => actions.act(() => http.post(`/api/webhooks/${id}/test`), t('webhooks.testSent'))}>
              {t('webhooks.test')}
            </button>
            <button type="button" onClick={() => setEditing(true)}>
              {t('webhooks.edit')}
            </button>
            <button type="button" onClick={() => actions.act(() => http.patch(`/api/webhooks/${id}`, { enabled: !s.enabled }), s.enabled ? t('webhooks.turnedOff') : t('webhooks.turnedOn'))}>
              {s.enabled ? t('webhooks.turnOff') : t('webhooks.turnOn')}
            </button>
            <button type="button" onClick={() => setRotating(true)}>
              {t('webhooks.rotate')}
            </button>
          </div>
        </>
      )}
      <section aria-labelledby="webhook-log-title">
        <div class="page-header">
          <h2 id="webhook-log-title">{t('webhooks.log')}</h2>
          <button type="button" onClick={reload}>
            {t('webhooks.refresh')}
          </button>
        </div>
        <LoadStatus load={log} />
        {log.data && (
          <>
            <DataTable
              testId="webhook-log"
              columns={[t('webhooks.created'), t('webhooks.event'), t('webhooks.status'), t('webhooks.attempts'), t('webhooks.response'), t('webhooks.duration'), t('webhooks.nextAttempt')]}
              actions
              empty={log.data.items.length === 0 && t('webhooks.logEmpty')}
            >
              {log.data.items.map((d) => (
                <tr key={d.id} data-delivery={d.id}>
                  <td data-label={t('webhooks.created')}>{formatDate(d.createdAt)}</td>
                  <td data-label={t('webhooks.event')}>
                    <code>{d.eventType}</code>
                  </td>
                  <td data-label={t('webhooks.status')}>
                    <span class={`badge ${d.status === 'delivered' ? 'badge-ok' : d.status === 'failed' ? 'badge-error' : 'badge-warn'}`} data-testid="delivery-status">
                      {t(`webhooks.status.${d.status}`)}
                    </span>
                  </td>
                  <td data-label={t('webhooks.attempts')}>{formatNumber(d.attempts)}</td>
                  <td data-label={t('webhooks.response')}>
                    {d.lastStatusCode ?? ''} {d.lastError && d.status !== 'delivered' ? deliveryErrorText(d.lastError) : ''}
                  </td>
                  <td data-label={t('webhooks.duration')}>{d.lastDurationMs === null ? '' : t('webhooks.durationMs', { ms: formatNumber(d.lastDurationMs) })}</td>
                  <td data-label={t('webhooks.nextAttempt')}>{d.status === 'pending' && d.nextAttemptAt ? formatDate(d.nextAttemptAt) : ''}</td>
                  <td class="actions">
                    <RowButton label={t('webhooks.details')} name={d.eventType} onClick={() => setShown(d)} />
                    {d.status !== 'pending' && (
                      <RowButton label={t('webhooks.redeliver')} name={d.eventType} onClick={() => actions.act(() => http.post(`/api/webhooks/${id}/deliveries/${d.id}/redeliver`), t('webhooks.redelivered'))} />
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
            <Pager offset={offset} limit={LIMIT} total={log.data.total} onOffset={setOffset} />
          </>
        )}
      </section>
      <Dialog title={t('webhooks.deliveryOf', { id: shown?.eventType ?? '' })} open={shown !== null} onClose={() => setShown(null)}>
        {shown && <DeliveryDetails delivery={shown} />}
      </Dialog>
      {s && editing && <EditDialog subscription={s} onClose={() => setEditing(false)} onSaved={() => { setEditing(false); actions.setNotice(t('webhooks.saved')); subscription.reload(); }} />}
      <ConfirmDialog
        open={rotating}
        message={t('webhooks.confirmRotate', { name: s?.name ?? '' })}
        confirmLabel={t('webhooks.rotate')}
        onClose={() => setRotating(false)}
        onConfirm={async () => setSecret((await http.post<{ secret: string }>(`/api/webhooks/${id}/rotate-secret`)).secret)}
      />
    </Page>
  );
}

function DeliveryDetails(props: { delivery: Delivery }) {
  const d = props.delivery;
  return (
    <dl class="stats">
      <dt>{t('webhooks.deliveryId')}</dt>
      <dd>
        <code>{d.id}</code>
      </dd>
      {d.lastError && (
        <>
          <dt>{t('webhooks.lastError')}</dt>
          <dd>{deliveryErrorText(d.lastError)}</dd>
        </>
      )}
      <dt>{t('webhooks.payload')}</dt>
      <dd>
        <pre style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{JSON.stringify(d.payload, null, 2)}</pre>
      </dd>
      {d.lastResponse && (
        <>
          <dt>{t('webhooks.lastResponse')}</dt>
          <dd>
            <pre style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{d.lastResponse}</pre>
          </dd>
        </>
      )}
    </dl>
  );
}

function EditDialog(props: { subscription: Subscription; onClose: () => void; onSaved: () => void }) {
  const types = useLoad((signal) => loadEventTypes(signal), []);
  const form = useForm({ name: props.subscription.name, url: props.subscription.url, events: props.subscription.events });
  const submit = form.onSubmit(async (values) => {
    await http.patch(`/api/webhooks/${props.subscription.id}`, values);
    props.onSaved();
  });
  // Events of a plugin no longer running stay listed, so saving does not drop them silently.
  const options = (list: EventType[]) => [...eventOptions(list), ...props.subscription.events.filter((name) => !list.some((e) => e.name === name)).map((name) => ({ value: name, label: name }))];
  return (
    <Dialog title={t('webhooks.edit')} open onClose={props.onClose}>
      <form class="stack" ref={form.formRef} onSubmit={submit} noValidate>
        <TextField label={t('webhooks.name')} required {...form.field('name')} />
        <TextField label={t('webhooks.url')} hint={t('webhooks.urlHint')} type="url" required {...form.field('url')} />
        <LoadStatus load={types} />
        {types.data && <CheckboxList label={t('webhooks.events')} options={options(types.data)} {...form.field('events')} />}
        <FormStatus form={form} />
        <div class="form-actions">
          <button type="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <SubmitButton form={form} label={t('webhooks.save')} />
        </div>
      </form>
    </Dialog>
  );
}
