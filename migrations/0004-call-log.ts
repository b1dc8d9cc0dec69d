import type { MigrationContext } from '../core/db/migrator';

type Params = { context: MigrationContext };

/**
 * The call log: one row per call (Asterisk linkedid), the channel ids that belong to it, and the
 * recordings linked to it. Every filter of the list is indexed together with `start_at` so that
 * keyset pages (ordered by start_at, id) stay fast at a million rows.
 */
export async function up({ context: { queryInterface: qi, DataTypes, transaction } }: Params): Promise<void> {
  await qi.createTable(
    'call_log',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      call_key: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      start_at: { type: DataTypes.DATE(3), allowNull: false },
      end_at: { type: DataTypes.DATE(3), allowNull: false },
      caller_number: { type: DataTypes.STRING(64), allowNull: false, defaultValue: '' },
      caller_name: { type: DataTypes.STRING(120), allowNull: false, defaultValue: '' },
      caller_tail: { type: DataTypes.STRING(16), allowNull: false, defaultValue: '' },
      destination: { type: DataTypes.STRING(64), allowNull: false, defaultValue: '' },
      destination_tail: { type: DataTypes.STRING(16), allowNull: false, defaultValue: '' },
      extension: { type: DataTypes.STRING(32), allowNull: true },
      caller_extension: { type: DataTypes.STRING(32), allowNull: true },
      direction: { type: DataTypes.STRING(8), allowNull: false },
      duration_seconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      talk_seconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      status: { type: DataTypes.STRING(12), allowNull: false },
      status_origin: { type: DataTypes.STRING(12), allowNull: false },
      seen_live: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      seen_cdr: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );
  const indexes: Array<[string, string[]]> = [
    ['call_log_start', ['start_at', 'id']],
    ['call_log_status_start', ['status', 'start_at', 'id']],
    ['call_log_direction_start', ['direction', 'start_at', 'id']],
    ['call_log_extension_start', ['extension', 'start_at', 'id']],
    ['call_log_caller_extension_start', ['caller_extension', 'start_at', 'id']],
    ['call_log_caller_tail_start', ['caller_tail', 'start_at', 'id']],
    ['call_log_destination_tail_start', ['destination_tail', 'start_at', 'id']],
  ];
  for (const [name, fields] of indexes) await qi.addIndex('call_log', fields, { name, transaction });

  await qi.createTable(
    'call_log_legs',
    {
      uniqueid: { type: DataTypes.STRING(64), primaryKey: true },
      call_key: { type: DataTypes.STRING(64), allowNull: false },
    },
    { transaction },
  );
  await qi.addIndex('call_log_legs', ['call_key'], { name: 'call_log_legs_call_key', transaction });

  await qi.createTable(
    'call_recordings',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      call_key: { type: DataTypes.STRING(64), allowNull: false },
      uniqueid: { type: DataTypes.STRING(64), allowNull: false },
      /** Relative to `<dataDir>/recordings`. */
      file: { type: DataTypes.STRING(255), allowNull: false, unique: true },
      bytes: { type: DataTypes.INTEGER, allowNull: false },
      recorded_at: { type: DataTypes.DATE, allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );
  await qi.addIndex('call_recordings', ['call_key'], { name: 'call_recordings_call_key', transaction });
  await qi.addIndex('call_recordings', ['recorded_at'], { name: 'call_recordings_recorded_at', transaction });
}

export async function down({ context: { queryInterface: qi, transaction } }: Params): Promise<void> {
  await qi.dropTable('call_recordings', { transaction });
  await qi.dropTable('call_log_legs', { transaction });
  await qi.dropTable('call_log', { transaction });
}
