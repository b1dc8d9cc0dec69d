import crypto from 'node:crypto';
import { Op } from '../../../core/plugin-api';
import type { QueryInterface, Transaction } from 'sequelize';
import type { DirectoryModels } from '../models';
import type { ContactDraft, ContactSource } from '../types';
import { sortName, words } from './text-folding';

export interface NewContact {
  key: string;
  source: ContactSource;
  externalId: string | null;
  draft: ContactDraft;
}

export interface ChangedContact {
  id: number;
  key: string;
  source: ContactSource;
  externalId: string | null;
  draft: ContactDraft;
}

const KEY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A new unique key: 12 characters of Crockford-style base 32 (60 random bits), easy to read in a spreadsheet. */
export function newContactKey(): string {
  const bytes = crypto.randomBytes(12);
  let key = '';
  for (const byte of bytes) key += KEY_ALPHABET[byte & 31];
  return key;
}

/**
 * What decides "unchanged" on import: every stored field but the folder, which is compared on its
 * own (moving a folder's contacts in bulk then needs no rehash).
 */
export function contentHash(draft: ContactDraft): string {
  const content = [
    draft.firstName, draft.lastName, draft.company, draft.jobTitle,
    draft.numbers.map((n) => [n.type, n.original, n.isDefault]),
    draft.emails, draft.address, draft.notes, draft.userId, draft.extension,
  ];
  return crypto.createHash('sha1').update(JSON.stringify(content)).digest('hex');
}

export function searchTerms(draft: ContactDraft): string[] {
  const terms = new Set<string>([...words(draft.firstName), ...words(draft.lastName), ...words(draft.company)]);
  // National digits only: a query is brought to national digits too, whatever its format.
  for (const number of draft.numbers) terms.add(number.digits);
  if (draft.extension) terms.add(draft.extension.replace(/\D/g, ''));
  terms.delete('');
  return [...terms];
}

/**
 * Writes contacts with their numbers and search terms, many at a time, inside the caller's
 * transaction: the import, the LDAP sync and the API share it so every path indexes the same way.
 */
export class ContactWriter {
  constructor(private readonly models: DirectoryModels) {}

  private get qi(): QueryInterface {
    return this.models.Contact.sequelize!.getQueryInterface();
  }

  private contactColumns(item: NewContact | ChangedContact, now: Date) {
    const { draft } = item;
    return {
      contact_key: item.key,
      folder_id: draft.folderId,
      source: item.source,
      external_id: item.externalId,
      first_name: draft.firstName,
      last_name: draft.lastName,
      company: draft.company,
      job_title: draft.jobTitle,
      emails: draft.emails.length ? JSON.stringify(draft.emails) : null,
      street: draft.address.street,
      postal_code: draft.address.postalCode,
      city: draft.address.city,
      country: draft.address.country,
      notes: draft.notes,
      user_id: draft.userId,
      extension: draft.extension,
      sort_name: sortName(draft.lastName, draft.firstName),
      content_hash: contentHash(draft),
      updated_at: now,
    };
  }

  async insertMany(items: NewContact[], transaction: Transaction): Promise<Map<string, number>> {
    if (!items.length) return new Map();
    const now = new Date();
    await this.qi.bulkInsert(
      this.models.Contact.getTableName() as string,
      items.map((item) => ({ ...this.contactColumns(item, now), created_at: now })),
      { transaction },
    );
    // Ids are read back by key: auto-increment values of a multi-row insert are not guaranteed consecutive.
    const rows = await this.models.Contact.findAll({
      where: { contactKey: { [Op.in]: items.map((i) => i.key) } },
      attributes: ['id', 'contactKey'],
      transaction,
      raw: true,
    });
    const ids = new Map(rows.map((r) => [r.contactKey, r.id as number]));
    await this.insertDetails(items.map((item) => ({ id: ids.get(item.key)!, draft: item.draft })), transaction);
    return ids;
  }

  async updateMany(items: ChangedContact[], transaction: Transaction): Promise<void> {
    if (!items.length) return;
    const now = new Date();
    const table = this.models.Contact.getTableName() as string;
    for (const item of items) {
      const { contact_key: _key, ...columns } = this.contactColumns(item, now);
      await this.qi.bulkUpdate(table, columns, { id: item.id }, { transaction });
    }
    await this.deleteDetails(items.map((i) => i.id), transaction);
    await this.insertDetails(items, transaction);
  }

  async deleteMany(ids: number[], transaction: Transaction): Promise<void> {
    if (!ids.length) return;
    await this.deleteDetails(ids, transaction);
    await this.models.Contact.destroy({ where: { id: { [Op.in]: ids } }, transaction });
  }

  private async deleteDetails(ids: number[], transaction: Transaction): Promise<void> {
    await this.models.ContactNumber.destroy({ where: { contactId: { [Op.in]: ids } }, transaction });
    await this.qi.bulkDelete(this.termsTable(), { contact_id: { [Op.in]: ids } }, { transaction });
  }

  private termsTable(): string {
    return (this.models.Contact.getTableName() as string).replace(/contacts$/, 'search_terms');
  }

  private async insertDetails(items: Array<{ id: number; draft: ContactDraft }>, transaction: Transaction): Promise<void> {
    const numbers = items.flatMap(({ id, draft }) =>
      draft.numbers.map((n, position) => ({
        contact_id: id, type: n.type, original: n.original, e164: n.e164, digits: n.digits, is_default: n.isDefault, position,
      })),
    );
    if (numbers.length) await this.qi.bulkInsert(this.models.ContactNumber.getTableName() as string, numbers, { transaction });
    const terms = items.flatMap(({ id, draft }) => {
      const sort = sortName(draft.lastName, draft.firstName);
      return searchTerms(draft).map((term) => ({ term, contact_id: id, sort_name: sort }));
    });
    if (terms.length) await this.qi.bulkInsert(this.termsTable(), terms, { transaction });
  }
}
