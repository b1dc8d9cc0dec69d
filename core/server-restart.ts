import { HttpError } from './http/problem';

/** Work done while this Carillon is stopped (a restore); it must not throw: it records its own result. */
export type StoppedWork = () => Promise<void>;

/**
 * Lets a request have this Carillon stopped, some work done with nothing running, and Carillon
 * started again: what `carillon restore` does on the appliance (stop the service, restore, start
 * it), done from the web UI. Only a process run by a `CarillonRunner` can; elsewhere (the CLI's
 * open) `request` refuses.
 */
export class ServerRestart {
  private handler: ((work: StoppedWork) => void) | null = null;
  private requested = false;

  attach(handler: (work: StoppedWork) => void): void {
    this.handler = handler;
  }

  get available(): boolean {
    return this.handler !== null;
  }

  /** True once a restart was asked for: a second restore waits for the restarted Carillon. */
  get pending(): boolean {
    return this.requested;
  }

  request(work: StoppedWork): void {
    if (!this.handler) throw new HttpError(409, 'restart_unavailable', 'Restart unavailable', 'This Carillon was not started by its server command and cannot restart itself: use `carillon restore`.');
    if (this.requested) throw new HttpError(409, 'restart_pending', 'Restart pending', 'Carillon is already restarting.');
    this.requested = true;
    this.handler(work);
  }
}
