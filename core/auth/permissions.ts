import { Op } from 'sequelize';
import type { LocalisedText } from '../i18n/localised-text';
import { PermissionRecord, Role, RolePermission } from './models';

export interface PermissionDefinition {
  key: string;
  /** What it allows, in every UI language (a plain string is English only: the UI then shows it to all). */
  description: string | LocalisedText;
  /** Built-in roles that receive it the first time it appears (an admin may revoke it later). */
  defaultRoles?: string[];
}

export const PERMISSION_KEY = /^[a-z][a-z0-9-]*(\.[a-z][a-zA-Z0-9_-]*)+$/;

/** Route access levels that are not permissions of the catalogue. */
export const PUBLIC = 'public';
export const AUTHENTICATED = 'authenticated';
/** A person logged in with a session: never an API token (changing how one logs in, making tokens). */
export const SESSION = 'session';

/**
 * Permissions over one's own account. Every user holds them (no role grants them, they are not in
 * the catalogue); an API token holds them only when it was created with them, or with all of its
 * owner's permissions, so a token scoped to `directory.read` cannot touch its owner's account.
 */
export const ACCOUNT_PERMISSIONS = [
  'account.profile', // change one's own profile and display preferences
  'account.tokens', // list and revoke one's own API tokens
  'account.calls', // place calls from one's own extension (click-to-call)
] as const;

/** What the account permissions allow, for the API-token permission picker. */
export const ACCOUNT_PERMISSION_DESCRIPTIONS: Record<(typeof ACCOUNT_PERMISSIONS)[number], LocalisedText> = {
  'account.profile': { en: 'Change one’s own profile and display preferences', fr: 'Modifier son propre profil et ses préférences d’affichage' },
  'account.tokens': { en: 'List and revoke one’s own API tokens', fr: 'Voir et révoquer ses propres jetons d’API' },
  'account.calls': { en: 'Place calls from one’s own extension (click-to-call)', fr: 'Passer des appels depuis son propre poste (clic pour appeler)' },
};

export const CORE_PERMISSIONS: PermissionDefinition[] = [
  { key: 'users.read', description: { en: 'See users and their roles', fr: 'Voir les utilisateurs et leurs rôles' }, defaultRoles: ['manager'] },
  { key: 'users.manage', description: { en: 'Create, edit, unlock and remove users', fr: 'Créer, modifier, déverrouiller et supprimer des utilisateurs' }, defaultRoles: [] },
  { key: 'roles.manage', description: { en: 'Create and edit roles and their permissions', fr: 'Créer et modifier les rôles et leurs permissions' }, defaultRoles: [] },
  { key: 'plugins.read', description: { en: 'See plugins and their state', fr: 'Voir les plugins et leur état' }, defaultRoles: ['manager', 'technician'] },
  { key: 'plugins.manage', description: { en: 'Enable and disable plugins', fr: 'Activer et désactiver des plugins' }, defaultRoles: [] },
  { key: 'audit.read', description: { en: 'Read the audit log', fr: 'Consulter le journal d’audit' }, defaultRoles: ['manager'] },
  { key: 'system.read', description: { en: 'See system health and live system events', fr: 'Voir l’état du système et ses événements en direct' }, defaultRoles: ['manager', 'technician', 'supervisor'] },
];

export interface CataloguedPermission {
  key: string;
  owner: string;
  /** English, as stored and documented. */
  description: string;
  /** Every UI language; null when the owner gave only English or nothing (a third-party plugin). */
  descriptions: LocalisedText | null;
  defaultRoles?: string[];
}

/** Every permission core and plugins declare. `admin` holds all of them implicitly. */
export class PermissionCatalogue {
  private readonly entries = new Map<string, CataloguedPermission>();
  private readonly grantListeners = new Set<() => void>();

  constructor() {
    this.add('core', CORE_PERMISSIONS);
  }

  add(owner: string, definitions: PermissionDefinition[]): void {
    for (const def of definitions) {
      if (!PERMISSION_KEY.test(def.key)) throw new Error(`Permission "${def.key}" is not of the form area.action`);
      if (owner !== 'core' && !def.key.startsWith(`${owner}.`)) throw new Error(`Permission "${def.key}" must start with "${owner}."`);
      const existing = this.entries.get(def.key);
      if (existing && existing.owner !== owner) throw new Error(`Permission "${def.key}" is already declared by ${existing.owner}`);
      const localised = typeof def.description === 'string' ? null : def.description;
      this.entries.set(def.key, { key: def.key, owner, description: localised ? localised.en : def.description as string, descriptions: localised, defaultRoles: def.defaultRoles });
    }
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  list(): CataloguedPermission[] {
    return [...this.entries.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Grows when a plugin declares permissions: what `admin` holds changes with it. */
  get size(): number {
    return this.entries.size;
  }

  /** Records permissions seen for the first time and grants them to their default roles. */
  async persist(owner?: string): Promise<void> {
    const wanted = this.list().filter((p) => !owner || p.owner === owner);
    if (!wanted.length) return;
    const known = new Set(
      (await PermissionRecord.findAll({ where: { key: { [Op.in]: wanted.map((p) => p.key) } }, attributes: ['key'] })).map((r) => r.key),
    );
    const fresh = wanted.filter((p) => !known.has(p.key));
    if (!fresh.length) return;
    const roles = new Map((await Role.findAll()).map((role) => [role.name, role.id]));
    const now = new Date();
    await PermissionRecord.bulkCreate(fresh.map((p) => ({ key: p.key, owner: p.owner, description: p.description, firstSeenAt: now })));
    const grants = fresh.flatMap((p) =>
      (p.defaultRoles ?? []).filter((name) => roles.has(name)).map((name) => ({ roleId: roles.get(name)!, permission: p.key })),
    );
    if (grants.length) {
      await RolePermission.bulkCreate(grants, { ignoreDuplicates: true });
      for (const listener of this.grantListeners) listener();
    }
  }

  /** Called after `persist` granted permissions to roles (e.g. a plugin enabled while running). */
  onGrants(listener: () => void): () => void {
    this.grantListeners.add(listener);
    return () => this.grantListeners.delete(listener);
  }
}
