import fs from 'node:fs';
import path from 'node:path';

/**
 * Files that hold secrets (the SQLite database with its password hashes and sealed secrets, the
 * secret key, backups) are the service account's alone: 0600, in folders Carillon creates 0700.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates `dir` and its missing parents owner-only; a folder that exists keeps the mode its admin gave it. */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Takes group and other permissions off a file that exists (one written before this rule, or
 * copied with a looser mode); a missing file is left missing.
 */
export function restrictFile(file: string): void {
  let mode: number;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    return;
  }
  if (mode & 0o077) fs.chmodSync(file, mode & 0o700);
}

/** SQLite's database file and the companions it writes beside it. */
export function sqliteFiles(storage: string): string[] {
  return ['', '-wal', '-shm', '-journal'].map((suffix) => storage + suffix);
}

/**
 * Makes the SQLite file owner-only before SQLite opens it: creates it 0600 when missing (SQLite
 * then gives its -wal, -shm and -journal files the same mode) and tightens files left looser.
 */
export function prepareSqliteFile(storage: string): void {
  makePrivateDir(path.dirname(storage));
  fs.closeSync(fs.openSync(storage, 'a', PRIVATE_FILE_MODE));
  for (const file of sqliteFiles(storage)) restrictFile(file);
}
