import { DataTypes, type PluginContext } from '../../../core/plugin-api';
import type { CreationOptional, Model, ModelStatic } from 'sequelize';

export interface FolderRow extends Model {
  id: CreationOptional<number>;
  parentId: number | null;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ContactRow extends Model {
  id: CreationOptional<number>;
  contactKey: string;
  folderId: number | null;
  source: string;
  externalId: string | null;
  firstName: string;
  lastName: string;
  company: string | null;
  jobTitle: string | null;
  emails: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
  notes: string | null;
  userId: number | null;
  extension: string | null;
  sortName: string;
  contentHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NumberRow extends Model {
  id: CreationOptional<number>;
  contactId: number;
  type: string;
  original: string;
  e164: string | null;
  digits: string;
  isDefault: boolean;
  position: number;
}

export interface BackupRow extends Model {
  id: CreationOptional<number>;
  fileName: string;
  reason: string;
  contactCount: number;
  createdBy: number | null;
  createdAt: Date;
}

export interface ImportRow extends Model {
  id: string;
  fileName: string;
  status: string;
  plan: string;
  revision: number;
  createdBy: number | null;
  createdAt: Date;
  appliedAt: Date | null;
}

export interface DirectoryModels {
  Folder: ModelStatic<FolderRow>;
  Contact: ModelStatic<ContactRow>;
  ContactNumber: ModelStatic<NumberRow>;
  Backup: ModelStatic<BackupRow>;
  ImportRecord: ModelStatic<ImportRow>;
}

/**
 * The tables of migrations/0001 as Sequelize models (names in camelCase, columns in snake_case).
 * The directory writes its own times (an import or a restore keeps the originals), so Sequelize's
 * automatic timestamps are off.
 */
const OWN_TIMES = { timestamps: false } as const;

export function defineModels(ctx: PluginContext): DirectoryModels {
  const Folder = ctx.models.define<FolderRow>('Folder', 'folders', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    parentId: { type: DataTypes.INTEGER, allowNull: true },
    name: { type: DataTypes.STRING(100), allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  }, OWN_TIMES);
  const Contact = ctx.models.define<ContactRow>('Contact', 'contacts', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    contactKey: { type: DataTypes.STRING(16), allowNull: false },
    folderId: { type: DataTypes.INTEGER, allowNull: true },
    source: { type: DataTypes.STRING(8), allowNull: false },
    externalId: { type: DataTypes.STRING(191), allowNull: true },
    firstName: { type: DataTypes.STRING(100), allowNull: false },
    lastName: { type: DataTypes.STRING(100), allowNull: false },
    company: { type: DataTypes.STRING(150), allowNull: true },
    jobTitle: { type: DataTypes.STRING(150), allowNull: true },
    emails: { type: DataTypes.TEXT, allowNull: true },
    street: { type: DataTypes.STRING(255), allowNull: true },
    postalCode: { type: DataTypes.STRING(20), allowNull: true },
    city: { type: DataTypes.STRING(100), allowNull: true },
    country: { type: DataTypes.STRING(100), allowNull: true },
    notes: { type: DataTypes.TEXT, allowNull: true },
    userId: { type: DataTypes.INTEGER, allowNull: true },
    extension: { type: DataTypes.STRING(32), allowNull: true },
    sortName: { type: DataTypes.STRING(210), allowNull: false },
    contentHash: { type: DataTypes.STRING(40), allowNull: false },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    updatedAt: { type: DataTypes.DATE, allowNull: false },
  }, OWN_TIMES);
  const ContactNumber = ctx.models.define<NumberRow>('ContactNumber', 'numbers', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    contactId: { type: DataTypes.INTEGER, allowNull: false },
    type: { type: DataTypes.STRING(8), allowNull: false },
    original: { type: DataTypes.STRING(64), allowNull: false },
    e164: { type: DataTypes.STRING(20), allowNull: true },
    digits: { type: DataTypes.STRING(20), allowNull: false },
    isDefault: { type: DataTypes.BOOLEAN, allowNull: false },
    position: { type: DataTypes.INTEGER, allowNull: false },
  }, OWN_TIMES);
  const Backup = ctx.models.define<BackupRow>('Backup', 'backups', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    fileName: { type: DataTypes.STRING(191), allowNull: false },
    reason: { type: DataTypes.STRING(16), allowNull: false },
    contactCount: { type: DataTypes.INTEGER, allowNull: false },
    createdBy: { type: DataTypes.INTEGER, allowNull: true },
    createdAt: { type: DataTypes.DATE, allowNull: false },
  }, OWN_TIMES);
  const ImportRecord = ctx.models.define<ImportRow>('ImportRecord', 'imports', {
    id: { type: DataTypes.STRING(36), primaryKey: true },
    fileName: { type: DataTypes.STRING(191), allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    // The column is LONGTEXT on MariaDB (see the migration); the model needs only to know it is text.
    plan: { type: DataTypes.TEXT, allowNull: false },
    revision: { type: DataTypes.INTEGER, allowNull: false },
    createdBy: { type: DataTypes.INTEGER, allowNull: true },
    createdAt: { type: DataTypes.DATE, allowNull: false },
    appliedAt: { type: DataTypes.DATE, allowNull: true },
  }, OWN_TIMES);
  return { Folder, Contact, ContactNumber, Backup, ImportRecord };
}
