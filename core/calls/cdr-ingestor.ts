import type { Logger } from '../logging/logger';
import type { SettingsService } from '../settings/settings-service';
import { ObservationBatch, type CallLogService } from './call-log-service';
import { observationFromCdr } from './call-observation';
import { parseCdrLines } from './cdr-record';
import { LineFollower, type LineSink } from './line-follower';

export const CDR_CURSOR_KEY = 'calls.cdrCursor';

/** Master.csv lines: each is applied on its own (a call's lines merge in the call log, in any order). */
export class CdrLines implements LineSink {
  private readonly batch: ObservationBatch;
  private rejected: string[] = [];

  constructor(
    callLog: CallLogService,
    private readonly logger: Logger,
  ) {
    this.batch = new ObservationBatch(callLog);
  }

  async line(text: string): Promise<number> {
    const { records, rejected } = parseCdrLines(text);
    this.rejected.push(...rejected);
    let applied = 0;
    for (const record of records) {
      const observation = observationFromCdr(record);
      if (observation) applied += await this.batch.add(observation);
    }
    return applied;
  }

  flush(): Promise<number> {
    if (this.rejected.length) this.logger.warn({ count: this.rejected.length, first: this.rejected[0].slice(0, 200) }, 'skipped lines of the CDR file that are not CDR records');
    this.rejected = [];
    return this.batch.flush();
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
  constructor(file: string, settings: SettingsService, callLog: CallLogService, logger: Logger) {
    super({ file, cursorKey: CDR_CURSOR_KEY, kind: 'CDR', settings, logger, serialised: (write) => callLog.serialised(write), newSink: () => new CdrLines(callLog, logger) });
  }
}
