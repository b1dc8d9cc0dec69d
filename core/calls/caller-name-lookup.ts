import type { Logger } from '../logging/logger';
import type { CollectionRegistry } from '../plugins/collections';

/** Contributed to `telephony.callerNameResolvers` (the directory plugin's, for example). */
export interface CallerNameResolver {
  id: string;
  resolve(number: string): Promise<string | null>;
}

export const CALLER_NAME_RESOLVERS = 'telephony.callerNameResolvers';
const RESOLVE_TIMEOUT_MS = 1500;
/** Names found (or not) are remembered a while: a CDR backlog often repeats the same callers. */
const CACHE_MS = 10 * 60_000;
const CACHE_SIZE = 2000;

/** Asks the contributed resolvers, in order, for a caller's name when Asterisk gave none. */
export class CallerNameLookup {
  private readonly cache = new Map<string, { name: string; until: number }>();

  constructor(
    private readonly collections: CollectionRegistry,
    private readonly logger: Logger,
  ) {}

  async nameOf(number: string): Promise<string> {
    if (!number.replace(/\D/g, '')) return '';
    const cached = this.cache.get(number);
    if (cached && cached.until > Date.now()) return cached.name;
    const name = await this.ask(number);
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(number, { name, until: Date.now() + CACHE_MS });
    return name;
  }

  private async ask(number: string): Promise<string> {
    for (const resolver of this.collections.list<CallerNameResolver>(CALLER_NAME_RESOLVERS)) {
      try {
        // A slow directory (LDAP) must not hold the call log back.
        const name = await Promise.race([resolver.resolve(number), new Promise<null>((resolve) => setTimeout(() => resolve(null), RESOLVE_TIMEOUT_MS).unref())]);
        if (name?.trim()) return name.trim().slice(0, 120);
      } catch (err) {
        this.logger.warn({ err, resolver: resolver.id }, 'caller name resolver failed');
      }
    }
    return '';
  }
}
