import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { DateInput } from './date-input';
import { hasString, preferences, t } from './i18n';

/**
 * Forms: values live in component state and are never cleared by a failed submit, so nothing typed
 * is lost; the API's field errors are shown next to their fields (`aria-invalid` +
 * `aria-describedby`), anything else above the submit button, and focus moves to the first field
 * in error.
 */

export type FormValues = Record<string, unknown>;

/** A person-readable message for an error thrown by the API client (or anything else). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.network) return t('common.network');
    // The server words its details in English, often with specifics (minutes left…): kept in
    // English, translated by code otherwise.
    const key = `error.${err.code}`;
    if (hasString(key) && (preferences.get().locale !== 'en' || !err.detail)) return t(key);
    if (err.status === 403 && err.code === 'forbidden') return `${t('common.forbiddenAction')} ${err.detail ?? ''}`.trim();
    if (err.status === 422 && Object.keys(err.fields).length) return t('common.errorFields');
    return err.detail ?? err.title;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * A field error's text: "Required." for an empty field the server found too short (its own words
 * are a schema's), else the server's words in English; in another language, the translation of
 * its code (`fieldError.<code>.<format or origin>`, then `fieldError.<code>`, with the error's
 * params: `{minimum}`, `{suggestion}`…), the server's words as a last resort.
 */
function localizedFieldError(err: ApiError, field: string, value: unknown): string {
  const message = err.fields[field];
  const code = err.fieldCodes[field];
  const empty = value === undefined || value === null || value === '';
  if (empty && (code === 'too_small' || code === 'invalid_type')) return t('common.required');
  if (!code || preferences.get().locale === 'en') return message;
  const params = err.fieldParams[field] ?? {};
  const detail = typeof params.format === 'string' ? params.format : typeof params.origin === 'string' ? params.origin : null;
  const candidates = [params.suggestion !== undefined ? `fieldError.${code}.withSuggestion` : '', detail ? `fieldError.${code}.${detail}` : '', `fieldError.${code}`];
  const key = candidates.find((k) => k && hasString(k));
  if (!key) return message;
  const values: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(params)) values[name] = typeof v === 'boolean' ? String(v) : v;
  return t(key, values);
}

export interface Form<T extends FormValues> {
  values: T;
  errors: Record<string, string>;
  formError: string | null;
  busy: boolean;
  /** A message shown after a successful submit (cleared on the next change). */
  notice: string | null;
  set<K extends keyof T>(name: K, value: T[K]): void;
  setAll(values: T): void;
  setNotice(text: string | null): void;
  /** Shows errors as if the server had sent them (client-side checks). */
  fail(errors: Record<string, string>, formError?: string): void;
  onSubmit(action: (values: T) => Promise<unknown> | unknown): (event: Event) => void;
  /** Props of a field bound to `name`. */
  field<K extends keyof T & string>(name: K): { name: K; value: T[K]; error?: string; onValue: (value: T[K]) => void };
  /** Give it to the `<form ref>`: focus moves to the first field in error. */
  formRef: RefObject<HTMLFormElement | null>;
}

export function useForm<T extends FormValues>(initial: T): Form<T> {
  const [values, setValues] = useState<T>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const [focusTick, setFocusTick] = useState(0);

  useEffect(() => {
    if (!focusTick || !formRef.current) return;
    const invalid = formRef.current.querySelector<HTMLElement>('[aria-invalid="true"]') ?? formRef.current.querySelector<HTMLElement>('.form-error');
    invalid?.focus();
  }, [focusTick]);

  const form: Form<T> = {
    values,
    errors,
    formError,
    busy,
    notice,
    formRef,
    set(name, value) {
      setValues((current) => ({ ...current, [name]: value }));
      setNotice(null);
      if (errors[name as string]) setErrors((current) => { const next = { ...current }; delete next[name as string]; return next; });
    },
    setAll: (next) => setValues(next),
    setNotice,
    fail(fieldErrors, general) {
      setErrors(fieldErrors);
      setFormError(general ?? (Object.keys(fieldErrors).length ? t('common.errorFields') : null));
      setFocusTick((n) => n + 1);
    },
    onSubmit(action) {
      return (event: Event) => {
        event.preventDefault();
        if (busy) return;
        setBusy(true);
        setErrors({});
        setFormError(null);
        setNotice(null);
        void (async () => {
          try {
            await action(values);
          } catch (err) {
            const fieldErrors: Record<string, string> = {};
            if (err instanceof ApiError) for (const name of Object.keys(err.fields)) fieldErrors[name] = localizedFieldError(err, name, values[name]);
            const rendered = new Set([...(formRef.current?.querySelectorAll<HTMLElement>('[data-field]') ?? [])].map((el) => el.dataset.field));
            const unshown = Object.keys(fieldErrors).filter((name) => !rendered.has(name));
            setErrors(fieldErrors);
            // Errors on fields this form does not show still need to reach the person.
            setFormError([errorMessage(err), ...unshown.map((name) => `${name}: ${fieldErrors[name]}`)].join(' '));
            setFocusTick((n) => n + 1);
          } finally {
            setBusy(false);
          }
        })();
      };
    },
    field(name) {
      return { name, value: values[name], error: errors[name], onValue: (value) => form.set(name, value) };
    },
  };
  return form;
}

let idCounter = 0;
function useId(prefix: string): string {
  const ref = useRef<string | null>(null);
  ref.current ??= `${prefix}-${++idCounter}`;
  return ref.current;
}

interface FieldShell {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  required?: boolean;
}

function FieldFrame(props: FieldShell & { id: string; children: ComponentChildren; inline?: boolean }) {
  return (
    <div class={`field${props.inline ? ' field-inline' : ''}${props.error ? ' has-error' : ''}`} data-field={props.name}>
      {!props.inline && (
        <label for={props.id}>
          {props.label}
          {props.required && <span class="required" aria-hidden="true"> *</span>}
        </label>
      )}
      {props.children}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, props: FieldShell): string | undefined {
  const ids = [props.error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

interface InputAttrs {
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'tel' | 'email' | 'url' | 'search';
  pattern?: string;
  maxLength?: number;
  placeholder?: string;
  autoFocus?: boolean;
  disabled?: boolean;
}

export function TextField(
  props: FieldShell & InputAttrs & { value: unknown; onValue: (value: string) => void; type?: 'text' | 'email' | 'password' | 'search' | 'tel' | 'url' | 'number' | 'datetime-local' | 'date' },
) {
  const { label, name, error, hint, required, value, onValue, type = 'text' } = props;
  const id = useId(`f-${name.replace(/\W/g, '-')}`);
  // Chromium draws a native date input in the browser's locale; this one follows the UI's.
  if (type === 'date')
    return (
      <FieldFrame id={id} label={label} name={name} error={error} hint={hint} required={required}>
        <DateInput id={id} value={value === undefined || value === null ? '' : String(value)} onValue={onValue} required={required} invalid={!!error} describedBy={describedBy(id, props)} />
      </FieldFrame>
    );
  return (
    <FieldFrame id={id} label={label} name={name} error={error} hint={hint} required={required}>
      <input
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        pattern={props.pattern}
        maxLength={props.maxLength}
        placeholder={props.placeholder}
        autoFocus={props.autoFocus}
        disabled={props.disabled}
        id={id}
        name={name}
        // Preact's types tie each input type to its own attribute set; these all take a text value.
        type={type as 'text'}
        required={required}
        value={value === undefined || value === null ? '' : String(value)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, props)}
        onInput={(e) => onValue((e.currentTarget as HTMLInputElement).value)}
      />
    </FieldFrame>
  );
}

export function TextArea(props: FieldShell & { value: unknown; onValue: (value: string) => void; rows?: number }) {
  const id = useId(`f-${props.name.replace(/\W/g, '-')}`);
  return (
    <FieldFrame id={id} {...props}>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 3}
        required={props.required}
        value={props.value === undefined || props.value === null ? '' : String(props.value)}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(id, props)}
        onInput={(e) => props.onValue((e.currentTarget as HTMLTextAreaElement).value)}
      />
    </FieldFrame>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(props: FieldShell & { value: unknown; onValue: (value: string) => void; options: Option[]; disabled?: boolean }) {
  const id = useId(`f-${props.name.replace(/\W/g, '-')}`);
  return (
    <FieldFrame id={id} {...props}>
      <select
        id={id}
        name={props.name}
        required={props.required}
        disabled={props.disabled}
        value={props.value === undefined || props.value === null ? '' : String(props.value)}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(id, props)}
        onChange={(e) => props.onValue((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function CheckboxField(props: FieldShell & { value: boolean; onValue: (value: boolean) => void; disabled?: boolean }) {
  const id = useId(`f-${props.name.replace(/\W/g, '-')}`);
  return (
    <FieldFrame id={id} {...props} inline>
      <label class="checkbox" for={id}>
        <input
          id={id}
          type="checkbox"
          name={props.name}
          checked={props.value}
          disabled={props.disabled}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={describedBy(id, props)}
          onChange={(e) => props.onValue((e.currentTarget as HTMLInputElement).checked)}
        />{' '}
        {props.label}
      </label>
    </FieldFrame>
  );
}

/** A group of checkboxes for a list of strings (roles, permissions). */
/**
 * Checkboxes for a list of values. An option's `code` is the identifier behind its label (a
 * permission key), shown small under it for those who work with the API.
 */
export function CheckboxList(props: FieldShell & { value: string[]; onValue: (value: string[]) => void; options: Array<Option & { hint?: string; code?: string }> }) {
  const id = useId(`f-${props.name.replace(/\W/g, '-')}`);
  const toggle = (value: string, on: boolean) => props.onValue(on ? [...props.value, value] : props.value.filter((v) => v !== value));
  return (
    <fieldset class={`field checkbox-list${props.error ? ' has-error' : ''}`} data-field={props.name} aria-describedby={describedBy(id, props)}>
      <legend>{props.label}</legend>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.options.map((o, index) => (
        <label key={o.value} class={o.code ? 'checkbox checkbox-coded' : 'checkbox'} title={o.hint}>
          <input
            type="checkbox"
            name={props.name}
            value={o.value}
            checked={props.value.includes(o.value)}
            aria-invalid={props.error && index === 0 ? 'true' : undefined}
            onChange={(e) => toggle(o.value, (e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          {o.code ? (
            <span>
              <span class="checkbox-label">{o.label}</span>
              <br />
              <code class="muted permission-key">{o.code}</code>
            </span>
          ) : (
            o.label
          )}
        </label>
      ))}
      {props.error && (
        <p class="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

/** The form-level error (not tied to one field) and the success notice, announced to screen readers. */
export function FormStatus(props: { form: Form<any> }) {
  return (
    <>
      {props.form.formError && (
        <p class="form-error" role="alert" tabIndex={-1}>
          {props.form.formError}
        </p>
      )}
      {props.form.notice && (
        <p class="form-notice" role="status">
          {props.form.notice}
        </p>
      )}
    </>
  );
}

export function SubmitButton(props: { form: Form<any>; label: string; class?: string }) {
  return (
    <button type="submit" class={props.class ?? 'primary'} disabled={props.form.busy} aria-busy={props.form.busy ? 'true' : undefined}>
      {props.label}
    </button>
  );
}
