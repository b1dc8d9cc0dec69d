import { QueryTypes } from 'sequelize';
import type { DirectoryModels } from '../models';
import type { CallerNameResolver } from '../phonebook-source';
import type { DirectorySettings } from './directory-settings';

/**
 * Names inbound callers Asterisk gives no name for: the number is brought to E.164 (or kept as
 * internal digits) and matched on the indexed number columns.
 */
export class CallerNameLookup implements CallerNameResolver {
  readonly id = 'directory';

  constructor(
    private readonly models: DirectoryModels,
    private readonly settings: DirectorySettings,
  ) {}

  async resolve(number: string): Promise<string | null> {
    const digits = number.replace(/\D/g, '');
    if (digits.length < 2) return null;
    const e164 = (await this.settings.phoneNumbers()).toE164(number);
    const numbers = this.models.ContactNumber.getTableName() as string;
    const contacts = this.models.Contact.getTableName() as string;
    const match = e164 ? 'n.e164 = :e164' : 'n.e164 IS NULL AND n.digits = :digits';
    const [row] = await this.models.Contact.sequelize!.query<{ first_name: string; last_name: string; company: string | null }>(
      `SELECT c.first_name, c.last_name, c.company FROM ${numbers} n JOIN ${contacts} c ON c.id = n.contact_id WHERE ${match} ORDER BY n.is_default DESC, c.id LIMIT 1`,
      { replacements: { e164, digits }, type: QueryTypes.SELECT },
    );
    return row ? `${row.first_name} ${row.last_name}` : null;
  }
}
