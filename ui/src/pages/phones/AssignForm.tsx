import { http } from '../../lib/api';
import { FormStatus, SelectField, TextField, useForm } from '../../lib/forms';
import { t } from '../../lib/i18n';
import { listError, OrderedPicker } from '../telephony/OrderedPicker';
import { useOptions, type Named } from '../telephony/resource';
import { PROVISIONING_API, type Device, type VendorModels } from './devices';

/** The models of a vendor, for a select; the current one kept even if the vendor dropped it. */
export function modelOptions(vendor: string, vendors: VendorModels[], current: string) {
  const models = vendors.find((v) => v.vendor === vendor)?.models ?? [];
  const options = [{ value: '', label: t('phones.modelUnknown') }, ...models.map((m) => ({ value: m.model, label: `${m.model} · ${t('phones.modelAccounts', { accounts: m.accounts, keys: m.phoneKeys })}` }))];
  if (current && !options.some((o) => o.value === current)) options.push({ value: current, label: current });
  return options;
}

/**
 * Assigns a phone in one step: its extensions (account 1 first), and the label and model when
 * they are not known yet. A new phone (`device` null) is registered by its MAC first.
 */
export function AssignForm(props: { device: Device | null; vendors: VendorModels[]; onSaved: () => void; onCancel: () => void }) {
  const { device, vendors } = props;
  const extensions = useOptions<Named>('extensions');
  const form = useForm({
    mac: '',
    vendor: device?.vendor ?? vendors[0]?.vendor ?? '',
    model: device?.model ?? '',
    label: device?.label ?? '',
    extensionIds: device?.accounts.map((a) => a.extensionId) ?? ([] as number[]),
  });
  const v = form.values;
  const capabilities = vendors.find((x) => x.vendor === v.vendor)?.models.find((m) => m.model === v.model) ?? device?.capabilities ?? null;
  const submit = form.onSubmit(async (values) => {
    const settings = { label: values.label.trim(), model: values.model || null };
    if (device) {
      await http.post(`${PROVISIONING_API}/devices/${device.id}/assign`, { extensionIds: values.extensionIds, ...settings });
    } else {
      await http.post(`${PROVISIONING_API}/devices`, { mac: values.mac.trim(), vendor: values.vendor || undefined, ...(values.extensionIds.length ? { extensionIds: values.extensionIds } : {}), ...settings });
    }
    props.onSaved();
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="assign-form">
      {device ? (
        <p>
          {t('phones.assignIntro', { mac: device.macAddress, ip: device.lastIp ?? '—' })}
          {device.lastUserAgent && <span class="muted"> ({device.lastUserAgent})</span>}
        </p>
      ) : (
        <div class="grid-2">
          <TextField label={t('phones.mac')} required autoComplete="off" placeholder="c0:74:ad:12:34:56" hint={t('phones.macHint')} {...form.field('mac')} />
          <SelectField label={t('phones.vendor')} options={vendors.map((x) => ({ value: x.vendor, label: x.name }))} {...form.field('vendor')} />
        </div>
      )}
      <div class="grid-2">
        <SelectField label={t('phones.model')} options={modelOptions(v.vendor, vendors, v.model)} {...form.field('model')} />
        <TextField label={t('phones.label')} autoComplete="off" hint={t('phones.labelHint')} {...form.field('label')} />
      </div>
      <OrderedPicker
        label={t('phones.extensions')}
        name="extensionIds"
        hint={capabilities ? t('phones.extensionsHint', { accounts: capabilities.accounts }) : t('phones.extensionsHintUnknown')}
        value={v.extensionIds}
        onValue={(ids) => form.set('extensionIds', ids)}
        options={extensions.data ?? []}
        error={listError(form.errors, 'extensionIds')}
      />
      <FormStatus form={form} />
      <div class="form-actions">
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" class="primary" disabled={form.busy}>
          {device ? t('phones.assign') : t('phones.register')}
        </button>
      </div>
    </form>
  );
}
