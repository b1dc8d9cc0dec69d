import { DataTypes, Model, Sequelize, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import { json, str } from '../../db/columns';
import type { Codec, WeeklySlot } from '../config/snapshot';
import type { StoredDestination } from './destination-types';

export type RecordingPolicy = 'never' | 'always' | 'on_demand';
export type TrunkKind = 'operator' | 'peer';
export type SipTransport = 'udp' | 'tcp' | 'tls';

export interface ManualHoliday {
  /** ISO date, local to the schedule's time zone. */
  date: string;
  label: string;
}

export class RestrictionClass extends Model<InferAttributes<RestrictionClass>, InferCreationAttributes<RestrictionClass>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare description: string;
  declare deniedPatterns: string[];
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Extension extends Model<InferAttributes<Extension>, InferCreationAttributes<Extension>> {
  declare id: CreationOptional<number>;
  declare number: string;
  declare name: string;
  declare userId: number | null;
  declare sipUsername: string;
  /** Sealed with the core SecretBox; never leaves the service in clear except through reveal and the snapshot. */
  declare sipPasswordSealed: string;
  declare codecs: Codec[];
  declare maxContacts: number;
  declare webrtc: boolean;
  declare voicemailEnabled: boolean;
  declare voicemailEmail: string | null;
  declare recording: RecordingPolicy;
  declare restrictionClassId: number;
  declare outboundCallerId: string | null;
  declare doNotDisturb: boolean;
  declare forwardUnconditional: string | null;
  declare forwardBusy: string | null;
  declare forwardNoAnswer: string | null;
  declare forwardNoAnswerSeconds: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Trunk extends Model<InferAttributes<Trunk>, InferCreationAttributes<Trunk>> {
  declare id: CreationOptional<number>;
  declare kind: TrunkKind;
  declare name: string;
  declare host: string | null;
  declare port: number | null;
  declare transport: SipTransport | null;
  declare username: string;
  declare passwordSealed: string;
  declare fromDomain: string | null;
  declare fromUser: string | null;
  declare register: boolean;
  declare allowedAddresses: string[];
  declare codecs: Codec[];
  declare maxChannels: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Schedule extends Model<InferAttributes<Schedule>, InferCreationAttributes<Schedule>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare timeZone: string;
  declare weekly: WeeklySlot[];
  declare holidays: ManualHoliday[];
  declare holidayCountry: string | null;
  declare holidayRegion: string | null;
  declare override: 'open' | 'closed' | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class RingGroup extends Model<InferAttributes<RingGroup>, InferCreationAttributes<RingGroup>> {
  declare id: CreationOptional<number>;
  declare number: string;
  declare name: string;
  declare strategy: 'ring_all' | 'hunt';
  declare ringSeconds: number;
  declare fallback: StoredDestination;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class RingGroupMember extends Model<InferAttributes<RingGroupMember>> {
  declare ringGroupId: number;
  declare extensionId: number;
  declare position: number;
}

export class InboundRoute extends Model<InferAttributes<InboundRoute>, InferCreationAttributes<InboundRoute>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare did: string | null;
  declare callerPattern: string | null;
  declare destination: StoredDestination;
  declare recording: CreationOptional<RecordingPolicy>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class OutboundRoute extends Model<InferAttributes<OutboundRoute>, InferCreationAttributes<OutboundRoute>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare priority: number;
  declare patterns: string[];
  declare stripDigits: number;
  declare prepend: string;
  declare recording: CreationOptional<RecordingPolicy>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class OutboundRouteTrunk extends Model<InferAttributes<OutboundRouteTrunk>> {
  declare routeId: number;
  declare trunkId: number;
  declare position: number;
}

/** Who owns an internal number (extension or ring group). */
export class InternalNumber extends Model<InferAttributes<InternalNumber>> {
  declare number: string;
  declare ownerKind: 'extension' | 'ringGroup';
  declare ownerId: number;
}


const id = () => ({ type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true });
const timestamps = () => ({ createdAt: { type: DataTypes.DATE }, updatedAt: { type: DataTypes.DATE } });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const bool = () => ({ type: DataTypes.BOOLEAN, allowNull: false });

export function initTelephonyModels(sequelize: Sequelize): void {
  const options = (tableName: string) => ({ sequelize, tableName, timestamps: true });
  RestrictionClass.init(
    { id: id(), name: str(64), description: str(255), deniedPatterns: json('deniedPatterns', []), ...timestamps() },
    options('telephony_restriction_classes'),
  );
  Extension.init(
    {
      id: id(),
      number: str(16),
      name: str(80),
      userId: int(true),
      sipUsername: str(64),
      sipPasswordSealed: { type: DataTypes.TEXT, allowNull: false },
      codecs: json('codecs', []),
      maxContacts: int(),
      webrtc: bool(),
      voicemailEnabled: bool(),
      voicemailEmail: str(191, true),
      recording: str(16),
      restrictionClassId: int(),
      outboundCallerId: str(32, true),
      doNotDisturb: bool(),
      forwardUnconditional: str(32, true),
      forwardBusy: str(32, true),
      forwardNoAnswer: str(32, true),
      forwardNoAnswerSeconds: int(),
      ...timestamps(),
    },
    options('telephony_extensions'),
  );
  Trunk.init(
    {
      id: id(),
      kind: str(16),
      name: str(80),
      host: str(255, true),
      port: int(true),
      transport: str(8, true),
      username: str(64),
      passwordSealed: { type: DataTypes.TEXT, allowNull: false },
      fromDomain: str(255, true),
      fromUser: str(64, true),
      register: bool(),
      allowedAddresses: json('allowedAddresses', []),
      codecs: json('codecs', []),
      maxChannels: int(true),
      ...timestamps(),
    },
    options('telephony_trunks'),
  );
  Schedule.init(
    {
      id: id(),
      name: str(120),
      timeZone: str(64),
      weekly: json('weekly', []),
      holidays: json('holidays', []),
      holidayCountry: str(8, true),
      holidayRegion: str(16, true),
      override: str(8, true),
      ...timestamps(),
    },
    options('telephony_schedules'),
  );
  RingGroup.init(
    { id: id(), number: str(16), name: str(80), strategy: str(16), ringSeconds: int(), fallback: json('fallback', { type: 'hangup' }), ...timestamps() },
    options('telephony_ring_groups'),
  );
  RingGroupMember.init(
    { ringGroupId: { ...int(), primaryKey: true }, extensionId: { ...int(), primaryKey: true }, position: int() },
    { sequelize, tableName: 'telephony_ring_group_members' },
  );
  InboundRoute.init(
    { id: id(), name: str(120), did: str(20, true), callerPattern: str(80, true), destination: json('destination', { type: 'hangup' }), recording: { ...str(16), defaultValue: 'never' }, ...timestamps() },
    options('telephony_inbound_routes'),
  );
  OutboundRoute.init(
    { id: id(), name: str(120), priority: int(), patterns: json('patterns', []), stripDigits: int(), prepend: str(20), recording: { ...str(16), defaultValue: 'never' }, ...timestamps() },
    options('telephony_outbound_routes'),
  );
  OutboundRouteTrunk.init(
    { routeId: { ...int(), primaryKey: true }, trunkId: { ...int(), primaryKey: true }, position: int() },
    { sequelize, tableName: 'telephony_outbound_route_trunks' },
  );
  InternalNumber.init(
    { number: { type: DataTypes.STRING(16), primaryKey: true }, ownerKind: str(16), ownerId: int() },
    { sequelize, tableName: 'telephony_numbers' },
  );
}
