import type { MigrationContext } from '../core/db/migrator';

type Params = { context: MigrationContext };

/**
 * Restriction classes shipped with Carillon, for the French numbering plan (ARCEP, plan national
 * de numérotation, décision 2022-1583; tariff families of décision 2012-0856). Frozen here as
 * they were on first install: an administrator edits them afterwards. Emergency numbers (15, 17,
 * 18, 112, 114, 115, 119, 116000, 191, 196, 197) match none of these patterns.
 */
const PREMIUM = [
  // Long numbers with a surcharge ("majorée"): 081, 082, 089, dialled nationally or as +33 / 0033.
  '_08[129].',
  '_+338[129].',
  '_00338[129].',
  // Directory enquiries 118XYZ, all surcharged.
  '_118XXX',
  // Operator assistance 10YT, which may be charged.
  '_10XX',
  // Short numbers 3BPQ that may be surcharged: 30PQ and 31PQ are free by the plan, 3919 (violence helpline) is free.
  '_3[2-8]XX',
  '_39[02-9]X',
  '_391[0-8]',
];
const INTERNATIONAL_EXCEPT_FRANCE = ['_00[0-24-9].', '_003[0-24-9].', '_+[0-24-9].', '_+3[0-24-9].'];
const DEFAULT_CLASSES: Array<{ name: string; description: string; patterns: string[] }> = [
  { name: 'unrestricted', description: 'Every number', patterns: [] },
  { name: 'no_premium', description: 'International allowed; no surcharged numbers (081, 082, 089, 118XYZ, 10YT, 3BPQ other than free ones)', patterns: PREMIUM },
  { name: 'national', description: 'France only (0…, +33, 0033), no surcharged numbers', patterns: [...INTERNATIONAL_EXCEPT_FRANCE, ...PREMIUM] },
  { name: 'internal', description: 'Internal numbers and emergency services only', patterns: ['_0.', '_+.', '_3XXX', '_10XX', '_118XXX'] },
];

export async function up({ context: { queryInterface: qi, DataTypes, transaction } }: Params): Promise<void> {
  const timestamps = {
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  };
  await qi.createTable(
    'telephony_restriction_classes',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      description: { type: DataTypes.STRING(255), allowNull: false, defaultValue: '' },
      denied_patterns: { type: DataTypes.TEXT, allowNull: false },
      ...timestamps,
    },
    { transaction },
  );
  await qi.createTable(
    'telephony_extensions',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      number: { type: DataTypes.STRING(16), allowNull: false, unique: true },
      name: { type: DataTypes.STRING(80), allowNull: false },
      user_id: { type: DataTypes.INTEGER, allowNull: true, unique: true, references: { model: 'users', key: 'id' }, onDelete: 'SET NULL' },
      sip_username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      sip_password_sealed: { type: DataTypes.TEXT, allowNull: false },
      codecs: { type: DataTypes.TEXT, allowNull: false },
      max_contacts: { type: DataTypes.INTEGER, allowNull: false },
      webrtc: { type: DataTypes.BOOLEAN, allowNull: false },
      voicemail_enabled: { type: DataTypes.BOOLEAN, allowNull: false },
      voicemail_email: { type: DataTypes.STRING(191), allowNull: true },
      recording: { type: DataTypes.STRING(16), allowNull: false },
      restriction_class_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'telephony_restriction_classes', key: 'id' }, onDelete: 'RESTRICT' },
      outbound_caller_id: { type: DataTypes.STRING(32), allowNull: true },
      do_not_disturb: { type: DataTypes.BOOLEAN, allowNull: false },
      forward_unconditional: { type: DataTypes.STRING(32), allowNull: true },
      forward_busy: { type: DataTypes.STRING(32), allowNull: true },
      forward_no_answer: { type: DataTypes.STRING(32), allowNull: true },
      forward_no_answer_seconds: { type: DataTypes.INTEGER, allowNull: false },
      ...timestamps,
    },
    { transaction },
  );
  await qi.addIndex('telephony_extensions', ['restriction_class_id'], { transaction });
  await qi.addIndex('telephony_extensions', ['name'], { transaction });
  await qi.createTable(
    'telephony_trunks',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      name: { type: DataTypes.STRING(80), allowNull: false, unique: true },
      host: { type: DataTypes.STRING(255), allowNull: true },
      port: { type: DataTypes.INTEGER, allowNull: true },
      transport: { type: DataTypes.STRING(8), allowNull: true },
      username: { type: DataTypes.STRING(64), allowNull: false },
      password_sealed: { type: DataTypes.TEXT, allowNull: false },
      from_domain: { type: DataTypes.STRING(255), allowNull: true },
      from_user: { type: DataTypes.STRING(64), allowNull: true },
      register: { type: DataTypes.BOOLEAN, allowNull: false },
      allowed_addresses: { type: DataTypes.TEXT, allowNull: false },
      codecs: { type: DataTypes.TEXT, allowNull: false },
      max_channels: { type: DataTypes.INTEGER, allowNull: true },
      ...timestamps,
    },
    { transaction },
  );
  // Peer trunks and extensions share the SIP user name space: looked up on every create.
  await qi.addIndex('telephony_trunks', ['username'], { transaction });
  await qi.createTable(
    'telephony_schedules',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(120), allowNull: false, unique: true },
      time_zone: { type: DataTypes.STRING(64), allowNull: false },
      weekly: { type: DataTypes.TEXT, allowNull: false },
      holidays: { type: DataTypes.TEXT, allowNull: false },
      holiday_country: { type: DataTypes.STRING(8), allowNull: true },
      holiday_region: { type: DataTypes.STRING(16), allowNull: true },
      override: { type: DataTypes.STRING(8), allowNull: true },
      ...timestamps,
    },
    { transaction },
  );
  await qi.createTable(
    'telephony_ring_groups',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      number: { type: DataTypes.STRING(16), allowNull: false, unique: true },
      name: { type: DataTypes.STRING(80), allowNull: false },
      strategy: { type: DataTypes.STRING(16), allowNull: false },
      ring_seconds: { type: DataTypes.INTEGER, allowNull: false },
      fallback: { type: DataTypes.TEXT, allowNull: false },
      ...timestamps,
    },
    { transaction },
  );
  await qi.createTable(
    'telephony_ring_group_members',
    {
      ring_group_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'telephony_ring_groups', key: 'id' }, onDelete: 'CASCADE' },
      extension_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'telephony_extensions', key: 'id' }, onDelete: 'RESTRICT' },
      position: { type: DataTypes.INTEGER, allowNull: false },
    },
    { transaction },
  );
  await qi.addIndex('telephony_ring_group_members', ['extension_id'], { transaction });
  await qi.createTable(
    'telephony_inbound_routes',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(120), allowNull: false },
      did: { type: DataTypes.STRING(20), allowNull: true, unique: true },
      caller_pattern: { type: DataTypes.STRING(80), allowNull: true },
      destination: { type: DataTypes.TEXT, allowNull: false },
      ...timestamps,
    },
    { transaction },
  );
  await qi.createTable(
    'telephony_outbound_routes',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(120), allowNull: false, unique: true },
      priority: { type: DataTypes.INTEGER, allowNull: false },
      patterns: { type: DataTypes.TEXT, allowNull: false },
      strip_digits: { type: DataTypes.INTEGER, allowNull: false },
      prepend: { type: DataTypes.STRING(20), allowNull: false },
      ...timestamps,
    },
    { transaction },
  );
  await qi.addIndex('telephony_outbound_routes', ['priority'], { transaction });
  await qi.createTable(
    'telephony_outbound_route_trunks',
    {
      route_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'telephony_outbound_routes', key: 'id' }, onDelete: 'CASCADE' },
      trunk_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'telephony_trunks', key: 'id' }, onDelete: 'RESTRICT' },
      position: { type: DataTypes.INTEGER, allowNull: false },
    },
    { transaction },
  );
  await qi.addIndex('telephony_outbound_route_trunks', ['trunk_id'], { transaction });
  // One row per dialable internal number, whoever owns it: the primary key keeps extensions and
  // ring groups from sharing a number even when two requests race.
  await qi.createTable(
    'telephony_numbers',
    {
      number: { type: DataTypes.STRING(16), primaryKey: true },
      owner_kind: { type: DataTypes.STRING(16), allowNull: false },
      owner_id: { type: DataTypes.INTEGER, allowNull: false },
    },
    { transaction },
  );
  await qi.addIndex('telephony_numbers', ['owner_kind', 'owner_id'], { transaction });

  const now = new Date();
  await qi.bulkInsert(
    'telephony_restriction_classes',
    DEFAULT_CLASSES.map((c) => ({ name: c.name, description: c.description, denied_patterns: JSON.stringify(c.patterns), created_at: now, updated_at: now })),
    { transaction },
  );
}

export async function down({ context: { queryInterface: qi, transaction } }: Params): Promise<void> {
  for (const table of [
    'telephony_numbers',
    'telephony_outbound_route_trunks',
    'telephony_outbound_routes',
    'telephony_inbound_routes',
    'telephony_ring_group_members',
    'telephony_ring_groups',
    'telephony_schedules',
    'telephony_trunks',
    'telephony_extensions',
    'telephony_restriction_classes',
  ]) {
    await qi.dropTable(table, { transaction });
  }
}
