import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';

/** Where reading of an append-only log stopped: which file (device + inode, and a fingerprint of its first bytes) and how far. */
export interface FileCursor {
  dev: number;
  ino: number;
  offset: number;
  /** sha1 of the file's first bytes (up to HEAD_BYTES): a file truncated and rewritten in place has other ones. */
  head: string;
}

const HEAD_BYTES = 256;
/** Bytes read per step, so a huge backlog is taken in steps. */
const CHUNK_BYTES = 1024 * 1024;

/** Complete lines from `offset`, up to a chunk (a line still being written stays for the next step); empty at the end. */
export async function readCompleteLines(file: string, offset: number): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, offset);
    return buffer.subarray(0, buffer.subarray(0, bytesRead).lastIndexOf(0x0a) + 1);
  } finally {
    await handle.close();
  }
}

/** Where the last complete line before `size` ends (0 when there is none): a new reader starts there, never inside a line. */
export async function lastLineEnd(file: string, size: number): Promise<number> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - buffer.length);
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      const newline = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) return start + newline + 1;
      end = start;
    }
    return 0;
  } finally {
    await handle.close();
  }
}

/** Fingerprint of the file's first bytes, up to `upTo`. */
export async function headOf(file: string, upTo: number): Promise<string> {
  const length = Math.min(HEAD_BYTES, upTo);
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, 0);
    return createHash('sha1').update(buffer).digest('hex');
  } finally {
    await handle.close();
  }
}

/** The cursor for `offset` in `file` as `stat` describes it. */
export async function cursorAt(file: string, stat: { dev: number; ino: number }, offset: number): Promise<FileCursor> {
  return { dev: stat.dev, ino: stat.ino, offset, head: await headOf(file, offset) };
}

/** Whether `file` (the same inode as `cursor`'s) was truncated or rewritten in place since the cursor was taken. */
export async function rewrittenSince(file: string, size: number, cursor: FileCursor): Promise<boolean> {
  return size < cursor.offset || (await headOf(file, cursor.offset)) !== cursor.head;
}

/** logrotate's copy (`<file>.1`) when it is the file `cursor` was reading, with its stat; else null. */
export async function rotatedCopy(file: string, cursor: FileCursor): Promise<{ path: string; stat: { dev: number; ino: number } } | null> {
  const rotated = `${file}.1`;
  const stat = await fs.stat(rotated).catch(() => null);
  return stat && stat.dev === cursor.dev && stat.ino === cursor.ino ? { path: rotated, stat } : null;
}

/** Runs reading passes one at a time: a caller arriving during a pass waits for it, then runs its own. */
export class SerialPasses {
  private running: Promise<number> | null = null;

  run(pass: () => Promise<number>): Promise<number> {
    const previous = this.running ?? Promise.resolve(0);
    const next = previous.catch(() => 0).then(pass);
    this.running = next;
    return next;
  }

  /** Resolves once no pass is running (shutdown). */
  async idle(): Promise<void> {
    await this.running?.catch(() => 0);
  }
}
