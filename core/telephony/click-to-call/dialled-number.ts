import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** What the calling user's phone would dial, plus the E.164 form when it is a public number. */
export interface DialledNumber {
  /** Digits sent to `from-internal`: national form for the region, `00…` (its IDD prefix) abroad. */
  dial: string;
  e164: string | null;
}

export const DEFAULT_REGION: CountryCode = 'FR';

/** Separators people paste from address books and CRMs; anything else is refused. */
const PHONE_CHARACTERS = /^\+?[\d\s().\-/]+$/;
/** Without a "+", up to this many digits not starting with 0: an internal or short number (201, 3919, 112). */
const SHORT_NUMBER = /^[1-9][0-9]{1,7}$/;

/**
 * Normalises a number as typed (`06 12 34 56 01`, `+33 6…`, `0044 20…`) into the digits the
 * dialplan matches against restriction classes and outbound routes, which are written the way a
 * user dials from a desk phone. Returns a reason when it cannot be a number.
 */
export function dialledNumber(text: string, region: CountryCode = DEFAULT_REGION): DialledNumber | { problem: string } {
  const typed = text.trim();
  if (!PHONE_CHARACTERS.test(typed)) return { problem: 'Only digits, a leading + and separators (spaces, dots, dashes, parentheses) are allowed.' };
  const digits = typed.replace(/\D/g, '');
  if (!typed.startsWith('+') && SHORT_NUMBER.test(digits)) return { dial: digits, e164: null };
  const parsed = parsePhoneNumberFromString(typed, region);
  if (!parsed?.isValid()) return { problem: `"${typed}" is not a valid phone number (numbers without a country code are read as ${region} numbers).` };
  // IDD format: national digits within the region, the region's international prefix otherwise.
  const dial = parsed.format('IDD', { fromCountry: region })?.replace(/[^\d+]/g, '');
  if (!dial) return { problem: `"${typed}" cannot be dialled from ${region}.` };
  return { dial, e164: parsed.number };
}
