import type { DirectoryModels } from '../models';
import type { PhonebookEntry, PhonebookGroup, PhonebookSource } from '../phonebook-source';
import { eachContactPage } from './contact-rows';
import type { DirectoryState } from './directory-state';

/** The directory as a phonebook source: folders become groups, contacts with a number become entries. */
export class DirectoryPhonebook implements PhonebookSource {
  readonly id = 'directory';

  constructor(
    private readonly models: DirectoryModels,
    private readonly state: DirectoryState,
  ) {}

  changedAt(): Date {
    return this.state.changedAt;
  }

  revision(): number {
    return this.state.revision;
  }

  async groups(): Promise<PhonebookGroup[]> {
    const folders = await this.models.Folder.findAll({ order: [['name', 'ASC']], raw: true });
    return folders.map((f) => ({ id: String(f.id), name: f.name, parentId: f.parentId === null ? null : String(f.parentId) }));
  }

  async entries(): Promise<PhonebookEntry[]> {
    const entries: PhonebookEntry[] = [];
    // Pages of 250: each is turned into entries without a pause, so it stays a few milliseconds of work.
    for await (const page of eachContactPage(this.models, 250)) {
      for (const { row, draft } of page) {
        // A phone cannot call a contact without a number; fax machines are not called either.
        const numbers = draft.numbers.filter((n) => n.type !== 'fax').map((n) => ({ type: n.type, dial: n.e164 ?? n.digits, isDefault: n.isDefault }));
        if (!numbers.length) continue;
        entries.push({
          id: row.contactKey,
          firstName: draft.firstName,
          lastName: draft.lastName,
          company: draft.company,
          jobTitle: draft.jobTitle,
          email: draft.emails[0] ?? null,
          groupIds: draft.folderId === null ? [] : [String(draft.folderId)],
          numbers,
        });
      }
    }
    // In id order: provisioning sorts the merged phonebook (in slices: thousands of names take a while).
    return entries;
  }
}
