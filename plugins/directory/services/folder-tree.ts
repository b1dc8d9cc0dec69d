import type { Transaction } from 'sequelize';
import type { DirectoryModels } from '../models';

interface FolderNode {
  id: number;
  parentId: number | null;
  name: string;
}

/** All folders in memory, to turn CSV paths ("Sales/Paris") into ids and back. Folders are few. */
export class FolderTree {
  private readonly byId = new Map<number, FolderNode>();
  private readonly byPath = new Map<string, number>();

  private constructor(nodes: FolderNode[]) {
    for (const node of nodes) this.byId.set(node.id, node);
    for (const node of nodes) this.byPath.set(this.pathOf(node.id).join('/'), node.id);
  }

  static async load(models: DirectoryModels, transaction?: Transaction): Promise<FolderTree> {
    const rows = await models.Folder.findAll({ attributes: ['id', 'parentId', 'name'], raw: true, transaction });
    return new FolderTree(rows.map((r) => ({ id: r.id as number, parentId: r.parentId, name: r.name })));
  }

  pathOf(id: number | null): string[] {
    const path: string[] = [];
    const seen = new Set<number>();
    for (let node = id === null ? undefined : this.byId.get(id); node && !seen.has(node.id); node = node.parentId === null ? undefined : this.byId.get(node.parentId)) {
      seen.add(node.id);
      path.unshift(node.name);
    }
    return path;
  }

  /** The id of an existing folder path; null for the root; undefined when some folder is missing. */
  idOf(path: string[]): number | null | undefined {
    if (!path.length) return null;
    return this.byPath.get(path.join('/'));
  }

  /** Creates the missing folders of a path (inside the caller's transaction) and returns its id. */
  async ensure(models: DirectoryModels, path: string[], transaction: Transaction): Promise<{ id: number | null; created: number }> {
    let parentId: number | null = null;
    let created = 0;
    for (let depth = 1; depth <= path.length; depth++) {
      const key = path.slice(0, depth).join('/');
      let id = this.byPath.get(key);
      if (id === undefined) {
        const now = new Date();
        const row = await models.Folder.create({ parentId, name: path[depth - 1], createdAt: now, updatedAt: now }, { transaction });
        id = row.id as number;
        this.byId.set(id, { id, parentId, name: path[depth - 1] });
        this.byPath.set(key, id);
        created++;
      }
      parentId = id;
    }
    return { id: parentId, created };
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** The folder and every folder under it. */
  subtree(id: number): number[] {
    const result = [id];
    for (let i = 0; i < result.length; i++) {
      for (const node of this.byId.values()) if (node.parentId === result[i]) result.push(node.id);
    }
    return result;
  }
}
