import fs from 'node:fs/promises';
import type { Logger } from '../logging/logger';
import type { SettingsService } from '../settings/settings-service';
import type { CallLogService } from './call-log-service';
import { observationFromCdr } from './call-observation';
import { parseCdrLines } from './cdr-record';
import { cursorAt, readCompleteLines, rewrittenSince, rotatedCopy, SerialPasses, type FileCursor } from './line-file';

/** Where reading of Master.csv stopped. */
export type CdrCursor = FileCursor;

export const CDR_CURSOR_KEY = 'calls.cdrCursor';

/**
 * Reads Asterisk's cdr_csv Master.csv incrementally from a persisted cursor, so calls made while
 * Carillon was stopped are logged after it restarts, and no line is applied twice. Rotation
 * (a new inode) finishes the rotated file (`Master.csv.1`) first when it is still there;
 * truncation (smaller than the offset, or other first bytes) restarts from the beginning,
 * which is harmless because applying a line again changes nothing.
 */
export class CdrIngestor {
  private readonly passes = new SerialPasses();

  constructor(
    private readonly file: string,
    private readonly settings: SettingsService,
    private readonly callLog: CallLogService,
    private readonly logger: Logger,
  ) {}

  /** Reads what was appended since the last pass; resolves with the number of CDR lines applied. */
  poll(): Promise<number> {
    return this.passes.run(() => this.pass());
  }

  /** Resolves once no pass is running (shutdown). */
  idle(): Promise<void> {
    return this.passes.idle();
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
    if (cursor && (await rewrittenSince(this.file, stat.size, cursor))) {
      this.logger.warn({ file: this.file }, 'the CDR file was truncated or replaced; reading it again from the start');
      offset = 0;
    }
    for (;;) {
      const { text, consumed } = await readCompleteLines(this.file, offset);
      if (!consumed) break;
      applied += await this.apply(text);
      offset += consumed;
      await this.settings.set(CDR_CURSOR_KEY, await cursorAt(this.file, stat, offset));
    }
    if (!cursor && offset === 0) await this.settings.set(CDR_CURSOR_KEY, await cursorAt(this.file, stat, 0));
    return applied;
  }

  /** logrotate moved Master.csv away: read what was appended to it before the move. */
  private async finishRotated(cursor: CdrCursor): Promise<number> {
    const rotated = await rotatedCopy(this.file, cursor);
    if (!rotated) return 0;
    let applied = 0;
    let offset = cursor.offset;
    for (;;) {
      const { text, consumed } = await readCompleteLines(rotated.path, offset);
      if (!consumed) return applied;
      applied += await this.apply(text);
      offset += consumed;
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
