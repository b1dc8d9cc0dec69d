import type { CollectionRegistry } from '../../plugins/collections';

export interface CallDestination {
  /** The Stasis route the call enters with (`Stasis(<app>,<route>,…)`), handled through `telephony.handle(route, …)`. */
  route: string;
  /** What an administrator picks in a route's destination list. */
  label: string;
}

/** The collection plugins contribute to (`ctx.collections.contribute('callDestinations', { route, label })`). */
export const CALL_DESTINATIONS = 'callDestinations';

/**
 * Application destinations inbound routes may send calls to. Kept in the core collection registry,
 * so a plugin's destinations are offered only while it runs.
 */
export class CallDestinationRegistry {
  constructor(private readonly collections: CollectionRegistry) {}

  /** Registers a destination on behalf of `owner` ('core' or a plugin id). */
  register(destination: CallDestination, owner = 'core'): void {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(destination.route)) throw new Error(`Call destination route "${destination.route}" must be 1 to 64 of A-Z a-z 0-9 _ . : -`);
    if (this.find(destination.route)) throw new Error(`Call destination "${destination.route}" is already registered`);
    this.collections.contribute(CALL_DESTINATIONS, owner, { route: destination.route, label: destination.label });
  }

  list(): CallDestination[] {
    return this.collections.list<CallDestination>(CALL_DESTINATIONS);
  }

  find(route: string): CallDestination | undefined {
    return this.list().find((d) => d.route === route);
  }
}
