import type { MigrationContext } from '../../../core/plugin-api';

type Params = { context: MigrationContext };

export async function up({ context: { queryInterface: qi, sequelize, DataTypes, transaction, tablePrefix: p } }: Params): Promise<void> {
  // A plan with many row errors outgrows MariaDB's TEXT (64 kB); SQLite's TEXT has no such limit (and no sizes).
  const longText = sequelize.getDialect() === 'sqlite' ? DataTypes.TEXT : DataTypes.TEXT('long');
  await qi.createTable(
    `${p}folders`,
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      parent_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: `${p}folders`, key: 'id' }, onDelete: 'CASCADE' },
      name: { type: DataTypes.STRING(100), allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );
  await qi.addIndex(`${p}folders`, ['parent_id'], { name: `${p}folders_parent`, transaction });

  await qi.createTable(
    `${p}contacts`,
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      // The unique key of the seed's CSV procedure: assigned by Carillon, never reused.
      contact_key: { type: DataTypes.STRING(16), allowNull: false, unique: true },
      folder_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: `${p}folders`, key: 'id' }, onDelete: 'SET NULL' },
      source: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'local' },
      external_id: { type: DataTypes.STRING(191), allowNull: true },
      first_name: { type: DataTypes.STRING(100), allowNull: false },
      last_name: { type: DataTypes.STRING(100), allowNull: false },
      company: { type: DataTypes.STRING(150), allowNull: true },
      job_title: { type: DataTypes.STRING(150), allowNull: true },
      emails: { type: DataTypes.TEXT, allowNull: true },
      street: { type: DataTypes.STRING(255), allowNull: true },
      postal_code: { type: DataTypes.STRING(20), allowNull: true },
      city: { type: DataTypes.STRING(100), allowNull: true },
      country: { type: DataTypes.STRING(100), allowNull: true },
      notes: { type: DataTypes.TEXT, allowNull: true },
      user_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' }, onDelete: 'SET NULL' },
      extension: { type: DataTypes.STRING(32), allowNull: true },
      // Accent- and case-folded "last first", so listings sort and page on one index.
      sort_name: { type: DataTypes.STRING(210), allowNull: false },
      // Fingerprint of the content, so a re-imported export reports "unchanged" without reading every row.
      content_hash: { type: DataTypes.STRING(40), allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );
  await qi.addIndex(`${p}contacts`, ['sort_name', 'id'], { name: `${p}contacts_sort`, transaction });
  await qi.addIndex(`${p}contacts`, ['folder_id', 'sort_name'], { name: `${p}contacts_folder`, transaction });
  await qi.addIndex(`${p}contacts`, ['source', 'external_id'], { name: `${p}contacts_external`, transaction });

  await qi.createTable(
    `${p}numbers`,
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      contact_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: `${p}contacts`, key: 'id' }, onDelete: 'CASCADE' },
      type: { type: DataTypes.STRING(8), allowNull: false },
      original: { type: DataTypes.STRING(64), allowNull: false },
      e164: { type: DataTypes.STRING(20), allowNull: true },
      // National significant digits (or the digits of an internal number): what caller lookup matches.
      digits: { type: DataTypes.STRING(20), allowNull: false },
      is_default: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    { transaction },
  );
  await qi.addIndex(`${p}numbers`, ['contact_id'], { name: `${p}numbers_contact`, transaction });
  await qi.addIndex(`${p}numbers`, ['e164'], { name: `${p}numbers_e164`, transaction });
  await qi.addIndex(`${p}numbers`, ['digits'], { name: `${p}numbers_digits`, transaction });

  // Every word of a name or company and every number's digits, with the contact's sort name:
  // a search reads one index range, already in (word, name) order, and stops when its page is full.
  await qi.createTable(
    `${p}search_terms`,
    {
      term: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
      sort_name: { type: DataTypes.STRING(210), allowNull: false, primaryKey: true },
      contact_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: `${p}contacts`, key: 'id' }, onDelete: 'CASCADE' },
    },
    { transaction },
  );
  await qi.addIndex(`${p}search_terms`, ['contact_id'], { name: `${p}search_terms_contact`, transaction });

  await qi.createTable(
    `${p}backups`,
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      file_name: { type: DataTypes.STRING(191), allowNull: false },
      reason: { type: DataTypes.STRING(16), allowNull: false },
      contact_count: { type: DataTypes.INTEGER, allowNull: false },
      created_by: { type: DataTypes.INTEGER, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );

  await qi.createTable(
    `${p}imports`,
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      file_name: { type: DataTypes.STRING(191), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      plan: { type: longText, allowNull: false },
      revision: { type: DataTypes.INTEGER, allowNull: false },
      created_by: { type: DataTypes.INTEGER, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      applied_at: { type: DataTypes.DATE, allowNull: true },
    },
    { transaction },
  );
}

export async function down({ context: { queryInterface: qi, transaction, tablePrefix: p } }: Params): Promise<void> {
  for (const table of ['imports', 'backups', 'search_terms', 'numbers', 'contacts', 'folders']) {
    await qi.dropTable(`${p}${table}`, { transaction });
  }
}
