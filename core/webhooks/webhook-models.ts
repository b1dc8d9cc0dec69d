import { DataTypes, Model, Sequelize, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import { json } from '../db/columns';

/** Why Carillon turned a subscription off by itself (null when an admin did, or when it is on). */
export type DisabledReason = 'failing' | 'admin';

export class WebhookSubscription extends Model<InferAttributes<WebhookSubscription>, InferCreationAttributes<WebhookSubscription>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare url: string;
  /** Event type names it receives. */
  declare events: string[];
  declare secretSealed: string;
  declare enabled: boolean;
  declare disabledReason: DisabledReason | null;
  declare disabledAt: Date | null;
  /** The first failure after the last success: auto-disable counts from here. */
  declare failingSince: Date | null;
  declare lastSuccessAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export class WebhookDelivery extends Model<InferAttributes<WebhookDelivery>, InferCreationAttributes<WebhookDelivery>> {
  /** A UUID, sent as `Carillon-Delivery-Id`: the same for every attempt of this row. */
  declare id: string;
  declare subscriptionId: number;
  declare eventId: string;
  declare eventType: string;
  declare payload: string;
  declare status: DeliveryStatus;
  declare attempts: CreationOptional<number>;
  declare nextAttemptAt: Date | null;
  declare leaseOwner: CreationOptional<string | null>;
  declare leaseUntil: CreationOptional<Date | null>;
  declare lastAttemptAt: CreationOptional<Date | null>;
  declare lastStatusCode: CreationOptional<number | null>;
  declare lastDurationMs: CreationOptional<number | null>;
  declare lastError: CreationOptional<string | null>;
  declare lastResponse: CreationOptional<string | null>;
  declare deliveredAt: CreationOptional<Date | null>;
  declare createdAt: Date;
}

export function initWebhookModels(sequelize: Sequelize): void {
  WebhookSubscription.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(120), allowNull: false },
      url: { type: DataTypes.STRING(2048), allowNull: false },
      events: json('events', []),
      secretSealed: { type: DataTypes.TEXT, allowNull: false },
      enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      disabledReason: { type: DataTypes.STRING(32), allowNull: true },
      disabledAt: { type: DataTypes.DATE, allowNull: true },
      failingSince: { type: DataTypes.DATE, allowNull: true },
      lastSuccessAt: { type: DataTypes.DATE, allowNull: true },
      createdAt: { type: DataTypes.DATE, allowNull: false },
      updatedAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'webhook_subscriptions', timestamps: true },
  );
  WebhookDelivery.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      subscriptionId: { type: DataTypes.INTEGER, allowNull: false },
      eventId: { type: DataTypes.STRING(36), allowNull: false },
      eventType: { type: DataTypes.STRING(128), allowNull: false },
      payload: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      nextAttemptAt: { type: DataTypes.DATE(3), allowNull: true },
      leaseOwner: { type: DataTypes.STRING(64), allowNull: true },
      leaseUntil: { type: DataTypes.DATE(3), allowNull: true },
      lastAttemptAt: { type: DataTypes.DATE(3), allowNull: true },
      lastStatusCode: { type: DataTypes.INTEGER, allowNull: true },
      lastDurationMs: { type: DataTypes.INTEGER, allowNull: true },
      lastError: { type: DataTypes.STRING(255), allowNull: true },
      lastResponse: { type: DataTypes.TEXT, allowNull: true },
      deliveredAt: { type: DataTypes.DATE(3), allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize, tableName: 'webhook_deliveries' },
  );
}
