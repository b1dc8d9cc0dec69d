import type { MigrationContext } from '../core/db/migrator';

type Params = { context: MigrationContext };

/**
 * Desk-phone provisioning: the device registry (assigned and unassigned phones, one row per
 * MAC), the SIP accounts of each phone (extensions, in account order) and the admin-editable
 * template overrides per model. Secrets (admin password, config-server password) are sealed
 * with the core SecretBox like SIP passwords.
 */
export async function up({ context: { queryInterface: qi, DataTypes, transaction } }: Params): Promise<void> {
  const timestamps = {
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  };
  await qi.createTable(
    'provisioning_devices',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      /** 12 lower-case hexadecimal digits, no separators. */
      mac: { type: DataTypes.STRING(12), allowNull: false, unique: true },
      vendor: { type: DataTypes.STRING(32), allowNull: false },
      model: { type: DataTypes.STRING(32), allowNull: true },
      firmware: { type: DataTypes.STRING(64), allowNull: true },
      /** unassigned: seen, nothing secret served; assigned: accounts configured. */
      status: { type: DataTypes.STRING(16), allowNull: false },
      label: { type: DataTypes.STRING(80), allowNull: false, defaultValue: '' },
      language: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'auto' },
      time_zone: { type: DataTypes.STRING(64), allowNull: true },
      /** What the LCD shows for the account: the extension's name or its number. */
      lcd_display: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'name' },
      vlan_id: { type: DataTypes.INTEGER, allowNull: true },
      vlan_priority: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      expansion_modules: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      /** Microphone levels (dB: -6, 0 or +6, the steps Grandstream offers). */
      handset_mic_gain_db: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      headset_mic_gain_db: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      /** JSON: [{ index, type, value, label, account }]. */
      programmable_keys: { type: DataTypes.TEXT, allowNull: false },
      /** JSON: { "P1234": "value", "alias.name": "value" } merged over the model override. */
      extra_values: { type: DataTypes.TEXT, allowNull: false },
      admin_password_sealed: { type: DataTypes.TEXT, allowNull: false },
      http_username: { type: DataTypes.STRING(32), allowNull: false, unique: true },
      http_password_sealed: { type: DataTypes.TEXT, allowNull: false },
      /** Set once the phone fetched its configuration with its HTTP credentials: from then on they are required. */
      credentials_confirmed_at: { type: DataTypes.DATE, allowNull: true },
      last_ip: { type: DataTypes.STRING(45), allowNull: true },
      last_user_agent: { type: DataTypes.STRING(255), allowNull: true },
      last_file: { type: DataTypes.STRING(128), allowNull: true },
      last_fetch_at: { type: DataTypes.DATE, allowNull: true },
      last_reboot_at: { type: DataTypes.DATE, allowNull: true },
      ...timestamps,
    },
    { transaction },
  );
  await qi.addIndex('provisioning_devices', ['status', 'mac'], { name: 'provisioning_devices_status_mac', transaction });

  await qi.createTable(
    'provisioning_device_accounts',
    {
      device_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: 'provisioning_devices', key: 'id' }, onDelete: 'CASCADE' },
      /** 1-based, as the phone numbers its accounts. */
      position: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      extension_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'telephony_extensions', key: 'id' }, onDelete: 'CASCADE' },
    },
    { transaction },
  );
  await qi.addIndex('provisioning_device_accounts', ['extension_id'], { name: 'provisioning_device_accounts_extension', transaction });

  await qi.createTable(
    'provisioning_model_overrides',
    {
      vendor: { type: DataTypes.STRING(32), allowNull: false, primaryKey: true },
      model: { type: DataTypes.STRING(32), allowNull: false, primaryKey: true },
      extra_values: { type: DataTypes.TEXT, allowNull: false },
      ...timestamps,
    },
    { transaction },
  );
}

export async function down({ context: { queryInterface: qi, transaction } }: Params): Promise<void> {
  await qi.dropTable('provisioning_model_overrides', { transaction });
  await qi.dropTable('provisioning_device_accounts', { transaction });
  await qi.dropTable('provisioning_devices', { transaction });
}
