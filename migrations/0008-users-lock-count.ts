import type { MigrationContext } from '../core/db/migrator';

type Params = { context: MigrationContext };

/** Locks in a row per user, so each lockout lasts longer than the one before (auth.lockout). */
export async function up({ context: { queryInterface, DataTypes, transaction } }: Params): Promise<void> {
  await queryInterface.addColumn('users', 'lock_count', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 }, { transaction });
}

export async function down({ context: { queryInterface, transaction } }: Params): Promise<void> {
  await queryInterface.removeColumn('users', 'lock_count', { transaction });
}
