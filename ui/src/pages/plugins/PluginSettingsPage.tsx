import { http } from '../../lib/api';
import { Notice, Page, useLoad } from '../../lib/components';
import { CheckboxField, FormStatus, SelectField, SubmitButton, TextField, useForm, type FormValues } from '../../lib/forms';
import { localized, t, useI18n } from '../../lib/i18n';
import { LoadStatus } from '../../lib/list';
import { can } from '../../shell/session';

type Text = { en: string; fr: string };

/** A field as the server derives it from the plugin's settings schema (core/plugins/plugin-settings.ts). */
interface SettingsField {
  key: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'secret';
  label: Text;
  help: Text | null;
  required: boolean;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  options?: Array<{ value: string; label: Text }>;
}

interface SettingsView {
  plugin: { id: string; displayName: Text | null; state: string };
  fields: SettingsField[];
  values: Record<string, unknown>;
}

/** What the inputs hold: text for text and number inputs, booleans for checkboxes; secrets start empty. */
function formValues(view: SettingsView): FormValues {
  const values: FormValues = {};
  for (const field of view.fields) {
    const value = view.values[field.key];
    if (field.type === 'boolean') values[field.key] = value === true;
    else if (field.type === 'secret') values[field.key] = '';
    else values[field.key] = value === null || value === undefined ? '' : String(value);
  }
  return values;
}

/** The request body: numbers as numbers, an empty secret left out (kept), "clear" as null. */
function body(fields: SettingsField[], values: FormValues, clear: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.key];
    if (field.type === 'secret') {
      if (clear.has(field.key)) out[field.key] = null;
      else if (value) out[field.key] = value;
    } else if (field.type === 'number' || field.type === 'integer') {
      out[field.key] = value === '' ? null : Number(String(value).replace(',', '.'));
    } else out[field.key] = value;
  }
  return out;
}

function hint(field: SettingsField, secretSet: boolean): string | undefined {
  const parts: string[] = [];
  if (field.help) parts.push(localized(field.help));
  if (field.minimum !== undefined && field.maximum !== undefined) parts.push(t('pluginSettings.range', { min: field.minimum, max: field.maximum }));
  if (field.type === 'secret') parts.push(t(secretSet ? 'pluginSettings.secretSet' : 'pluginSettings.secretNotSet'));
  return parts.join(' ') || undefined;
}

function SettingsForm(props: { view: SettingsView; onSaved: (view: SettingsView) => void }) {
  const { view } = props;
  const form = useForm<FormValues>({ ...formValues(view), ...Object.fromEntries(view.fields.filter((f) => f.type === 'secret').map((f) => [`${f.key}.clear`, false])) });
  const save = form.onSubmit(async (values) => {
    const clear = new Set(view.fields.filter((f) => f.type === 'secret' && values[`${f.key}.clear`]).map((f) => f.key));
    const saved = await http.put<SettingsView>(`/api/plugins/${encodeURIComponent(view.plugin.id)}/settings`, body(view.fields, values, clear));
    form.setAll({ ...formValues(saved), ...Object.fromEntries(saved.fields.filter((f) => f.type === 'secret').map((f) => [`${f.key}.clear`, false])) });
    form.setNotice(t('pluginSettings.saved'));
    props.onSaved(saved);
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={save} noValidate data-testid="plugin-settings-form">
      {view.fields.map((field) => {
        const label = localized(field.label);
        const bound = form.field(field.key);
        const secretSet = (view.values[field.key] as { set?: boolean } | null)?.set === true;
        const common = { label, name: field.key, error: bound.error, required: field.required, hint: hint(field, secretSet) };
        if (field.type === 'boolean') return <CheckboxField key={field.key} {...common} value={bound.value === true} onValue={(v) => form.set(field.key, v)} />;
        if (field.type === 'enum') {
          return <SelectField key={field.key} {...common} value={bound.value} onValue={(v) => form.set(field.key, v)} options={(field.options ?? []).map((o) => ({ value: o.value, label: localized(o.label) }))} />;
        }
        if (field.type === 'secret') {
          return (
            <div key={field.key} class="stack">
              <TextField {...common} type="password" autoComplete="new-password" value={bound.value} onValue={(v) => form.set(field.key, v)} placeholder={secretSet ? t('pluginSettings.secretKeep') : undefined} />
              {secretSet && <CheckboxField label={t('pluginSettings.secretClear', { label })} name={`${field.key}.clear`} value={form.values[`${field.key}.clear`] === true} onValue={(v) => form.set(`${field.key}.clear`, v)} />}
            </div>
          );
        }
        const numeric = field.type === 'number' || field.type === 'integer';
        return <TextField key={field.key} {...common} type="text" inputMode={numeric ? (field.type === 'integer' ? 'numeric' : 'decimal') : undefined} maxLength={field.maxLength} value={bound.value} onValue={(v) => form.set(field.key, v)} />;
      })}
      <FormStatus form={form} />
      <SubmitButton form={form} label={t('common.save')} />
    </form>
  );
}

/** A plugin's settings, generated from the schema it declares: no page for the plugin to write. */
export default function PluginSettingsPage(props: { params?: { id?: string } }) {
  useI18n();
  const id = props.params?.id ?? '';
  const allowed = can(`${id}.configure`);
  const load = useLoad((signal) => (allowed ? http.get<SettingsView>(`/api/plugins/${encodeURIComponent(id)}/settings`, undefined, signal) : Promise.resolve(null)), [id, allowed]);
  const name = load.data?.plugin.displayName ? localized(load.data.plugin.displayName) : id;
  return (
    <Page title={t('pluginSettings.title', { name })}>
      {!allowed && <Notice kind="error">{t('pluginSettings.forbidden', { permission: `${id}.configure` })}</Notice>}
      <LoadStatus load={load} />
      {load.data && load.data.plugin.state === 'failed' && <Notice kind="warning">{t('pluginSettings.failed')}</Notice>}
      {load.data && <SettingsForm key={id} view={load.data} onSaved={(view) => load.setData(view)} />}
      <p>
        <a href="/admin/plugins">{t('pluginSettings.back')}</a>
      </p>
    </Page>
  );
}
