import { AriRequestError } from './errors';

export interface RequestGateOptions {
  /** Requests in flight at once; the rest wait in order. */
  maxConcurrent: number;
  /** From the moment a request is asked for, queue time included. */
  timeoutMs: number;
}

interface Waiter {
  start: () => void;
  cancelled: boolean;
}

/**
 * Every ARI request goes through here. ari-client's promise can stay pending forever when Asterisk
 * closes a socket without answering, so each request gets a deadline and a late one is a failure.
 * Asterisk drops HTTP sessions past its `sessionlimit` and ari-client cannot be given an
 * http.Agent, so the number of requests in flight (hence of sockets) is bounded here.
 */
export class RequestGate {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private peak = 0;

  constructor(private readonly options: RequestGateOptions) {}

  get stats(): { active: number; queued: number; peakActive: number } {
    return { active: this.active, queued: this.queue.filter((w) => !w.cancelled).length, peakActive: this.peak };
  }

  run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let holdsSlot = false;
      const waiter: Waiter = { cancelled: false, start: () => undefined };
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (holdsSlot) this.release();
        outcome();
      };
      const timer = setTimeout(() => {
        // A hung request gives its slot back: its socket was closed by Asterisk or is useless.
        waiter.cancelled = true;
        finish(() => reject(new AriRequestError(operation, 'timeout', `no answer within ${this.options.timeoutMs} ms`)));
      }, this.options.timeoutMs);
      waiter.start = () => {
        holdsSlot = true;
        let pending: Promise<T>;
        try {
          pending = call();
        } catch (err) {
          finish(() => reject(AriRequestError.from(operation, err)));
          return;
        }
        pending.then(
          (value) => finish(() => resolve(value)),
          (err: unknown) => finish(() => reject(AriRequestError.from(operation, err))),
        );
      };
      this.enqueue(waiter);
    });
  }

  private enqueue(waiter: Waiter): void {
    if (this.active < this.options.maxConcurrent) this.begin(waiter);
    else this.queue.push(waiter);
  }

  private begin(waiter: Waiter): void {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    waiter.start();
  }

  private release(): void {
    this.active--;
    while (this.queue.length > 0 && this.active < this.options.maxConcurrent) {
      const next = this.queue.shift()!;
      if (!next.cancelled) this.begin(next);
    }
  }
}
