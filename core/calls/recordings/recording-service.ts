import fs from 'node:fs/promises';
import path from 'node:path';
import { Op } from 'sequelize';
import { HttpError } from '../../http/problem';
import type { Logger } from '../../logging/logger';
import type { SettingsService } from '../../settings/settings-service';
import { CallLeg, CallRecord, CallRecording } from '../call-models';
import { encodeMp3 } from './lame-encoder';

export const RETENTION_KEY = 'calls.recordingRetentionDays';
/** A spool file the call log never hears of is converted anyway after this long. */
const ORPHAN_AFTER_MS = 60 * 60 * 1000;

/**
 * `<linkedid>-<uniqueid>.wav`. Asterisk ids are `<epoch>.<seq>` (no dash); channels Carillon
 * originates have UUID ids (four dashes): the linkedid is one or the other, so the split is unambiguous.
 */
const SPOOL_NAME = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[^-]+)-(.+)\.wav$/i;

export function parseSpoolName(file: string): { linkedid: string; uniqueid: string } | null {
  const match = SPOOL_NAME.exec(file);
  return match ? { linkedid: match[1], uniqueid: match[2] } : null;
}

/**
 * Recordings: picks up MixMonitor's WAV files from the spool folder, converts them to MP3 mono
 * ~16 kbit/s under `<dataDir>/recordings/YYYY/MM/`, links them to their call and deletes the WAV;
 * removes recordings older than the retention setting.
 */
export class RecordingService {
  private collecting: Promise<number> | null = null;

  constructor(
    readonly spoolDir: string,
    readonly storeDir: string,
    private readonly settings: SettingsService,
    private readonly logger: Logger,
  ) {}

  /** Converts the spool's finished files; resolves with how many were stored. One pass at a time. */
  collect(options: { minAgeMs?: number; now?: Date } = {}): Promise<number> {
    this.collecting ??= this.collectOnce(options.minAgeMs ?? 5000, options.now ?? new Date()).finally(() => (this.collecting = null));
    return this.collecting;
  }

  private async collectOnce(minAgeMs: number, now: Date): Promise<number> {
    const names = await fs.readdir(this.spoolDir).catch(() => [] as string[]);
    let stored = 0;
    for (const name of names) {
      const ids = parseSpoolName(name);
      if (!ids) continue;
      const wav = path.join(this.spoolDir, name);
      const stat = await fs.stat(wav).catch(() => null);
      // MixMonitor writes until the call ends: a file still growing is left for the next pass.
      if (!stat || now.getTime() - stat.mtimeMs < minAgeMs) continue;
      const callKey = await this.callKeyOf(ids.linkedid, ids.uniqueid);
      if (!callKey && now.getTime() - stat.mtimeMs < ORPHAN_AFTER_MS) continue;
      try {
        await this.store(wav, callKey ?? ids.linkedid, ids.uniqueid, stat.mtime);
        stored++;
      } catch (err) {
        this.logger.error({ err, file: wav }, 'cannot convert a call recording');
      }
    }
    return stored;
  }

  private async callKeyOf(linkedid: string, uniqueid: string): Promise<string | null> {
    if (await CallRecord.count({ where: { callKey: linkedid } })) return linkedid;
    const leg = await CallLeg.findOne({ where: { uniqueid: { [Op.in]: [linkedid, uniqueid] } } });
    return leg?.callKey ?? null;
  }

  private async store(wav: string, callKey: string, uniqueid: string, recordedAt: Date): Promise<void> {
    const month = `${recordedAt.getUTCFullYear()}/${String(recordedAt.getUTCMonth() + 1).padStart(2, '0')}`;
    const relative = `${month}/${path.basename(wav, '.wav')}.mp3`;
    const target = path.join(this.storeDir, relative);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const partial = `${target}.part`;
    await encodeMp3(wav, partial);
    await fs.rename(partial, target);
    const { size } = await fs.stat(target);
    const existing = await CallRecording.findOne({ where: { file: relative } });
    if (existing) await existing.update({ bytes: size, callKey });
    else await CallRecording.create({ callKey, uniqueid, file: relative, bytes: size, recordedAt });
    await fs.unlink(wav);
  }

  /** The file to stream, or 404 (also for a call outside `onlyExtensions`, when given). */
  async open(id: number, onlyExtensions?: string[]): Promise<{ file: string; size: number; downloadName: string }> {
    const recording = await CallRecording.findByPk(id);
    if (!recording) throw HttpError.notFound('recording');
    const call = await CallRecord.findOne({ where: { callKey: recording.callKey } });
    if (onlyExtensions && !onlyExtensions.some((n) => n === call?.extension || n === call?.callerExtension)) throw HttpError.notFound('recording');
    const file = path.join(this.storeDir, recording.file);
    const stat = await fs.stat(file).catch(() => null);
    if (!stat) throw HttpError.notFound('recording file');
    const when = (call?.startAt ?? recording.recordedAt).toISOString().slice(0, 19).replace(/[:T]/g, '-');
    return { file, size: stat.size, downloadName: `call-${when}-${recording.id}.mp3` };
  }

  async retentionDays(): Promise<number> {
    return (await this.settings.get<number>(RETENTION_KEY)) ?? 0;
  }

  async setRetentionDays(days: number): Promise<void> {
    await this.settings.set(RETENTION_KEY, days);
  }

  /** Removes recordings (files and links) older than the retention; 0 days keeps everything. */
  async purgeExpired(now = new Date()): Promise<number> {
    const days = await this.retentionDays();
    if (!days) return 0;
    const limit = new Date(now.getTime() - days * 86_400_000);
    let removed = 0;
    for (;;) {
      const batch = await CallRecording.findAll({ where: { recordedAt: { [Op.lt]: limit } }, limit: 500, order: [['id', 'ASC']] });
      if (!batch.length) return removed;
      for (const recording of batch) {
        await fs.rm(path.join(this.storeDir, recording.file), { force: true });
        await recording.destroy();
        removed++;
      }
    }
  }
}
