import type { Logger } from '../logging/logger';
import type { SettingsService } from '../settings/settings-service';
import { ObservationBatch, type CallLogService } from './call-log-service';
import { numberOfEndpoint } from './call-observation';
import { CelCallAssembler, observationFromCel, type CelCall, type ExtensionOfChannel } from './cel-calls';
import { parseCelLines } from './cel-record';
import type { ExtensionDirectory } from './extension-directory';
import { LineFollower, type LineSink } from './line-follower';

export const CEL_CURSOR_KEY = 'calls.celCursor';

/** CEL lines grouped into calls; a call is applied when its LINKEDID_END is read (or when Asterisk is found to have restarted). */
export class CelLines implements LineSink {
  readonly assembler = new CelCallAssembler();
  private readonly batch: ObservationBatch;
  private rejected = 0;
  private interrupted = 0;
  private latest = 0;
  private uncarriedWarned = 0;
  /** Endpoint → extension, read again after each chunk (the directory may change). */
  private resolver: Promise<ExtensionOfChannel> | null = null;

  constructor(
    callLog: CallLogService,
    private readonly extensions: ExtensionDirectory,
    private readonly logger: Logger,
  ) {
    this.batch = new ObservationBatch(callLog);
  }

  async line(text: string, offset: number): Promise<number> {
    const { events, rejected } = parseCelLines(text);
    this.rejected += rejected.length;
    let applied = 0;
    for (const event of events) {
      this.latest = Math.max(this.latest, event.eventtime.getTime());
      applied += await this.apply(this.assembler.add(event, offset, text));
    }
    return applied;
  }

  async flush(): Promise<number> {
    if (this.rejected) this.logger.warn({ count: this.rejected }, 'skipped lines of the CEL file that are not CEL records');
    if (this.interrupted) this.logger.warn({ count: this.interrupted }, 'Asterisk restarted: the calls it had were closed with what CEL said of them');
    const abandoned = this.latest ? this.assembler.abandonStale(this.latest) : 0;
    if (abandoned) this.logger.warn({ count: abandoned }, 'CEL calls without LINKEDID_END for hours were dropped (the CDR still logs them)');
    this.rejected = 0;
    this.interrupted = 0;
    this.resolver = null;
    return this.batch.flush();
  }

  resumeAt(readUpTo: number) {
    const position = this.assembler.resumeAt(readUpTo);
    if (this.assembler.uncarried > this.uncarriedWarned) this.logger.warn({ count: this.assembler.uncarried }, 'calls going on for long do not fit in the saved CEL position: a restart of Carillon before they end leaves them to the CDR');
    this.uncarriedWarned = this.assembler.uncarried;
    return position;
  }

  async restore(carried: string[]): Promise<void> {
    for (const line of carried) await this.line(line, -1);
    await this.flush();
  }

  rotated(): void {
    this.assembler.rotated();
  }

  private async apply(calls: CelCall[]): Promise<number> {
    let applied = 0;
    for (const call of calls) {
      if (call.interrupted) this.interrupted++;
      const observation = observationFromCel(call, await (this.resolver ??= extensionResolver(this.extensions)));
      if (observation) applied += await this.batch.add(observation);
    }
    return applied;
  }
}

/** Endpoint name → extension number, from the extension directory (a phone's endpoint is its SIP user name; browsers' add `-webrtc`). */
async function extensionResolver(extensions: ExtensionDirectory): Promise<ExtensionOfChannel> {
  const byEndpoint = new Map<string, string>();
  for (const e of await extensions.list()) {
    byEndpoint.set(e.sipUsername, e.number);
    byEndpoint.set(`${e.sipUsername}-webrtc`, e.number);
  }
  return (channelName) => (channelName.startsWith('PJSIP/') ? (byEndpoint.get(numberOfEndpoint(channelName, true)) ?? null) : null);
}

/**
 * Reads the CEL file that cel_custom writes (one JSON record per line, appliance/asterisk/cel_custom.conf)
 * like the CDR file (LineFollower, cursor `calls.celCursor`): calls made while Carillon was stopped
 * appear once after it restarts. The saved position points at the first line of the oldest call
 * not finished yet (not further back than a few MB: older calls' lines are carried in it), so a
 * restart reads that call whole again. Re-reading lines of calls already applied is harmless: a
 * call whose first record lies before the position is incomplete and skipped, and applying a
 * complete call again changes nothing.
 */
export class CelIngestor extends LineFollower<CelLines> {
  constructor(file: string, settings: SettingsService, callLog: CallLogService, extensions: ExtensionDirectory, logger: Logger) {
    super({ file, cursorKey: CEL_CURSOR_KEY, kind: 'CEL', settings, logger, serialised: (write) => callLog.serialised(write), newSink: () => new CelLines(callLog, extensions, logger) });
  }

  /** Calls whose LINKEDID_END was not read yet. */
  get unfinishedCalls(): number {
    return this.main?.sink.assembler.pendingCount ?? 0;
  }
}
