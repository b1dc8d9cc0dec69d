import type { Logger } from '../logging/logger';
import type { SettingsService } from '../settings/settings-service';
import type { CallLogService } from './call-log-service';
import { observationFromCdr } from './call-observation';
import { parseCdrLines } from './cdr-record';
import { LineFollower, type LineSink } from './line-follower';

export const CDR_CURSOR_KEY = 'calls.cdrCursor';

/** Master.csv lines: each is applied on its own (a call's lines merge in the call log, in any order). */
export class CdrLines implements LineSink {
  private rejected: string[] = [];

  constructor(
    private readonly callLog: CallLogService,
    private readonly logger: Logger,
  ) {}

  async line(text: string): Promise<number> {
    const { records, rejected } = parseCdrLines(text);
    this.rejected.push(...rejected);
    let applied = 0;
    for (const record of records) {
      const observation = observationFromCdr(record);
      if (!observation) continue;
      await this.callLog.record(observation);
      applied++;
    }
    return applied;
  }

  chunkRead(): void {
    if (this.rejected.length) this.logger.warn({ count: this.rejected.length, first: this.rejected[0].slice(0, 200) }, 'skipped lines of the CDR file that are not CDR records');
    this.rejected = [];
  }

  resumeAt(readUpTo: number) {
    return { offset: readUpTo };
  }

  async restore(): Promise<void> {}

  rotated(): void {}
}

/**
 * Reads Asterisk's cdr_csv Master.csv incrementally from a persisted cursor (`calls.cdrCursor`),
 * so calls made while Carillon was stopped are logged after it restarts; a large backlog is read
 * in the background while new lines are followed (LineFollower). Applying a line again changes nothing.
 */
export class CdrIngestor extends LineFollower<CdrLines> {
  constructor(file: string, settings: SettingsService, callLog: CallLogService, logger: Logger, options: { catchUpBytes?: number } = {}) {
    super({ file, cursorKey: CDR_CURSOR_KEY, kind: 'CDR', settings, logger, newSink: () => new CdrLines(callLog, logger), ...options });
  }
}
