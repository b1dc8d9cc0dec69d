import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Generated files hold SIP passwords: readable by the owner and Asterisk's group only. */
  mode?: number;
  /** Test seam: runs once the temporary file is complete and synced, before the rename. */
  beforeRename?: (tempFile: string) => Promise<void> | void;
}

/** The file's content, or null when it does not exist. */
export async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Replaces `file` so that a reader (Asterisk reloading) sees the old content or the new one,
 * never a part: the content goes to a temporary file in the same folder, is flushed to disk,
 * then renamed over the target (atomic on one file system), and the folder entry is flushed so
 * that the rename survives a power cut. If anything fails before the rename, the old file stays.
 */
export async function writeFileAtomic(file: string, content: string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', options.mode ?? 0o640);
  let renamed = false;
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
    await handle.close();
    await options.beforeRename?.(temp);
    await fs.rename(temp, file);
    renamed = true;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
    }
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Some file systems refuse fsync on a directory; the rename itself has happened.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL' && (err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
  } finally {
    await handle.close();
  }
}
