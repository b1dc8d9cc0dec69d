import type { NumberType, StoredNumber } from '../types';
import type { NumberProblem, PhoneNumbers } from './phone-numbers';

/** Limits shared by the API schemas and the CSV import, so both refuse the same things. */
export const LIMITS = {
  name: 100,
  company: 150,
  jobTitle: 150,
  street: 255,
  postalCode: 20,
  city: 100,
  country: 100,
  notes: 2000,
  folderName: 100,
  numbers: 20,
  emails: 10,
  email: 191,
} as const;

export const EXTENSION = /^\d{2,8}$/;
/** Deliberately simple: the directory keeps addresses, it does not deliver mail. */
export const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

export const NUMBER_PROBLEMS: Record<NumberProblem, string> = {
  invalid_characters: 'A phone number holds only digits, spaces, + ( ) . - and /.',
  invalid_number: 'Not a valid phone number (nor an internal number of up to 8 digits).',
};

/** Type names accepted in the "default number" column, French and English. */
export const TYPE_NAMES: Record<string, NumberType> = {
  work: 'work', bureau: 'work', mobile: 'mobile', portable: 'mobile', home: 'home', domicile: 'home', fax: 'fax', other: 'other', autre: 'other',
};

/**
 * Marks exactly one default number: the one asked for, else the first. `wanted` is a type name
 * or a number; null when it names nothing the contact has.
 */
export function chooseDefault(numbers: StoredNumber[], wanted: string | null, phones: PhoneNumbers): StoredNumber[] | null {
  if (!numbers.length) return wanted ? null : numbers;
  let index = 0;
  if (wanted) {
    const type = TYPE_NAMES[wanted.trim().toLowerCase()];
    if (type) index = numbers.findIndex((n) => n.type === type);
    else {
      const digits = wanted.replace(/\D/g, '');
      const e164 = phones.toE164(wanted);
      index = numbers.findIndex((n) => (e164 !== null && n.e164 === e164) || n.original === wanted.trim() || (n.e164 === null && n.digits === digits));
    }
    if (index < 0) return null;
  }
  return numbers.map((n, i) => ({ ...n, isDefault: i === index }));
}
