/** The shapes the directory's services exchange; models and routes map to and from them. */

export const NUMBER_TYPES = ['work', 'mobile', 'home', 'fax', 'other'] as const;
export type NumberType = (typeof NUMBER_TYPES)[number];

export type ContactSource = 'local' | 'ldap';

/** A phone number as stored: the text as typed, its E.164 form when it is a public number. */
export interface StoredNumber {
  type: NumberType;
  original: string;
  /** Null for internal or short numbers (extensions, short codes). */
  e164: string | null;
  /** National significant digits, or the digits of an internal number. */
  digits: string;
  isDefault: boolean;
}

export interface PostalAddress {
  street: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
}

/** A contact's validated content, whoever wrote it (API, CSV, LDAP). */
export interface ContactDraft {
  folderId: number | null;
  firstName: string;
  lastName: string;
  company: string | null;
  jobTitle: string | null;
  numbers: StoredNumber[];
  emails: string[];
  address: PostalAddress;
  notes: string | null;
  userId: number | null;
  extension: string | null;
}

export type NumberDisplay = 'international' | 'national';
