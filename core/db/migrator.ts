import fs from 'node:fs';
import path from 'node:path';
import { DataTypes, QueryInterface, Sequelize, Transaction } from 'sequelize';
import { Umzug, type UmzugStorage, type MigrationParams } from 'umzug';
import type { Logger } from '../logging/logger';

/** What every migration's `up` and `down` receive as `context`. */
export interface MigrationContext {
  queryInterface: QueryInterface;
  sequelize: Sequelize;
  DataTypes: typeof DataTypes;
  /** Pass it to every call (`{ transaction }`) so the migration is all-or-nothing where the dialect allows. */
  transaction: Transaction;
  /** Table name prefix the namespace must use: '' for core, '<plugin id>_' for a plugin. */
  tablePrefix: string;
}

export type MigrationFn = (params: { name: string; context: MigrationContext }) => Promise<unknown>;

export interface MigrationDefinition {
  name: string;
  up: MigrationFn;
  down: MigrationFn;
}

export const MIGRATIONS_TABLE = 'carillon_migrations';

export class MigrationFailedError extends Error {
  readonly code = 'migration_failed';
  constructor(
    readonly namespace: string,
    readonly migration: string,
    override readonly cause: Error,
    readonly restored: boolean,
  ) {
    super(`Migration ${migration} of ${namespace} failed: ${cause.message}`);
  }
}

/** Records executed migrations in one table, one namespace per core or plugin. */
class NamespacedStorage implements UmzugStorage {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly namespace: string,
  ) {}

  async executed(): Promise<string[]> {
    const [rows] = await this.sequelize.query(
      `SELECT name FROM ${MIGRATIONS_TABLE} WHERE namespace = ? ORDER BY name`,
      { replacements: [this.namespace] },
    );
    return (rows as Array<{ name: string }>).map((row) => row.name);
  }
  async logMigration({ name }: { name: string }): Promise<void> {
    await this.sequelize.query(`INSERT INTO ${MIGRATIONS_TABLE} (namespace, name, executed_at) VALUES (?, ?, ?)`, {
      replacements: [this.namespace, name, new Date()],
    });
  }
  async unlogMigration({ name }: { name: string }): Promise<void> {
    await this.sequelize.query(`DELETE FROM ${MIGRATIONS_TABLE} WHERE namespace = ? AND name = ?`, {
      replacements: [this.namespace, name],
    });
  }
}

export async function ensureMigrationsTable(sequelize: Sequelize): Promise<void> {
  await sequelize.getQueryInterface().createTable(MIGRATIONS_TABLE, {
    namespace: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
    name: { type: DataTypes.STRING(191), allowNull: false, primaryKey: true },
    executed_at: { type: DataTypes.DATE, allowNull: false },
  });
}

/** Loads migration modules (`.ts` in a source checkout, `.js` once compiled) from a folder, sorted by name. */
export function loadMigrationFolder(folder: string): MigrationDefinition[] {
  if (!fs.existsSync(folder)) return [];
  const files = fs
    .readdirSync(folder)
    .filter((file) => /\.(ts|js|cjs)$/.test(file) && !file.endsWith('.d.ts') && !file.includes('.test.'))
    .sort();
  return files.map((file) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(folder, file)) as Partial<MigrationDefinition> & { default?: Partial<MigrationDefinition> };
    const def = mod.up ? mod : mod.default ?? {};
    const name = file.replace(/\.(ts|js|cjs)$/, '');
    if (typeof def.up !== 'function' || typeof def.down !== 'function') {
      throw new Error(`Migration ${path.join(folder, file)} must export both up and down functions`);
    }
    return { name, up: def.up, down: def.down };
  });
}

export interface MigrationStatus {
  namespace: string;
  executed: string[];
  pending: string[];
}

/** Runs one namespace's migrations; each in a transaction, with `down` as the fallback on dialects whose DDL is not transactional. */
export class NamespaceMigrator {
  private readonly umzug: Umzug<MigrationContext>;

  constructor(
    private readonly sequelize: Sequelize,
    readonly namespace: string,
    migrations: MigrationDefinition[],
    private readonly logger: Logger,
    tablePrefix = '',
  ) {
    const baseContext = { queryInterface: sequelize.getQueryInterface(), sequelize, DataTypes, tablePrefix };
    const transactionalDdl = sequelize.getDialect() === 'sqlite';
    this.umzug = new Umzug<MigrationContext>({
      migrations: migrations.map((migration) => ({
        name: migration.name,
        up: async () => {
          try {
            await sequelize.transaction((transaction) => migration.up({ name: migration.name, context: { ...baseContext, transaction } }));
          } catch (err) {
            let restored = transactionalDdl;
            if (!transactionalDdl) restored = await this.undoPartial(migration, baseContext);
            throw new MigrationFailedError(namespace, migration.name, err as Error, restored);
          }
        },
        down: async () => {
          await sequelize.transaction((transaction) => migration.down({ name: migration.name, context: { ...baseContext, transaction } }));
        },
      })),
      context: () => ({ ...baseContext }) as MigrationContext,
      storage: new NamespacedStorage(sequelize, namespace),
      logger: undefined,
    });
  }

  /** MariaDB commits DDL implicitly: a failed `up` is undone by running the migration's `down`. */
  private async undoPartial(migration: MigrationDefinition, baseContext: Omit<MigrationContext, 'transaction'>): Promise<boolean> {
    try {
      await this.sequelize.transaction((transaction) => migration.down({ name: migration.name, context: { ...baseContext, transaction } }));
      return true;
    } catch (err) {
      this.logger.error({ err, namespace: this.namespace, migration: migration.name }, 'undoing a failed migration failed too');
      return false;
    }
  }

  async status(): Promise<MigrationStatus> {
    const [executed, pending] = await Promise.all([this.umzug.executed(), this.umzug.pending()]);
    return { namespace: this.namespace, executed: executed.map((m) => m.name), pending: pending.map((m) => m.name) };
  }

  async up(): Promise<string[]> {
    try {
      const done = await this.umzug.up();
      for (const m of done) this.logger.info({ namespace: this.namespace, migration: m.name }, 'migration applied');
      return done.map((m) => m.name);
    } catch (err) {
      throw unwrapMigrationError(err);
    }
  }

  async down(step: number): Promise<string[]> {
    try {
      const done = await this.umzug.down({ step });
      for (const m of done) this.logger.info({ namespace: this.namespace, migration: m.name }, 'migration reverted');
      return done.map((m) => m.name);
    } catch (err) {
      throw unwrapMigrationError(err);
    }
  }
}

function unwrapMigrationError(err: unknown): Error {
  // Umzug wraps errors in its own MigrationError; surface ours (or the original) instead.
  let current = err as Error & { cause?: unknown };
  while (current && !(current instanceof MigrationFailedError) && current.cause instanceof Error) current = current.cause as Error & { cause?: unknown };
  return current instanceof MigrationFailedError ? current : (err as Error);
}

export type { MigrationParams };
