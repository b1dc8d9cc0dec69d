import fs from 'node:fs/promises';
import os from 'node:os';
import { VERSION } from '../version';

/** What the dashboard shows of the machine and the Carillon process. */
export interface HostFigures {
  version: string;
  /** Since this Carillon process started. */
  uptimeSeconds: number;
  /** Since the machine booted. */
  hostUptimeSeconds: number;
  /** The file system holding the data folder (database file, recordings, backups): what fills up first. */
  disk: { path: string; totalBytes: number; freeBytes: number; usedPercent: number } | null;
  /** Load averages (1, 5, 15 min) beside the number of cores: a load at the core count means a saturated machine. */
  cpu: { cores: number; load1: number; load5: number; load15: number; loadPercent: number };
  /** `availableBytes` is what programs can still get (Linux MemAvailable), not the smaller "free". */
  memory: { totalBytes: number; availableBytes: number; usedPercent: number; processRssBytes: number };
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Reads the figures; a data folder that cannot be read (removed, permissions) gives `disk: null`, never an error. */
export async function readHostFigures(dataDir: string, startedAt: number, now = Date.now()): Promise<HostFigures> {
  const disk = await fs.statfs(dataDir).then(
    (s) => {
      const totalBytes = s.blocks * s.bsize;
      // bavail, not bfree: the blocks reserved for root are no room for an unprivileged Carillon.
      const freeBytes = s.bavail * s.bsize;
      return { path: dataDir, totalBytes, freeBytes, usedPercent: percent(totalBytes - freeBytes, totalBytes) };
    },
    () => null,
  );
  const cores = os.availableParallelism();
  const [load1, load5, load15] = os.loadavg();
  const totalBytes = os.totalmem();
  // libuv's free memory is MemAvailable on Linux.
  const availableBytes = os.freemem();
  return {
    version: VERSION,
    uptimeSeconds: Math.max(0, Math.round((now - startedAt) / 1000)),
    hostUptimeSeconds: Math.round(os.uptime()),
    disk,
    cpu: { cores, load1: round2(load1), load5: round2(load5), load15: round2(load15), loadPercent: percent(load1, cores) },
    memory: { totalBytes, availableBytes, usedPercent: percent(totalBytes - availableBytes, totalBytes), processRssBytes: process.memoryUsage.rss() },
  };
}
