import { getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import examples from 'libphonenumber-js/examples.mobile.json';
import { z } from 'zod';

/**
 * The country national numbers belong to when the API expects E.164: the system settings'
 * `defaultRegion`. Held here so that every route schema (core's and plugins') reads it
 * synchronously; the system settings service sets it when Carillon starts and when it changes.
 */
let region: CountryCode = 'FR';

export function setPhoneRegion(next: CountryCode): void {
  region = next;
}

export function phoneRegion(): CountryCode {
  return region;
}

/** Separators people paste from address books and operator contracts; anything else is refused. */
const PHONE_CHARACTERS = /^\+?[\d\s().\-/]+$/;
const E164 = /^\+[1-9][0-9]{1,14}$/;

/** Example numbers in the region, for messages: international and national forms. */
export function phoneExample(country: CountryCode = region): { international: string; national: string } {
  const example = getExampleNumber(country, examples) ?? getExampleNumber('FR', examples)!;
  return { international: example.number, national: example.formatNational() };
}

/**
 * A number as typed (`09 72 10 10 10`, `+33 9 72…`, `0033972…`) in E.164 (`+33972101010`), read
 * with `country` when it has no country code; null when it cannot be one. A number already in
 * E.164 (separators aside) is kept even when libphonenumber does not know its range: operators
 * hand out new ranges before the metadata knows them.
 */
export function toE164(typed: string, country: CountryCode = region): string | null {
  const text = typed.trim();
  if (!PHONE_CHARACTERS.test(text)) return null;
  // libphonenumber first: it also drops the "(0)" of "+33 (0)9 72…".
  const parsed = parsePhoneNumberFromString(text, country);
  if (parsed?.isValid()) return parsed.number;
  const compact = text.replace(/[\s().\-/]/g, '');
  return text.startsWith('+') && E164.test(compact) ? compact : null;
}

/**
 * Where the API expects E.164 (DIDs, caller ID presented outside): a national number is taken
 * and normalised with the system's country. The error code `invalid_phone_number` carries the
 * examples as parameters, so the UI can say it in the user's language.
 */
export const e164 = z.string().transform((value, ctx) => {
  const number = toE164(value);
  if (number) return number;
  const example = phoneExample();
  ctx.addIssue({
    code: 'custom',
    message: `a phone number in international form such as ${example.international}, or national such as ${example.national}`,
    params: { code: 'invalid_phone_number', example: example.international, national: example.national },
  });
  return z.NEVER;
});
