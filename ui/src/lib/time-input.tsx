import { useEffect, useState } from 'preact/hooks';
import { preferences, t, useI18n } from './i18n';

/**
 * A time-of-day field in 24-hour form, as both UI languages write it: Chromium draws
 * `<input type="time">` in the browser's locale (an American English browser shows AM/PM to a
 * French admin). Accepts `9`, `9:30`, `09.30`, `9h30` or `0930`; the value given and received is
 * `HH:MM`, or '' while empty or not a time.
 */

/**
 * `9`, `9h`, `9:05`, `9h30`, `09.30` or `0930` → `09:30` (and `09:00`); null when not a time of
 * day. `24:00` only with `endOfDay` (a range that closes at midnight).
 */
export function textToTime(text: string, endOfDay = false): string | null {
  const value = text.trim().toLowerCase();
  const match = /^(\d{1,2})(?:\s*[:h.]\s*(\d{2})?)?$/.exec(value) ?? /^(\d{2})(\d{2})$/.exec(value);
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = match[2] === undefined ? 0 : Number(match[2]);
  if (endOfDay && hour === 24 && minute === 0) return '24:00';
  if (hour > 23 || minute > 59) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

export function TimeInput(props: {
  id?: string;
  value: string;
  onValue: (time: string) => void;
  /** Accessible name when no `<label>` names it. */
  label?: string;
  describedBy?: string;
  required?: boolean;
  invalid?: boolean;
  /** Accepts `24:00`: the end of a day. */
  endOfDay?: boolean;
}) {
  useI18n();
  const [text, setText] = useState(props.value);
  const [bad, setBad] = useState(false);
  // A value changed from outside (cleared filters) shows as is.
  useEffect(() => {
    if (textToTime(text, props.endOfDay) !== props.value && !(props.value === '' && bad)) {
      setText(props.value);
      setBad(false);
    }
  }, [props.value]);
  const typed = (value: string) => {
    setText(value);
    const time = value.trim() ? textToTime(value, props.endOfDay) : '';
    setBad(time === null);
    props.onValue(time ?? '');
  };
  const errorId = props.id ? `${props.id}-invalid` : undefined;
  return (
    <>
      <input
        id={props.id}
        class="time-input"
        type="text"
        inputMode="numeric"
        autoComplete="off"
        lang={preferences.get().locale}
        placeholder={t('time.placeholder')}
        value={text}
        aria-label={props.label}
        required={props.required}
        aria-invalid={bad || props.invalid ? 'true' : undefined}
        aria-describedby={[bad ? errorId : '', props.describedBy ?? ''].filter(Boolean).join(' ') || undefined}
        title={bad ? t('time.invalid') : undefined}
        onInput={(e) => typed((e.currentTarget as HTMLInputElement).value)}
        onBlur={() => {
          // Written back in full once left: "9h" reads "09:00".
          const time = textToTime(text, props.endOfDay);
          if (time) setText(time);
        }}
      />
      {bad && errorId && (
        <span class="visually-hidden" id={errorId}>
          {t('time.invalid')}
        </span>
      )}
    </>
  );
}
