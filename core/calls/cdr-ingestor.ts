import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Logger } from '../logging/logger';
import type { SettingsService } from '../settings/settings-service';
import type { CallLogService } from './call-log-service';
import { observationFromCdr } from './call-observation';
import { parseCdrLines } from './cdr-record';

/** Where reading stopped: which file (device + inode, and a fingerprint of its first bytes) and how far. */
export interface CdrCursor {
  dev: number;
  ino: number;
  offset: number;
  /** sha1 of the file's first bytes (up to HEAD_BYTES): a file truncated and rewritten in place has other ones. */
  head: string;
}

export const CDR_CURSOR_KEY = 'calls.cdrCursor';
const HEAD_BYTES = 256;
/** Bytes read per pass, so a huge backlog is taken in steps. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Reads Asterisk's cdr_csv Master.csv incrementally from a persisted cursor, so calls made while
 * Carillon was stopped are logged after it restarts, and no line is applied twice. Rotation
 * (a new inode) finishes the rotated file (`Master.csv.1`) first when it is still there;
 * truncation (smaller than the offset, or other first bytes) restarts from the beginning,
 * which is harmless because applying a line again changes nothing.
 */
export class CdrIngestor {
  private running: Promise<number> | null = null;

  constructor(
    private readonly file: string,
    private readonly settings: SettingsService,
    private readonly callLog: CallLogService,
    private readonly logger: Logger,
  ) {}

  /** Reads what was appended since the last pass; resolves with the number of CDR lines applied. */
  poll(): Promise<number> {
    // One pass at a time; a caller arriving during a pass waits for it and then runs its own.
    const previous = this.running ?? Promise.resolve(0);
    const next = previous.catch(() => 0).then(() => this.pass());
    this.running = next;
    return next;
  }

  /** Resolves once no pass is running (shutdown). */
  async idle(): Promise<void> {
    await this.running?.catch(() => 0);
  }

  private async pass(): Promise<number> {
    const stat = await fs.stat(this.file).catch(() => null);
    if (!stat) return 0;
    let cursor = await this.settings.get<CdrCursor>(CDR_CURSOR_KEY);
    let applied = 0;
    if (cursor && (cursor.dev !== stat.dev || cursor.ino !== stat.ino)) {
      applied += await this.finishRotated(cursor);
      cursor = undefined;
    }
    let offset = cursor?.offset ?? 0;
    if (cursor && (stat.size < cursor.offset || (await this.headOf(this.file, cursor.offset)) !== cursor.head)) {
      this.logger.warn({ file: this.file }, 'the CDR file was truncated or replaced; reading it again from the start');
      offset = 0;
    }
    for (;;) {
      const { text, consumed } = await this.readLines(this.file, offset);
      if (!consumed) break;
      applied += await this.apply(text);
      offset += consumed;
      await this.settings.set(CDR_CURSOR_KEY, { dev: stat.dev, ino: stat.ino, offset, head: await this.headOf(this.file, offset) } satisfies CdrCursor);
    }
    if (!cursor && offset === 0) await this.settings.set(CDR_CURSOR_KEY, { dev: stat.dev, ino: stat.ino, offset: 0, head: await this.headOf(this.file, 0) } satisfies CdrCursor);
    return applied;
  }

  /** logrotate moved Master.csv away: read what was appended to it before the move. */
  private async finishRotated(cursor: CdrCursor): Promise<number> {
    const rotated = `${this.file}.1`;
    const stat = await fs.stat(rotated).catch(() => null);
    if (!stat || stat.dev !== cursor.dev || stat.ino !== cursor.ino) return 0;
    let applied = 0;
    let offset = cursor.offset;
    for (;;) {
      const { text, consumed } = await this.readLines(rotated, offset);
      if (!consumed) return applied;
      applied += await this.apply(text);
      offset += consumed;
    }
  }

  /** Complete lines from `offset` (a line still being written stays for the next pass). */
  private async readLines(file: string, offset: number): Promise<{ text: string; consumed: number }> {
    const handle = await fs.open(file, 'r');
    try {
      const buffer = Buffer.alloc(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, offset);
      const lastNewline = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (lastNewline < 0) return { text: '', consumed: 0 };
      return { text: buffer.subarray(0, lastNewline + 1).toString('utf8'), consumed: lastNewline + 1 };
    } finally {
      await handle.close();
    }
  }

  private async headOf(file: string, upTo: number): Promise<string> {
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

  private async apply(text: string): Promise<number> {
    const { records, rejected } = parseCdrLines(text);
    if (rejected.length) this.logger.warn({ count: rejected.length, first: rejected[0].slice(0, 200) }, 'skipped lines of the CDR file that are not CDR records');
    let applied = 0;
    for (const record of records) {
      const observation = observationFromCdr(record);
      if (!observation) continue;
      await this.callLog.record(observation);
      applied++;
    }
    return applied;
  }
}
