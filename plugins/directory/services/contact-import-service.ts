import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Transaction } from 'sequelize';
import { detectCsvFileFormat, HttpError, Op, receiveUpload, type CsvEncoding, type CsvFormat, type CsvFormatChoice, type CsvSeparator, type ImportProgressCounts } from '../../../core/plugin-api';
import type { DirectoryModels } from '../models';
import type { ContactSource } from '../types';
import type { CarillonUsers } from './carillon-users';
import { ContactWriter, newContactKey, type ChangedContact, type NewContact } from './contact-writer';
import type { RowError } from './csv/row-validator';
import { scanSyncFile, type ExistingContact, type RowDecision, type ScanResult, type SyncMode } from './csv/directory-sync-plan';
import type { DirectoryBackupService } from './directory-backup-service';
import type { DirectorySettings } from './directory-settings';
import type { DirectoryState } from './directory-state';
import type { BulkChangeLock } from './exclusive';
import { FolderTree } from './folder-tree';

export interface ImportPlan {
  id: string;
  mode: SyncMode;
  status: 'planned' | 'applied' | 'failed';
  encoding: CsvEncoding;
  separator: CsvSeparator;
  encodingDetected: boolean;
  separatorDetected: boolean;
  rows: number;
  columns: { recognised: Array<{ header: string; field: string }>; ignored: string[] };
  counts: { created: number; updated: number; unchanged: number; deleted: number; readOnly: number; foldersCreated: number; rowsWithErrors: number };
  errors: RowError[];
  errorsTruncated: boolean;
  canApply: boolean;
  revision: number;
  createdAt: string;
  appliedAt: string | null;
  backupId: number | null;
}

export interface ImportProgress extends ImportProgressCounts {
  importId: string;
}

export interface ImportOptions {
  maxBytes: number;
  batchSize: number;
  /** Errors listed in a plan; the count covers them all. */
  maxListedErrors: number;
}

/** Plans stay available this long to be applied; older ones and their files are removed. */
const PLAN_LIFETIME_MS = 24 * 3600 * 1000;

/**
 * The seed's import procedure: upload a CSV (streamed to disk), see the plan (counts and every
 * row's errors), apply it all-or-nothing in one transaction after an automatic backup, or
 * restore one of the last backups in one step.
 */
export class ContactImportService {
  constructor(
    private readonly deps: {
      models: DirectoryModels;
      writer: ContactWriter;
      settings: DirectorySettings;
      state: DirectoryState;
      backups: DirectoryBackupService;
      users: CarillonUsers;
      lock: BulkChangeLock;
      progress: (event: ImportProgress) => void;
      folder: string;
      options: ImportOptions;
    },
  ) {}

  private get models(): DirectoryModels {
    return this.deps.models;
  }

  async upload(req: IncomingMessage, chosen: CsvFormatChoice, userId: number | null): Promise<ImportPlan> {
    fs.mkdirSync(this.deps.folder, { recursive: true });
    await this.removeExpiredPlans();
    const id = randomUUID();
    const fileName = `${id}.csv`;
    const file = path.join(this.deps.folder, fileName);
    await receiveUpload(req, file, this.deps.options.maxBytes);
    try {
      const plan = await this.plan(id, file, chosen, 'sync');
      await this.models.ImportRecord.create({
        id, fileName, status: 'planned', plan: JSON.stringify(plan), revision: plan.revision, createdBy: userId, createdAt: new Date(plan.createdAt), appliedAt: null,
      });
      return plan;
    } catch (err) {
      fs.rmSync(file, { force: true });
      throw err;
    }
  }

  async get(id: string): Promise<ImportPlan> {
    const record = await this.models.ImportRecord.findByPk(id);
    if (!record) throw new HttpError(404, 'import_not_found', 'Not found', `No import with id ${id}.`);
    return JSON.parse(record.plan) as ImportPlan;
  }

  async apply(id: string, userId: number | null): Promise<ImportPlan> {
    return this.deps.lock.run('import', async () => {
      const record = await this.models.ImportRecord.findByPk(id);
      if (!record) throw new HttpError(404, 'import_not_found', 'Not found', `No import with id ${id}.`);
      const plan = JSON.parse(record.plan) as ImportPlan;
      if (plan.status !== 'planned') throw HttpError.conflict('import_not_pending', `This import is already ${plan.status}.`);
      if (!plan.canApply) {
        throw HttpError.conflict('import_has_errors', `${plan.counts.rowsWithErrors} row(s) have errors: correct the file and import it again. Nothing was changed.`);
      }
      if (plan.revision !== this.deps.state.revision) {
        throw HttpError.conflict('import_plan_stale', 'The directory changed since this plan was made: import the file again to see a fresh plan.');
      }
      const file = path.join(this.deps.folder, record.fileName);
      const backup = await this.deps.backups.create('import', userId);
      const finished = await this.finish(record, plan, async () => {
        await this.applyFile(id, file, plan, 'sync');
        return { ...plan, status: 'applied' as const, appliedAt: new Date().toISOString(), backupId: backup.id };
      });
      await this.deps.state.markChanged('import');
      return finished;
    });
  }

  /** Puts the directory back as a backup has it, in one step (after backing up the current state). */
  async restore(backupId: number, userId: number | null): Promise<ImportPlan> {
    const source = await this.deps.backups.file(backupId);
    return this.deps.lock.run('restore', async () => {
      const id = randomUUID();
      const file = path.join(this.deps.folder, `${id}.csv`);
      fs.mkdirSync(this.deps.folder, { recursive: true });
      fs.copyFileSync(source, file);
      try {
        const plan = await this.plan(id, file, { encoding: 'utf-8', separator: 'semicolon' }, 'restore');
        if (!plan.canApply) throw HttpError.conflict('backup_unreadable', 'This backup no longer imports cleanly (see the server log); nothing was changed.');
        const backup = await this.deps.backups.create('restore', userId);
        await this.applyFile(id, file, plan, 'restore');
        await this.deps.state.markChanged('restore');
        return { ...plan, status: 'applied', appliedAt: new Date().toISOString(), backupId: backup.id };
      } finally {
        fs.rmSync(file, { force: true });
      }
    });
  }

  private async finish(record: { update(values: object): Promise<unknown>; fileName: string }, plan: ImportPlan, work: () => Promise<ImportPlan>): Promise<ImportPlan> {
    try {
      const done = await work();
      await record.update({ status: 'applied', plan: JSON.stringify(done), appliedAt: new Date() });
      return done;
    } catch (err) {
      await record.update({ status: 'failed', plan: JSON.stringify({ ...plan, status: 'failed' }) });
      throw err;
    } finally {
      fs.rmSync(path.join(this.deps.folder, record.fileName), { force: true });
    }
  }

  private async existingContacts(transaction?: Transaction): Promise<Map<string, ExistingContact>> {
    const rows = await this.models.Contact.findAll({ attributes: ['id', 'contactKey', 'folderId', 'source', 'contentHash'], raw: true, transaction });
    return new Map(rows.map((r) => [r.contactKey, { id: r.id as number, folderId: r.folderId, hash: r.contentHash, ldap: r.source === 'ldap' }]));
  }

  /** Reads the file and says what applying it would do. Writes nothing. */
  async plan(id: string, file: string, chosen: CsvFormatChoice, mode: SyncMode): Promise<ImportPlan> {
    const format = detectCsvFileFormat(file, chosen);
    const revision = this.deps.state.revision;
    const errors: RowError[] = [];
    let truncated = false;
    const scan = await scanSyncFile({
      file, format, mode,
      rowContext: { phones: await this.deps.settings.phoneNumbers(), userIds: await this.deps.users.idsByEmail() },
      existing: await this.existingContacts(),
      folders: await FolderTree.load(this.models),
      onRowError: (error) => {
        if (errors.length < this.deps.options.maxListedErrors) errors.push(error);
        else truncated = true;
      },
      onProgress: (processed) => this.deps.progress({ importId: id, phase: 'plan', processed, total: null, done: false }),
    });
    this.deps.progress({ importId: id, phase: 'plan', processed: scan.rows, total: scan.rows, done: true });
    return planOf(id, mode, format, scan, errors, truncated, revision);
  }

  /** Applies a planned file in one transaction; any surprise (the file changed, a write failed) rolls it all back. */
  private async applyFile(id: string, file: string, plan: ImportPlan, mode: SyncMode): Promise<void> {
    const { models } = this;
    const { writer, options } = this.deps;
    const format: CsvFormat = { encoding: plan.encoding, separator: plan.separator, encodingDetected: false, separatorDetected: false };
    const phones = await this.deps.settings.phoneNumbers();
    const userIds = await this.deps.users.idsByEmail();
    const total = plan.rows;
    await models.Contact.sequelize!.transaction(async (transaction) => {
      const folders = await FolderTree.load(models, transaction);
      const existing = await this.existingContacts(transaction);
      let creates: NewContact[] = [];
      let updates: ChangedContact[] = [];
      let processed = 0;
      const flush = async () => {
        await writer.insertMany(creates, transaction);
        await writer.updateMany(updates, transaction);
        processed += creates.length + updates.length;
        creates = [];
        updates = [];
        this.deps.progress({ importId: id, phase: 'apply', processed, total, done: false });
      };
      const onDecision = async (decision: RowDecision) => {
        if (decision.action !== 'create' && decision.action !== 'update') {
          processed++;
          return;
        }
        const { contact } = decision;
        const folderId = (await folders.ensure(models, contact.folderPath, transaction)).id;
        const item = { source: 'local' as ContactSource, externalId: null, draft: { ...contact.draft, folderId } };
        if (decision.action === 'create') creates.push({ ...item, key: decision.key ?? newContactKey() });
        else updates.push({ ...item, id: decision.id, key: decision.key });
        if (creates.length + updates.length >= options.batchSize) await flush();
      };
      let changedRows = 0;
      const scan = await scanSyncFile({
        file, format, mode,
        rowContext: { phones, userIds },
        existing, folders,
        onRowError: () => changedRows++,
        onDecision,
      });
      if (changedRows) throw HttpError.conflict('import_file_changed', 'The file no longer matches its plan; nothing was changed. Import it again.');
      await flush();
      for (let i = 0; i < scan.deletedIds.length; i += options.batchSize) {
        await writer.deleteMany(scan.deletedIds.slice(i, i + options.batchSize), transaction);
      }
    });
    this.deps.progress({ importId: id, phase: 'apply', processed: total, total, done: true });
  }

  private async removeExpiredPlans(): Promise<void> {
    const expired = await this.models.ImportRecord.findAll({ where: { status: 'planned', createdAt: { [Op.lt]: new Date(Date.now() - PLAN_LIFETIME_MS) } } });
    for (const record of expired) {
      fs.rmSync(path.join(this.deps.folder, record.fileName), { force: true });
      await record.update({ status: 'failed' });
    }
  }
}

function planOf(id: string, mode: SyncMode, format: CsvFormat, scan: ScanResult, errors: RowError[], truncated: boolean, revision: number): ImportPlan {
  return {
    id, mode, status: 'planned',
    encoding: format.encoding, separator: format.separator,
    encodingDetected: format.encodingDetected, separatorDetected: format.separatorDetected,
    rows: scan.rows,
    columns: {
      recognised: [...scan.header.names].map(([field, header]) => ({ header, field })),
      ignored: scan.header.ignored,
    },
    counts: {
      ...scan.counts,
      deleted: scan.deletedIds.length,
      foldersCreated: scan.newFolders.size,
      rowsWithErrors: scan.rowsWithErrors,
    },
    errors, errorsTruncated: truncated,
    canApply: scan.rowsWithErrors === 0,
    revision,
    createdAt: new Date().toISOString(),
    appliedAt: null,
    backupId: null,
  };
}
