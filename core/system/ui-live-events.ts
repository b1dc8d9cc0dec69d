import type { EventBus } from '../events/bus';
import type { TelephonyService } from '../telephony/telephony-service';
import { LiveCallSignals, signalOf, signalOfCall } from './live-call-signals';

/** Asterisk's event time, or now when it cannot be read. */
function timeOf(stamp: string | undefined): string {
  const at = stamp ? new Date(stamp) : new Date(NaN);
  return (Number.isNaN(at.getTime()) ? new Date() : at).toISOString();
}

/**
 * A call started, was answered, ended or left the application: dashboards refresh. Calls that never
 * enter the application (phone to phone, inbound DIDs) too, from their channel events.
 */
export const CALLS_LIVE_CHANGED = 'calls.liveChanged';
/** An extension, trunk, route, ring group or schedule changed: open admin lists refresh. */
export const TELEPHONY_RESOURCE_CHANGED = 'telephony.resourceChanged';

/**
 * Relays what open admin pages need to know, without who or what exactly: the payloads carry the
 * kind of change, never a caller's number nor a resource's settings (the page reads those through
 * the API, with the user's permissions).
 */
export class UiLiveEvents {
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly events: EventBus,
    private readonly telephony: TelephonyService,
  ) {}

  start(): void {
    if (this.stops.length) return;
    const signals = new LiveCallSignals();
    this.stops.push(
      this.telephony.onCall((event) => {
        if (event.type === 'left') return void this.events.publish(CALLS_LIVE_CHANGED, { type: event.type, at: event.at.toISOString() });
        const found = signalOfCall(event);
        if (found && signals.admit(found.channelId, found.signal)) this.events.publish(CALLS_LIVE_CHANGED, { type: found.signal, at: event.at.toISOString() });
      }),
    );
    this.stops.push(
      // Calls that stay in the dialplan reach Carillon only as raw channel events.
      this.telephony.hub.on((event) => {
        const found = signalOf(event);
        if (found && signals.admit(found.channelId, found.signal)) this.events.publish(CALLS_LIVE_CHANGED, { type: found.signal, at: timeOf(event.timestamp) });
      }),
    );
    this.stops.push(
      // The resources' own event stays in-process (it drives the configuration generator).
      this.events.subscribe('telephony.configChanged', (change) => {
        this.events.publish(TELEPHONY_RESOURCE_CHANGED, { resource: change.resource, action: change.action, id: change.id });
      }),
    );
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
