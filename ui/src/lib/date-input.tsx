import { useEffect, useRef, useState } from 'preact/hooks';
import { preferences, t, useI18n } from './i18n';

/**
 * A date field that follows the UI's language, not the browser's: Chromium draws
 * `<input type="date">` in the browser's locale (a French admin on an English browser reads
 * mm/dd/yyyy). This one is a text input in the UI's order (dd/mm/yyyy in French and British
 * English), which also accepts yyyy-mm-dd, with a calendar button that opens the browser's picker.
 * The value given and received is ISO (`2026-12-07`), or '' while empty or not a date.
 */


/** `2026-12-07` → `07/12/2026` (both UI languages write the day first). */
export function isoToText(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : '';
}

/** `7/12/2026`, `07.12.2026`, `07-12-2026` or `2026-12-07` → `2026-12-07`; null when not a real date. */
export function textToIso(text: string): string | null {
  const value = text.trim();
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (dayFirst) [d, m, y] = [Number(dayFirst[1]), Number(dayFirst[2]), Number(dayFirst[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function DateInput(props: {
  id?: string;
  value: string;
  onValue: (iso: string) => void;
  min?: string;
  max?: string;
  required?: boolean;
  /** Accessible name when no `<label for>` names it. */
  label?: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  useI18n();
  const [text, setText] = useState(isoToText(props.value));
  const [bad, setBad] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  // A value changed from outside (cleared filters, a loaded record) shows as is.
  useEffect(() => {
    if (textToIso(text) !== props.value && !(props.value === '' && bad)) {
      setText(isoToText(props.value));
      setBad(false);
    }
  }, [props.value]);
  const typed = (value: string) => {
    setText(value);
    const iso = value.trim() ? textToIso(value) : '';
    setBad(iso === null);
    props.onValue(iso ?? '');
  };
  const errorId = props.id ? `${props.id}-invalid` : undefined;
  return (
    <span class="date-input">
      <input
        id={props.id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        lang={preferences.get().locale}
        placeholder={t('date.placeholder')}
        value={text}
        required={props.required}
        aria-label={props.label}
        aria-invalid={bad || props.invalid ? 'true' : undefined}
        aria-describedby={[bad ? errorId : '', props.describedBy ?? ''].filter(Boolean).join(' ') || undefined}
        title={bad ? t('date.invalid') : undefined}
        onInput={(e) => typed((e.currentTarget as HTMLInputElement).value)}
      />
      <button type="button" class="date-pick" aria-label={props.label ? `${t('date.pick')} (${props.label})` : t('date.pick')} onClick={() => picker.current?.showPicker?.()}>
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M7 2v2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-2V2h-2v2H9V2H7zm-2 8h14v10H5V10zm2 2v2h2v-2H7zm4 0v2h2v-2h-2zm4 0v2h2v-2h-2z" />
        </svg>
      </button>
      {/* The browser's calendar, opened by the button; never focused nor read aloud. */}
      <input
        ref={picker}
        class="date-picker-native"
        type="date"
        tabIndex={-1}
        aria-hidden="true"
        aria-label={t('date.pick')}
        value={props.value}
        min={props.min}
        max={props.max}
        onInput={(e) => {
          const iso = (e.currentTarget as HTMLInputElement).value;
          setText(isoToText(iso));
          setBad(false);
          props.onValue(iso);
        }}
      />
      {bad && errorId && (
        <span class="visually-hidden" id={errorId}>
          {t('date.invalid')}
        </span>
      )}
    </span>
  );
}
