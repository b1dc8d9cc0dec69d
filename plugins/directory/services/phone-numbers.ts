import { AsYouType, parsePhoneNumberFromString, type CountryCode, getCountryCallingCode } from 'libphonenumber-js/max';
import type { NumberDisplay, NumberType, StoredNumber } from '../types';

export type NumberProblem = 'invalid_characters' | 'invalid_number';

const PHONE_CHARACTERS = /^[+\d\s().\-/]+$/;
/** Extensions and short codes (up to this many digits, no "+") are kept as typed, never turned into E.164. */
const SURELY_INTERNAL_DIGITS = 6;
const MAX_INTERNAL_DIGITS = 8;

/** Parses, stores and displays numbers relative to the directory's default region. */
export class PhoneNumbers {
  constructor(readonly region: CountryCode) {}

  /** The stored form of a number as a person typed it, or the reason it is refused. */
  normalise(type: NumberType, text: string, isDefault = false): StoredNumber | NumberProblem {
    const original = text.trim();
    if (!PHONE_CHARACTERS.test(original)) return 'invalid_characters';
    const digits = original.replace(/\D/g, '');
    if (digits.length < 2 || digits.length > 17) return 'invalid_number';
    const internal = !original.includes('+');
    if (internal && digits.length <= SURELY_INTERNAL_DIGITS) return { type, original, e164: null, digits, isDefault };
    const parsed = this.parse(original);
    if (parsed) return { type, original: original.slice(0, 64), e164: parsed.number, digits: parsed.nationalNumber, isDefault };
    if (internal && digits.length <= MAX_INTERNAL_DIGITS) return { type, original, e164: null, digits, isDefault };
    return 'invalid_number';
  }

  /**
   * A possible public number, tried as typed in the default region and then as an international
   * number without its "+" (the seed's phonebook asks for numbers written 33123456789).
   */
  private parse(text: string) {
    const asTyped = parsePhoneNumberFromString(text, this.region);
    if (asTyped?.isPossible()) return asTyped;
    const digits = text.replace(/\D/g, '');
    if (!text.includes('+') && digits.length > MAX_INTERNAL_DIGITS) {
      const international = parsePhoneNumberFromString(`+${digits}`);
      if (international?.isPossible()) return international;
    }
    return null;
  }

  /** E.164 for "international" (as the seed shows +331xxxxxxxx), the national format for "national". */
  display(number: Pick<StoredNumber, 'e164' | 'original'>, mode: NumberDisplay): string {
    if (!number.e164) return number.original;
    if (mode === 'international') return number.e164;
    const parsed = parsePhoneNumberFromString(number.e164);
    if (!parsed) return number.e164;
    // A foreign number written nationally cannot be dialled from here: keep it international.
    return parsed.countryCallingCode === getCountryCallingCode(this.region) ? parsed.formatNational() : parsed.formatInternational();
  }

  /** Digits to match a (possibly partial) number typed in any format against stored digits. */
  searchDigits(text: string): string {
    const typed = new AsYouType(this.region);
    typed.input(text);
    return typed.getNumber()?.nationalNumber || text.replace(/\D/g, '');
  }

  /** The E.164 form of a complete number (caller ID), or null when it is not a public number. */
  toE164(text: string): string | null {
    return this.parse(text.trim())?.number ?? null;
  }
}

export function isPhoneQuery(text: string): boolean {
  return PHONE_CHARACTERS.test(text.trim()) && text.replace(/\D/g, '').length >= 2;
}
