import type { LocalisedText } from '../i18n/localised-text';
import type { MountedRoute, RouteDefinition, RouteTable } from '../http/routes';
import { CORE_AUDIT_ACTIONS } from './core-audit-actions';

export interface AuditActionEntry {
  key: string;
  /** `core` or a plugin id. */
  owner: string;
  /** Null when its owner gave none (a third-party plugin): the UI then shows the key. */
  description: LocalisedText | null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The action a route is audited under, or null when it is not audited. */
export function auditActionOf(def: RouteDefinition): string | null {
  if (SAFE_METHODS.has(def.method) || def.audit === false) return null;
  return def.audit?.action ?? def.id;
}

/**
 * Every action the audit log can hold, with what it means in every UI language. Filled by core's
 * list, by the route table (each state-changing route is an action) and by plugins
 * (`ctx.audit.declare`). The audit service warns when it records an action missing here.
 */
export class AuditActionCatalogue {
  private readonly entries = new Map<string, AuditActionEntry>();

  constructor() {
    for (const [key, description] of Object.entries(CORE_AUDIT_ACTIONS)) this.entries.set(key, { key, owner: 'core', description });
  }

  declare(owner: string, key: string, description: LocalisedText | null = null): void {
    const existing = this.entries.get(key);
    if (existing && existing.owner !== owner) throw new Error(`Audit action "${key}" is already declared by ${existing.owner}`);
    this.entries.set(key, { key, owner, description: description ?? existing?.description ?? null });
  }

  /** Declares the action of every audited route, present and future. */
  follow(routes: RouteTable): void {
    routes.onRoute((route: MountedRoute) => {
      const action = auditActionOf(route.def);
      if (!action) return;
      const described = (route.def.audit || undefined)?.description ?? (route.owner === 'core' ? CORE_AUDIT_ACTIONS[action] : undefined);
      this.declare(route.owner, action, described ?? null);
    });
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): AuditActionEntry | undefined {
    return this.entries.get(key);
  }

  list(): AuditActionEntry[] {
    return [...this.entries.values()].sort((a, b) => a.key.localeCompare(b.key));
  }
}
