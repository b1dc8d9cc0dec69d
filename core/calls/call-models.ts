import { DataTypes, Model, Sequelize, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import { phoneRegion } from '../http/phone-number';
import type { CallDirection, CallStatus, StatusOrigin } from './call-status';
import { searchDigits } from './phone-digits';

export class CallRecord extends Model<InferAttributes<CallRecord>, InferCreationAttributes<CallRecord>> {
  declare id: CreationOptional<number>;
  declare callKey: string;
  declare startAt: Date;
  declare endAt: Date;
  declare callerNumber: string;
  declare callerName: string;
  declare callerTail: string;
  declare destination: string;
  declare destinationTail: string;
  /** What the number filter searches: set with `callerNumber` and `destination` (see searchDigits). */
  declare callerDigits: CreationOptional<string>;
  declare destinationDigits: CreationOptional<string>;
  /** The extension reached (inbound, internal). */
  declare extension: string | null;
  /** The calling extension (outbound, internal). */
  declare callerExtension: string | null;
  declare direction: CallDirection;
  declare durationSeconds: number;
  declare talkSeconds: number;
  declare status: CallStatus;
  declare statusOrigin: StatusOrigin;
  declare seenLive: boolean;
  declare seenCdr: boolean;
  declare seenCel: CreationOptional<boolean>;
  /** Where the call was transferred, from CEL (blind: the number dialled; attended: the target). */
  declare transferredTo: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** A channel (uniqueid) that belongs to a call: how CDR lines without a userfield find their call. */
export class CallLeg extends Model<InferAttributes<CallLeg>, InferCreationAttributes<CallLeg>> {
  declare uniqueid: string;
  declare callKey: string;
}

export class CallRecording extends Model<InferAttributes<CallRecording>, InferCreationAttributes<CallRecording>> {
  declare id: CreationOptional<number>;
  declare callKey: string;
  declare uniqueid: string;
  /** Relative to `<dataDir>/recordings`, e.g. `2026/11/1795259758.100691-1795259758.100692.mp3`. */
  declare file: string;
  declare bytes: number;
  declare recordedAt: Date;
  declare createdAt: CreationOptional<Date>;
}

export function initCallModels(sequelize: Sequelize): void {
  CallRecord.init(
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      callKey: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      startAt: { type: DataTypes.DATE(3), allowNull: false },
      endAt: { type: DataTypes.DATE(3), allowNull: false },
      callerNumber: {
        type: DataTypes.STRING(64),
        allowNull: false,
        // Every write of the number (build, merge, bulk insert) keeps its searchable form with it.
        set(this: CallRecord, value: string) {
          this.setDataValue('callerNumber', value);
          this.setDataValue('callerDigits', searchDigits(value, phoneRegion()));
        },
      },
      callerName: { type: DataTypes.STRING(120), allowNull: false },
      callerTail: { type: DataTypes.STRING(16), allowNull: false },
      destination: {
        type: DataTypes.STRING(64),
        allowNull: false,
        set(this: CallRecord, value: string) {
          this.setDataValue('destination', value);
          this.setDataValue('destinationDigits', searchDigits(value, phoneRegion()));
        },
      },
      destinationTail: { type: DataTypes.STRING(16), allowNull: false },
      callerDigits: { type: DataTypes.STRING(32), allowNull: false, defaultValue: '' },
      destinationDigits: { type: DataTypes.STRING(32), allowNull: false, defaultValue: '' },
      extension: { type: DataTypes.STRING(32), allowNull: true },
      callerExtension: { type: DataTypes.STRING(32), allowNull: true },
      direction: { type: DataTypes.STRING(8), allowNull: false },
      durationSeconds: { type: DataTypes.INTEGER, allowNull: false },
      talkSeconds: { type: DataTypes.INTEGER, allowNull: false },
      status: { type: DataTypes.STRING(12), allowNull: false },
      statusOrigin: { type: DataTypes.STRING(12), allowNull: false },
      seenLive: { type: DataTypes.BOOLEAN, allowNull: false },
      seenCdr: { type: DataTypes.BOOLEAN, allowNull: false },
      seenCel: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      transferredTo: { type: DataTypes.STRING(64), allowNull: true },
      createdAt: { type: DataTypes.DATE, allowNull: false },
      updatedAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'call_log', timestamps: true },
  );
  CallLeg.init(
    {
      uniqueid: { type: DataTypes.STRING(64), primaryKey: true },
      callKey: { type: DataTypes.STRING(64), allowNull: false },
    },
    { sequelize, tableName: 'call_log_legs' },
  );
  CallRecording.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      callKey: { type: DataTypes.STRING(64), allowNull: false },
      uniqueid: { type: DataTypes.STRING(64), allowNull: false },
      file: { type: DataTypes.STRING(255), allowNull: false },
      bytes: { type: DataTypes.INTEGER, allowNull: false },
      recordedAt: { type: DataTypes.DATE, allowNull: false },
      createdAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'call_recordings', timestamps: true, updatedAt: false },
  );
}
