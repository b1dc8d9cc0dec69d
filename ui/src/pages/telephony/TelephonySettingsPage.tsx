import { useEffect, useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { ConfirmDialog, Notice, Page, useLoad } from '../../lib/components';
import { CheckboxField, FormStatus, TextArea, TextField, useForm } from '../../lib/forms';
import { formatDate, t, useI18n } from '../../lib/i18n';
import { ActionNotices, LoadStatus, usePageActions } from '../../lib/list';
import { can } from '../../shell/session';
import { listError } from './OrderedPicker';
import { lines, nest, orNull, TELEPHONY_API, whole } from './resource';
import { SipBansPanel } from './SipBansPanel';

interface TelephonySettings {
  g729Available: boolean;
  transports: { udpPort: number; tcpPort: number; wssEnabled: boolean; bindAddress: string | null; externalAddress: string | null; localNetworks: string[] };
}

function formValues(s: TelephonySettings) {
  return {
    g729Available: s.g729Available,
    'transports.udpPort': String(s.transports.udpPort),
    'transports.tcpPort': String(s.transports.tcpPort),
    'transports.wssEnabled': s.transports.wssEnabled,
    'transports.bindAddress': s.transports.bindAddress ?? '',
    'transports.externalAddress': s.transports.externalAddress ?? '',
    'transports.localNetworks': s.transports.localNetworks.join('\n'),
  };
}

function SettingsForm(props: { settings: TelephonySettings; onSaved: (s: TelephonySettings) => void }) {
  const form = useForm(formValues(props.settings));
  useEffect(() => form.setAll(formValues(props.settings)), [props.settings]);
  const manage = can('telephony.manage');
  const submit = form.onSubmit(async (values) => {
    const saved = await http.patch<TelephonySettings>(
      `${TELEPHONY_API}/settings`,
      nest({
        ...values,
        'transports.udpPort': whole(values['transports.udpPort']),
        'transports.tcpPort': whole(values['transports.tcpPort']),
        'transports.bindAddress': orNull(values['transports.bindAddress']),
        'transports.externalAddress': orNull(values['transports.externalAddress']),
        'transports.localNetworks': lines(values['transports.localNetworks']),
      }),
    );
    form.setNotice(t('common.saved'));
    props.onSaved(saved);
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="telephony-settings">
      <fieldset class="field" disabled={!manage}>
        <legend>{t('tel.set.transports')}</legend>
        {props.settings.transports.bindAddress === null && <Notice kind="warning">{t('tel.set.bindAddressUnset')}</Notice>}
        <div class="grid-2">
          <TextField label={t('tel.set.udpPort')} inputMode="numeric" {...form.field('transports.udpPort')} />
          <TextField label={t('tel.set.tcpPort')} inputMode="numeric" {...form.field('transports.tcpPort')} />
        </div>
        <CheckboxField label={t('tel.set.wss')} hint={t('tel.set.wssHint')} {...form.field('transports.wssEnabled')} />
        <div class="grid-2">
          <TextField label={t('tel.set.bindAddress')} autoComplete="off" hint={t('tel.set.bindAddressHint')} {...form.field('transports.bindAddress')} />
          <TextField label={t('tel.set.externalAddress')} autoComplete="off" hint={t('tel.set.externalAddressHint')} {...form.field('transports.externalAddress')} />
        </div>
        <TextArea label={t('tel.set.localNetworks')} hint={t('tel.set.localNetworksHint')} rows={3} {...form.field('transports.localNetworks')} error={listError(form.errors, 'transports.localNetworks')} />
      </fieldset>
      <fieldset class="field" disabled={!manage}>
        <legend>{t('tel.codecs')}</legend>
        <CheckboxField label={t('tel.set.g729')} hint={t('tel.set.g729Hint')} {...form.field('g729Available')} />
      </fieldset>
      <FormStatus form={form} />
      {manage && (
        <div class="form-actions">
          <button type="submit" class="primary" disabled={form.busy}>
            {t('common.save')}
          </button>
        </div>
      )}
    </form>
  );
}

const RESTART_POLL_MS = 3000;

interface RestartStatus {
  pending: boolean;
  since: string | null;
  canRestart: boolean;
  manualCommand: string;
}

/** A transport change waits for an Asterisk restart until ARI reports a start later than the change. */
function RestartNotice(props: { status: RestartStatus; onRestarted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const actions = usePageActions(props.onRestarted);
  const { status } = props;
  return (
    <div data-testid="asterisk-restart">
      <ActionNotices notice={actions.notice} error={actions.error} />
      {status.pending && (
        <Notice kind="warning">
          <p>{t('tel.set.restartPending', { since: formatDate(status.since) })}</p>
          {status.canRestart ? (
            can('telephony.manage') && (
              <button type="button" class="danger" onClick={() => setConfirming(true)}>
                {t('tel.set.restart')}
              </button>
            )
          ) : (
            <p>{t('tel.set.restartManual', { command: status.manualCommand })}</p>
          )}
        </Notice>
      )}
      <ConfirmDialog
        open={confirming}
        message={t('tel.set.restartConfirm')}
        confirmLabel={t('tel.set.restart')}
        onConfirm={() => actions.act(() => http.post(`${TELEPHONY_API}/asterisk/restart`, {}), t('tel.set.restarted'))}
        onClose={() => setConfirming(false)}
      />
    </div>
  );
}

/** SIP transports (ports, WebRTC, NAT), codec availability, the restart a transport change needs, and SIP bans. */
export default function TelephonySettingsPage() {
  useI18n();
  const settings = useLoad((signal) => http.get<TelephonySettings>(`${TELEPHONY_API}/settings`, undefined, signal), []);
  const restart = useLoad((signal) => http.get<RestartStatus>(`${TELEPHONY_API}/asterisk/restart`, undefined, signal), []);
  // Asked again while the page is open: the files are regenerated shortly after a save, and
  // Asterisk may be restarted from elsewhere.
  useEffect(() => {
    const timer = setInterval(restart.reload, RESTART_POLL_MS);
    return () => clearInterval(timer);
  }, []);
  return (
    <Page title={t('page.telephonySettings')}>
      <LoadStatus load={settings} />
      {restart.data && <RestartNotice status={restart.data} onRestarted={restart.reload} />}
      {settings.data && (
        <SettingsForm settings={settings.data} onSaved={(s) => settings.setData(s)} />
      )}
      <SipBansPanel />
    </Page>
  );
}
