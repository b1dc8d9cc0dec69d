import type { MigrationContext } from '../core/db/migrator';

type Params = { context: MigrationContext };

/** The audit log keeps what a change did: the masked before/after of each field (JSON). */
export async function up({ context: { queryInterface, DataTypes, transaction } }: Params): Promise<void> {
  // MEDIUMTEXT on MariaDB (a role's permission list can exceed TEXT's 64 KB); TEXT on SQLite.
  await queryInterface.addColumn('audit_log', 'changes', { type: DataTypes.TEXT('medium'), allowNull: true }, { transaction });
}

export async function down({ context: { queryInterface, transaction } }: Params): Promise<void> {
  await queryInterface.removeColumn('audit_log', 'changes', { transaction });
}
