import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { en } from '../i18n/en';
import { fr } from '../i18n/fr';
import { createStore, useStore } from './store';

/**
 * Translations and the user's display preferences. `t(key, params)` reads the current locale's
 * dictionary (core strings, then strings added by page areas and plugins); the formatters apply
 * the user's time zone and number display everywhere a date or a phone number is shown.
 */

export type Locale = 'fr' | 'en';
export const LOCALES: readonly Locale[] = ['fr', 'en'];
export type Strings = Record<string, string>;
export type NumberDisplay = 'international' | 'national';

export interface DisplayPreferences {
  locale: Locale;
  timeZone: string;
  numberDisplay: NumberDisplay;
  /** Country whose numbers are written nationally (ISO 3166 code, e.g. FR). */
  region: string;
}

const dictionaries: Record<Locale, Strings> = { en: { ...en }, fr: { ...fr } };

// Page areas bring their strings in `pages/<area>/strings.ts` (`export const strings = { en, fr }`),
// so two areas never edit the same dictionary file.
const areaStrings = import.meta.glob<{ strings: { en: Strings; fr: Strings } }>('../pages/*/strings.ts', { eager: true });
for (const module of Object.values(areaStrings)) addStrings(module.strings);
// Shared pieces (error codes, seeded keys' labels, the date field) keep theirs in `i18n/<topic>.strings.ts`.
const sharedStrings = import.meta.glob<{ strings: { en: Strings; fr: Strings } }>('../i18n/*.strings.ts', { eager: true });
for (const module of Object.values(sharedStrings)) addStrings(module.strings);

export function browserLocale(): Locale {
  const saved = safeStorage()?.getItem('carillon.locale');
  if (saved === 'fr' || saved === 'en') return saved;
  return (navigator.language || '').toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export const preferences = createStore<DisplayPreferences>({
  locale: browserLocale(),
  timeZone: browserTimeZone(),
  numberDisplay: 'international',
  region: 'FR',
});

preferences.subscribe((p) => {
  document.documentElement.lang = p.locale;
  safeStorage()?.setItem('carillon.locale', p.locale);
});
document.documentElement.lang = preferences.get().locale;

export function setPreferences(change: Partial<DisplayPreferences>): void {
  const next = { ...preferences.get() };
  for (const [key, value] of Object.entries(change) as Array<[keyof DisplayPreferences, string | undefined]>) {
    if (value) (next as Record<string, string>)[key] = value;
  }
  preferences.set(next);
}

/** Adds strings (an area's or a plugin's); existing keys are replaced, so a plugin can refine its own. */
export function addStrings(strings: Partial<Record<Locale, Strings>>): void {
  for (const locale of LOCALES) Object.assign(dictionaries[locale], strings[locale] ?? {});
}

/** The English text of `key` (to recognise a seeded English value the server sends), or undefined. */
export function englishString(key: string): string | undefined {
  return dictionaries.en[key];
}

export function hasString(key: string): boolean {
  return key in dictionaries[preferences.get().locale];
}

/**
 * The text for `key` in the current locale, `{name}` placeholders replaced; falls back to English,
 * then to the key. Counts agree with their words through `Intl.PluralRules` in the ICU way:
 * `{count, plural, one {# poste} other {# postes}}` (`#` is the formatted number; categories are
 * the locale's: `zero`, `one`, `two`, `few`, `many`, `other`, or an exact `=0`).
 */
export function t(key: string, params?: Record<string, string | number>): string {
  const locale = preferences.get().locale;
  const template = dictionaries[locale][key] ?? dictionaries.en[key] ?? key;
  if (!params) return template;
  const replaced = template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  return replaced.replace(PLURAL, (whole, name: string, branches: string) => {
    const value = params[name];
    if (typeof value !== 'number') return whole;
    const options = new Map([...branches.matchAll(/(=?\w+)\s*\{([^{}]*)\}/g)].map((m) => [m[1], m[2]]));
    const chosen = options.get(`=${value}`) ?? options.get(pluralRules().select(value)) ?? options.get('other') ?? '';
    return chosen.replace(/#/g, formatNumber(value));
  });
}

const PLURAL = /\{(\w+),\s*plural,\s*((?:=?\w+\s*\{[^{}]*\}\s*)+)\}/g;
let rules: { locale: string; rules: Intl.PluralRules } | null = null;
function pluralRules(): Intl.PluralRules {
  const locale = intlLocale();
  if (rules?.locale !== locale) rules = { locale, rules: new Intl.PluralRules(locale) };
  return rules.rules;
}

/**
 * A count in words, by the locale's plural rules (`Intl.PluralRules`): `<key>.<category>` when it
 * exists (`.one`: 1 in English, 0 and 1 in French), else `<key>`; `{count}` is the formatted number.
 */
export function tn(key: string, count: number, params: Record<string, string | number> = {}): string {
  const category = pluralRules().select(count);
  const chosen = hasString(`${key}.${category}`) ? `${key}.${category}` : key;
  return t(chosen, { ...params, count: formatNumber(count) });
}

/** A title given per locale, as plugins give them: `{ en, fr }`. */
export function localized(text: Partial<Record<Locale, string>> | string | undefined): string {
  if (!text) return '';
  if (typeof text === 'string') return text;
  return text[preferences.get().locale] ?? text.en ?? text.fr ?? '';
}

/** Re-renders on a change of locale or display preferences; returns them. */
export function useI18n(): DisplayPreferences {
  return useStore(preferences);
}

const intlLocale = () => (preferences.get().locale === 'fr' ? 'fr-FR' : 'en-GB');

export type DateStyle = 'datetime' | 'date' | 'time' | 'long';

export function formatDate(value: string | number | Date | null | undefined, style: DateStyle = 'datetime'): string {
  if (value === null || value === undefined || value === '') return '';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const { timeZone } = preferences.get();
  const options: Intl.DateTimeFormatOptions =
    style === 'date'
      ? { dateStyle: 'medium' }
      : style === 'time'
        ? { timeStyle: 'medium' }
        : style === 'long'
          ? { dateStyle: 'full', timeStyle: 'medium' }
          : { dateStyle: 'short', timeStyle: 'medium' };
  try {
    return new Intl.DateTimeFormat(intlLocale(), { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(intlLocale(), options).format(date);
  }
}

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(intlLocale(), options).format(value);
}

/** Seconds as `1:02:03` or `2:03`. */
export function formatDuration(totalSeconds: number | null | undefined): string {
  if (totalSeconds === null || totalSeconds === undefined || Number.isNaN(totalSeconds)) return '';
  const s = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * A phone number as the user prefers: `+33 1 23 45 67 89` (international) or `01 23 45 67 89`
 * (national, for numbers of the system's region; others stay international). Extensions and
 * anything that is not a phone number are shown as given.
 */
export function formatPhone(value: string | null | undefined): string {
  if (!value) return '';
  const digits = value.replace(/[^\d+]/g, '');
  if (digits.length < 6) return value;
  const { numberDisplay, region } = preferences.get();
  const parsed = parsePhoneNumberFromString(value, region as CountryCode);
  if (!parsed || !parsed.isPossible()) return value;
  if (numberDisplay === 'national' && parsed.country === region) return parsed.formatNational();
  return parsed.formatInternational();
}

/** IANA time zones the browser knows, for pickers. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
