import { Cron } from 'croner';
import type { Logger } from '../logging/logger';
import type { JobDefinition } from '../plugins/types';

export interface ScheduledJob {
  owner: string;
  name: string;
  stop(): void;
}

/** Runs of one job since Carillon started (metrics). */
export interface JobRunStats {
  owner: string;
  name: string;
  runs: number;
  failures: number;
  /** Epoch ms of the last run that succeeded; null before the first. */
  lastSuccessAt: number | null;
}

/** Runs jobs on cron patterns or fixed intervals; a run never overlaps the previous one of the same job. */
export class JobScheduler {
  private readonly jobs = new Set<ScheduledJob>();
  /** Kept after a job stops (a disabled plugin's job): counters only ever grow, as Prometheus expects. */
  private readonly runStats = new Map<string, JobRunStats>();

  constructor(private readonly logger: Logger) {}

  schedule(owner: string, job: JobDefinition): ScheduledJob {
    const log = this.logger.child({ job: `${owner}:${job.name}` });
    const key = `${owner}\u0000${job.name}`;
    const stats = this.runStats.get(key) ?? { owner, name: job.name, runs: 0, failures: 0, lastSuccessAt: null };
    this.runStats.set(key, stats);
    let running = false;
    const run = async () => {
      if (running) return;
      running = true;
      try {
        await job.run();
        stats.runs++;
        stats.lastSuccessAt = Date.now();
      } catch (err) {
        stats.runs++;
        stats.failures++;
        log.error({ err }, 'scheduled job failed');
      } finally {
        running = false;
      }
    };
    let stopTimer: () => void;
    if (typeof job.schedule === 'string') {
      const cron = new Cron(job.schedule, { protect: true }, run);
      stopTimer = () => cron.stop();
    } else {
      const timer = setInterval(run, job.schedule.everyMs);
      timer.unref();
      stopTimer = () => clearInterval(timer);
    }
    const scheduled: ScheduledJob = {
      owner,
      name: job.name,
      stop: () => {
        stopTimer();
        this.jobs.delete(scheduled);
      },
    };
    this.jobs.add(scheduled);
    return scheduled;
  }

  stats(): JobRunStats[] {
    return [...this.runStats.values()].map((s) => ({ ...s }));
  }

  /** Validates a cron pattern without scheduling it. */
  static assertValid(job: JobDefinition): void {
    if (typeof job.schedule === 'string') new Cron(job.schedule, { paused: true }).stop();
    else if (!(job.schedule.everyMs >= 100)) throw new Error(`Job ${job.name}: everyMs must be at least 100`);
  }

  stopAll(): void {
    for (const job of [...this.jobs]) job.stop();
  }
}
