import os from 'node:os';
import { SettingRecord } from '../settings/model';
import type { Logger } from '../logging/logger';
import type { PluginErrorCode } from './errors';
import type { PluginState } from './types';

/**
 * What the serving Carillon process last said about its plugins. The CLI is another process: it
 * never starts plugins, so only the server knows whether `start()` succeeded. The server keeps
 * this report in the `settings` table; `carillon plugin list` reads it instead of guessing.
 */
export interface PluginRuntimeReport {
  server: { host: string; pid: number; startedAt: string; stoppedAt: string | null; reportedAt: string };
  plugins: Array<{ id: string; state: PluginState; error: { code: PluginErrorCode; message: string } | null }>;
}

export const RUNTIME_REPORT_KEY = 'plugins.runtime';

/** Writes the report, one write at a time, the newest winning; a failed write is logged, never thrown. */
export class PluginRuntimeReporter {
  private readonly startedAt = new Date().toISOString();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly logger: Logger) {}

  write(plugins: PluginRuntimeReport['plugins'], stopped = false): Promise<void> {
    const report: PluginRuntimeReport = {
      server: { host: os.hostname(), pid: process.pid, startedAt: this.startedAt, stoppedAt: stopped ? new Date().toISOString() : null, reportedAt: new Date().toISOString() },
      plugins,
    };
    this.queue = this.queue
      .then(() => SettingRecord.upsert({ key: RUNTIME_REPORT_KEY, value: JSON.stringify(report), updatedAt: new Date() }))
      .then(
        () => undefined,
        (err: unknown) => this.logger.warn({ err }, 'could not record the plugin states for the CLI'),
      );
    return this.queue;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user (the service account), so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The report of a Carillon that is serving now, or null. A report from this machine counts only
 * while its process lives (a crash leaves no `stoppedAt`); one from another machine (a shared
 * MariaDB) counts until that server says it stopped.
 */
export async function readRunningReport(): Promise<PluginRuntimeReport | null> {
  // Before core's first migration (`plugin list` on a new database) no server has ever run.
  if (!(await SettingRecord.sequelize!.getQueryInterface().tableExists(SettingRecord.getTableName()))) return null;
  const row = await SettingRecord.findByPk(RUNTIME_REPORT_KEY);
  if (!row) return null;
  const report = JSON.parse(row.value) as PluginRuntimeReport;
  if (report.server.stoppedAt) return null;
  if (report.server.host === os.hostname() && !processAlive(report.server.pid)) return null;
  return report;
}
