import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { HttpError, Op } from '../../../core/plugin-api';
import type { DirectoryModels } from '../models';
import type { ContactExportService } from './contact-export-service';
import type { DirectorySettings } from './directory-settings';

export interface BackupView {
  id: number;
  reason: string;
  contactCount: number;
  createdBy: number | null;
  createdAt: string;
}

/** Exports kept automatically before each applied import or restore, the last N of them. */
export class DirectoryBackupService {
  constructor(
    private readonly models: DirectoryModels,
    private readonly exporter: ContactExportService,
    private readonly settings: DirectorySettings,
    private readonly folder: string,
  ) {}

  async create(reason: 'import' | 'restore' | 'manual', userId: number | null): Promise<BackupView> {
    fs.mkdirSync(this.folder, { recursive: true });
    const createdAt = new Date();
    const fileName = `backup-${createdAt.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.csv`;
    const file = path.join(this.folder, fileName);
    try {
      const contactCount = await this.exporter.write(fs.createWriteStream(file, { mode: 0o600 }), { language: 'en', separator: 'semicolon' });
      const row = await this.models.Backup.create({ fileName, reason, contactCount, createdBy: userId, createdAt });
      await this.prune();
      return view(row);
    } catch (err) {
      fs.rmSync(file, { force: true });
      throw err;
    }
  }

  async list(): Promise<BackupView[]> {
    const rows = await this.models.Backup.findAll({ order: [['id', 'DESC']] });
    return rows.map(view);
  }

  async file(id: number): Promise<string> {
    const row = await this.models.Backup.findByPk(id);
    const file = row && path.join(this.folder, row.fileName);
    if (!file || !fs.existsSync(file)) throw new HttpError(404, 'backup_not_found', 'Not found', `No backup with id ${id}.`);
    return file;
  }

  private async prune(): Promise<void> {
    const { backupsKept } = await this.settings.get();
    const old = await this.models.Backup.findAll({ order: [['id', 'DESC']], offset: backupsKept, limit: 1000 });
    if (!old.length) return;
    for (const row of old) fs.rmSync(path.join(this.folder, row.fileName), { force: true });
    await this.models.Backup.destroy({ where: { id: { [Op.in]: old.map((r) => r.id) } } });
  }
}

function view(row: { id: number; reason: string; contactCount: number; createdBy: number | null; createdAt: Date }): BackupView {
  return { id: row.id, reason: row.reason, contactCount: row.contactCount, createdBy: row.createdBy, createdAt: new Date(row.createdAt).toISOString() };
}
