import { useEffect } from 'preact/hooks';
import { http } from '../../lib/api';
import { Page, useLoad } from '../../lib/components';
import { CheckboxField, FormStatus, SelectField, SubmitButton, TextField, useForm } from '../../lib/forms';
import { setPreferences, t, timeZones, useI18n } from '../../lib/i18n';
import { LoadStatus } from '../../lib/list';
import { can } from '../../shell/session';
import { MetricsAccessSection } from './MetricsAccessSection';

interface SystemSettings {
  companyName: string;
  timeZone: string;
  numberDisplay: 'international' | 'national';
  defaultRegion: string;
  mail: { host: string; port: number; secure: boolean; username: string; from: string; passwordSet: boolean };
  recordings: { retentionDays: number };
}

const REGIONS = ['FR', 'BE', 'CH', 'LU', 'MC', 'CA', 'GB', 'IE', 'DE', 'ES', 'IT', 'NL', 'PT', 'US', 'MA', 'TN', 'DZ', 'SN', 'CI', 'RE', 'GP', 'MQ', 'GF', 'YT', 'NC', 'PF'];

function formValues(s: SystemSettings) {
  return {
    companyName: s.companyName,
    timeZone: s.timeZone,
    numberDisplay: s.numberDisplay,
    defaultRegion: s.defaultRegion,
    'mail.host': s.mail.host,
    'mail.port': String(s.mail.port),
    'mail.secure': s.mail.secure,
    'mail.username': s.mail.username,
    'mail.from': s.mail.from,
    'mail.password': '',
    removePassword: false,
    'recordings.retentionDays': String(s.recordings.retentionDays),
  };
}

/** System settings: time zone, number display, mail server, recordings retention. */
export default function SettingsPage() {
  useI18n();
  const settings = useLoad((signal) => http.get<SystemSettings>('/api/system/settings', undefined, signal), []);
  return (
    <Page title={t('page.settings')}>
      <LoadStatus load={settings} />
      {settings.data && <SettingsForm settings={settings.data} onSaved={(s) => settings.setData(s)} />}
      {settings.data && <MetricsAccessSection />}
    </Page>
  );
}

function SettingsForm(props: { settings: SystemSettings; onSaved: (s: SystemSettings) => void }) {
  const manage = can('system.settings.manage');
  const form = useForm(formValues(props.settings));
  const v = form.values;
  useEffect(() => form.setAll(formValues(props.settings)), [props.settings]);
  const submit = form.onSubmit(async (values) => {
    const port = Number(values['mail.port']);
    const days = Number(values['recordings.retentionDays']);
    const bad: Record<string, string> = {};
    if (!Number.isInteger(port)) bad['mail.port'] = t('settings.integer');
    if (!Number.isInteger(days)) bad['recordings.retentionDays'] = t('settings.integer');
    if (Object.keys(bad).length) return form.fail(bad);
    const saved = await http.put<SystemSettings>('/api/system/settings', {
      companyName: values.companyName,
      timeZone: values.timeZone,
      numberDisplay: values.numberDisplay,
      defaultRegion: values.defaultRegion,
      mail: {
        host: values['mail.host'],
        port,
        secure: values['mail.secure'],
        username: values['mail.username'],
        from: values['mail.from'],
        ...(values.removePassword ? { password: null } : values['mail.password'] ? { password: values['mail.password'] } : {}),
      },
      recordings: { retentionDays: days },
    });
    setPreferences({ region: saved.defaultRegion });
    props.onSaved(saved);
    form.setNotice(t('common.saved'));
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate>
      <fieldset disabled={!manage} class="stack">
        <legend>{t('settings.display')}</legend>
        <TextField label={t('settings.companyName')} hint={t('settings.companyNameHint')} autoComplete="organization" {...form.field('companyName')} />
        <SelectField label={t('prefs.timeZone')} hint={t('settings.timeZoneHint')} options={timeZones().map((z) => ({ value: z, label: z }))} {...form.field('timeZone')} />
        <SelectField
          label={t('prefs.numberDisplay')}
          hint={t('settings.numberDisplayHint')}
          options={[
            { value: 'international', label: t('numberDisplay.international') },
            { value: 'national', label: t('numberDisplay.national') },
          ]}
          {...form.field('numberDisplay')}
          onValue={(value) => form.set('numberDisplay', value as 'international' | 'national')}
        />
        <SelectField
          label={t('settings.defaultRegion')}
          hint={t('settings.defaultRegionHint')}
          options={[...new Set([v.defaultRegion, ...REGIONS])].map((code) => ({ value: code, label: regionName(code) }))}
          {...form.field('defaultRegion')}
        />
      </fieldset>
      <fieldset disabled={!manage} class="stack">
        <legend>{t('settings.mail')}</legend>
        <div class="grid-2">
          <TextField label={t('settings.mailHost')} placeholder="smtp.example.com" {...form.field('mail.host')} />
          <TextField label={t('settings.mailPort')} inputMode="numeric" {...form.field('mail.port')} />
        </div>
        <CheckboxField label={t('settings.mailSecure')} hint={t('settings.mailSecureHint')} {...form.field('mail.secure')} />
        <div class="grid-2">
          <TextField label={t('settings.mailUsername')} autoComplete="off" {...form.field('mail.username')} />
          <TextField
            label={t('settings.mailPassword')}
            type="password"
            autoComplete="new-password"
            hint={props.settings.mail.passwordSet ? t('settings.mailPasswordSet') : t('settings.mailPasswordUnset')}
            disabled={v.removePassword}
            {...form.field('mail.password')}
          />
        </div>
        {props.settings.mail.passwordSet && <CheckboxField label={t('settings.mailPasswordRemove')} {...form.field('removePassword')} />}
        <TextField label={t('settings.mailFrom')} type="email" placeholder="pbx@example.com" {...form.field('mail.from')} />
      </fieldset>
      <fieldset disabled={!manage} class="stack">
        <legend>{t('settings.recordings')}</legend>
        <TextField label={t('settings.retentionDays')} hint={t('settings.retentionHint')} inputMode="numeric" {...form.field('recordings.retentionDays')} />
      </fieldset>
      <FormStatus form={form} />
      {manage && (
        <div class="form-actions">
          <SubmitButton form={form} label={t('common.save')} />
        </div>
      )}
    </form>
  );
}

function regionName(code: string): string {
  try {
    const names = new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'region' });
    return `${names.of(code) ?? code} (${code})`;
  } catch {
    return code;
  }
}
