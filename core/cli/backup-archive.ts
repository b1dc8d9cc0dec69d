import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import semver from 'semver';
import * as tar from 'tar';
import { z } from 'zod';
import type { CarillonConfig } from '../config/schema';
import { describeDatabaseUrl } from '../db/database';
import { VERSION } from '../version';
import { CliError } from './cli-context';
import { databaseHasUsers, dumpDatabase, DUMP_FILE, prepareDatabaseRestore } from './backup-database';

/**
 * One backup archive (.tar.gz) holds everything an appliance cannot rebuild: the database, the
 * configuration, the secret key (without it stored secrets cannot be decrypted), call recordings,
 * plugins' data and the third-party plugins installed. `manifest.json` lists every file with its
 * SHA-256, so a restore checks the whole archive before it changes anything.
 */

export const BACKUP_FORMAT = 1;
const MANIFEST = 'manifest.json';
/** A recordings set written beside a scheduled backup (see `recordings` in the manifest). */
export const RECORDINGS_SET = /^[A-Za-z0-9][A-Za-z0-9._-]*\.recordings\.tar\.gz$/;

/**
 * What is wrong with a backup, for a person: the message is the CLI's, the code lets the web UI
 * say it in the user's language.
 */
export class BackupError extends CliError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A path inside an archive: relative, forward slashes, never `..`. */
const archivePath = z.string().min(1).max(1024).refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').some((part) => part === '..' || part === '' || part === '.'), 'a relative path');
const fileEntry = z.strictObject({ size: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

const manifestSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  carillonVersion: z.string().refine((v) => semver.valid(v) !== null, 'a version such as 1.2.3'),
  createdAt: z.iso.datetime(),
  database: z.strictObject({ dialect: z.enum(['sqlite', 'mariadb']), file: z.string() }),
  files: z.record(archivePath, fileEntry),
  /**
   * Only in scheduled backups: the recordings are not in the archive but in recordings sets beside
   * it (`<backup>.recordings.tar.gz`), each holding the recordings no earlier backup of the chain
   * held. `files` lists every recording this backup restores and the set that holds it; restoring
   * needs those sets in the same folder as the archive.
   */
  recordings: z
    .strictObject({
      sets: z.record(z.string().regex(RECORDINGS_SET), fileEntry),
      files: z.record(archivePath, fileEntry.extend({ set: z.string().regex(RECORDINGS_SET), mtimeMs: z.number() })),
    })
    .optional(),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

/** The folders a backup carries, by their name in the archive. */
function dataFolders(config: CarillonConfig): Record<string, string> {
  return {
    recordings: path.join(config.resolved.dataDir, 'recordings'),
    'plugin-data': path.join(config.resolved.dataDir, 'plugins'),
    'plugin-packages': config.resolved.pluginDir,
  };
}

export function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    fs.createReadStream(file).on('error', reject).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest('hex')));
  });
}

/** Every regular file under `dir`, as paths relative to `root` with forward slashes. */
export function listFiles(root: string, dir = root): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(root, full));
    else if (entry.isFile()) out.push(path.relative(root, full).split(path.sep).join('/'));
  }
  return out;
}

/**
 * Stages a folder's regular files by hard links where the file system allows (recordings are
 * large and written once: a backup must not need their size again in free space), else copies.
 */
export function linkTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  if (!fs.existsSync(from)) return;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isFile()) linkOrCopy(source, target);
  }
}

export function linkOrCopy(source: string, target: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  try {
    fs.linkSync(source, target);
  } catch {
    fs.copyFileSync(source, target);
  }
}

/** Copies a folder's regular files (no links, no devices), keeping modes. */
function copyTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  if (!fs.existsSync(from)) return;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target);
    else if (entry.isFile()) fs.copyFileSync(source, target);
  }
}

function mkWorkDir(near: string): string {
  fs.mkdirSync(near, { recursive: true });
  return fs.mkdtempSync(path.join(near, '.carillon-backup-'));
}

/** The default archive name: carillon-backup-<version>-<UTC time>.tar.gz. */
export function defaultBackupName(now = new Date()): string {
  return `carillon-backup-${VERSION}-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.tar.gz`;
}

export interface StageOptions {
  /** Leave the recordings folder out (a scheduled backup puts them in recordings sets). */
  withoutRecordings?: boolean;
  recordings?: BackupManifest['recordings'];
}

/** A backup laid out in a work folder, ready to be packed; `discard` removes the work folder. */
export interface StagedBackup {
  manifest: BackupManifest;
  /** The archive's entries, manifest first. */
  entries: string[];
  stage: string;
  discard(): void;
}

/**
 * Lays out the backup of this Carillon in a work folder inside the data folder (same disk as the
 * recordings, not a small /tmp; files are hard-linked where possible) with its manifest.
 */
export async function stageBackup(config: CarillonConfig, options: StageOptions = {}): Promise<StagedBackup> {
  const work = mkWorkDir(config.resolved.dataDir);
  try {
    const stage = path.join(work, 'stage');
    const dialect = describeDatabaseUrl(config.resolved.databaseUrl).dialect;
    await dumpDatabase(config.resolved.databaseUrl, path.join(stage, DUMP_FILE[dialect]), work);
    fs.mkdirSync(path.join(stage, 'config'), { recursive: true });
    if (config.resolved.configFile) fs.copyFileSync(config.resolved.configFile, path.join(stage, 'config', 'carillon.json'));
    if (fs.existsSync(config.resolved.secretKeyFile)) fs.copyFileSync(config.resolved.secretKeyFile, path.join(stage, 'config', 'secret.key'));
    for (const [name, dir] of Object.entries(dataFolders(config))) {
      if (name === 'recordings' && options.withoutRecordings) continue;
      linkTree(dir, path.join(stage, name));
    }

    const files: BackupManifest['files'] = {};
    for (const file of listFiles(stage)) files[file] = { size: fs.statSync(path.join(stage, file)).size, sha256: await sha256(path.join(stage, file)) };
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      carillonVersion: VERSION,
      createdAt: new Date().toISOString(),
      database: { dialect, file: DUMP_FILE[dialect] },
      files,
      ...(options.recordings ? { recordings: options.recordings } : {}),
    };
    fs.writeFileSync(path.join(stage, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    return { manifest, entries: [MANIFEST, ...Object.keys(files)], stage, discard: () => fs.rmSync(work, { recursive: true, force: true }) };
  } catch (err) {
    fs.rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

/** Packs `entries` of `cwd` into a .tar.gz at `target`, atomically (a temporary name, then a rename), 0600. */
export async function writeArchive(cwd: string, entries: string[], target: string): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  // Created 0600 before anything is written: the archive holds the secret key.
  fs.writeFileSync(partial, '', { mode: 0o600 });
  try {
    await tar.c({ gzip: true, file: partial, cwd, portable: true }, entries);
    fs.renameSync(partial, target);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  }
}

/** Writes the backup of this Carillon to `outFile` (atomically: a temporary name, then a rename). */
export async function createBackup(config: CarillonConfig, outFile: string): Promise<BackupManifest> {
  const staged = await stageBackup(config);
  try {
    await writeArchive(staged.stage, staged.entries, path.resolve(outFile));
    return staged.manifest;
  } finally {
    staged.discard();
  }
}

/**
 * The backup of this Carillon as a .tar.gz stream, packed while it is read (nothing but the
 * staged, hard-linked files on disk); the work folder goes when the stream ends or is dropped.
 */
export async function streamBackup(config: CarillonConfig): Promise<{ manifest: BackupManifest; stream: Readable }> {
  const staged = await stageBackup(config);
  const pack = tar.c({ gzip: true, cwd: staged.stage, portable: true }, staged.entries);
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of pack as AsyncIterable<Buffer>) yield chunk;
    } finally {
      staged.discard();
    }
  }
  return { manifest: staged.manifest, stream: Readable.from(chunks(), { objectMode: false }) };
}

/** Extracts and checks an archive; throws a CliError saying what is wrong with it. */
export async function readBackup(file: string, into: string): Promise<BackupManifest> {
  if (!fs.existsSync(file)) throw new BackupError('backup_not_found', `No such backup file: ${file}`);
  fs.mkdirSync(into, { recursive: true });
  const refused: string[] = [];
  try {
    await tar.x({
      file,
      cwd: into,
      strict: true,
      preserveOwner: false,
      // Only plain files and folders: a link in an archive could point a restore outside its folders.
      filter: (entryPath, entry) => {
        const type = 'type' in entry ? entry.type : 'File';
        const ok = type === 'File' || type === 'Directory';
        if (!ok) refused.push(entryPath);
        return ok;
      },
    });
  } catch (err) {
    throw new BackupError('backup_not_archive', `${file} is not a Carillon backup (not a readable .tar.gz archive: ${(err as Error).message}).`);
  }
  if (refused.length) throw new BackupError('backup_unsafe_entries', `${file} holds entries that are not plain files (${refused.slice(0, 3).join(', ')}): refused.`);
  const manifestFile = path.join(into, MANIFEST);
  if (!fs.existsSync(manifestFile)) throw new BackupError('backup_no_manifest', `${file} is not a Carillon backup: it has no ${MANIFEST}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch (err) {
    throw new BackupError('backup_bad_manifest', `${file}: ${MANIFEST} is not valid JSON (${(err as Error).message}).`);
  }
  const result = manifestSchema.safeParse(parsed);
  if (!result.success) {
    const format = (parsed as { format?: unknown } | null)?.format;
    if (typeof format === 'number' && format !== BACKUP_FORMAT) throw new BackupError('backup_format', `${file} uses backup format ${format}; this Carillon (${VERSION}) reads format ${BACKUP_FORMAT}.`);
    throw new BackupError('backup_bad_manifest', `${file}: ${MANIFEST} is not valid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const manifest = result.data;
  if (semver.gt(manifest.carillonVersion, VERSION)) {
    throw new BackupError('backup_newer_version', `This backup was made by Carillon ${manifest.carillonVersion}, newer than this one (${VERSION}). Upgrade Carillon to ${manifest.carillonVersion} or later first, then restore.`);
  }
  if (manifest.recordings && Object.keys(manifest.files).some((f) => f.startsWith('recordings/'))) {
    throw new BackupError('backup_bad_manifest', `${file}: ${MANIFEST} lists recordings both in the archive and in recordings sets: refused.`);
  }
  if (!manifest.files[manifest.database.file]) throw new BackupError('backup_no_database', `${file} has no database dump (${manifest.database.file}).`);
  const present = new Set(listFiles(into).filter((f) => f !== MANIFEST));
  for (const [name, expected] of Object.entries(manifest.files)) {
    const full = path.join(into, name);
    if (!present.delete(name)) throw new BackupError('backup_incomplete', `${file} is incomplete: ${name} is missing.`);
    if ((await sha256(full)) !== expected.sha256) throw new BackupError('backup_damaged', `${file} is damaged: ${name} does not match its checksum.`);
  }
  if (present.size) throw new BackupError('backup_unlisted_files', `${file} holds files its manifest does not list (${[...present].slice(0, 3).join(', ')}): refused.`);
  return manifest;
}

/** Keys that belong to the machine restored onto, not to the backup: its database and its Asterisk. */
function mergeRestoredConfig(restored: Record<string, unknown>, current: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...restored };
  if (current.database !== undefined) merged.database = current.database;
  else delete merged.database;
  const currentAri = (current.telephony as { ari?: unknown } | undefined)?.ari;
  const telephony = { ...((restored.telephony as Record<string, unknown> | undefined) ?? {}) };
  if (currentAri !== undefined) telephony.ari = currentAri;
  else delete telephony.ari;
  merged.telephony = telephony;
  return merged;
}

interface FileSwap {
  target: string;
  kept: string | null;
}

/** Puts `staged` at `target` by renames; the previous content stays aside until the restore commits. */
function swapIn(staged: string, target: string, swaps: FileSwap[]): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const incoming = `${target}.restoring-${process.pid}`;
  fs.rmSync(incoming, { recursive: true, force: true });
  if (fs.statSync(staged).isDirectory()) copyTree(staged, incoming);
  else fs.copyFileSync(staged, incoming);
  const swap: FileSwap = { target, kept: null };
  if (fs.existsSync(target)) {
    swap.kept = `${target}.before-restore-${process.pid}`;
    fs.rmSync(swap.kept, { recursive: true, force: true });
    // Copy the owner and mode of what it replaces: a restore runs as root for files Carillon owns.
    const stat = fs.statSync(target);
    try {
      fs.chmodSync(incoming, stat.mode & 0o7777);
      if (process.getuid?.() === 0) chownTree(incoming, stat.uid, stat.gid);
    } catch {
      // Not fatal: ownership is best effort off an appliance.
    }
    fs.renameSync(target, swap.kept);
  }
  swaps.push(swap);
  fs.renameSync(incoming, target);
}

function chownTree(target: string, uid: number, gid: number): void {
  fs.chownSync(target, uid, gid);
  if (fs.statSync(target).isDirectory()) for (const name of fs.readdirSync(target)) chownTree(path.join(target, name), uid, gid);
}

export interface RestoreOptions {
  /** Replace a Carillon that already has users. */
  force?: boolean;
  /** Where the recordings sets of a scheduled backup are (default: the archive's folder). */
  setsDir?: string;
  /**
   * Leave the configuration file as it is (a restore from the web UI on the appliance, where the
   * service cannot write /etc/carillon: the file is the machine's, and the CLI run as root can).
   */
  keepConfigFile?: boolean;
}

/** Whether this process may replace `file` (by a rename in its folder), e.g. not under systemd's ProtectSystem. */
export function canReplace(file: string): boolean {
  try {
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function sha256Matches(file: string, expected: { size: number; sha256: string }): Promise<boolean> {
  if (fs.statSync(file).size !== expected.size) return Promise.resolve(false);
  return sha256(file).then((digest) => digest === expected.sha256);
}

/**
 * Brings a scheduled backup's recordings into `stage/recordings` from the recordings sets of its
 * chain, each set checked (size, SHA-256) and each recording checked against the manifest.
 */
async function gatherRecordings(recordings: NonNullable<BackupManifest['recordings']>, setsDir: string, stage: string, work: string): Promise<void> {
  const missing = Object.keys(recordings.sets).filter((name) => !fs.existsSync(path.join(setsDir, name)));
  if (missing.length) {
    throw new BackupError(
      'backup_chain_missing',
      `This backup keeps its recordings in ${Object.keys(recordings.sets).length} recordings set(s) of its chain; ${missing.length} missing from ${setsDir}: ${missing.slice(0, 3).join(', ')}. Put them beside the archive and restore again.`,
    );
  }
  const target = path.join(stage, 'recordings');
  fs.mkdirSync(target, { recursive: true });
  for (const [name, expected] of Object.entries(recordings.sets)) {
    const setFile = path.join(setsDir, name);
    if (!(await sha256Matches(setFile, expected))) throw new BackupError('backup_damaged', `The recordings set ${name} is damaged: it does not match its checksum.`);
    const wanted = Object.entries(recordings.files).filter(([, entry]) => entry.set === name);
    if (!wanted.length) continue;
    const into = path.join(work, 'sets', name);
    fs.mkdirSync(into, { recursive: true });
    try {
      await tar.x({ file: setFile, cwd: into, strict: true, preserveOwner: false, filter: (_p, entry) => ('type' in entry ? entry.type : 'File') === 'File' || ('type' in entry && entry.type === 'Directory') });
    } catch (err) {
      throw new BackupError('backup_damaged', `The recordings set ${name} is not a readable .tar.gz archive (${(err as Error).message}).`);
    }
    for (const [relative, entry] of wanted) {
      const source = path.join(into, relative);
      if (!fs.existsSync(source)) throw new BackupError('backup_incomplete', `The recordings set ${name} is incomplete: ${relative} is missing.`);
      if (!(await sha256Matches(source, entry))) throw new BackupError('backup_damaged', `The recordings set ${name} is damaged: ${relative} does not match its checksum.`);
      fs.mkdirSync(path.dirname(path.join(target, relative)), { recursive: true });
      fs.renameSync(source, path.join(target, relative));
    }
    fs.rmSync(into, { recursive: true, force: true });
  }
}

/**
 * Everything a restore checks before it changes anything (the archive whole, its version, the
 * database type, a scheduled backup's recordings sets); leaves the backup laid out in `stage`.
 * The CLI and the web UI's restore both go through it.
 */
export async function checkRestore(config: CarillonConfig, file: string, work: string, options: RestoreOptions = {}): Promise<BackupManifest> {
  const stage = path.join(work, 'archive');
  const manifest = await readBackup(path.resolve(file), stage);
  const dialect = describeDatabaseUrl(config.resolved.databaseUrl).dialect;
  if (manifest.database.dialect !== dialect) {
    throw new BackupError(
      'backup_other_database',
      `This backup holds a ${manifest.database.dialect === 'sqlite' ? 'SQLite' : 'MariaDB'} database and this Carillon uses ${dialect === 'sqlite' ? 'SQLite' : 'MariaDB'}: restore it onto a Carillon with the same database type.`,
    );
  }
  if (manifest.recordings) await gatherRecordings(manifest.recordings, options.setsDir ?? path.dirname(path.resolve(file)), stage, work);
  return manifest;
}

/** Checks `file` as a restore would, changing nothing; the work folder is removed. */
export async function verifyBackup(config: CarillonConfig, file: string, options: RestoreOptions = {}): Promise<BackupManifest> {
  const work = mkWorkDir(config.resolved.dataDir);
  try {
    return await checkRestore(config, file, work, options);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Restores `file` onto this Carillon (stopped). The archive is checked whole first; then the
 * database is swapped in, then each file and folder; any failure puts everything back.
 */
export async function restoreBackup(config: CarillonConfig, file: string, options: RestoreOptions = {}): Promise<BackupManifest> {
  // Inside the data folder: the renames that swap folders in stay on one file system.
  const work = mkWorkDir(config.resolved.dataDir);
  try {
    const stage = path.join(work, 'archive');
    const manifest = await checkRestore(config, file, work, options);
    if (!options.force && (await databaseHasUsers(config.resolved.databaseUrl))) {
      throw new BackupError('backup_has_users', 'This Carillon already has users: a restore would replace all its data. Run it again with --force to do so.');
    }

    const database = prepareDatabaseRestore(config.resolved.databaseUrl, path.join(stage, manifest.database.file), work);
    const swaps: FileSwap[] = [];
    try {
      await database.swap();
      const restoredConfig = path.join(stage, 'config', 'carillon.json');
      if (config.resolved.configFile && fs.existsSync(restoredConfig) && !options.keepConfigFile) {
        const current = JSON.parse(fs.readFileSync(config.resolved.configFile, 'utf8')) as Record<string, unknown>;
        const merged = mergeRestoredConfig(JSON.parse(fs.readFileSync(restoredConfig, 'utf8')) as Record<string, unknown>, current);
        fs.writeFileSync(restoredConfig, `${JSON.stringify(merged, null, 2)}\n`);
        swapIn(restoredConfig, config.resolved.configFile, swaps);
      }
      const secret = path.join(stage, 'config', 'secret.key');
      if (fs.existsSync(secret)) swapIn(secret, config.resolved.secretKeyFile, swaps);
      for (const [name, dir] of Object.entries(dataFolders(config))) {
        fs.mkdirSync(path.join(stage, name), { recursive: true });
        swapIn(path.join(stage, name), dir, swaps);
      }
    } catch (err) {
      for (const swap of swaps.reverse()) {
        fs.rmSync(swap.target, { recursive: true, force: true });
        if (swap.kept) fs.renameSync(swap.kept, swap.target);
      }
      await database.rollback();
      throw err;
    }
    await database.commit();
    for (const swap of swaps) if (swap.kept) fs.rmSync(swap.kept, { recursive: true, force: true });
    return manifest;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
