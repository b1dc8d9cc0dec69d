import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { http } from '../../lib/api';
import { ConfirmDialog, Dialog, Notice, Page, useLoad } from '../../lib/components';
import { errorMessage, FormStatus, SelectField, TextArea, TextField, useForm } from '../../lib/forms';
import { formatDate, t, timeZones, useI18n } from '../../lib/i18n';
import { ActionNotices, LoadStatus, usePageActions } from '../../lib/list';
import { useEvents } from '../../lib/socket';
import { can } from '../../shell/session';
import { whole } from '../telephony/resource';
import { AssignForm, modelOptions } from './AssignForm';
import { ClaimBadge } from './ClaimState';
import { DEVICE_EVENTS, LANGUAGES, modelName, PROVISIONING_API, useModels, type Device, type VendorModels } from './devices';
import { extraValuesError, formatExtraValues, parseExtraValues } from './extra-values';
import { KeysEditor } from './KeysEditor';

function SettingsForm(props: { device: Device; vendors: VendorModels[]; canEdit: boolean; onSaved: (device: Device) => void }) {
  const { device } = props;
  const form = useForm({
    label: device.label,
    model: device.model ?? '',
    language: device.language,
    timeZone: device.timeZone ?? '',
    lcdDisplay: device.lcdDisplay,
    'vlan.id': device.vlan ? String(device.vlan.id) : '',
    'vlan.priority': String(device.vlan?.priority ?? 0),
    expansionModules: String(device.expansionModules),
    extraValues: formatExtraValues(device.extraValues),
  });
  const submit = form.onSubmit(async (values) => {
    const extra = parseExtraValues(values.extraValues);
    if (extra.error) return form.fail({ extraValues: extra.error });
    const saved = await http.patch<Device>(`${PROVISIONING_API}/devices/${device.id}`, {
      label: values.label.trim(),
      model: values.model || null,
      language: values.language,
      timeZone: values.timeZone || null,
      lcdDisplay: values.lcdDisplay,
      vlan: values['vlan.id'].trim() ? { id: whole(values['vlan.id']), priority: whole(values['vlan.priority']) } : null,
      expansionModules: whole(values.expansionModules),
      extraValues: extra.values,
    });
    form.setNotice(t('common.saved'));
    props.onSaved(saved);
  });
  const disabled = !props.canEdit;
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="phone-settings">
      <div class="grid-2">
        <TextField label={t('phones.label')} autoComplete="off" disabled={disabled} {...form.field('label')} />
        <SelectField label={t('phones.model')} disabled={disabled} options={modelOptions(device.vendor, props.vendors, form.values.model)} {...form.field('model')} />
      </div>
      <div class="grid-2">
        <SelectField label={t('phones.language')} disabled={disabled} options={LANGUAGES.map((l) => ({ value: l, label: l === 'auto' ? t('phones.languageAuto') : l }))} {...form.field('language')} />
        <SelectField label={t('prefs.timeZone')} disabled={disabled} options={[{ value: '', label: t('phones.timeZoneSystem') }, ...timeZones().map((z) => ({ value: z, label: z }))]} {...form.field('timeZone')} />
      </div>
      <div class="grid-2">
        <SelectField
          label={t('phones.lcdDisplay')}
          disabled={disabled}
          options={[
            { value: 'name', label: t('phones.lcdDisplay.name') },
            { value: 'number', label: t('phones.lcdDisplay.number') },
          ]}
          {...form.field('lcdDisplay')}
          onValue={(v) => form.set('lcdDisplay', v as Device['lcdDisplay'])}
        />
        {/* A model that takes no expansion module does not ask about them. */}
        {device.capabilities?.maxModules !== 0 && (
          <TextField label={t('phones.expansionModules')} inputMode="numeric" disabled={disabled} hint={device.capabilities ? t('phones.expansionModulesHint', { max: device.capabilities.maxModules }) : undefined} {...form.field('expansionModules')} />
        )}
      </div>
      <div class="grid-2">
        <TextField label={t('phones.vlanId')} inputMode="numeric" disabled={disabled} hint={t('phones.vlanHint')} {...form.field('vlan.id')} />
        <TextField label={t('phones.vlanPriority')} inputMode="numeric" disabled={disabled} {...form.field('vlan.priority')} />
      </div>
      {props.canEdit ? (
        <TextArea label={t('phones.extraValues')} hint={t('phones.extraValuesHint')} rows={3} {...form.field('extraValues')} error={extraValuesError(form.errors)} />
      ) : (
        Object.keys(device.extraValues).length > 0 && <pre class="secret">{formatExtraValues(device.extraValues)}</pre>
      )}
      <FormStatus form={form} />
      {props.canEdit && (
        <div class="form-actions">
          <button type="submit" class="primary" disabled={form.busy}>
            {t('common.save')}
          </button>
        </div>
      )}
    </form>
  );
}

/** The phone's admin password and config-server credentials, for people holding `provisioning.secrets` (audited). */
function PhoneSecrets(props: { device: Device }) {
  const [secrets, setSecrets] = useState<Record<string, string> | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!can('provisioning.secrets')) return null;
  return (
    <>
      <button
        type="button"
        onClick={async () => {
          setError(null);
          try {
            setSecrets(await http.post<Record<string, string>>(`${PROVISIONING_API}/devices/${props.device.id}/secrets/reveal`));
          } catch (err) {
            setError(errorMessage(err));
          }
        }}
      >
        {t('phones.revealSecrets')}
      </button>
      {error && <Notice kind="error">{error}</Notice>}
      <Dialog title={t('phones.secretsTitle')} open={secrets !== null} onClose={() => setSecrets(null)}>
        {secrets && (
          <dl class="stats">
            <dt>{t('phones.adminLogin')}</dt>
            <dd>
              <code class="secret">{secrets.adminUsername}</code> <code class="secret" data-testid="phone-admin-password">{secrets.adminPassword}</code>
            </dd>
            <dt>{t('phones.configServerLogin')}</dt>
            <dd>
              <code class="secret">{secrets.httpUsername}</code> <code class="secret">{secrets.httpPassword}</code>
            </dd>
          </dl>
        )}
        <p class="hint">{t('tel.secretAudited')}</p>
      </Dialog>
    </>
  );
}

type Confirming = 'dissociate' | 'reset' | 'forget' | 'reopen' | null;

/** One phone: what it reported, its accounts, its settings and keys, and the actions on it. */
export default function PhoneDetailPage(props: { params?: { id?: string } }) {
  useI18n();
  const id = Number(props.params?.id);
  const location = useLocation();
  const manage = can('provisioning.manage');
  const vendors = useModels();
  const phone = useLoad((signal) => http.get<Device>(`${PROVISIONING_API}/devices/${id}`, undefined, signal), [id]);
  const [assigning, setAssigning] = useState(false);
  const [confirming, setConfirming] = useState<Confirming>(null);
  useEvents(DEVICE_EVENTS, (payload) => {
    if ((payload as { id?: number } | null)?.id === id) phone.reload();
  });
  const device = phone.data;
  const title = device ? device.label || device.macAddress : t('page.phone');
  const { notice, setNotice, act, error: actionError } = usePageActions(() => phone.reload());
  const confirmations: Record<Exclude<Confirming, null>, { message: string; label: string; run: () => Promise<unknown> }> = {
    dissociate: { message: t('phones.dissociateConfirm'), label: t('phones.dissociate'), run: () => http.post(`${PROVISIONING_API}/devices/${id}/dissociate`).then(() => setNotice(t('phones.dissociated'))) },
    reset: { message: t('phones.resetConfirm'), label: t('phones.reset'), run: () => http.post(`${PROVISIONING_API}/devices/${id}/reset`).then(() => setNotice(t('phones.resetDone'))) },
    reopen: { message: t('phones.claim.reopenConfirm'), label: t('phones.claim.reopen'), run: () => http.post(`${PROVISIONING_API}/devices/${id}/claim-window`).then(() => setNotice(t('phones.claim.reopened'))) },
    forget: { message: t('phones.forgetConfirm', { mac: device?.macAddress ?? '' }), label: t('phones.forget'), run: () => http.delete(`${PROVISIONING_API}/devices/${id}`).then(() => location.route('/phones')) },
  };

  return (
    <Page title={title} wide actions={<a href="/phones">{t('phones.back')}</a>}>
      <ActionNotices notice={notice} error={actionError} />
      <LoadStatus load={phone} />
      {device && (
        <>
          <section class="card" aria-labelledby="phone-info">
            <h2 id="phone-info">{modelName(device, vendors.data)}</h2>
            <dl class="stats">
              <dt>{t('phones.mac')}</dt>
              <dd>
                <code>{device.macAddress}</code>
              </dd>
              <dt>{t('phones.state')}</dt>
              <dd>
                <span class={`badge ${device.status === 'assigned' ? 'badge-ok' : 'badge-warn'}`}>{t(`phones.status.${device.status}`)}</span>
              </dd>
              <dt>{t('phones.firmwareLabel')}</dt>
              <dd>{device.firmware ?? '—'}</dd>
              <dt>{t('phones.ip')}</dt>
              <dd>{device.lastIp ?? '—'}</dd>
              <dt>{t('phones.userAgent')}</dt>
              <dd>{device.lastUserAgent ?? '—'}</dd>
              <dt>{t('phones.lastSeen')}</dt>
              <dd>
                {device.lastFetchAt ? formatDate(device.lastFetchAt) : t('phones.never')}
                {device.lastFile && <span class="muted"> ({device.lastFile})</span>}
              </dd>
              <dt>{t('phones.lastReboot')}</dt>
              <dd>{device.lastRebootAt ? formatDate(device.lastRebootAt) : '—'}</dd>
              <dt>{t('phones.claim')}</dt>
              <dd>
                <ClaimBadge device={device} />
              </dd>
              <dt>{t('phones.credentials')}</dt>
              <dd>{device.credentialsConfirmed ? t('phones.credentialsConfirmed') : t('phones.credentialsPending')}</dd>
            </dl>
            <div class="form-actions">
              {manage && (
                <>
                  <button type="button" class="primary" onClick={() => setAssigning(true)}>
                    {device.status === 'assigned' ? t('phones.changeExtensions') : t('phones.assign')}
                  </button>
                  <button type="button" onClick={() => act(() => http.post(`${PROVISIONING_API}/devices/${id}/reboot`), t('phones.rebootSent'))}>
                    {t('phones.reboot')}
                  </button>
                  {device.status === 'assigned' && (
                    <>
                      <button type="button" onClick={() => setConfirming('reopen')}>
                        {t('phones.claim.reopen')}
                      </button>
                      <button type="button" onClick={() => setConfirming('dissociate')}>
                        {t('phones.dissociate')}
                      </button>
                    </>
                  )}
                  <button type="button" onClick={() => setConfirming('reset')}>
                    {t('phones.reset')}
                  </button>
                  <button type="button" class="danger" onClick={() => setConfirming('forget')}>
                    {t('phones.forget')}
                  </button>
                </>
              )}
              <PhoneSecrets device={device} />
            </div>
          </section>
          <section class="card" aria-labelledby="phone-accounts">
            <h2 id="phone-accounts">{t('phones.accounts')}</h2>
            {device.accounts.length === 0 ? (
              <p class="muted">{t('phones.noAccounts')}</p>
            ) : (
              <ol>
                {device.accounts.map((a) => (
                  <li key={a.position}>
                    <a href="/telephony/extensions">
                      {a.number} · {a.name}
                    </a>
                  </li>
                ))}
              </ol>
            )}
          </section>
          <section class="card" aria-labelledby="phone-settings-title">
            <h2 id="phone-settings-title">{t('phones.settings')}</h2>
            <SettingsForm key={device.id} device={device} vendors={vendors.data ?? []} canEdit={manage} onSaved={(saved) => phone.setData(saved)} />
          </section>
          <section class="card" aria-labelledby="phone-keys">
            <h2 id="phone-keys">{t('phones.keys')}</h2>
            <KeysEditor key={device.id} device={device} canEdit={manage} onSaved={(saved) => phone.setData(saved)} />
          </section>
          <Dialog title={t('phones.assignTitle')} open={assigning} onClose={() => setAssigning(false)}>
            {assigning && (
              <AssignForm
                device={device}
                vendors={vendors.data ?? []}
                onCancel={() => setAssigning(false)}
                onSaved={() => {
                  setAssigning(false);
                  setNotice(t('phones.assigned.done'));
                  phone.reload();
                }}
              />
            )}
          </Dialog>
          <ConfirmDialog
            open={confirming !== null}
            message={confirming ? confirmations[confirming].message : ''}
            confirmLabel={confirming ? confirmations[confirming].label : undefined}
            onClose={() => setConfirming(null)}
            onConfirm={async () => {
              await confirmations[confirming!].run();
              if (confirming !== 'forget') phone.reload();
            }}
          />
        </>
      )}
    </Page>
  );
}
