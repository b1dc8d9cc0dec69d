import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { json, str } from '../core/db/columns';

export type DeviceStatus = 'unassigned' | 'assigned';
export type LcdDisplay = 'name' | 'number';
export type KeyType = 'line' | 'blf' | 'speed_dial' | 'park';
/** Microphone level steps phones offer (dB). */
export type MicGain = -6 | 0 | 6;

/** One programmable key of a phone or of an expansion module. */
export interface ProgrammableKey {
  /** Where the key is: the phone's own keys, or expansion module 1, 2… */
  where: 'phone' | 'module';
  /** 1-based index on the phone or, for a module key, 1-based module number. */
  module: number | null;
  /** 1-based key position (on the phone, or on that module). */
  index: number;
  type: KeyType;
  /** BLF: the watched extension number; speed dial: the number; park: the parking slot; line: empty. */
  value: string;
  label: string;
  /** 1-based account the key acts on. */
  account: number;
}

/** Extra template values: Grandstream P-values (`P1362`) or aliases (`pks.vpk.settings.mode`). */
export type ExtraValues = Record<string, string>;

export class Device extends Model<InferAttributes<Device>, InferCreationAttributes<Device>> {
  declare id: CreationOptional<number>;
  declare mac: string;
  declare vendor: string;
  declare model: string | null;
  declare firmware: string | null;
  declare status: DeviceStatus;
  declare label: string;
  declare language: string;
  declare timeZone: string | null;
  declare lcdDisplay: LcdDisplay;
  declare vlanId: number | null;
  declare vlanPriority: number;
  declare expansionModules: number;
  declare handsetMicGainDb: MicGain;
  declare headsetMicGainDb: MicGain;
  declare programmableKeys: ProgrammableKey[];
  declare extraValues: ExtraValues;
  declare adminPasswordSealed: string;
  declare httpUsername: string;
  declare httpPasswordSealed: string;
  declare credentialsConfirmedAt: Date | null;
  declare claimWindowUntil: Date | null;
  declare claimedAt: Date | null;
  declare claimedFromIp: string | null;
  declare lastIp: string | null;
  declare lastUserAgent: string | null;
  declare lastFile: string | null;
  declare lastFetchAt: Date | null;
  declare lastRebootAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class DeviceAccount extends Model<InferAttributes<DeviceAccount>> {
  declare deviceId: number;
  declare position: number;
  declare extensionId: number;
}

/** The site's secret provisioning path segment (one row). */
export class SecretPath extends Model<InferAttributes<SecretPath>, InferCreationAttributes<SecretPath>> {
  declare id: CreationOptional<number>;
  declare keyHash: string;
  declare keySealed: string;
  declare createdAt: CreationOptional<Date>;
}

/** A client refused every provisioning file until `bannedUntil` (kept across restarts). */
export class ProvisioningBan extends Model<InferAttributes<ProvisioningBan>, InferCreationAttributes<ProvisioningBan>> {
  declare ip: string;
  declare reason: string;
  declare bannedUntil: Date;
  declare createdAt: CreationOptional<Date>;
}

export class ModelOverride extends Model<InferAttributes<ModelOverride>, InferCreationAttributes<ModelOverride>> {
  declare vendor: string;
  declare model: string;
  declare extraValues: ExtraValues;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

const date = () => ({ type: DataTypes.DATE, allowNull: true });

export function initProvisioningModels(sequelize: Sequelize): void {
  Device.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      mac: str(12),
      vendor: str(32),
      model: str(32, true),
      firmware: str(64, true),
      status: str(16),
      label: str(80),
      language: str(8),
      timeZone: str(64, true),
      lcdDisplay: str(8),
      vlanId: { type: DataTypes.INTEGER, allowNull: true },
      vlanPriority: { type: DataTypes.INTEGER, allowNull: false },
      expansionModules: { type: DataTypes.INTEGER, allowNull: false },
      handsetMicGainDb: { type: DataTypes.INTEGER, allowNull: false },
      headsetMicGainDb: { type: DataTypes.INTEGER, allowNull: false },
      programmableKeys: json('programmableKeys', []),
      extraValues: json('extraValues', {}),
      adminPasswordSealed: { type: DataTypes.TEXT, allowNull: false },
      httpUsername: str(32),
      httpPasswordSealed: { type: DataTypes.TEXT, allowNull: false },
      credentialsConfirmedAt: date(),
      claimWindowUntil: date(),
      claimedAt: date(),
      claimedFromIp: str(45, true),
      lastIp: str(45, true),
      lastUserAgent: str(255, true),
      lastFile: str(128, true),
      lastFetchAt: date(),
      lastRebootAt: date(),
      createdAt: { type: DataTypes.DATE },
      updatedAt: { type: DataTypes.DATE },
    },
    { sequelize, tableName: 'provisioning_devices', timestamps: true },
  );
  DeviceAccount.init(
    {
      deviceId: { type: DataTypes.INTEGER, primaryKey: true },
      position: { type: DataTypes.INTEGER, primaryKey: true },
      extensionId: { type: DataTypes.INTEGER, allowNull: false },
    },
    { sequelize, tableName: 'provisioning_device_accounts' },
  );
  ModelOverride.init(
    {
      vendor: { type: DataTypes.STRING(32), primaryKey: true },
      model: { type: DataTypes.STRING(32), primaryKey: true },
      extraValues: json('extraValues', {}),
      createdAt: { type: DataTypes.DATE },
      updatedAt: { type: DataTypes.DATE },
    },
    { sequelize, tableName: 'provisioning_model_overrides', timestamps: true },
  );
  SecretPath.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      keyHash: str(64),
      keySealed: { type: DataTypes.TEXT, allowNull: false },
      createdAt: { type: DataTypes.DATE },
    },
    { sequelize, tableName: 'provisioning_secret_paths', timestamps: true, updatedAt: false },
  );
  ProvisioningBan.init(
    {
      ip: { type: DataTypes.STRING(45), primaryKey: true },
      reason: str(32),
      bannedUntil: { type: DataTypes.DATE, allowNull: false },
      createdAt: { type: DataTypes.DATE },
    },
    { sequelize, tableName: 'provisioning_bans', timestamps: true, updatedAt: false },
  );
}
