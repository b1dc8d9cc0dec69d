import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** One backup run (scheduled or manual): when, how it ended, how large. The list of backups itself is the folder. */
export class BackupRun extends Model<InferAttributes<BackupRun>, InferCreationAttributes<BackupRun>> {
  declare id: CreationOptional<number>;
  declare kind: 'scheduled' | 'manual';
  declare status: 'running' | 'succeeded' | 'failed';
  declare name: string | null;
  declare startedAt: Date;
  declare finishedAt: Date | null;
  declare size: number | null;
  declare recordingsAdded: number | null;
  declare error: string | null;
  declare pruned: number | null;
}

export function initBackupRunModel(sequelize: Sequelize): void {
  BackupRun.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      name: { type: DataTypes.STRING(128), allowNull: true },
      startedAt: { type: DataTypes.DATE, allowNull: false, field: 'started_at' },
      finishedAt: { type: DataTypes.DATE, allowNull: true, field: 'finished_at' },
      size: { type: DataTypes.BIGINT, allowNull: true, get() { const v = this.getDataValue('size'); return v === null ? null : Number(v); } },
      recordingsAdded: { type: DataTypes.INTEGER, allowNull: true, field: 'recordings_added' },
      error: { type: DataTypes.TEXT, allowNull: true },
      pruned: { type: DataTypes.INTEGER, allowNull: true },
    },
    { sequelize, tableName: 'backup_runs', timestamps: false },
  );
}
