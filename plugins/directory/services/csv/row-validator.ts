import { NUMBER_TYPES, type ContactDraft, type StoredNumber } from '../../types';
import { chooseDefault, EMAIL, EXTENSION, LIMITS, NUMBER_PROBLEMS } from '../contact-rules';
import type { PhoneNumbers } from '../phone-numbers';
import type { CsvField, HeaderMatch } from './columns';

export interface RowError {
  line: number;
  /** The column's header as written in the file (or the field name when the column is absent). */
  column: string;
  field: CsvField | 'row';
  code: string;
  message: string;
}

/** A validated row: the draft's folder is still a path, resolved against folders at apply time. */
export interface CsvContact {
  line: number;
  key: string | null;
  fromLdap: boolean;
  folderPath: string[];
  draft: Omit<ContactDraft, 'folderId'>;
}

export interface RowContext {
  header: HeaderMatch;
  phones: PhoneNumbers;
  /** Carillon users by lower-cased e-mail. */
  userIds: Map<string, number>;
}

/** Turns one CSV record into a contact, or into errors naming its line and columns. */
export function validateRow(values: string[], line: number, ctx: RowContext): { contact: CsvContact | null; errors: RowError[] } {
  const errors: RowError[] = [];
  const { positions, names } = ctx.header;
  const get = (field: CsvField): string => {
    const at = positions.get(field);
    return at === undefined ? '' : (values[at] ?? '').trim();
  };
  const fail = (field: CsvField | 'row', code: string, message: string) =>
    errors.push({ line, column: field === 'row' ? '' : (names.get(field) ?? field), field, code, message });
  const optional = (field: CsvField, max: number): string | null => {
    const value = get(field);
    if (value.length > max) fail(field, 'too_long', `At most ${max} characters.`);
    return value || null;
  };
  const required = (field: CsvField, max: number): string => {
    const value = get(field);
    if (!value) fail(field, 'required', 'Required: a contact needs a first name and a last name.');
    else if (value.length > max) fail(field, 'too_long', `At most ${max} characters.`);
    return value;
  };

  // Fewer fields is common (tools trim empty trailing cells); more would lose data silently.
  if (values.length > ctx.header.width) fail('row', 'too_many_fields', `This row has ${values.length} fields but the header has ${ctx.header.width}.`);

  const lastName = required('lastName', LIMITS.name);
  const firstName = required('firstName', LIMITS.name);
  const company = optional('company', LIMITS.company);
  const jobTitle = optional('jobTitle', LIMITS.jobTitle);

  let numbers: StoredNumber[] = [];
  for (const type of NUMBER_TYPES) {
    for (const text of get(type).split(/[;,]/).map((t) => t.trim()).filter(Boolean)) {
      const stored = ctx.phones.normalise(type, text);
      if (typeof stored === 'string') fail(type, stored, `"${text}": ${NUMBER_PROBLEMS[stored]}`);
      else numbers.push(stored);
    }
  }
  if (numbers.length > LIMITS.numbers) fail('row', 'too_many_numbers', `At most ${LIMITS.numbers} numbers per contact.`);
  const wantedDefault = get('defaultNumber') || null;
  const withDefault = chooseDefault(numbers, wantedDefault, ctx.phones);
  if (withDefault) numbers = withDefault;
  else fail('defaultNumber', 'unknown_default_number', `"${wantedDefault}" is neither a number of this contact nor a type it has.`);

  const emails = get('emails').split(/[\s;,]+/).filter(Boolean);
  for (const email of emails) if (!EMAIL.test(email) || email.length > LIMITS.email) fail('emails', 'invalid_email', `"${email}" is not an e-mail address.`);
  if (emails.length > LIMITS.emails) fail('emails', 'too_many_emails', `At most ${LIMITS.emails} e-mail addresses.`);

  const userEmail = get('user').toLowerCase();
  const userId = userEmail ? (ctx.userIds.get(userEmail) ?? null) : null;
  if (userEmail && userId === null) fail('user', 'unknown_user', `No Carillon user has the e-mail "${userEmail}".`);
  const extension = get('extension') || null;
  if (extension && !EXTENSION.test(extension)) fail('extension', 'invalid_extension', 'An extension is 2 to 8 digits.');

  const folderPath = get('folder').split('/').map((s) => s.trim()).filter(Boolean);
  if (folderPath.some((name) => name.length > LIMITS.folderName)) fail('folder', 'too_long', `A folder name has at most ${LIMITS.folderName} characters.`);

  const draft = {
    firstName, lastName, company, jobTitle, numbers, emails,
    address: {
      street: optional('street', LIMITS.street),
      postalCode: optional('postalCode', LIMITS.postalCode),
      city: optional('city', LIMITS.city),
      country: optional('country', LIMITS.country),
    },
    notes: optional('notes', LIMITS.notes),
    userId,
    extension,
  };
  if (errors.length) return { contact: null, errors };
  return { contact: { line, key: get('key') || null, fromLdap: get('source').toLowerCase() === 'ldap', folderPath, draft }, errors };
}
