import type { EventBus } from '../../events/bus';

export const CONFIG_CHANGED = 'telephony.configChanged';

export interface TelephonyConfigChanged {
  /** Which kind of resource changed: extension, trunk, inboundRoute, outboundRoute, restrictionClass, ringGroup, schedule, settings. */
  resource: string;
  action: 'created' | 'updated' | 'deleted';
  id: number | null;
}

declare module '../../events/bus' {
  interface CarillonEvents {
    'telephony.configChanged': TelephonyConfigChanged;
  }
}

/** Tells the configuration generator to regenerate; called only once a change is committed. */
export class TelephonyConfigChanges {
  constructor(private readonly events: EventBus) {}

  committed(resource: string, action: TelephonyConfigChanged['action'], id: number | null): void {
    this.events.publish(CONFIG_CHANGED, { resource, action, id });
  }
}
