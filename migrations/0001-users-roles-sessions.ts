import type { MigrationContext } from '../core/db/migrator';

type Params = { context: MigrationContext };

const BUILTIN_ROLES: Array<{ name: string; description: string; inherits?: string }> = [
  { name: 'admin', description: 'Full access, including users, roles and plugins' },
  { name: 'manager', description: 'Runs the business: users, reports, call-centre management', inherits: 'supervisor' },
  { name: 'supervisor', description: 'Supervises agents and live calls', inherits: 'agent' },
  { name: 'agent', description: 'Handles calls' },
  { name: 'accountant', description: 'Billing, invoices and call costs' },
  { name: 'technician', description: 'Telephony, phones and system health' },
];

export async function up({ context: { queryInterface: qi, DataTypes, transaction } }: Params): Promise<void> {
  const now = new Date();
  await qi.createTable(
    'users',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      email: { type: DataTypes.STRING(191), allowNull: false, unique: true },
      display_name: { type: DataTypes.STRING(120), allowNull: false },
      password_hash: { type: DataTypes.STRING(255), allowNull: true },
      locale: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'fr' },
      time_zone: { type: DataTypes.STRING(64), allowNull: false, defaultValue: 'Europe/Paris' },
      number_display: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'national' },
      active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      totp_secret: { type: DataTypes.TEXT, allowNull: true },
      totp_enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      failed_logins: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      locked_until: { type: DataTypes.DATE, allowNull: true },
      last_login_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );
  await qi.createTable(
    'roles',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      description: { type: DataTypes.STRING(255), allowNull: false, defaultValue: '' },
      builtin: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );
  await qi.createTable(
    'role_inherits',
    {
      role_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'roles', key: 'id' }, onDelete: 'CASCADE' },
      inherits_role_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'roles', key: 'id' }, onDelete: 'CASCADE' },
    },
    { transaction },
  );
  await qi.createTable(
    'permissions',
    {
      key: { type: DataTypes.STRING(128), primaryKey: true },
      owner: { type: DataTypes.STRING(64), allowNull: false },
      description: { type: DataTypes.STRING(255), allowNull: false, defaultValue: '' },
      first_seen_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );
  await qi.createTable(
    'role_permissions',
    {
      role_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'roles', key: 'id' }, onDelete: 'CASCADE' },
      permission: { type: DataTypes.STRING(128), primaryKey: true },
    },
    { transaction },
  );
  await qi.createTable(
    'user_roles',
    {
      user_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'users', key: 'id' }, onDelete: 'CASCADE' },
      role_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'roles', key: 'id' }, onDelete: 'CASCADE' },
    },
    { transaction },
  );
  await qi.createTable(
    'sessions',
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' }, onDelete: 'CASCADE' },
      csrf_token: { type: DataTypes.STRING(64), allowNull: false },
      ip: { type: DataTypes.STRING(64), allowNull: true },
      user_agent: { type: DataTypes.STRING(255), allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      last_seen_at: { type: DataTypes.DATE, allowNull: false },
      expires_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );
  await qi.addIndex('sessions', ['user_id'], { transaction });
  await qi.createTable(
    'api_tokens',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' }, onDelete: 'CASCADE' },
      name: { type: DataTypes.STRING(120), allowNull: false },
      prefix: { type: DataTypes.STRING(16), allowNull: false },
      token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      permissions: { type: DataTypes.TEXT, allowNull: false },
      expires_at: { type: DataTypes.DATE, allowNull: true },
      last_used_at: { type: DataTypes.DATE, allowNull: true },
      revoked_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );
  await qi.addIndex('api_tokens', ['user_id'], { transaction });
  await qi.createTable(
    'audit_log',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      at: { type: DataTypes.DATE, allowNull: false },
      user_id: { type: DataTypes.INTEGER, allowNull: true },
      actor: { type: DataTypes.STRING(191), allowNull: false },
      action: { type: DataTypes.STRING(128), allowNull: false },
      target: { type: DataTypes.STRING(255), allowNull: true },
      method: { type: DataTypes.STRING(8), allowNull: true },
      path: { type: DataTypes.STRING(255), allowNull: true },
      status: { type: DataTypes.INTEGER, allowNull: true },
      ip: { type: DataTypes.STRING(64), allowNull: true },
      request_id: { type: DataTypes.STRING(64), allowNull: true },
      details: { type: DataTypes.TEXT, allowNull: true },
    },
    { transaction },
  );
  await qi.addIndex('audit_log', ['at'], { transaction });
  await qi.addIndex('audit_log', ['user_id', 'at'], { transaction });
  await qi.addIndex('audit_log', ['action', 'at'], { transaction });
  await qi.createTable(
    'plugin_states',
    {
      plugin_id: { type: DataTypes.STRING(64), primaryKey: true },
      enabled: { type: DataTypes.BOOLEAN, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );
  await qi.createTable(
    'settings',
    {
      key: { type: DataTypes.STRING(128), primaryKey: true },
      value: { type: DataTypes.TEXT, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );

  await qi.bulkInsert(
    'roles',
    BUILTIN_ROLES.map((role, index) => ({ id: index + 1, name: role.name, description: role.description, builtin: true, created_at: now })),
    { transaction },
  );
  const idOf = (name: string) => BUILTIN_ROLES.findIndex((role) => role.name === name) + 1;
  await qi.bulkInsert(
    'role_inherits',
    BUILTIN_ROLES.filter((role) => role.inherits).map((role) => ({ role_id: idOf(role.name), inherits_role_id: idOf(role.inherits!) })),
    { transaction },
  );
}

export async function down({ context: { queryInterface: qi, transaction } }: Params): Promise<void> {
  for (const table of ['settings', 'plugin_states', 'audit_log', 'api_tokens', 'sessions', 'user_roles', 'role_permissions', 'permissions', 'role_inherits', 'roles', 'users']) {
    await qi.dropTable(table, { transaction });
  }
}
