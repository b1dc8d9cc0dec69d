import type { Model, ModelStatic, Sequelize, Transaction } from 'sequelize';
import { ApiToken, Session, User, UserRole } from './models';

/**
 * How long a cached credential is trusted without reading the database again. Writes made by
 * this process invalidate at once (see `CredentialCaches`); this bounds only writes made by
 * another process on the same database (the CLI's `user reset-password`, a second node).
 */
export const CREDENTIAL_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * A read-through cache of one kind of credential. Concurrent misses on one key share one load.
 * `clear()` starts a new generation: a load begun before it (which may have read the old rows)
 * is handed to its callers but never stored, so a revoke cannot be undone by a late answer.
 * Only found values are kept; an unknown key is read each time (nothing to invalidate later).
 */
export class CredentialCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  private readonly loading = new Map<K, Promise<V | null>>();
  private generation = 0;

  constructor(private readonly ttlMs: number = CREDENTIAL_TTL_MS) {}

  get(key: K, load: () => Promise<V | null>): Promise<V | null> {
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return Promise.resolve(hit.value);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const settle = () => {
      if (generation === this.generation) this.loading.delete(key);
    };
    const loaded = load().then(
      (value) => {
        settle();
        if (value !== null && generation === this.generation) this.store(key, value);
        return value;
      },
      (err: unknown) => {
        settle();
        throw err;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  private store(key: K, value: V): void {
    this.entries.delete(key);
    // Oldest first in a Map: the one least recently stored goes when full.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, until: Date.now() + this.ttlMs });
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }
}

/** A user with the ids of the roles it holds: what an identity needs besides its credential. */
export interface CachedAccount {
  user: User;
  roleIds: number[];
}

type WriteHook = 'afterCreate' | 'afterUpdate' | 'afterDestroy' | 'afterBulkCreate' | 'afterBulkUpdate' | 'afterBulkDestroy' | 'afterUpsert';
const CHANGES: WriteHook[] = ['afterUpdate', 'afterDestroy', 'afterBulkUpdate', 'afterBulkDestroy', 'afterUpsert'];
const CREATES: WriteHook[] = ['afterCreate', 'afterBulkCreate'];

/**
 * The caches of the request path: sessions by id, API tokens by hash, accounts by user id.
 * Every write to the rows they hold, through any service of this process, clears the cache
 * concerned, by Sequelize hooks on this app's connection: when the write is made, and again when
 * its transaction commits (a read between the two may still see the old row). Throttled
 * bookkeeping (a session's last-seen time, a token's last use) is written with `hooks: false`
 * and updates the cached record in place instead.
 */
export class CredentialCaches {
  readonly sessions = new CredentialCache<string, Session>();
  readonly tokens = new CredentialCache<string, ApiToken>();
  readonly accounts = new CredentialCache<number, CachedAccount>();

  constructor(sequelize: Sequelize) {
    // New sessions and tokens cannot be cached yet; a new role link changes what a user holds.
    const watched: Array<[ModelStatic<Model>, { clear(): void }, WriteHook[]]> = [
      [Session, this.sessions, CHANGES],
      [ApiToken, this.tokens, CHANGES],
      [User, this.accounts, CHANGES],
      [UserRole, this.accounts, [...CHANGES, ...CREATES]],
    ];
    for (const hook of [...CHANGES, ...CREATES]) {
      sequelize.addHook(hook, function (this: ModelStatic<Model>, ...args: unknown[]) {
        const options = args[args.length - 1] as { transaction?: Transaction | null } | undefined;
        for (const [model, cache, hooks] of watched) {
          if (this !== model || !hooks.includes(hook)) continue;
          cache.clear();
          options?.transaction?.afterCommit(() => cache.clear());
        }
      } as never);
    }
  }
}
