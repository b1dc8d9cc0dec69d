import { DataTypes, Model, Sequelize, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';

export class AuditEntry extends Model<InferAttributes<AuditEntry>, InferCreationAttributes<AuditEntry>> {
  declare id: CreationOptional<number>;
  declare at: Date;
  declare userId: number | null;
  declare actor: string;
  declare action: string;
  declare target: string | null;
  declare method: string | null;
  declare path: string | null;
  declare status: number | null;
  declare ip: string | null;
  declare requestId: string | null;
  declare details: string | null;
  /** JSON of `AuditChanges`: the masked field-by-field difference. */
  declare changes: string | null;
}

export function initAuditModel(sequelize: Sequelize): void {
  AuditEntry.init(
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      at: { type: DataTypes.DATE, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: true },
      actor: { type: DataTypes.STRING(191), allowNull: false },
      action: { type: DataTypes.STRING(128), allowNull: false },
      target: { type: DataTypes.STRING(255), allowNull: true },
      method: { type: DataTypes.STRING(8), allowNull: true },
      path: { type: DataTypes.STRING(255), allowNull: true },
      status: { type: DataTypes.INTEGER, allowNull: true },
      ip: { type: DataTypes.STRING(64), allowNull: true },
      requestId: { type: DataTypes.STRING(64), allowNull: true },
      details: { type: DataTypes.TEXT, allowNull: true },
      changes: { type: DataTypes.TEXT('medium'), allowNull: true },
    },
    { sequelize, tableName: 'audit_log' },
  );
}
