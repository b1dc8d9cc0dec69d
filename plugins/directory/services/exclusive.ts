import { HttpError } from '../../../core/plugin-api';

/**
 * One bulk change at a time (import, restore, LDAP sync): each reads the whole directory and
 * rewrites it in one transaction, so two at once would plan against stale data.
 */
export class BulkChangeLock {
  private holder: string | null = null;

  async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.holder) throw new HttpError(409, 'directory_busy', 'Directory busy', `Another bulk change (${this.holder}) is running; try again when it ends.`);
    this.holder = what;
    try {
      return await work();
    } finally {
      this.holder = null;
    }
  }
}
