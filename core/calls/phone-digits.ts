import { getCountryCallingCode, Metadata, type CountryCode } from 'libphonenumber-js';
import { toE164 } from '../http/phone-number';

/**
 * Numbers are compared by their digits, whatever the format (`+33 6 11 11 11 11`, `0611111111`,
 * `0033611111111`): the last nine digits (a French national significant number) identify a
 * number; shorter ones (extensions) are kept whole. Stored per row so the filter is an index look-up.
 */
export const TAIL_DIGITS = 9;

export function numberTail(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length > TAIL_DIGITS ? digits.slice(-TAIL_DIGITS) : digits;
}

/** Longest `*_digits` value kept (E.164 has 15 digits at most; the rest are dialled strings). */
export const SEARCH_DIGITS_LENGTH = 32;

/**
 * The form the call log searches numbers in (`caller_digits`, `destination_digits`): a public
 * number in international digits without the "+" (`33632841234`, whether it came as
 * `0632841234`, `+33 6 32…` or `0033632…`, read with the system's country), anything else
 * (extensions, short numbers, unknown formats) as its bare digits.
 */
export function searchDigits(value: string, region: CountryCode): string {
  const digits = value.replace(/\D/g, '');
  // Extensions and short numbers are not read as national numbers.
  if (digits.length < 5 && !value.trim().startsWith('+')) return digits;
  const e164 = toE164(value, region);
  return (e164 ? e164.slice(1) : digits).slice(0, SEARCH_DIGITS_LENGTH);
}

/** How a number typed in the call log's filter is looked for in the `*_digits` columns. */
export type NumberSearch =
  /** Typed with a country code or the national prefix: the start of the international digits (an index range). */
  | { prefix: string }
  /** Bare digits: anywhere in the number (the end of a number, an extension, digits of the middle). */
  | { contains: string };

function nationalPrefix(region: CountryCode): string | null {
  const metadata = new Metadata();
  metadata.selectNumberingPlan(region);
  // nationalPrefix() is in libphonenumber-js's metadata API but not in its type declarations.
  const plan = metadata.numberingPlan as unknown as { nationalPrefix(): string | undefined } | undefined;
  return plan?.nationalPrefix() || null;
}

/**
 * `063284` (national, with the trunk prefix) → the numbers starting `3363284`; `+33 6 32` or
 * `0033 6 32` → `33632`; `1234` or `201` → numbers containing those digits.
 */
export function numberSearch(typed: string, region: CountryCode): NumberSearch | null {
  const text = typed.trim();
  const digits = text.replace(/\D/g, '');
  if (!digits) return null;
  if (text.startsWith('+')) return { prefix: digits };
  if (digits.startsWith('00')) return { prefix: digits.slice(2) };
  const prefix = nationalPrefix(region);
  if (prefix && digits.startsWith(prefix) && digits.length > prefix.length) {
    return { prefix: `${getCountryCallingCode(region)}${digits.slice(prefix.length)}` };
  }
  return { contains: digits };
}
