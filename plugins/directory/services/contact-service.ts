import { HttpError } from '../../../core/plugin-api';
type FieldError = { field: string; code: string; message: string };
import type { DirectoryModels } from '../models';
import type { ContactDraft, NumberDisplay, NumberType, StoredNumber } from '../types';
import { NUMBER_PROBLEMS } from './contact-rules';
import { draftOf, numbersOf, type ContactRecord } from './contact-rows';
import { ContactWriter, newContactKey } from './contact-writer';
import type { DirectorySettings } from './directory-settings';
import type { DirectoryState } from './directory-state';
import { FolderTree } from './folder-tree';
import type { PhoneNumbers } from './phone-numbers';

/** A contact as the API receives it (already checked by the route's zod schema). */
export interface ContactInput {
  folderId?: number | null;
  firstName?: string;
  lastName?: string;
  company?: string | null;
  jobTitle?: string | null;
  numbers?: Array<{ type: NumberType; number: string; isDefault?: boolean }>;
  emails?: string[];
  address?: { street?: string | null; postalCode?: string | null; city?: string | null; country?: string | null };
  notes?: string | null;
  userId?: number | null;
  extension?: string | null;
}

export interface NumberView {
  type: NumberType;
  original: string;
  e164: string | null;
  display: string;
  isDefault: boolean;
}

export interface ContactCard {
  key: string;
  folderId: number | null;
  folderPath: string[];
  source: string;
  readOnly: boolean;
  firstName: string;
  lastName: string;
  displayName: string;
  company: string | null;
  jobTitle: string | null;
  numbers: NumberView[];
  defaultNumber: string | null;
  emails: string[];
  address: ContactDraft['address'];
  notes: string | null;
  userId: number | null;
  extension: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Anything that can tell whether a Carillon user exists (core's UserService). */
export interface UserExistence {
  find(id: number): Promise<unknown>;
}

export function numberViews(numbers: StoredNumber[], phones: PhoneNumbers, display: NumberDisplay): NumberView[] {
  return numbers.map((n) => ({ type: n.type, original: n.original, e164: n.e164, display: phones.display(n, display), isDefault: n.isDefault }));
}

/** The contact card: read, create, edit, delete one contact. LDAP contacts are read-only. */
export class ContactService {
  constructor(
    private readonly models: DirectoryModels,
    private readonly writer: ContactWriter,
    private readonly settings: DirectorySettings,
    private readonly state: DirectoryState,
    private readonly users: UserExistence,
  ) {}

  private async record(key: string): Promise<ContactRecord> {
    const row = (await this.models.Contact.findOne({ where: { contactKey: key }, raw: true })) as unknown as ContactRecord | null;
    if (!row) throw new HttpError(404, 'contact_not_found', 'Not found', `No contact has the key "${key}".`);
    return row;
  }

  async card(key: string, display: NumberDisplay): Promise<ContactCard> {
    const row = await this.record(key);
    const numbers = (await numbersOf(this.models, [row.id])).get(row.id) ?? [];
    return this.toCard(row, draftOf(row, numbers), await FolderTree.load(this.models), display, await this.settings.phoneNumbers());
  }

  async create(input: ContactInput, display: NumberDisplay): Promise<ContactCard> {
    const draft = await this.validate(input, null);
    const key = newContactKey();
    await this.models.Contact.sequelize!.transaction((transaction) => this.writer.insertMany([{ key, source: 'local', externalId: null, draft }], transaction));
    await this.state.markChanged('edit');
    return this.card(key, display);
  }

  async update(key: string, input: ContactInput, display: NumberDisplay): Promise<ContactCard> {
    const row = await this.writable(key);
    const numbers = (await numbersOf(this.models, [row.id])).get(row.id) ?? [];
    const draft = await this.validate(input, draftOf(row, numbers));
    await this.models.Contact.sequelize!.transaction((transaction) =>
      this.writer.updateMany([{ id: row.id, key, source: 'local', externalId: null, draft }], transaction),
    );
    await this.state.markChanged('edit');
    return this.card(key, display);
  }

  async remove(key: string): Promise<void> {
    const row = await this.writable(key);
    await this.models.Contact.sequelize!.transaction((transaction) => this.writer.deleteMany([row.id], transaction));
    await this.state.markChanged('edit');
  }

  private async writable(key: string): Promise<ContactRecord> {
    const row = await this.record(key);
    if (row.source === 'ldap') {
      throw HttpError.conflict('contact_read_only', 'This contact comes from the LDAP directory: change it there; the next sync brings the change here.');
    }
    return row;
  }

  /** Merges the input over the current content and checks what the schema cannot: numbers, folder, user. */
  private async validate(input: ContactInput, current: ContactDraft | null): Promise<ContactDraft> {
    const errors: FieldError[] = [];
    const phones = await this.settings.phoneNumbers();
    let numbers = current?.numbers ?? [];
    if (input.numbers) {
      numbers = [];
      input.numbers.forEach((entry, index) => {
        const stored = phones.normalise(entry.type, entry.number, !!entry.isDefault);
        if (typeof stored === 'string') errors.push({ field: `body.numbers.${index}.number`, code: stored, message: NUMBER_PROBLEMS[stored] });
        else numbers.push(stored);
      });
      const flagged = numbers.findIndex((n) => n.isDefault);
      numbers = numbers.map((n, i) => ({ ...n, isDefault: flagged < 0 ? i === 0 : i === flagged }));
    }
    const folderId = input.folderId !== undefined ? input.folderId : (current?.folderId ?? null);
    if (folderId !== null && !(await this.models.Folder.findByPk(folderId))) {
      errors.push({ field: 'body.folderId', code: 'folder_not_found', message: `No folder with id ${folderId}.` });
    }
    const userId = input.userId !== undefined ? input.userId : (current?.userId ?? null);
    if (userId !== null && input.userId !== undefined) {
      try {
        await this.users.find(userId);
      } catch {
        errors.push({ field: 'body.userId', code: 'user_not_found', message: `No Carillon user with id ${userId}.` });
      }
    }
    if (errors.length) throw HttpError.validation(errors);
    const address = { street: null, postalCode: null, city: null, country: null, ...current?.address, ...input.address };
    return {
      folderId,
      firstName: input.firstName ?? current!.firstName,
      lastName: input.lastName ?? current!.lastName,
      company: pick(input.company, current?.company),
      jobTitle: pick(input.jobTitle, current?.jobTitle),
      numbers,
      emails: input.emails ?? current?.emails ?? [],
      address,
      notes: pick(input.notes, current?.notes),
      userId,
      extension: pick(input.extension, current?.extension),
    };
  }

  toCard(row: ContactRecord, draft: ContactDraft, folders: FolderTree, display: NumberDisplay, phones: PhoneNumbers): ContactCard {
    const views = numberViews(draft.numbers, phones, display);
    return {
      key: row.contactKey,
      folderId: draft.folderId,
      folderPath: folders.pathOf(draft.folderId),
      source: row.source,
      readOnly: row.source === 'ldap',
      firstName: draft.firstName,
      lastName: draft.lastName,
      displayName: `${draft.firstName} ${draft.lastName}`,
      company: draft.company,
      jobTitle: draft.jobTitle,
      numbers: views,
      defaultNumber: views.find((n) => n.isDefault)?.display ?? null,
      emails: draft.emails,
      address: draft.address,
      notes: draft.notes,
      userId: draft.userId,
      extension: draft.extension,
      createdAt: new Date(row.createdAt).toISOString(),
      updatedAt: new Date(row.updatedAt).toISOString(),
    };
  }
}

function pick<T>(value: T | undefined, current: T | null | undefined): T | null {
  return value !== undefined ? value : (current ?? null);
}
