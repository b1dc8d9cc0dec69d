import { Op } from '../../../core/plugin-api';
import type { Transaction } from 'sequelize';
import type { ContactRow, DirectoryModels, NumberRow } from '../models';
import type { ContactDraft, NumberType, StoredNumber } from '../types';

export type ContactRecord = Pick<
  ContactRow,
  'id' | 'contactKey' | 'folderId' | 'source' | 'externalId' | 'firstName' | 'lastName' | 'company' | 'jobTitle' | 'emails'
  | 'street' | 'postalCode' | 'city' | 'country' | 'notes' | 'userId' | 'extension' | 'createdAt' | 'updatedAt'
>;

export function storedNumber(row: Pick<NumberRow, 'type' | 'original' | 'e164' | 'digits' | 'isDefault'>): StoredNumber {
  return { type: row.type as NumberType, original: row.original, e164: row.e164, digits: row.digits, isDefault: !!row.isDefault };
}

export function draftOf(row: ContactRecord, numbers: StoredNumber[]): ContactDraft {
  return {
    folderId: row.folderId,
    firstName: row.firstName,
    lastName: row.lastName,
    company: row.company,
    jobTitle: row.jobTitle,
    numbers,
    emails: row.emails ? (JSON.parse(row.emails) as string[]) : [],
    address: { street: row.street, postalCode: row.postalCode, city: row.city, country: row.country },
    notes: row.notes,
    userId: row.userId,
    extension: row.extension,
  };
}

/** Numbers of many contacts in one query, in their stored order. */
export async function numbersOf(models: DirectoryModels, contactIds: number[], transaction?: Transaction): Promise<Map<number, StoredNumber[]>> {
  const result = new Map<number, StoredNumber[]>(contactIds.map((id) => [id, []]));
  if (!contactIds.length) return result;
  const rows = await models.ContactNumber.findAll({
    where: { contactId: { [Op.in]: contactIds } },
    order: [['contactId', 'ASC'], ['position', 'ASC']],
    raw: true,
    transaction,
  });
  for (const row of rows) result.get(row.contactId)?.push(storedNumber(row));
  return result;
}

/** Every contact, a page at a time in id order, without holding the directory in memory. */
export async function* eachContactPage(models: DirectoryModels, pageSize = 1000): AsyncGenerator<Array<{ row: ContactRecord; draft: ContactDraft }>> {
  let after = 0;
  for (;;) {
    const rows = (await models.Contact.findAll({ where: { id: { [Op.gt]: after } }, order: [['id', 'ASC']], limit: pageSize, raw: true })) as unknown as ContactRecord[];
    if (!rows.length) return;
    const numbers = await numbersOf(models, rows.map((r) => r.id));
    yield rows.map((row) => ({ row, draft: draftOf(row, numbers.get(row.id) ?? []) }));
    after = rows[rows.length - 1].id;
    if (rows.length < pageSize) return;
  }
}
