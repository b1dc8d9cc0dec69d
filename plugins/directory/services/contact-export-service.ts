import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { CSV_SEPARATORS, type CsvSeparator } from '../../../core/plugin-api';
import type { DirectoryModels } from '../models';
import { NUMBER_TYPES, type ContactDraft } from '../types';
import type { CarillonUsers } from './carillon-users';
import { COLUMNS, headers, type CsvField, type CsvLanguage } from './csv/columns';
import { eachContactPage } from './contact-rows';
import { FolderTree } from './folder-tree';

export interface ExportOptions {
  language: CsvLanguage;
  separator: CsvSeparator;
}

const EXAMPLES: Record<CsvLanguage, Partial<Record<CsvField, string>>> = {
  fr: {
    lastName: 'Dupont', firstName: 'Jeanne', company: 'Exemple SA', jobTitle: 'Comptable', folder: 'Clients/Paris',
    work: '01 23 45 67 89', mobile: '06 12 34 56 78', defaultNumber: 'mobile', emails: 'jeanne.dupont@example.com',
    street: '1 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'France', notes: 'Rappeler le matin',
  },
  en: {
    lastName: 'Doe', firstName: 'Jane', company: 'Example Ltd', jobTitle: 'Accountant', folder: 'Customers/London',
    work: '+44 20 7946 0018', mobile: '+44 7700 900123', defaultNumber: 'mobile', emails: 'jane.doe@example.com',
    street: '1 Example Street', postalCode: 'SW1A 1AA', city: 'London', country: 'United Kingdom', notes: 'Call back in the morning',
  },
};

function csvOptions(options: ExportOptions) {
  // A BOM and CRLF: what spreadsheet programs need to open UTF-8 with accents and line breaks right.
  return { delimiter: CSV_SEPARATORS[options.separator], bom: true, record_delimiter: 'windows' as const };
}

/** The export (every contact with its unique key, importable as is) and the template. */
export class ContactExportService {
  constructor(
    private readonly models: DirectoryModels,
    private readonly users: CarillonUsers,
  ) {}

  template(options: ExportOptions): string {
    const example = EXAMPLES[options.language];
    return stringifySync([headers(options.language), COLUMNS.map((c) => example[c.field] ?? '')], csvOptions(options));
  }

  /** Streams the export into `output`; resolves with the number of contacts written. */
  async write(output: Writable, options: ExportOptions): Promise<number> {
    const folders = await FolderTree.load(this.models);
    const emails = await this.users.emailsById();
    let count = 0;
    const models = this.models;
    async function* records() {
      yield headers(options.language);
      for await (const page of eachContactPage(models)) {
        for (const { row, draft } of page) {
          count++;
          yield exportRow(row.contactKey, row.source, draft, folders, emails);
        }
      }
    }
    await pipeline(Readable.from(records()), stringify(csvOptions(options)), output);
    return count;
  }
}

function exportRow(key: string, source: string, draft: ContactDraft, folders: FolderTree, emails: Map<number, string>): string[] {
  const values: Record<CsvField, string> = {
    key,
    lastName: draft.lastName,
    firstName: draft.firstName,
    company: draft.company ?? '',
    jobTitle: draft.jobTitle ?? '',
    folder: folders.pathOf(draft.folderId).join('/'),
    work: '', mobile: '', home: '', fax: '', other: '',
    defaultNumber: draft.numbers.find((n) => n.isDefault)?.original ?? '',
    emails: draft.emails.join(', '),
    street: draft.address.street ?? '',
    postalCode: draft.address.postalCode ?? '',
    city: draft.address.city ?? '',
    country: draft.address.country ?? '',
    notes: draft.notes ?? '',
    user: draft.userId ? (emails.get(draft.userId) ?? '') : '',
    extension: draft.extension ?? '',
    source: source === 'ldap' ? 'ldap' : '',
  };
  for (const type of NUMBER_TYPES) values[type] = draft.numbers.filter((n) => n.type === type).map((n) => n.original).join(', ');
  return COLUMNS.map((c) => values[c.field]);
}
