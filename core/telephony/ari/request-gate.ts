import { AriRequestError } from './errors';

export interface RequestGateOptions {
  /** Most requests in flight at once; the rest wait in order. */
  maxConcurrent: number;
  /** From the moment a request is asked for, queue time included. */
  timeoutMs: number;
  /** Told how each request ended and how long it took, queue time included (metrics). */
  observe?: (operation: string, outcome: AriRequestOutcome, seconds: number) => void;
}

/** `error`: Asterisk answered with an error status or the socket failed; `timeout`: no answer in time. */
export type AriRequestOutcome = 'ok' | 'error' | 'timeout';

interface Waiter {
  start: () => void;
  cancelled: boolean;
}

function isSocketError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** The window never shrinks below this (or maxConcurrent when smaller). */
const MIN_WINDOW = 4;

/**
 * How many requests Carillon may have in flight given Asterisk's http.conf `sessionlimit`: a fifth
 * is left to the event WebSocket, browsers' WSS phones and other clients of the same HTTP server.
 */
export function requestsInFlightFor(sessionLimit: number): number {
  return Math.max(1, sessionLimit - Math.ceil(sessionLimit / 5));
}

/**
 * Every ARI request goes through here. ari-client's promise can stay pending forever when Asterisk
 * closes a socket without answering, so each request gets a deadline and a late one is a failure.
 * Asterisk drops HTTP sessions past its `sessionlimit` and ari-client cannot be given an
 * http.Agent, so the number of requests in flight (hence of sockets) is bounded here.
 *
 * The bound comes from `sessionlimit`, so call set-up is not queued while Asterisk could take more
 * (a fixed 32 queued originates at 200 calls per second: p50 from 2 ms to 26–583 ms). Within it,
 * the window adapts (AIMD): timeouts and reset sockets, what dropped sessions look like when the
 * real limit is lower than configured or shared with other clients, halve it; each window's worth
 * of answers widens it by one again.
 */
export class RequestGate {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private peak = 0;
  private window: number;
  private readonly minWindow: number;
  private lastCut = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: RequestGateOptions) {
    this.window = options.maxConcurrent;
    this.minWindow = Math.min(MIN_WINDOW, options.maxConcurrent);
  }

  get stats(): { active: number; queued: number; peakActive: number; window: number } {
    return { active: this.active, queued: this.queue.filter((w) => !w.cancelled).length, peakActive: this.peak, window: Math.floor(this.window) };
  }

  run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let holdsSlot = false;
      const asked = performance.now();
      const waiter: Waiter = { cancelled: false, start: () => undefined };
      const finish = (outcome: () => void, how: AriRequestOutcome = 'error') => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (holdsSlot) this.release();
        this.options.observe?.(operation, how, (performance.now() - asked) / 1000);
        outcome();
      };
      const timer = setTimeout(() => {
        // A hung request gives its slot back: its socket was closed by Asterisk or is useless.
        waiter.cancelled = true;
        if (holdsSlot) this.narrow();
        finish(() => reject(new AriRequestError(operation, 'timeout', `no answer within ${this.options.timeoutMs} ms`)), 'timeout');
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
          (value) => finish(() => (this.widen(), resolve(value)), 'ok'),
          (err: unknown) => {
            // An error status is an answer (Asterisk took the session); a reset socket is not.
            if (isSocketError(err)) this.narrow();
            else this.widen();
            finish(() => reject(AriRequestError.from(operation, err)));
          },
        );
      };
      this.enqueue(waiter);
    });
  }

  /** Requests that fail together are one congestion event: halve once per timeout period. */
  private narrow(): void {
    const now = Date.now();
    if (now - this.lastCut < this.options.timeoutMs) return;
    this.lastCut = now;
    this.window = Math.max(this.minWindow, Math.floor(this.window / 2));
  }

  private widen(): void {
    this.window = Math.min(this.options.maxConcurrent, this.window + 1 / Math.floor(this.window));
  }

  private get room(): boolean {
    return this.active < Math.floor(this.window);
  }

  private enqueue(waiter: Waiter): void {
    if (this.room) this.begin(waiter);
    else this.queue.push(waiter);
  }

  private begin(waiter: Waiter): void {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    waiter.start();
  }

  private release(): void {
    this.active--;
    while (this.queue.length > 0 && this.room) {
      const next = this.queue.shift()!;
      if (!next.cancelled) this.begin(next);
    }
  }
}
