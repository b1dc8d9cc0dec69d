import { useEffect, useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { Dialog, Loading, Notice, Page } from '../../lib/components';
import { errorMessage, FormStatus, TextArea, useForm } from '../../lib/forms';
import { t, useI18n } from '../../lib/i18n';
import { DataTable, LoadStatus, RowButton } from '../../lib/list';
import { can } from '../../shell/session';
import { PROVISIONING_API, useModels, type ModelCapabilities, type VendorModels } from './devices';
import { extraValuesError, formatExtraValues, parseExtraValues } from './extra-values';

/** A model's template override: values every phone of that model gets (a phone's own win). */
function OverrideForm(props: { vendor: VendorModels; model: ModelCapabilities; onDone: () => void }) {
  const { vendor, model } = props;
  const url = `${PROVISIONING_API}/models/${encodeURIComponent(vendor.vendor)}/${encodeURIComponent(model.model)}/override`;
  const [loaded, setLoaded] = useState(false);
  const form = useForm({ extraValues: '' });
  useEffect(() => {
    const controller = new AbortController();
    http
      .get<{ extraValues: Record<string, string> }>(url, undefined, controller.signal)
      .then((o) => form.set('extraValues', formatExtraValues(o.extraValues)))
      .catch((err) => !controller.signal.aborted && form.fail({}, errorMessage(err)))
      .finally(() => !controller.signal.aborted && setLoaded(true));
    return () => controller.abort();
  }, [url]);
  const submit = form.onSubmit(async (values) => {
    const extra = parseExtraValues(values.extraValues);
    if (extra.error) return form.fail({ extraValues: extra.error });
    await http.put(url, { extraValues: extra.values });
    props.onDone();
  });
  if (!loaded) return <Loading />;
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="model-override">
      <TextArea label={t('phones.extraValues')} hint={t('phones.modelOverrideHint')} rows={8} {...form.field('extraValues')} error={extraValuesError(form.errors)} />
      <FormStatus form={form} />
      <div class="form-actions">
        <button type="button" onClick={props.onDone}>
          {t('common.cancel')}
        </button>
        <button type="submit" class="primary" disabled={form.busy}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}

/** The phone models Carillon provisions, their accounts, keys and modules, and each model's override. */
export default function ModelsPage() {
  useI18n();
  const vendors = useModels();
  const [editing, setEditing] = useState<{ vendor: VendorModels; model: ModelCapabilities } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const manage = can('provisioning.manage');
  return (
    <Page title={t('page.phoneModels')} wide>
      {notice && <Notice kind="success">{notice}</Notice>}
      <LoadStatus load={vendors} />
      {vendors.data?.map((vendor) => (
        <section class="card" key={vendor.vendor} aria-labelledby={`vendor-${vendor.vendor}`}>
          <h2 id={`vendor-${vendor.vendor}`}>{vendor.name}</h2>
          <p class="muted">{t('phones.macPrefixes', { prefixes: vendor.macPrefixes.join(', ') })}</p>
          <DataTable columns={[t('phones.model'), t('phones.accounts'), t('phones.keys'), t('phones.expansionModules')]} actions={manage}>
            {vendor.models.map((model) => (
              <tr key={model.model}>
                <td data-label={t('phones.model')}>
                  <strong>{model.model}</strong>
                </td>
                <td data-label={t('phones.accounts')}>{model.accounts}</td>
                <td data-label={t('phones.keys')}>{model.phoneKeys}</td>
                <td data-label={t('phones.expansionModules')}>{model.maxModules ? t('phones.modulesOf', { max: model.maxModules, keys: model.keysPerModule }) : t('common.none')}</td>
                {manage && (
                  <td class="actions">
                    <RowButton label={t('phones.modelOverride')} name={model.model} onClick={() => setEditing({ vendor, model })} />
                  </td>
                )}
              </tr>
            ))}
          </DataTable>
        </section>
      ))}
      <Dialog title={editing ? `${t('phones.modelOverride')} · ${editing.model.model}` : ''} open={editing !== null} onClose={() => setEditing(null)}>
        {editing && (
          <OverrideForm
            vendor={editing.vendor}
            model={editing.model}
            onDone={() => {
              setEditing(null);
              setNotice(t('common.saved'));
            }}
          />
        )}
      </Dialog>
    </Page>
  );
}
