import type { MigrationContext } from '../core/db/migrator';

type Params = { context: MigrationContext };

/**
 * Backups from the web UI (issue 13): each run of a scheduled or manual backup (started, ended,
 * result, size, recordings added, backups pruned). The backups themselves are files in the
 * backups folder; this is their history for "last run" and failures.
 */
export async function up({ context: { queryInterface: qi, DataTypes, transaction } }: Params): Promise<void> {
  await qi.createTable(
    'backup_runs',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      name: { type: DataTypes.STRING(128), allowNull: true },
      started_at: { type: DataTypes.DATE, allowNull: false },
      finished_at: { type: DataTypes.DATE, allowNull: true },
      size: { type: DataTypes.BIGINT, allowNull: true },
      recordings_added: { type: DataTypes.INTEGER, allowNull: true },
      error: { type: DataTypes.TEXT, allowNull: true },
      pruned: { type: DataTypes.INTEGER, allowNull: true },
    },
    { transaction },
  );
  await qi.addIndex('backup_runs', ['kind', 'started_at'], { name: 'backup_runs_kind_started', transaction });
}

export async function down({ context: { queryInterface: qi, transaction } }: Params): Promise<void> {
  await qi.dropTable('backup_runs', { transaction });
}
