import type { MigrationContext } from '../core/db/migrator';

type Params = { context: MigrationContext };

/**
 * Recording policy on inbound and outbound routes (as on extensions: never, always, on_demand),
 * and what the CEL reader adds to the call log: whether CEL described the call, and where the
 * call was transferred (blind or attended), which the CDR does not tell.
 */
export async function up({ context: { queryInterface: qi, DataTypes, transaction } }: Params): Promise<void> {
  await qi.addColumn('telephony_inbound_routes', 'recording', { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'never' }, { transaction });
  await qi.addColumn('telephony_outbound_routes', 'recording', { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'never' }, { transaction });
  await qi.addColumn('call_log', 'seen_cel', { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false }, { transaction });
  await qi.addColumn('call_log', 'transferred_to', { type: DataTypes.STRING(64), allowNull: true }, { transaction });
}

export async function down({ context: { queryInterface: qi, transaction } }: Params): Promise<void> {
  await qi.removeColumn('call_log', 'transferred_to', { transaction });
  await qi.removeColumn('call_log', 'seen_cel', { transaction });
  await qi.removeColumn('telephony_outbound_routes', 'recording', { transaction });
  await qi.removeColumn('telephony_inbound_routes', 'recording', { transaction });
}
