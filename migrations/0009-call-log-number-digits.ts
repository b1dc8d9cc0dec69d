import { QueryTypes } from 'sequelize';
import type { CountryCode } from 'libphonenumber-js';
import type { MigrationContext } from '../core/db/migrator';
import { searchDigits } from '../core/calls/phone-digits';

type Params = { context: MigrationContext };

const BATCH = 1000;

/**
 * The call log's number filter finds partial numbers: each side of a call gets its number in
 * international digits (`33632841234` for `0632841234` as for `+33632841234`), indexed with
 * `start_at` like the other filters, so "063284" is a prefix range on it. Rows already there are
 * filled in with the system's country, in batches.
 */
export async function up({ context: { queryInterface: qi, DataTypes, transaction, sequelize } }: Params): Promise<void> {
  for (const column of ['caller_digits', 'destination_digits']) {
    await qi.addColumn('call_log', column, { type: DataTypes.STRING(32), allowNull: false, defaultValue: '' }, { transaction });
  }
  await qi.addIndex('call_log', ['caller_digits', 'start_at', 'id'], { name: 'call_log_caller_digits_start', transaction });
  await qi.addIndex('call_log', ['destination_digits', 'start_at', 'id'], { name: 'call_log_destination_digits_start', transaction });

  const [setting] = await sequelize.query<{ value: string }>("SELECT value FROM settings WHERE `key` = 'system.settings'", { type: QueryTypes.SELECT, transaction });
  const region = ((setting ? (JSON.parse(setting.value) as { defaultRegion?: string }).defaultRegion : undefined) ?? 'FR') as CountryCode;
  let after = 0;
  for (;;) {
    const rows = await sequelize.query<{ id: number; caller_number: string; destination: string }>(
      'SELECT id, caller_number, destination FROM call_log WHERE id > :after ORDER BY id LIMIT :limit',
      { replacements: { after, limit: BATCH }, type: QueryTypes.SELECT, transaction },
    );
    if (rows.length) {
      // One statement per batch: a row-by-row update would take hours on a large call log.
      const ids = rows.map((row) => Number(row.id));
      const cases = (column: 'caller_number' | 'destination') => `CASE id ${rows.map((row) => `WHEN ${Number(row.id)} THEN ${sequelize.escape(searchDigits(row[column], region))}`).join(' ')} END`;
      await sequelize.query(`UPDATE call_log SET caller_digits = ${cases('caller_number')}, destination_digits = ${cases('destination')} WHERE id IN (${ids.join(',')})`, { transaction });
    }
    if (rows.length < BATCH) break;
    after = Number(rows[rows.length - 1].id);
  }
}

export async function down({ context: { queryInterface: qi, transaction } }: Params): Promise<void> {
  await qi.removeIndex('call_log', 'call_log_caller_digits_start', { transaction });
  await qi.removeIndex('call_log', 'call_log_destination_digits_start', { transaction });
  await qi.removeColumn('call_log', 'caller_digits', { transaction });
  await qi.removeColumn('call_log', 'destination_digits', { transaction });
}
