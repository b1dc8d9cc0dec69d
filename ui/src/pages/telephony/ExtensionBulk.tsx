import { useState } from 'preact/hooks';
import { ApiError, http } from '../../lib/api';
import { Dialog, useLoad } from '../../lib/components';
import { CheckboxField, errorMessage, FormStatus, SelectField, TextArea, TextField, useForm } from '../../lib/forms';
import { hasString, preferences, t, tn } from '../../lib/i18n';
import { restrictionOptions } from '../../lib/labels';
import { can } from '../../shell/session';
import { CodecPreference } from './CodecPreference';
import type { Extension } from './ExtensionsPage';
import { lines, TELEPHONY_API } from './resource';

interface Credentials {
  number: string;
  name: string;
  sipUsername: string;
  sipPassword: string;
}

interface BatchResult {
  created: Extension[];
  credentials: Credentials[] | null;
}

interface ImportPlan {
  format: { encoding: string; separator: string };
  columns: string[];
  rows: number;
  numbers: string[];
}

/** "Line 3, number: …" for each refused row, in the reader's language where the code is known. */
function batchProblems(err: unknown, where: (row: number) => string): string[] {
  if (!(err instanceof ApiError) || err.code !== 'batch_refused') return [];
  return Object.entries(err.fields).map(([field, message]) => {
    const [, row, column] = field.split('.');
    const code = err.fieldCodes[field];
    // The server words the specifics (which number, which row) in English; French gets the code's sentence.
    const text = preferences.get().locale !== 'en' && code && hasString(`fieldError.${code}`) ? t(`fieldError.${code}`) : message.replace(/^(Line|Row) \d+, [^:]+: /, '');
    return t('tel.bulk.problem', { where: where(Number(row)), column: column ?? '', text });
  });
}

/** The refusal's sentence: the server's own in English (it counts the rows), ours by code in French. */
function refusalMessage(err: unknown): string {
  if (err instanceof ApiError && err.code === 'batch_refused') return preferences.get().locale === 'en' && err.detail ? err.detail : t('error.batch_refused');
  return errorMessage(err);
}

function ProblemList(props: { problems: string[] }) {
  if (!props.problems.length) return null;
  return (
    <ul class="batch-problems" data-testid="batch-problems">
      {props.problems.map((p) => (
        <li key={p}>{p}</li>
      ))}
    </ul>
  );
}

/** A CSV of the credentials, built in the browser: the server never stores them in clear nor sends them again. */
function credentialsFile(credentials: Credentials[]): string {
  const quote = (value: string) => (/[",;\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return ['number,name,sipUsername,sipPassword', ...credentials.map((c) => [c.number, c.name, c.sipUsername, c.sipPassword].map(quote).join(','))].join('\r\n');
}

/** The SIP passwords of extensions just created, shown this once, with a download of them as CSV. */
function CreatedDialog(props: { result: BatchResult | null; onClose: () => void }) {
  const { result } = props;
  const download = () => {
    const url = URL.createObjectURL(new Blob([credentialsFile(result!.credentials!)], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'sip-credentials.csv';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Dialog title={result ? tn('tel.bulk.created', result.created.length) : ''} open={result !== null} onClose={props.onClose}>
      {result && (
        <div class="stack">
          {result.credentials ? (
            <>
              <p class="notice notice-warning">{t('tel.bulk.onceWarning')}</p>
              <div class="table-wrap">
                <table data-testid="created-credentials">
                  <thead>
                    <tr>
                      <th>{t('tel.number')}</th>
                      <th>{t('common.name')}</th>
                      <th>{t('tel.sipUsername')}</th>
                      <th>{t('tel.sipPassword')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.credentials.map((c) => (
                      <tr key={c.number}>
                        <td>{c.number}</td>
                        <td>{c.name}</td>
                        <td>
                          <code>{c.sipUsername}</code>
                        </td>
                        <td>
                          <code class="secret">{c.sipPassword}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : (
            <p>{t('tel.bulk.noSecrets')}</p>
          )}
          <div class="form-actions">
            {result.credentials && (
              <button type="button" onClick={download}>
                {t('tel.bulk.downloadCredentials')}
              </button>
            )}
            <button type="button" class="primary" onClick={props.onClose}>
              {t('common.close')}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

/** "100 to 149, names from a list": one extension per number, the n-th pasted name to the n-th number. */
function RangeForm(props: { onCreated: (result: BatchResult) => void; onCancel: () => void }) {
  const form = useForm({ from: '', to: '', names: '', restrictionClass: 'national', codecs: ['alaw', 'ulaw', 'g722'] as string[], voicemail: true, webrtc: false });
  const [problems, setProblems] = useState<string[]>([]);
  const classes = useLoad((signal) => http.get<{ items: Array<{ name: string; description: string }> }>(`${TELEPHONY_API}/restriction-classes`, { limit: 500 }, signal), []);
  const v = form.values;
  const from = /^\d+$/.test(v.from) ? Number(v.from) : null;
  const to = /^\d+$/.test(v.to) ? Number(v.to) : null;
  const count = from !== null && to !== null && to >= from ? to - from + 1 : 0;
  const names = lines(v.names);
  const submit = form.onSubmit(async (values) => {
    setProblems([]);
    try {
      const result = await http.post<BatchResult>(`${TELEPHONY_API}/extensions/range`, {
        from: values.from.trim(),
        to: values.to.trim(),
        names: lines(values.names),
        template: { restrictionClass: values.restrictionClass, codecs: values.codecs, voicemail: { enabled: values.voicemail }, webrtc: values.webrtc },
      });
      props.onCreated(result);
    } catch (err) {
      // Row n of a range is its n-th number.
      const rows = batchProblems(err, (row) => t('tel.bulk.whereNumber', { number: Number(values.from) + row - 1 }));
      // Row problems are listed below, once; other errors go to their fields as in any form.
      if (!rows.length) throw err;
      setProblems(rows);
      form.fail({}, refusalMessage(err));
    }
  });
  // Each class by its label and description in the UI's language, as in the extension form.
  const classOptions = restrictionOptions(classes.data?.items ?? [], v.restrictionClass);
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="range-form">
      <div class="grid-2">
        <TextField label={t('tel.bulk.from')} required inputMode="numeric" autoComplete="off" {...form.field('from')} />
        <TextField label={t('tel.bulk.to')} required inputMode="numeric" autoComplete="off" {...form.field('to')} />
      </div>
      <TextArea label={t('tel.bulk.names')} hint={t('tel.bulk.namesHint')} rows={6} {...form.field('names')} />
      <p class="hint" aria-live="polite" data-testid="range-summary">
        {count > 0 ? tn('tel.bulk.summary', count, { from: String(from), to: String(to) }) : t('tel.bulk.summaryNone')}
        {count > 0 && names.length > 0 && ` ${names.length > count ? tn('tel.bulk.tooManyNames', names.length - count) : count > names.length ? tn('tel.bulk.unnamed', count - names.length) : t('tel.bulk.allNamed')}`}
      </p>
      <SelectField label={t('tel.restrictionClass')} options={classOptions} {...form.field('restrictionClass')} />
      <CodecPreference name="template.codecs" value={v.codecs} onValue={(codecs) => form.set('codecs', codecs)} errors={form.errors} />
      <CheckboxField label={t('tel.ext.voicemailEnabled')} {...form.field('voicemail')} />
      <CheckboxField label={t('tel.ext.webrtc')} {...form.field('webrtc')} />
      <FormStatus form={form} />
      <ProblemList problems={problems} />
      <div class="form-actions">
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" class="primary" disabled={form.busy || count === 0}>
          {count > 0 ? tn('tel.bulk.createCount', count) : t('common.create')}
        </button>
      </div>
    </form>
  );
}

/** A CSV file checked first (the plan: which numbers, or every refused line), then created all at once. */
function ImportForm(props: { onCreated: (result: BatchResult) => void; onCancel: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [separator, setSeparator] = useState('');
  const [plan, setPlan] = useState<ImportPlan | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async <T,>(path: string): Promise<T | null> => {
    setBusy(true);
    setError(null);
    setProblems([]);
    try {
      return await http.upload<T>(path, file!, { contentType: 'text/csv', query: separator ? { separator } : undefined });
    } catch (err) {
      setProblems(batchProblems(err, (row) => t('tel.bulk.whereLine', { row })));
      setError(refusalMessage(err));
      return null;
    } finally {
      setBusy(false);
    }
  };
  const check = async () => setPlan(await send<ImportPlan>(`${TELEPHONY_API}/extensions/import/plan`));
  const apply = async () => {
    const result = await send<BatchResult>(`${TELEPHONY_API}/extensions/import`);
    if (result) props.onCreated(result);
  };
  return (
    <div class="stack" data-testid="import-form">
      <p class="hint">{t('tel.bulk.importHint')}</p>
      <div class="field">
        <label for="extensions-csv">{t('tel.bulk.file')}</label>
        <input
          id="extensions-csv"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null);
            setPlan(null);
            setProblems([]);
            setError(null);
          }}
        />
      </div>
      <SelectField
        label={t('tel.bulk.separator')}
        name="separator"
        value={separator}
        onValue={(value) => {
          setSeparator(value);
          setPlan(null);
        }}
        options={[
          { value: '', label: t('tel.bulk.separator.auto') },
          { value: 'comma', label: t('tel.bulk.separator.comma') },
          { value: 'semicolon', label: t('tel.bulk.separator.semicolon') },
          { value: 'tab', label: t('tel.bulk.separator.tab') },
        ]}
      />
      {plan && (
        <p class="notice notice-success" role="status" data-testid="import-plan">
          {tn('tel.bulk.planReady', plan.numbers.length, { numbers: plan.numbers.slice(0, 10).join(', ') + (plan.numbers.length > 10 ? '…' : '') })}
        </p>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <ProblemList problems={problems} />
      <div class="form-actions">
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        {plan ? (
          <button type="button" class="primary" disabled={busy} onClick={apply}>
            {tn('tel.bulk.createCount', plan.numbers.length)}
          </button>
        ) : (
          <button type="button" class="primary" disabled={busy || !file} onClick={check}>
            {t('tel.bulk.check')}
          </button>
        )}
      </div>
    </div>
  );
}

/** The extensions page's bulk tools: a range, a CSV import, a CSV export (never with passwords). */
export function ExtensionBulkActions(props: { reload: () => void }) {
  const [open, setOpen] = useState<'range' | 'import' | null>(null);
  const [result, setResult] = useState<BatchResult | null>(null);
  const created = (r: BatchResult) => {
    setOpen(null);
    setResult(r);
    props.reload();
  };
  const separator = preferences.get().locale === 'fr' ? 'semicolon' : 'comma';
  return (
    <>
      <a class="button" href={`${TELEPHONY_API}/extensions/export.csv?separator=${separator}`} download>
        {t('tel.bulk.export')}
      </a>
      {can('telephony.manage') && (
        <>
          <button type="button" onClick={() => setOpen('import')}>
            {t('tel.bulk.import')}
          </button>
          <button type="button" onClick={() => setOpen('range')}>
            {t('tel.bulk.range')}
          </button>
        </>
      )}
      <Dialog title={t('tel.bulk.range')} open={open === 'range'} onClose={() => setOpen(null)}>
        <RangeForm onCreated={created} onCancel={() => setOpen(null)} />
      </Dialog>
      <Dialog title={t('tel.bulk.import')} open={open === 'import'} onClose={() => setOpen(null)}>
        <ImportForm onCreated={created} onCancel={() => setOpen(null)} />
      </Dialog>
      <CreatedDialog result={result} onClose={() => setResult(null)} />
    </>
  );
}
