import type { Logger } from '../logging/logger';
import type { LocalisedText } from '../plugins/types';

/**
 * The events of Carillon and their payloads. Plugins add theirs by declaration merging:
 * `declare module '@carillon/plugin-api' { interface CarillonEvents { 'example.pinged': {...} } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CarillonEvents {
  'plugin.stateChanged': { id: string; state: string; error?: { code: string; message: string } | null };
  /** An admin saved a plugin's settings (the values are not in the event: secrets may be among them). */
  'plugin.settingsChanged': { id: string };
  'telephony.stateChanged': { connected: boolean; lastError: string | null };
  'auth.permissionsChanged': { userIds: number[] | 'all' };
  'auth.sessionRevoked': { sessionIds: string[] };
  /** A user was created, changed, unlocked or deleted: lists of users refresh (the payload says which, not what). */
  'auth.usersChanged': { userIds: number[] };
}

export type EventName = keyof CarillonEvents & string;
export type EventHandler<K extends EventName> = (payload: CarillonEvents[K], meta: EventMeta) => void | Promise<void>;

export interface EventMeta {
  name: string;
  at: Date;
  /** Plugin id or 'core'. */
  source: string;
}

export interface EventDefinition {
  /** Who may receive it over socket.io: a permission, 'authenticated', or null for internal events never sent to browsers. */
  permission: string | null;
  description?: string;
  owner: string;
  /** Offered to webhook subscriptions (docs/webhooks.md) when set: what it means and what its payload looks like. */
  webhook?: WebhookEventSpec;
}

/** An event that integrators may receive by webhook: the payload published is the webhook's `data`. */
export interface WebhookEventSpec {
  description: LocalisedText;
  /** A realistic payload, shown to admins and in the documentation. */
  example: Record<string, unknown>;
}

/** A plugin's mistake shows when it registers (the plugin fails with this reason), not when an admin opens the webhooks page. */
function assertWebhookSpec(name: string, spec: WebhookEventSpec): void {
  const text = spec.description as Partial<Record<string, unknown>> | undefined;
  if (typeof text?.en !== 'string' || !text.en.trim() || typeof text.fr !== 'string' || !text.fr.trim()) {
    throw new Error(`Event "${name}": webhook.description needs non-empty "en" and "fr" texts`);
  }
  const example = spec.example as unknown;
  if (!example || typeof example !== 'object' || Array.isArray(example)) throw new Error(`Event "${name}": webhook.example must be an object (an example payload)`);
  try {
    JSON.stringify(example);
  } catch {
    throw new Error(`Event "${name}": webhook.example must be JSON (no cycles, no BigInt)`);
  }
}

type AnyHandler = (payload: unknown, meta: EventMeta) => unknown;

/**
 * The in-process publish/subscribe bus. Handlers run after the publisher's turn and a failing
 * handler is logged without affecting the publisher or the other handlers.
 */
export class EventBus {
  private readonly definitions = new Map<string, EventDefinition>();
  private readonly handlers = new Map<string, Set<AnyHandler>>();
  private readonly wildcard = new Set<AnyHandler>();

  constructor(private readonly logger: Logger) {
    this.define('plugin.stateChanged', { permission: 'plugins.read', owner: 'core' });
    this.define('plugin.settingsChanged', { permission: 'plugins.read', owner: 'core', description: "An admin saved a plugin's settings" });
    this.define('telephony.stateChanged', { permission: 'system.read', owner: 'core' });
    this.define('auth.permissionsChanged', { permission: null, owner: 'core' });
    this.define('auth.sessionRevoked', { permission: null, owner: 'core' });
    this.define('auth.usersChanged', { permission: 'users.read', description: 'A user was created, changed, unlocked or deleted', owner: 'core' });
  }

  define(name: string, definition: EventDefinition): void {
    const existing = this.definitions.get(name);
    if (existing && existing.owner !== definition.owner) throw new Error(`Event "${name}" is already defined by ${existing.owner}`);
    if (definition.webhook) assertWebhookSpec(name, definition.webhook);
    this.definitions.set(name, definition);
  }

  definition(name: string): EventDefinition | undefined {
    return this.definitions.get(name);
  }

  list(): Array<EventDefinition & { name: string }> {
    return [...this.definitions].map(([name, def]) => ({ name, ...def }));
  }

  publish<K extends EventName>(name: K, payload: CarillonEvents[K], source?: string): void;
  publish(name: string, payload: unknown, source?: string): void;
  publish(name: string, payload: unknown, source = 'core'): void {
    if (!this.definitions.has(name)) throw new Error(`Event "${name}" is not defined; define it before publishing`);
    const meta: EventMeta = { name, at: new Date(), source };
    const targets = [...(this.handlers.get(name) ?? []), ...this.wildcard];
    for (const handler of targets) {
      queueMicrotask(() => {
        Promise.resolve()
          .then(() => handler(payload, meta))
          .catch((err: unknown) => this.logger.error({ err, event: name }, 'event handler failed'));
      });
    }
  }

  subscribe<K extends EventName>(name: K, handler: EventHandler<K>): () => void;
  subscribe(name: string, handler: AnyHandler): () => void;
  subscribe(name: string, handler: AnyHandler): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Every event, for bridges such as socket.io. */
  subscribeAll(handler: AnyHandler): () => void {
    this.wildcard.add(handler);
    return () => this.wildcard.delete(handler);
  }
}

