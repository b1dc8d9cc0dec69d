import { DataTypes, Model, Sequelize, type InferAttributes } from 'sequelize';

export class SettingRecord extends Model<InferAttributes<SettingRecord>> {
  declare key: string;
  declare value: string;
  declare updatedAt: Date;
}

export class PluginStateRecord extends Model<InferAttributes<PluginStateRecord>> {
  declare pluginId: string;
  declare enabled: boolean;
  declare updatedAt: Date;
}

export function initSettingModels(sequelize: Sequelize): void {
  SettingRecord.init(
    {
      key: { type: DataTypes.STRING(128), primaryKey: true },
      value: { type: DataTypes.TEXT, allowNull: false },
      updatedAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'settings' },
  );
  PluginStateRecord.init(
    {
      pluginId: { type: DataTypes.STRING(64), primaryKey: true },
      enabled: { type: DataTypes.BOOLEAN, allowNull: false },
      updatedAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'plugin_states' },
  );
}
