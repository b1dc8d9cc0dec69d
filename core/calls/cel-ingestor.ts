import fs from 'node:fs/promises';
import type { Logger } from '../logging/logger';
import type { SettingsService } from '../settings/settings-service';
import type { CallLogService } from './call-log-service';
import { numberOfEndpoint } from './call-observation';
import { CelCallAssembler, observationFromCel, type ExtensionOfChannel } from './cel-calls';
import { parseCelLines } from './cel-record';
import type { ExtensionDirectory } from './extension-directory';
import { cursorAt, readCompleteLines, rewrittenSince, rotatedCopy, SerialPasses, type FileCursor } from './line-file';

export const CEL_CURSOR_KEY = 'calls.celCursor';

/** How far this process has read a file (the persisted cursor may lag behind: it points at the first line of a call still going on). */
interface Position {
  dev: number;
  ino: number;
  readUpTo: number;
}

/**
 * Reads the CEL file that cel_custom writes (one JSON record per line, appliance/asterisk/cel_custom.conf)
 * incrementally, like the CDR file: calls made while Carillon was stopped appear once after it
 * restarts. A call is applied when its LINKEDID_END is read; the persisted cursor points at the
 * first line of the oldest call not finished yet, so a restart reads that call whole again.
 * Re-reading lines of calls already applied is harmless: a call whose first record lies before
 * the cursor is incomplete and skipped, and applying a complete call again changes nothing.
 */
export class CelIngestor {
  private readonly passes = new SerialPasses();
  private readonly assembler = new CelCallAssembler();
  private position: Position | null = null;

  constructor(
    private readonly file: string,
    private readonly settings: SettingsService,
    private readonly callLog: CallLogService,
    private readonly extensions: ExtensionDirectory,
    private readonly logger: Logger,
  ) {}

  /** Reads what was appended since the last pass; resolves with the number of calls applied. */
  poll(): Promise<number> {
    return this.passes.run(() => this.pass());
  }

  /** Resolves once no pass is running (shutdown). */
  idle(): Promise<void> {
    return this.passes.idle();
  }

  /** Calls whose LINKEDID_END was not read yet. */
  get unfinishedCalls(): number {
    return this.assembler.pendingCount;
  }

  private async pass(): Promise<number> {
    const stat = await fs.stat(this.file).catch(() => null);
    if (!stat) return 0;
    const extensionOf = await this.extensionResolver();
    let cursor = await this.settings.get<FileCursor>(CEL_CURSOR_KEY);
    let applied = 0;
    if (cursor && (cursor.dev !== stat.dev || cursor.ino !== stat.ino)) {
      applied += await this.finishRotated(cursor, extensionOf);
      cursor = undefined;
      // Calls still going on continue in the new file, read from its start.
      this.position = { dev: stat.dev, ino: stat.ino, readUpTo: 0 };
    }
    if (cursor && (await rewrittenSince(this.file, stat.size, cursor))) {
      this.logger.warn({ file: this.file }, 'the CEL file was truncated or replaced; reading it again from the start');
      cursor = undefined;
      this.assembler.reset();
      this.position = null;
    }
    let offset = this.startOffset(stat, cursor?.offset ?? 0);
    for (;;) {
      const { text, consumed } = await readCompleteLines(this.file, offset);
      if (!consumed) break;
      applied += await this.apply(text, offset, extensionOf);
      offset += consumed;
      this.position = { dev: stat.dev, ino: stat.ino, readUpTo: offset };
      const safe = this.assembler.safeOffset(offset);
      await this.settings.set(CEL_CURSOR_KEY, await cursorAt(this.file, stat, safe));
    }
    if (!cursor && offset === 0) await this.settings.set(CEL_CURSOR_KEY, await cursorAt(this.file, stat, 0));
    this.position = { dev: stat.dev, ino: stat.ino, readUpTo: offset };
    return applied;
  }

  /** Where this pass starts: where this process stopped reading the same file, else the persisted cursor (calls in memory are then forgotten). */
  private startOffset(stat: { dev: number; ino: number }, persisted: number): number {
    if (this.position && this.position.dev === stat.dev && this.position.ino === stat.ino && this.position.readUpTo >= persisted) return this.position.readUpTo;
    this.assembler.reset();
    return persisted;
  }

  /** logrotate moved the file away: read what was appended to it before the move; unfinished calls go on in the new file. */
  private async finishRotated(cursor: FileCursor, extensionOf: ExtensionOfChannel): Promise<number> {
    const rotated = await rotatedCopy(this.file, cursor);
    let applied = 0;
    if (rotated) {
      let offset = this.startOffset(rotated.stat, cursor.offset);
      for (;;) {
        const { text, consumed } = await readCompleteLines(rotated.path, offset);
        if (!consumed) break;
        applied += await this.apply(text, offset, extensionOf);
        offset += consumed;
      }
    }
    // Offsets of the calls still going on pointed into the old file: they restart at the new file's
    // beginning (after a restart their first records, in the rotated file, are not read again).
    this.assembler.rebase(0);
    return applied;
  }

  private async apply(text: string, baseOffset: number, extensionOf: ExtensionOfChannel): Promise<number> {
    let applied = 0;
    let offset = baseOffset;
    let rejected = 0;
    let latest = 0;
    for (const line of text.split('\n')) {
      const lineOffset = offset;
      offset += Buffer.byteLength(line, 'utf8') + 1;
      if (!line.trim()) continue;
      const { events, rejected: bad } = parseCelLines(line);
      rejected += bad.length;
      for (const event of events) {
        latest = Math.max(latest, event.eventtime.getTime());
        const call = this.assembler.add(event, lineOffset);
        if (!call) continue;
        const observation = observationFromCel(call, extensionOf);
        if (!observation) continue;
        await this.callLog.record(observation);
        applied++;
      }
    }
    if (rejected) this.logger.warn({ count: rejected }, 'skipped lines of the CEL file that are not CEL records');
    const abandoned = latest ? this.assembler.abandonStale(latest) : 0;
    if (abandoned) this.logger.warn({ count: abandoned }, 'CEL calls without LINKEDID_END for hours were dropped (the CDR still logs them)');
    return applied;
  }

  /** Endpoint name → extension number, from the extension directory (a phone's endpoint is its SIP user name; browsers' add `-webrtc`). */
  private async extensionResolver(): Promise<ExtensionOfChannel> {
    const byEndpoint = new Map<string, string>();
    for (const e of await this.extensions.list()) {
      byEndpoint.set(e.sipUsername, e.number);
      byEndpoint.set(`${e.sipUsername}-webrtc`, e.number);
    }
    return (channelName) => (channelName.startsWith('PJSIP/') ? (byEndpoint.get(numberOfEndpoint(channelName, true)) ?? null) : null);
  }
}
