import type { AriEvent } from './ari/ari-types';
import { ChannelGoneError, StepTimeoutError } from './errors';

/**
 * Something in Asterisk a wait depends on. ARI replays nothing sent while the event WebSocket was
 * down, so after a reconnection the reconciliation re-reads each one over ARI and dispatches the
 * event that was missed (reconciliation.ts).
 */
export type Watched =
  | { kind: 'playback'; id: string }
  | { kind: 'recording'; name: string }
  | { kind: 'variable'; channelId: string; name: string };

export interface EventWait<T> {
  promise: Promise<T>;
  /** Stops waiting without settling anything the caller still awaits. */
  cancel(): void;
  /**
   * The thing waited on exists in Asterisk now (its request was answered): re-read it after a
   * reconnection. Not before: a playback whose request is still on its way reads as finished (404).
   */
  watch(subject: Watched): void;
}

export interface WaitOptions<T> {
  what: string;
  /** Returns a value to stop waiting with it. */
  match: (event: AriEvent) => T | undefined;
  timeoutMs?: number;
  /** Fail with ChannelGoneError when this channel leaves Stasis or is destroyed. */
  channelId?: string;
}

/** What the live waits depend on, for the reconciliation after a reconnection. */
export interface WaitedOn {
  channels: Set<string>;
  watched: Watched[];
}

function leaves(event: AriEvent, channelId: string): boolean {
  return (event.type === 'StasisEnd' || event.type === 'ChannelDestroyed') && event.channel.id === channelId;
}

interface LiveWait {
  channelId?: string;
  watched: Watched[];
}

/**
 * Fans ARI events out to the steps waiting on them. A wait is registered before the request that
 * causes its event is sent, because Asterisk often sends the event before its HTTP answer.
 */
export class EventHub {
  private readonly listeners = new Set<(event: AriEvent) => void>();
  private readonly waits = new Set<LiveWait>();

  dispatch(event: AriEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  on(listener: (event: AriEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  waitedOn(): WaitedOn {
    const channels = new Set<string>();
    const watched: Watched[] = [];
    for (const wait of this.waits) {
      if (wait.channelId) channels.add(wait.channelId);
      watched.push(...wait.watched);
    }
    return { channels, watched };
  }

  wait<T>(options: WaitOptions<T>): EventWait<T> {
    const live: LiveWait = { channelId: options.channelId, watched: [] };
    let cancel = () => undefined as void;
    const promise = new Promise<T>((resolve, reject) => {
      const done = () => {
        off();
        this.waits.delete(live);
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
      this.waits.add(live);
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
    return {
      promise,
      cancel,
      watch: (subject) => {
        if (this.waits.has(live)) live.watched.push(subject);
      },
    };
  }
}
