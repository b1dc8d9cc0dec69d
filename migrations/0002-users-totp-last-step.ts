import type { MigrationContext } from '../core/db/migrator';

type Params = { context: MigrationContext };

/** The last TOTP time step accepted per user, so that a code works once even across restarts. */
export async function up({ context: { queryInterface, DataTypes, transaction } }: Params): Promise<void> {
  await queryInterface.addColumn('users', 'totp_last_step', { type: DataTypes.BIGINT, allowNull: true }, { transaction });
}

export async function down({ context: { queryInterface, transaction } }: Params): Promise<void> {
  await queryInterface.removeColumn('users', 'totp_last_step', { transaction });
}
