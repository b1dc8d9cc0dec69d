import { useEffect } from 'preact/hooks';
import { http } from '../../lib/api';
import { Page, useLoad } from '../../lib/components';
import { CheckboxField, FormStatus, TextArea, TextField, useForm } from '../../lib/forms';
import { t, useI18n } from '../../lib/i18n';
import { LoadStatus } from '../../lib/list';
import { can } from '../../shell/session';
import { listError } from './OrderedPicker';
import { lines, nest, orNull, TELEPHONY_API, whole } from './resource';

interface TelephonySettings {
  g729Available: boolean;
  transports: { udpPort: number; tcpPort: number; wssEnabled: boolean; bindAddress: string; externalAddress: string | null; localNetworks: string[] };
}

function formValues(s: TelephonySettings) {
  return {
    g729Available: s.g729Available,
    'transports.udpPort': String(s.transports.udpPort),
    'transports.tcpPort': String(s.transports.tcpPort),
    'transports.wssEnabled': s.transports.wssEnabled,
    'transports.bindAddress': s.transports.bindAddress,
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
        <div class="grid-2">
          <TextField label={t('tel.set.udpPort')} inputMode="numeric" {...form.field('transports.udpPort')} />
          <TextField label={t('tel.set.tcpPort')} inputMode="numeric" {...form.field('transports.tcpPort')} />
        </div>
        <CheckboxField label={t('tel.set.wss')} hint={t('tel.set.wssHint')} {...form.field('transports.wssEnabled')} />
        <div class="grid-2">
          <TextField label={t('tel.set.bindAddress')} autoComplete="off" {...form.field('transports.bindAddress')} />
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

/** SIP transports (ports, WebRTC, NAT) and codec availability for the generated Asterisk configuration. */
export default function TelephonySettingsPage() {
  useI18n();
  const settings = useLoad((signal) => http.get<TelephonySettings>(`${TELEPHONY_API}/settings`, undefined, signal), []);
  return (
    <Page title={t('page.telephonySettings')}>
      <LoadStatus load={settings} />
      {settings.data && <SettingsForm settings={settings.data} onSaved={(s) => settings.setData(s)} />}
    </Page>
  );
}
