import type { MigrationContext } from '../core/db/migrator';

type Params = { context: MigrationContext };

/**
 * Webhooks (issue 13): subscriptions of integrators' URLs to events, and the outbox of their
 * deliveries.
 *
 * - `webhook_subscriptions`: the URL, the events it receives (JSON list of names), its signing
 *   secret sealed with the appliance key (shown once), whether it is enabled and, when Carillon
 *   turned it off after days of failures, why; `failing_since` is the first failure after the last
 *   success (cleared by a success).
 * - `webhook_deliveries`: one row per event and subscription, written when the event is received
 *   (the outbox): a worker that holds the row's lease (`lease_owner`, `lease_until`) sends it, and
 *   the row keeps what happened (attempts, last response code, duration, error, next attempt).
 *   A receiver that is down or a Carillon restart loses nothing: the row waits.
 */
export async function up({ context: { queryInterface: qi, DataTypes, sequelize, transaction } }: Params): Promise<void> {
  // MariaDB's TEXT stops at 64 KiB; a plugin's payload may be larger. SQLite's TEXT has no size.
  const longText = sequelize.getDialect() === 'sqlite' ? DataTypes.TEXT : DataTypes.TEXT('medium');
  await qi.createTable(
    'webhook_subscriptions',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(120), allowNull: false },
      url: { type: DataTypes.STRING(2048), allowNull: false },
      events: { type: DataTypes.TEXT, allowNull: false },
      secret_sealed: { type: DataTypes.TEXT, allowNull: false },
      enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      disabled_reason: { type: DataTypes.STRING(32), allowNull: true },
      disabled_at: { type: DataTypes.DATE, allowNull: true },
      failing_since: { type: DataTypes.DATE, allowNull: true },
      last_success_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { transaction },
  );

  await qi.createTable(
    'webhook_deliveries',
    {
      id: { type: DataTypes.STRING(36), allowNull: false, primaryKey: true },
      subscription_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'webhook_subscriptions', key: 'id' }, onDelete: 'CASCADE' },
      event_id: { type: DataTypes.STRING(36), allowNull: false },
      event_type: { type: DataTypes.STRING(128), allowNull: false },
      /** The JSON body sent, exactly (the signature covers these bytes). */
      payload: { type: longText, allowNull: false },
      /** pending, delivered, failed (gave up). */
      status: { type: DataTypes.STRING(16), allowNull: false },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: { type: DataTypes.DATE(3), allowNull: true },
      lease_owner: { type: DataTypes.STRING(64), allowNull: true },
      lease_until: { type: DataTypes.DATE(3), allowNull: true },
      last_attempt_at: { type: DataTypes.DATE(3), allowNull: true },
      last_status_code: { type: DataTypes.INTEGER, allowNull: true },
      last_duration_ms: { type: DataTypes.INTEGER, allowNull: true },
      last_error: { type: DataTypes.STRING(255), allowNull: true },
      /** The start of the receiver's answer (capped), for the delivery log. */
      last_response: { type: DataTypes.TEXT, allowNull: true },
      delivered_at: { type: DataTypes.DATE(3), allowNull: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { transaction },
  );
  await qi.addIndex('webhook_deliveries', ['status', 'next_attempt_at'], { name: 'webhook_deliveries_due', transaction });
  await qi.addIndex('webhook_deliveries', ['subscription_id', 'created_at'], { name: 'webhook_deliveries_log', transaction });
}

export async function down({ context: { queryInterface: qi, transaction } }: Params): Promise<void> {
  await qi.dropTable('webhook_deliveries', { transaction });
  await qi.dropTable('webhook_subscriptions', { transaction });
}
