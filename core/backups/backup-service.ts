import crypto from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Op } from 'sequelize';
import * as tar from 'tar';
import type { AuditService } from '../audit/audit-service';
import type { Identity } from '../auth/authenticator';
import {
  BackupError,
  canReplace,
  defaultBackupName,
  listFiles,
  restoreBackup,
  sha256,
  stageBackup,
  streamBackup,
  verifyBackup,
  writeArchive,
  type BackupManifest,
} from '../cli/backup-archive';
import { toBytes } from '../config/load';
import type { CarillonConfig } from '../config/schema';
import { HttpError } from '../http/problem';
import { receiveUpload } from '../http/receive-upload';
import type { Logger } from '../logging/logger';
import { PRIVATE_FILE_MODE } from '../security/private-files';
import type { ServerRestart } from '../server-restart';
import type { SettingsService } from '../settings/settings-service';
import { VERSION } from '../version';
import { BackupRun } from './backup-run-model';
import { DEFAULT_SCHEDULE, isDue, nextSlot, type BackupSchedule } from './backup-schedule';
import { BackupStore, type RecordingEntry, type StoredBackup } from './backup-store';

const SCHEDULE_KEY = 'system.backupSchedule';
const UPLOAD_ID = /^[0-9a-f]{32}$/;
const LAST_RESTORE = 'last-restore.json';
/** An upload not restored within a day is removed (it holds the whole appliance's data and secret key). */
const UPLOAD_TTL_MS = 24 * 3600_000;

/** A checked upload waiting for the admin's confirmation. */
export interface UploadedBackup {
  id: string;
  uploadedAt: string;
  uploadedBy: string;
  size: number;
  createdAt: string;
  carillonVersion: string;
  database: 'sqlite' | 'mariadb';
  files: number;
  recordings: number;
  /** A scheduled backup: its recordings come from sets of this server's chain. */
  usesRecordingsSets: boolean;
}

export interface LastRestore {
  at: string;
  by: string;
  source: string;
  ok: boolean;
  backupCreatedAt: string | null;
  error: string | null;
  code: string | null;
  reported: boolean;
  /** The configuration file was kept (this process may not replace it): the backup's copy is saved beside the backups. */
  configKept: string | null;
}

export interface BackupServiceDeps {
  config: CarillonConfig;
  settings: SettingsService;
  audit: AuditService;
  logger: Logger;
  restart: ServerRestart;
  timeZone: () => Promise<string>;
}

/** A BackupError (the CLI's checks) as the web answer: same words, a code the UI translates. */
function asProblem(err: unknown): unknown {
  if (err instanceof BackupError) return new HttpError(422, err.code, 'Backup refused', `${err.message} Nothing was changed.`);
  return err;
}

function countRecordings(manifest: BackupManifest): number {
  if (manifest.recordings) return Object.keys(manifest.recordings.files).length;
  return Object.keys(manifest.files).filter((f) => f.startsWith('recordings/')).length;
}

/**
 * Backups from the web UI, on the same code as `carillon backup` / `carillon restore`
 * (core/cli/backup-archive.ts): a download of a full archive now, scheduled backups kept in the
 * backups folder with retention (recordings incremental, see BackupStore), and a restore by
 * upload with the CLI's checks, done as the appliance's CLI does it: Carillon stopped, the data
 * replaced, Carillon started again.
 */
export class BackupService {
  readonly store: BackupStore;
  /** One backup run or restore at a time. */
  private busy: string | null = null;
  /** Set once a restore is confirmed: nothing else starts until Carillon has restarted. */
  private restoring = false;

  constructor(private readonly deps: BackupServiceDeps) {
    this.store = new BackupStore(path.resolve(deps.config.backups.dir ?? path.join(deps.config.resolved.dataDir, 'backups')));
  }

  get maxUploadBytes(): number {
    return toBytes(this.deps.config.backups.maxUploadBytes);
  }

  private get recordingsDir(): string {
    return path.join(this.deps.config.resolved.dataDir, 'recordings');
  }

  /** At start: the folder, stale uploads, and the audit entry of a restore that just finished. */
  async start(): Promise<void> {
    this.store.ensure();
    this.purgeUploads();
    this.store.removePartials();
    const last = this.lastRestore();
    if (last && !last.reported) {
      await this.deps.audit.record({
        actor: last.by,
        action: last.ok ? 'system.backups.restored' : 'system.backups.restoreFailed',
        target: `backup:${last.source}`,
        details: { backupCreatedAt: last.backupCreatedAt, ...(last.error ? { error: last.error } : {}) },
      });
      this.writeLastRestore({ ...last, reported: true });
    }
  }

  private exclusive<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.busy || this.restoring || this.deps.restart.pending) {
      return Promise.reject(new HttpError(409, 'backup_busy', 'Backup busy', `A ${this.busy ?? 'restore'} is under way; try again when it has finished.`));
    }
    this.busy = what;
    return work().finally(() => {
      this.busy = null;
    });
  }

  async schedule(): Promise<BackupSchedule> {
    return { ...DEFAULT_SCHEDULE, ...((await this.deps.settings.get<BackupSchedule>(SCHEDULE_KEY)) ?? {}) };
  }

  async setSchedule(input: Omit<BackupSchedule, 'updatedAt'>, now = new Date()): Promise<BackupSchedule> {
    const schedule = { ...input, updatedAt: now.toISOString() };
    await this.deps.settings.set(SCHEDULE_KEY, schedule);
    // Fewer kept: applied now, not at the next run; a run under way prunes with the new number when it ends
    // (pruning under it could delete a recordings set it is about to reference).
    if (schedule.enabled && !this.busy && !this.restoring) this.store.prune(schedule.keep);
    return schedule;
  }

  /** The backups page: schedule, next and last runs, the backups kept, the last restore. */
  async overview(now = new Date()) {
    const schedule = await this.schedule();
    const timeZone = await this.deps.timeZone();
    const lastRun = await BackupRun.findOne({ order: [['startedAt', 'DESC'], ['id', 'DESC']] });
    const lastFailure = await BackupRun.findOne({ where: { status: 'failed' }, order: [['startedAt', 'DESC'], ['id', 'DESC']] });
    return {
      schedule,
      timeZone,
      nextRunAt: schedule.enabled ? nextSlot(schedule, now, timeZone).toISOString() : null,
      lastRun: lastRun?.toJSON() ?? null,
      lastFailure: lastFailure?.toJSON() ?? null,
      running: this.busy,
      items: this.store.list(),
      maxUploadBytes: this.maxUploadBytes,
      restoreAvailable: this.deps.restart.available,
      lastRestore: this.lastRestore(),
    };
  }

  /** A full archive (recordings included), packed while it is sent. */
  download(): Promise<{ manifest: BackupManifest; stream: import('node:stream').Readable; name: string }> {
    if (this.restoring || this.deps.restart.pending) return Promise.reject(new HttpError(409, 'backup_busy', 'Backup busy', 'A restore is under way.'));
    return streamBackup(this.deps.config).then((result) => ({ ...result, name: defaultBackupName(new Date(result.manifest.createdAt)) }));
  }

  /** Runs the scheduled backup if its time has come (called every minute by the job scheduler). */
  async runIfDue(now = new Date()): Promise<StoredBackup | null> {
    const schedule = await this.schedule();
    const last = await BackupRun.findOne({ where: { kind: 'scheduled' }, order: [['startedAt', 'DESC']] });
    if (!isDue(schedule, now, await this.deps.timeZone(), last?.startedAt ?? null)) return null;
    if (this.busy || this.restoring || this.deps.restart.pending) return null;
    return this.run('scheduled', now).catch((err: unknown) => {
      this.deps.logger.error({ err }, 'scheduled backup failed');
      return null;
    });
  }

  /**
   * Takes a backup into the backups folder: the archive (database, configuration, secret key,
   * plugins) and a recordings set of the recordings the newest kept backup does not already hold.
   */
  run(kind: 'scheduled' | 'manual', now = new Date()): Promise<StoredBackup> {
    return this.exclusive('backup', async () => {
      this.store.ensure();
      const row = await BackupRun.create({ kind, status: 'running', name: null, startedAt: now, finishedAt: null, size: null, recordingsAdded: null, error: null, pruned: null });
      const name = this.store.freshName(defaultBackupName(now).replace(/\.tar\.gz$/, ''));
      try {
        const { summary } = await this.write(name, kind);
        const pruned = kind === 'scheduled' ? this.store.prune((await this.schedule()).keep) : [];
        await row.update({ status: 'succeeded', name, finishedAt: new Date(), size: BackupStore.totalSize(summary), recordingsAdded: summary.recordingsSet?.recordings ?? 0, pruned: pruned.length });
        return summary;
      } catch (err) {
        for (const suffix of ['.tar.gz', '.recordings.tar.gz', '.json', '.index.json']) fs.rmSync(path.join(this.store.dir, `${name}${suffix}`), { force: true });
        await row.update({ status: 'failed', name, finishedAt: new Date(), error: (err as Error).message.slice(0, 2000) });
        throw err;
      }
    });
  }

  private async write(name: string, kind: 'scheduled' | 'manual'): Promise<{ summary: StoredBackup }> {
    const previous = this.store.newestIndex();
    const kept = new Map(this.store.list().flatMap((b) => Object.entries(b.sets)));
    const index: Record<string, RecordingEntry> = {};
    const fresh: string[] = [];
    for (const relative of listFiles(this.recordingsDir)) {
      const stat = fs.statSync(path.join(this.recordingsDir, relative));
      const known = previous[relative];
      // A recording is written once: same size and modification time as in a kept set, it is that one.
      if (known && kept.has(known.set) && known.size === stat.size && known.mtimeMs === stat.mtimeMs) index[relative] = known;
      else fresh.push(relative);
    }
    let recordingsSet: StoredBackup['recordingsSet'] = null;
    const setName = `${name}.recordings.tar.gz`;
    if (fresh.length) {
      for (const relative of fresh) {
        const full = path.join(this.recordingsDir, relative);
        const stat = fs.statSync(full);
        index[relative] = { set: setName, size: stat.size, sha256: await sha256(full), mtimeMs: stat.mtimeMs };
      }
      await writeArchive(this.recordingsDir, fresh, this.store.setOf(name));
      const size = fs.statSync(this.store.setOf(name)).size;
      kept.set(setName, { size, sha256: await sha256(this.store.setOf(name)) });
      recordingsSet = { name: setName, size, recordings: fresh.length };
    }
    const sets = Object.fromEntries([...new Set(Object.values(index).map((e) => e.set))].map((set) => [set, kept.get(set)!]));
    const staged = await stageBackup(this.deps.config, { withoutRecordings: true, recordings: { sets, files: index } });
    try {
      await writeArchive(staged.stage, staged.entries, this.store.archiveOf(name));
    } finally {
      staged.discard();
    }
    const summary: StoredBackup = {
      name,
      kind,
      createdAt: staged.manifest.createdAt,
      carillonVersion: VERSION,
      size: fs.statSync(this.store.archiveOf(name)).size,
      recordingsSet,
      recordingsTotal: Object.keys(index).length,
      sets,
    };
    this.store.write(summary, index);
    return { summary };
  }

  /** A kept backup's file for download: its archive or its recordings set. */
  file(name: string, part: 'archive' | 'recordings'): { file: string; filename: string } {
    const backup = this.store.get(name);
    if (!backup) throw HttpError.notFound('backup');
    if (part === 'archive') return { file: this.store.archiveOf(name), filename: `${name}.tar.gz` };
    if (!backup.recordingsSet) throw HttpError.notFound('recordings set', 'This backup added no recording: it has no recordings set of its own.');
    return { file: this.store.setOf(name), filename: backup.recordingsSet.name };
  }

  delete(name: string): Promise<void> {
    return this.exclusive('deletion', async () => {
      if (!this.store.get(name)) throw HttpError.notFound('backup');
      this.store.delete(name);
    });
  }

  // ----- restore -----

  /** Receives an archive to restore (streamed to disk) and checks it as `carillon restore` does; changes nothing. */
  async upload(req: IncomingMessage, identity: Identity): Promise<UploadedBackup> {
    this.store.ensure();
    this.purgeUploads();
    const id = crypto.randomBytes(16).toString('hex');
    const file = path.join(this.store.uploadsDir, `${id}.tar.gz`);
    const size = await receiveUpload(req, file, { maxBytes: this.maxUploadBytes, what: 'a Carillon backup archive (.tar.gz)' });
    let manifest: BackupManifest;
    try {
      manifest = await verifyBackup(this.deps.config, file, { setsDir: this.store.dir });
    } catch (err) {
      fs.rmSync(file, { force: true });
      throw asProblem(err);
    }
    const uploaded: UploadedBackup = {
      id,
      uploadedAt: new Date().toISOString(),
      uploadedBy: identity.user.email,
      size,
      createdAt: manifest.createdAt,
      carillonVersion: manifest.carillonVersion,
      database: manifest.database.dialect,
      files: Object.keys(manifest.files).length,
      recordings: countRecordings(manifest),
      usesRecordingsSets: Boolean(manifest.recordings),
    };
    fs.writeFileSync(path.join(this.store.uploadsDir, `${id}.json`), JSON.stringify(uploaded), { mode: PRIVATE_FILE_MODE });
    return uploaded;
  }

  uploaded(id: string): UploadedBackup {
    const summary = path.join(this.store.uploadsDir, `${id}.json`);
    if (!UPLOAD_ID.test(id) || !fs.existsSync(summary) || !fs.existsSync(path.join(this.store.uploadsDir, `${id}.tar.gz`))) {
      throw HttpError.notFound('upload', 'No such uploaded backup (uploads are kept for a day): upload it again.');
    }
    return JSON.parse(fs.readFileSync(summary, 'utf8')) as UploadedBackup;
  }

  discardUpload(id: string): void {
    this.uploaded(id);
    for (const suffix of ['.tar.gz', '.json']) fs.rmSync(path.join(this.store.uploadsDir, `${id}${suffix}`), { force: true });
  }

  private purgeUploads(now = Date.now()): void {
    if (!fs.existsSync(this.store.uploadsDir)) return;
    for (const file of fs.readdirSync(this.store.uploadsDir)) {
      const full = path.join(this.store.uploadsDir, file);
      if (now - fs.statSync(full).mtimeMs > UPLOAD_TTL_MS) fs.rmSync(full, { force: true });
    }
  }

  /**
   * Restores an uploaded or kept backup. Checked again first (a bad file: an error, nothing
   * changed, Carillon keeps running); then, once the answer is sent, Carillon stops, the CLI's
   * restore runs (as `carillon restore --force`: the admin confirmed replacing this Carillon's
   * data), and Carillon starts again on the restored data (pending migrations run at that start).
   * The result is written beside the backups and audited by the restarted Carillon.
   */
  async restore(source: { upload?: string; backup?: string }, identity: Identity, whenAnswered: (fn: () => void) => void): Promise<{ restarting: true; backupCreatedAt: string }> {
    const file = source.upload ? path.join(this.store.uploadsDir, `${this.uploaded(source.upload).id}.tar.gz`) : this.file(source.backup ?? '', 'archive').file;
    const label = source.upload ? `upload:${source.upload}` : `kept:${source.backup}`;
    return this.exclusive('restore', async () => {
      if (!this.deps.restart.available) throw new HttpError(409, 'restart_unavailable', 'Restart unavailable', 'This Carillon cannot restart itself: use `carillon restore` on the server.');
      let manifest: BackupManifest;
      try {
        manifest = await verifyBackup(this.deps.config, file, { setsDir: this.store.dir });
      } catch (err) {
        throw asProblem(err);
      }
      const config = this.deps.config;
      const setsDir = this.store.dir;
      const by = identity.user.email;
      this.restoring = true;
      whenAnswered(() =>
        this.deps.restart.request(async () => {
          const configFile = config.resolved.configFile;
          const keepConfigFile = configFile !== null && !canReplace(configFile);
          const result: LastRestore = { at: new Date().toISOString(), by, source: label, ok: false, backupCreatedAt: manifest.createdAt, error: null, code: null, reported: false, configKept: null };
          try {
            await restoreBackup(config, file, { force: true, setsDir, keepConfigFile });
            if (keepConfigFile) result.configKept = await this.saveBackupConfig(file);
            result.ok = true;
            if (source.upload) for (const suffix of ['.tar.gz', '.json']) fs.rmSync(path.join(this.store.uploadsDir, `${source.upload}${suffix}`), { force: true });
          } catch (err) {
            result.error = (err as Error).message;
            result.code = err instanceof BackupError ? err.code : 'restore_failed';
          }
          this.writeLastRestore(result);
        }),
      );
      return { restarting: true as const, backupCreatedAt: manifest.createdAt };
    });
  }

  /** The backup's carillon.json, for the admin to compare with the machine's (kept) one; its path, or null when it has none. */
  private async saveBackupConfig(archive: string): Promise<string | null> {
    const target = path.join(this.store.dir, 'restored-carillon.json');
    const into = fs.mkdtempSync(path.join(this.store.dir, '.config-'));
    try {
      await tar.x({ file: archive, cwd: into, strict: true, filter: (entry: string) => entry === 'config/carillon.json' });
      const extracted = path.join(into, 'config', 'carillon.json');
      if (!fs.existsSync(extracted)) return null;
      fs.renameSync(extracted, target);
    } finally {
      fs.rmSync(into, { recursive: true, force: true });
    }
    fs.chmodSync(target, PRIVATE_FILE_MODE);
    return target;
  }

  lastRestore(): LastRestore | null {
    const file = path.join(this.store.dir, LAST_RESTORE);
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as LastRestore;
    } catch {
      return null;
    }
  }

  private writeLastRestore(result: LastRestore): void {
    this.store.ensure();
    fs.writeFileSync(path.join(this.store.dir, LAST_RESTORE), JSON.stringify(result), { mode: PRIVATE_FILE_MODE });
  }

  /** Runs older than a year leave the history (the backups themselves follow the retention). */
  async purgeRuns(now = new Date()): Promise<void> {
    await BackupRun.destroy({ where: { startedAt: { [Op.lt]: new Date(now.getTime() - 365 * 86_400_000) } } });
  }
}
