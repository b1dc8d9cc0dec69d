import type { CollectionRegistry } from '../plugins/collections';

/**
 * The extensions that exist, as the telephony resources know them (the database is the source
 * of truth: ARI may still list removed endpoints). The extensions module contributes one to the
 * collection `telephony.extensionDirectory`; the call log uses it for agents' own calls and the
 * registrations view for the list of extensions.
 */
export interface ExtensionDirectory {
  list(): Promise<Array<{ number: string; name: string; sipUsername: string }>>;
  /** Extension numbers linked to a user. */
  numbersOfUser(userId: number): Promise<string[]>;
}

export const EXTENSION_DIRECTORY = 'telephony.extensionDirectory';

/** The contributed directories, merged; with none, no extension is known. */
export class ExtensionLookup implements ExtensionDirectory {
  constructor(private readonly collections: CollectionRegistry) {}

  async list(): Promise<Array<{ number: string; name: string; sipUsername: string }>> {
    const all = await Promise.all(this.collections.list<ExtensionDirectory>(EXTENSION_DIRECTORY).map((d) => d.list()));
    const byNumber = new Map(all.flat().map((e) => [e.number, e]));
    return [...byNumber.values()].sort((a, b) => a.number.localeCompare(b.number, 'en', { numeric: true }));
  }

  async numbersOfUser(userId: number): Promise<string[]> {
    const all = await Promise.all(this.collections.list<ExtensionDirectory>(EXTENSION_DIRECTORY).map((d) => d.numbersOfUser(userId)));
    return [...new Set(all.flat())];
  }
}
