import { HttpError, Op } from '../../../core/plugin-api';
import { QueryTypes } from 'sequelize';
import type { DirectoryModels, FolderRow } from '../models';
import type { ContactWriter } from './contact-writer';
import type { DirectoryState } from './directory-state';
import { FolderTree } from './folder-tree';

export interface FolderView {
  id: number;
  parentId: number | null;
  name: string;
  path: string[];
  contactCount: number;
}

export type FolderContentChoice = { contents: 'move'; moveTo?: number | null } | { contents: 'delete' };

/** Nested folders: create, rename or move, delete with their content moved elsewhere or removed. */
export class FolderService {
  constructor(
    private readonly models: DirectoryModels,
    private readonly writer: ContactWriter,
    private readonly state: DirectoryState,
  ) {}

  async list(): Promise<FolderView[]> {
    const tree = await FolderTree.load(this.models);
    const folders = await this.models.Folder.findAll({ order: [['name', 'ASC']], raw: true });
    const contacts = this.models.Contact.getTableName() as string;
    const counts = await this.models.Contact.sequelize!.query<{ folder_id: number; n: number }>(
      `SELECT folder_id, COUNT(*) AS n FROM ${contacts} WHERE folder_id IS NOT NULL GROUP BY folder_id`,
      { type: QueryTypes.SELECT },
    );
    const byFolder = new Map(counts.map((c) => [Number(c.folder_id), Number(c.n)]));
    return folders.map((f) => ({ id: f.id, parentId: f.parentId, name: f.name, path: tree.pathOf(f.id), contactCount: byFolder.get(f.id) ?? 0 }));
  }

  async create(input: { name: string; parentId: number | null }): Promise<FolderView> {
    await this.assertFree(input.name, input.parentId, null);
    const now = new Date();
    const row = await this.models.Folder.create({ name: input.name, parentId: input.parentId, createdAt: now, updatedAt: now });
    await this.state.markChanged('folders');
    return this.view(row.id);
  }

  async update(id: number, input: { name?: string; parentId?: number | null }): Promise<FolderView> {
    const folder = await this.find(id);
    const parentId = input.parentId !== undefined ? input.parentId : folder.parentId;
    if (parentId !== null) {
      const tree = await FolderTree.load(this.models);
      if (tree.subtree(id).includes(parentId)) throw HttpError.conflict('folder_cycle', 'A folder cannot move into itself or one of its subfolders.');
    }
    const name = input.name ?? folder.name;
    await this.assertFree(name, parentId, id);
    await folder.update({ name, parentId, updatedAt: new Date() });
    await this.state.markChanged('folders');
    return this.view(id);
  }

  /**
   * Deletes a folder. `move` puts its contacts and subfolders in `moveTo` (default: its parent);
   * `delete` removes it with every subfolder and every local contact in them. LDAP contacts are
   * never deleted here: they go to the root folder until the next sync.
   */
  async remove(id: number, choice: FolderContentChoice): Promise<{ contactsMoved: number; contactsDeleted: number }> {
    const folder = await this.find(id);
    const tree = await FolderTree.load(this.models);
    const subtree = tree.subtree(id);
    let result = { contactsMoved: 0, contactsDeleted: 0 };
    await this.models.Folder.sequelize!.transaction(async (transaction) => {
      if (choice.contents === 'move') {
        const target = choice.moveTo === undefined ? folder.parentId : choice.moveTo;
        if (target !== null && (subtree.includes(target) || !tree.has(target))) {
          throw HttpError.validation([{ field: 'query.moveTo', code: 'invalid_target', message: 'Move the content to another existing folder, outside the one deleted.' }]);
        }
        const [moved] = await this.models.Contact.update({ folderId: target }, { where: { folderId: id }, transaction });
        await this.models.Folder.update({ parentId: target }, { where: { parentId: id }, transaction });
        result = { contactsMoved: moved, contactsDeleted: 0 };
      } else {
        const local = await this.models.Contact.findAll({ where: { folderId: { [Op.in]: subtree }, source: 'local' }, attributes: ['id'], raw: true, transaction });
        await this.writer.deleteMany(local.map((c) => c.id as number), transaction);
        const [moved] = await this.models.Contact.update({ folderId: null }, { where: { folderId: { [Op.in]: subtree } }, transaction });
        result = { contactsMoved: moved, contactsDeleted: local.length };
      }
      await this.models.Folder.destroy({ where: { id }, transaction });
    });
    await this.state.markChanged('folders');
    return result;
  }

  private async find(id: number): Promise<FolderRow> {
    const folder = await this.models.Folder.findByPk(id);
    if (!folder) throw new HttpError(404, 'folder_not_found', 'Not found', `No folder with id ${id}.`);
    return folder;
  }

  private async view(id: number): Promise<FolderView> {
    return (await this.list()).find((f) => f.id === id)!;
  }

  private async assertFree(name: string, parentId: number | null, self: number | null): Promise<void> {
    if (parentId !== null && !(await this.models.Folder.findByPk(parentId))) {
      throw HttpError.validation([{ field: 'body.parentId', code: 'folder_not_found', message: `No folder with id ${parentId}.` }]);
    }
    const siblings = await this.models.Folder.findAll({ where: { parentId }, raw: true });
    if (siblings.some((f) => f.id !== self && f.name.toLowerCase() === name.toLowerCase())) {
      throw HttpError.conflict('folder_exists', `A folder named "${name}" already exists here.`, [{ field: 'body.name', code: 'folder_exists', message: 'Already used in this folder.' }]);
    }
  }
}
