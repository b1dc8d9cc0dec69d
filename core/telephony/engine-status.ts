import type { EventBus } from '../events/bus';

export type TelephonyState = 'not_installed' | 'not_configured' | 'connecting' | 'connected' | 'disconnected';

/**
 * The telephony engine's connection as health and the UI see it. Until an ARI connection is
 * configured the engine is `not_configured`: Carillon runs, degraded, without telephony.
 */
export class TelephonyStatus {
  private current: { state: TelephonyState; lastError: string | null; since: Date } = { state: 'not_configured', lastError: null, since: new Date() };

  constructor(private readonly events: EventBus) {}

  get snapshot() {
    return { connected: this.current.state === 'connected', state: this.current.state, lastError: this.current.lastError, since: this.current.since.toISOString() };
  }

  set(state: TelephonyState, lastError: string | null = null): void {
    this.current = { state, lastError: lastError ?? (state === 'connected' ? null : this.current.lastError), since: new Date() };
    this.events.publish('telephony.stateChanged', { connected: state === 'connected', lastError: this.current.lastError });
  }
}
