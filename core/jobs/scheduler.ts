import { Cron } from 'croner';
import type { Logger } from '../logging/logger';
import type { JobDefinition } from '../plugins/types';

export interface ScheduledJob {
  owner: string;
  name: string;
  stop(): void;
}

/** Runs jobs on cron patterns or fixed intervals; a run never overlaps the previous one of the same job. */
export class JobScheduler {
  private readonly jobs = new Set<ScheduledJob>();

  constructor(private readonly logger: Logger) {}

  schedule(owner: string, job: JobDefinition): ScheduledJob {
    const log = this.logger.child({ job: `${owner}:${job.name}` });
    let running = false;
    const run = async () => {
      if (running) return;
      running = true;
      try {
        await job.run();
      } catch (err) {
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

  /** Validates a cron pattern without scheduling it. */
  static assertValid(job: JobDefinition): void {
    if (typeof job.schedule === 'string') new Cron(job.schedule, { paused: true }).stop();
    else if (!(job.schedule.everyMs >= 100)) throw new Error(`Job ${job.name}: everyMs must be at least 100`);
  }

  stopAll(): void {
    for (const job of [...this.jobs]) job.stop();
  }
}
