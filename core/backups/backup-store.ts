import fs from 'node:fs';
import path from 'node:path';
import type { BackupManifest } from '../cli/backup-archive';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../security/private-files';

/** A recording a backup restores, and the recordings set that holds it. */
export type RecordingEntry = NonNullable<BackupManifest['recordings']>['files'][string];

/** What the list shows of a backup kept on this server (the `<name>.json` beside its archive). */
export interface StoredBackup {
  name: string;
  /** `scheduled`: counted by the retention; `manual`: taken with "Back up now", kept until deleted. */
  kind: 'scheduled' | 'manual';
  createdAt: string;
  carillonVersion: string;
  /** Bytes of the archive (database, configuration, plugins). */
  size: number;
  /** The recordings set this backup added (recordings no earlier backup held), or null. */
  recordingsSet: { name: string; size: number; recordings: number } | null;
  /** Recordings this backup restores, wherever they are held. */
  recordingsTotal: number;
  /** Every set of the chain it needs, with their checksums (from its manifest). */
  sets: NonNullable<BackupManifest['recordings']>['sets'];
}

const NAME = /^carillon-backup-[0-9A-Za-z.+-]+$/;

/**
 * The backups folder (`backups.dir`, owner-only): per backup `<name>.tar.gz` (database,
 * configuration, plugins), `<name>.recordings.tar.gz` (the recordings it added), `<name>.json`
 * (the summary the list reads) and `<name>.index.json` (every recording it restores, which the
 * next backup compares against so that it adds only new ones).
 */
export class BackupStore {
  constructor(readonly dir: string) {}

  ensure(): void {
    makePrivateDir(this.dir);
    makePrivateDir(this.uploadsDir);
  }

  get uploadsDir(): string {
    return path.join(this.dir, 'uploads');
  }

  static validName(name: string): boolean {
    return NAME.test(name);
  }

  archiveOf(name: string): string {
    return path.join(this.dir, `${name}.tar.gz`);
  }

  setOf(name: string): string {
    return path.join(this.dir, `${name}.recordings.tar.gz`);
  }

  /** A free name for a backup taken at `now`. */
  freshName(base: string): string {
    let name = base;
    for (let n = 2; fs.existsSync(path.join(this.dir, `${name}.json`)) || fs.existsSync(this.archiveOf(name)); n++) name = `${base}-${n}`;
    return name;
  }

  /** Newest first; a backup whose archive is gone is not listed. */
  list(): StoredBackup[] {
    if (!fs.existsSync(this.dir)) return [];
    const out: StoredBackup[] = [];
    for (const file of fs.readdirSync(this.dir)) {
      if (!file.endsWith('.json') || file.endsWith('.index.json')) continue;
      const name = file.slice(0, -'.json'.length);
      if (!NAME.test(name) || !fs.existsSync(this.archiveOf(name))) continue;
      try {
        out.push(JSON.parse(fs.readFileSync(path.join(this.dir, file), 'utf8')) as StoredBackup);
      } catch {
        // A summary cut by a crash: the backup is listed again when rewritten; its files stay for the admin.
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name));
  }

  get(name: string): StoredBackup | null {
    if (!NAME.test(name)) return null;
    return this.list().find((b) => b.name === name) ?? null;
  }

  /** The recordings the newest backup restores (what the next one need not add again). */
  newestIndex(): Record<string, RecordingEntry> {
    for (const backup of this.list()) {
      const file = path.join(this.dir, `${backup.name}.index.json`);
      if (!fs.existsSync(file)) continue;
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, RecordingEntry>;
      } catch {
        continue;
      }
    }
    return {};
  }

  write(summary: StoredBackup, index: Record<string, RecordingEntry>): void {
    const put = (file: string, value: unknown) => {
      const partial = `${file}.partial`;
      fs.writeFileSync(partial, JSON.stringify(value), { mode: PRIVATE_FILE_MODE });
      fs.renameSync(partial, file);
    };
    put(path.join(this.dir, `${summary.name}.index.json`), index);
    // Last: a backup is listed only once everything it needs is in place.
    put(path.join(this.dir, `${summary.name}.json`), summary);
  }

  /**
   * Deletes a backup; its recordings set goes only when no remaining backup needs it (a later
   * backup of the chain restores recordings from it).
   */
  delete(name: string): void {
    for (const suffix of ['.json', '.index.json', '.tar.gz']) fs.rmSync(path.join(this.dir, `${name}${suffix}`), { force: true });
    this.collectSets();
  }

  /** Keeps the `keep` newest scheduled backups; returns the names deleted. */
  prune(keep: number): string[] {
    const scheduled = this.list().filter((b) => b.kind === 'scheduled');
    const old = scheduled.slice(keep).map((b) => b.name);
    for (const name of old) for (const suffix of ['.json', '.index.json', '.tar.gz']) fs.rmSync(path.join(this.dir, `${name}${suffix}`), { force: true });
    if (old.length) this.collectSets();
    return old;
  }

  /** Removes recordings sets no listed backup needs (never while a run writes: callers hold the service's lock). */
  collectSets(): void {
    const needed = new Set(this.list().flatMap((b) => Object.keys(b.sets)));
    for (const file of fs.readdirSync(this.dir)) {
      if (file.endsWith('.recordings.tar.gz') && !needed.has(file)) fs.rmSync(path.join(this.dir, file), { force: true });
    }
  }

  /** At start: files left by a run that a stop or a crash interrupted. */
  removePartials(): void {
    if (!fs.existsSync(this.dir)) return;
    for (const file of fs.readdirSync(this.dir)) if (file.includes('.partial')) fs.rmSync(path.join(this.dir, file), { force: true });
  }

  /** Bytes a backup takes with the set it added. */
  static totalSize(backup: StoredBackup): number {
    return backup.size + (backup.recordingsSet?.size ?? 0);
  }
}
