import type { AriEvent } from './ari/ari-types';
import { ChannelGoneError, StepTimeoutError } from './errors';

export interface EventWait<T> {
  promise: Promise<T>;
  /** Stops waiting without settling anything the caller still awaits. */
  cancel(): void;
}

export interface WaitOptions<T> {
  what: string;
  /** Returns a value to stop waiting with it. */
  match: (event: AriEvent) => T | undefined;
  timeoutMs?: number;
  /** Fail with ChannelGoneError when this channel leaves Stasis or is destroyed. */
  channelId?: string;
}

function leaves(event: AriEvent, channelId: string): boolean {
  return (event.type === 'StasisEnd' || event.type === 'ChannelDestroyed') && event.channel.id === channelId;
}

/**
 * Fans ARI events out to the steps waiting on them. A wait is registered before the request that
 * causes its event is sent, because Asterisk often sends the event before its HTTP answer.
 */
export class EventHub {
  private readonly listeners = new Set<(event: AriEvent) => void>();

  dispatch(event: AriEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  on(listener: (event: AriEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  wait<T>(options: WaitOptions<T>): EventWait<T> {
    let cancel = () => undefined as void;
    const promise = new Promise<T>((resolve, reject) => {
      const done = () => {
        off();
        if (timer) clearTimeout(timer);
      };
      const off = this.on((event) => {
        const value = options.match(event);
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (options.channelId && leaves(event, options.channelId)) {
          done();
          reject(new ChannelGoneError(options.channelId, options.what));
        }
      });
      const timer = options.timeoutMs
        ? setTimeout(() => {
            done();
            reject(new StepTimeoutError(options.what, options.timeoutMs!));
          }, options.timeoutMs)
        : null;
      cancel = done;
    });
    // A cancelled or abandoned wait must not surface as an unhandled rejection.
    promise.catch(() => undefined);
    return { promise, cancel };
  }
}
