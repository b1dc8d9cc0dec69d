import { EXTENSION_DIRECTORY, type ExtensionDirectory } from '../../calls/extension-directory';
import type { CollectionRegistry } from '../../plugins/collections';
import { Extension } from './models';

/** The extensions that exist, from the database (the source of truth), for the call log and the registrations view. */
export const extensionDirectory: ExtensionDirectory = {
  async list() {
    const rows = await Extension.findAll({ attributes: ['number', 'name', 'sipUsername'], order: [['number', 'ASC']] });
    return rows.map((row) => ({ number: row.number, name: row.name, sipUsername: row.sipUsername }));
  },
  async numbersOfUser(userId) {
    const rows = await Extension.findAll({ attributes: ['number'], where: { userId } });
    return rows.map((row) => row.number);
  },
};

export function contributeExtensionDirectory(collections: CollectionRegistry): void {
  collections.contribute(EXTENSION_DIRECTORY, 'core', extensionDirectory);
}
