import type { EventBus } from '../../events/bus';
import type { Logger } from '../../logging/logger';
import type { Telephony } from '../telephony-service';
import type { RegenerateResult, TelephonyConfigWriter } from './config-writer';
import { Debouncer } from './debounce';

/** Published by the telephony resources once a change is committed. */
export const CONFIG_CHANGED_EVENT = 'telephony.configChanged';

/**
 * When the configuration is regenerated: at start (so Asterisk finds current files even before
 * ARI is up), after every ARI (re)connection (reloads left pending while Asterisk was away), and
 * after changes, debounced so that a burst of edits (an import) makes one write and one reload.
 */
export class ConfigPush {
  private unsubscribe: Array<() => void> = [];
  private readonly debouncer: Debouncer;
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly writer: Pick<TelephonyConfigWriter, 'regenerate'>,
    private readonly events: Pick<EventBus, 'subscribe'>,
    private readonly telephony: Pick<Telephony, 'onReady'>,
    private readonly logger: Logger,
    debounceMs = 300,
  ) {
    this.debouncer = new Debouncer(debounceMs, () => void this.push('change'));
  }

  start(): void {
    this.unsubscribe.push(this.events.subscribe(CONFIG_CHANGED_EVENT, () => this.debouncer.trigger()));
    // Awaited by the telephony engine, which logs a failure without stopping other hooks.
    this.unsubscribe.push(this.telephony.onReady(() => this.writer.regenerate().then(() => undefined)));
    void this.push('start');
  }

  async stop(): Promise<void> {
    this.debouncer.cancel();
    for (const off of this.unsubscribe.splice(0)) off();
    await this.last.catch(() => undefined);
  }

  private push(reason: 'start' | 'change'): Promise<RegenerateResult | null> {
    const run = this.writer.regenerate().catch((err: unknown) => {
      this.logger.error({ err, reason }, 'cannot regenerate the Asterisk configuration; the previous files stay in place');
      return null;
    });
    this.last = run;
    return run;
  }
}
