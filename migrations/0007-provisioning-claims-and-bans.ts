import type { MigrationContext } from '../core/db/migrator';

type Params = { context: MigrationContext };

/**
 * Provisioning first contact (issue 12): a phone's secrets go only to the first fetch on the
 * site's secret path within the claim window the admin opened (assignment, or "reopen"), and
 * after that only to a request that answers the Digest challenge with the phone's own
 * credentials. Bans of clients that walk the MAC space outlive a restart.
 *
 * - `provisioning_devices.claim_window_until`: until when the first fetch on the secret path may
 *   claim the phone (null: no window); `claimed_at` / `claimed_from_ip`: which fetch took it.
 *   An assigned phone that has fetched its file holds its current credentials (the old rules
 *   served them to any fetch, and phones that answer only challenges never showed them): it
 *   counts as claimed, is challenged from now on, and moves to the secret path with its next
 *   file (its config path was the public one, which DHCP may not override). Assigned phones
 *   that never fetched get no window (the admin opens one when plugging them in).
 * - `provisioning_secret_paths`: the site's secret path segment (handed out by DHCP option 66),
 *   kept as a SHA-256 for the lookup and sealed for showing it again (one row; rotating replaces it).
 * - `provisioning_bans`: banned client addresses and until when.
 */
export async function up({ context: { queryInterface: qi, DataTypes, sequelize, transaction } }: Params): Promise<void> {
  await qi.addColumn('provisioning_devices', 'claim_window_until', { type: DataTypes.DATE, allowNull: true }, { transaction });
  await qi.addColumn('provisioning_devices', 'claimed_at', { type: DataTypes.DATE, allowNull: true }, { transaction });
  await qi.addColumn('provisioning_devices', 'claimed_from_ip', { type: DataTypes.STRING(45), allowNull: true }, { transaction });
  await sequelize.query(
    `UPDATE provisioning_devices SET claimed_at = COALESCE(credentials_confirmed_at, last_fetch_at), claimed_from_ip = last_ip
      WHERE status = 'assigned' AND (credentials_confirmed_at IS NOT NULL OR last_fetch_at IS NOT NULL)`,
    { transaction },
  );

  await qi.createTable(
    'provisioning_secret_paths',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      /** SHA-256 (hex) of the path segment. */
      key_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      key_sealed: { type: DataTypes.TEXT, allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );

  await qi.createTable(
    'provisioning_bans',
    {
      ip: { type: DataTypes.STRING(45), allowNull: false, primaryKey: true },
      reason: { type: DataTypes.STRING(32), allowNull: false },
      banned_until: { type: DataTypes.DATE, allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );
}

export async function down({ context: { queryInterface: qi, transaction } }: Params): Promise<void> {
  await qi.dropTable('provisioning_bans', { transaction });
  await qi.dropTable('provisioning_secret_paths', { transaction });
  await qi.removeColumn('provisioning_devices', 'claimed_from_ip', { transaction });
  await qi.removeColumn('provisioning_devices', 'claimed_at', { transaction });
  await qi.removeColumn('provisioning_devices', 'claim_window_until', { transaction });
}
