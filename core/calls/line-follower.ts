import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from '../logging/logger';
import type { SettingsService } from '../settings/settings-service';
import { cursorAt, headOf, lastLineEnd, readCompleteLines, rewrittenSince, rotatedCopy, SerialPasses, type FileCursor } from './line-file';

/** The persisted position in a file, and lines before it that a later start still needs (CEL calls going on for long). */
export interface SavedPosition extends FileCursor {
  carried?: string[];
}

/** What is done with the lines of one file (CDR: a call each; CEL: records grouped into calls). */
export interface LineSink {
  /** Applies one complete line (without its newline) that starts at byte `offset`; resolves with the number of calls written. */
  line(text: string, offset: number): Promise<number>;
  /** Writes what it holds (before the position is saved), says what was skipped; resolves with the number of calls written. */
  flush(): Promise<number>;
  /** Once every line before `readUpTo` was handed in: where a later start must resume, and the lines it must be handed first. */
  resumeAt(readUpTo: number): { offset: number; carried?: string[] };
  /** The lines a saved position carried, handed in before reading resumes. */
  restore(carried: string[]): Promise<void>;
  /** The file was rotated: lines go on in a new file, read from its start. */
  rotated(): void;
}

interface Track<S extends LineSink> extends FileCursor {
  sink: S;
}

/** Longest stretch of reading without giving the event loop a turn (ARI events, HTTP requests, the live call log). */
const SLICE_MS = 8;
/** Past this much unread at a pass, the backlog is read in the background while new lines are followed. */
const CATCH_UP_BYTES = 4 * 1024 * 1024;

export interface LineFollowerOptions<S extends LineSink> {
  file: string;
  /** `settings` key of the saved position. */
  cursorKey: string;
  /** CDR or CEL, for log messages. */
  kind: string;
  settings: SettingsService;
  logger: Logger;
  newSink: () => S;
  /** Runs a write of the saved position in turn with the call log's writes (CallLogService.serialised). */
  serialised: <T>(write: () => Promise<T>) => Promise<T>;
}

const sameFile = (a: FileCursor, b: { dev: number; ino: number }) => a.dev === b.dev && a.ino === b.ino;

/**
 * Follows an append-only file of lines that Asterisk writes (Master.csv, the CEL file) from a
 * position saved in `settings`, so that calls made while Carillon was stopped are read after it
 * restarts. Rotation (a new inode) finishes the rotated `<file>.1` first when it is still there;
 * truncation (smaller than the offset, or other first bytes) restarts from the beginning with a
 * fresh sink. Only complete lines are read, a chunk at a time, giving the event loop a turn every
 * few milliseconds; the position is saved after every chunk and when reading stops.
 *
 * A large backlog (a first start on a full file, a long stop) is read in the background: new
 * lines are followed from where the file ended, by a sink of their own, so a call made now
 * appears at the next poll. When the backlog reaches them it reads them again (applying a line
 * again changes nothing, and calls that span both are then read whole) and takes over.
 * `stop()` stops both at the next line and saves the backlog's position: the next start resumes there.
 */
export class LineFollower<S extends LineSink> {
  private readonly passes = new SerialPasses();
  /** The track whose position is saved: during a catch-up, the backlog. */
  protected main: Track<S> | null = null;
  /** During a catch-up: the lines written since it began. */
  private tail: Track<S> | null = null;
  private catchUp: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly options: LineFollowerOptions<S>) {}

  /** Reads what was appended since the last pass (starting a background catch-up when much is unread); resolves with the number of calls applied. */
  poll(): Promise<number> {
    return this.passes.run(() => this.pass());
  }

  /** Stops reading at the next line and saves the position reached (shutdown); later polls read nothing. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([this.catchUp, this.passes.idle()]);
  }

  /** Whether a backlog is being read in the background. */
  get catchingUp(): boolean {
    return this.catchUp !== null;
  }

  private async pass(): Promise<number> {
    const { file } = this.options;
    const stat = await fs.stat(file).catch(() => null);
    if (!stat || this.stopping) return 0;
    // Lines the tail fails to apply are applied by the backlog, which reads them again before taking over.
    if (this.tail) return (await this.realign(this.tail, stat, false)) + (await this.readToEnd(this.tail, file, false));
    let main: Track<S>;
    let applied: number;
    try {
      main = this.main ??= await this.savedTrack(stat);
      applied = await this.realign(main, stat, true);
      if (stat.size - main.offset <= CATCH_UP_BYTES || this.stopping) return applied + (await this.readToEnd(main, file, true));
    } catch (err) {
      // The sink may hold lines that were not written: the next pass starts again from the saved position.
      this.main = null;
      throw err;
    }
    const tailStart = await lastLineEnd(file, stat.size);
    this.tail = { dev: stat.dev, ino: stat.ino, offset: tailStart, head: await headOf(file, tailStart), sink: this.options.newSink() };
    this.options.logger.info({ file, from: main.offset, to: tailStart }, `reading the ${this.options.kind} backlog in the background; new lines are followed meanwhile`);
    this.catchUp = this.readBacklog(main).finally(() => {
      this.catchUp = null;
    });
    return applied + (await this.readToEnd(this.tail, file, false));
  }

  /** The saved position, or the file's start when there is none. */
  private async savedTrack(stat: { dev: number; ino: number }): Promise<Track<S>> {
    const saved = await this.options.settings.get<SavedPosition>(this.options.cursorKey);
    const sink = this.options.newSink();
    if (!saved) {
      return { dev: stat.dev, ino: stat.ino, offset: 0, head: await headOf(this.options.file, 0), sink };
    }
    if (saved.carried?.length) await sink.restore(saved.carried);
    return { dev: saved.dev, ino: saved.ino, offset: saved.offset, head: saved.head, sink };
  }

  /** Brings `track` onto the file `stat` describes: finishes a rotated copy, or starts again after a truncation. */
  private async realign(track: Track<S>, stat: { dev: number; ino: number; size: number }, persist: boolean): Promise<number> {
    const { file } = this.options;
    if (!sameFile(track, stat)) {
      const rotated = await rotatedCopy(file, track);
      const applied = rotated ? await this.readToEnd(track, rotated.path, persist) : 0;
      if (this.stopping) return applied;
      track.sink.rotated();
      Object.assign(track, { dev: stat.dev, ino: stat.ino, offset: 0, head: await headOf(file, 0) });
      return applied;
    }
    if (await rewrittenSince(file, stat.size, track)) {
      this.options.logger.warn({ file }, `the ${this.options.kind} file was truncated or replaced; reading it again from the start`);
      Object.assign(track, { offset: 0, head: await headOf(file, 0), sink: this.options.newSink() });
    }
    return 0;
  }

  private async readToEnd(track: Track<S>, path: string, persist: boolean): Promise<number> {
    let applied = 0;
    for (;;) {
      const step = await this.readChunk(track, path, persist);
      if (step === null) return applied;
      applied += step;
      if (this.stopping) return applied;
    }
  }

  /** Reads one chunk of complete lines (null at the end of the file), giving the event loop a turn every SLICE_MS. */
  private async readChunk(track: Track<S>, path: string, persist: boolean): Promise<number | null> {
    const chunk = await readCompleteLines(path, track.offset);
    if (!chunk.length) return null;
    let applied = 0;
    let since = performance.now();
    for (let start = 0; start < chunk.length && !this.stopping; ) {
      const end = chunk.indexOf(0x0a, start);
      const text = chunk.toString('utf8', start, end);
      if (text.trim()) applied += await track.sink.line(text, track.offset);
      track.offset += end + 1 - start;
      start = end + 1;
      if (performance.now() - since > SLICE_MS) {
        await nextTurn();
        since = performance.now();
      }
    }
    applied += await track.sink.flush();
    track.head = await headOf(path, track.offset);
    if (persist) await this.save(track, path);
    return applied;
  }

  private async save(track: Track<S>, path: string): Promise<void> {
    const { offset, carried } = track.sink.resumeAt(track.offset);
    const position: SavedPosition = await cursorAt(path, track, offset);
    if (carried?.length) position.carried = carried;
    await this.options.serialised(() => this.options.settings.set(this.options.cursorKey, position));
  }

  /** Reads the backlog up to the tail, then hands over to it (the next pass goes on from the backlog's position). */
  private async readBacklog(backlog: Track<S>): Promise<void> {
    let failed = false;
    try {
      while (!this.stopping) {
        const path = await this.pathOf(backlog);
        if (!path || (await this.readChunk(backlog, path, true)) === null) break;
        if (sameFile(backlog, this.tail!) && backlog.offset >= this.tail!.offset) break;
      }
      if (this.stopping) return;
      this.options.logger.info({ file: this.options.file }, `the ${this.options.kind} backlog was read`);
    } catch (err) {
      // The next pass starts another catch-up from the saved position.
      this.options.logger.error({ err, file: this.options.file }, `cannot read the ${this.options.kind} backlog`);
      failed = true;
    }
    await this.passes.run(async () => {
      this.main = failed ? null : backlog;
      this.tail = null;
      return 0;
    });
  }

  /** Where the file `track` reads is now: the file itself, its rotated copy, or gone. */
  private async pathOf(track: Track<S>): Promise<string | null> {
    const stat = await fs.stat(this.options.file).catch(() => null);
    if (stat && sameFile(track, stat)) return this.options.file;
    return (await rotatedCopy(this.options.file, track))?.path ?? null;
  }
}
