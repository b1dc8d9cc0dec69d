import type { SettingsStore } from './directory-settings';

export type ChangeReason = 'edit' | 'import' | 'restore' | 'ldap' | 'folders';

interface StoredState {
  revision: number;
  changedAt: string;
}

const KEY = 'directory.state';

/**
 * The directory's revision: bumped on every change, so an import plan made on an older revision
 * is refused, and phones know when their phonebook must be regenerated (`directory.changed`).
 */
export class DirectoryState {
  private state: StoredState = { revision: 0, changedAt: new Date(0).toISOString() };

  constructor(
    private readonly store: SettingsStore,
    private readonly publish: (name: string, payload: unknown) => void,
  ) {}

  async load(): Promise<void> {
    this.state = (await this.store.get<StoredState>(KEY)) ?? this.state;
  }

  get revision(): number {
    return this.state.revision;
  }

  get changedAt(): Date {
    return new Date(this.state.changedAt);
  }

  async markChanged(reason: ChangeReason): Promise<void> {
    this.state = { revision: this.state.revision + 1, changedAt: new Date().toISOString() };
    await this.store.set(KEY, this.state);
    this.publish('changed', { reason, revision: this.state.revision, changedAt: this.state.changedAt });
  }
}
