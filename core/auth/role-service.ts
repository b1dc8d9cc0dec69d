import { Op, type Sequelize } from 'sequelize';
import { HttpError } from '../http/problem';
import type { EventBus } from '../events/bus';
import { ACCOUNT_PERMISSIONS, PermissionCatalogue } from './permissions';
import { Role, RoleInherit, RolePermission, UserRole } from './models';

export const ADMIN_ROLE = 'admin';

export interface RoleView {
  id: number;
  name: string;
  description: string;
  builtin: boolean;
  permissions: string[];
  inherits: string[];
  /** Own and inherited permissions. */
  effectivePermissions: string[];
}

interface RoleSnapshot {
  byId: Map<number, { name: string; permissions: Set<string>; inherits: number[] }>;
  /** Effective permissions by set of roles (and catalogue size: admin holds every key), computed once per snapshot. */
  effective: Map<string, Set<string>>;
}

export interface RoleInput {
  name?: string;
  description?: string;
  permissions?: string[];
  inherits?: string[];
}

/** Roles, their permissions and inheritance; computes a user's effective permissions. */
export class RoleService {
  private snapshot: Promise<RoleSnapshot> | undefined;

  constructor(
    private readonly sequelize: Sequelize,
    private readonly catalogue: PermissionCatalogue,
    private readonly events: EventBus,
  ) {
    // Default grants of permissions that appear while running (a plugin enabled live) change
    // what roles hold: the cached snapshot must not hide them until the next role edit.
    catalogue.onGrants(() => this.invalidate());
  }

  private load(): Promise<RoleSnapshot> {
    this.snapshot ??= (async () => {
      const [roles, grants, inherits] = await Promise.all([Role.findAll(), RolePermission.findAll(), RoleInherit.findAll()]);
      const byId: RoleSnapshot['byId'] = new Map();
      for (const role of roles) byId.set(role.id, { name: role.name, permissions: new Set(), inherits: [] });
      for (const grant of grants) byId.get(grant.roleId)?.permissions.add(grant.permission);
      for (const link of inherits) byId.get(link.roleId)?.inherits.push(link.inheritsRoleId);
      return { byId, effective: new Map() };
    })().catch((err: unknown) => {
      this.snapshot = undefined;
      throw err;
    });
    return this.snapshot;
  }

  private invalidate(): void {
    this.snapshot = undefined;
    this.events.publish('auth.permissionsChanged', { userIds: 'all' });
  }

  /** What these roles grant, inherited roles included. */
  private expand(snapshot: RoleSnapshot, roleIds: number[]): Set<string> {
    const seen = new Set<number>();
    const queue = [...roleIds];
    const permissions = new Set<string>();
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const role = snapshot.byId.get(id);
      if (!role) continue;
      if (role.name === ADMIN_ROLE) return new Set(this.catalogue.keys());
      for (const permission of role.permissions) if (this.catalogue.has(permission)) permissions.add(permission);
      queue.push(...role.inherits);
    }
    return permissions;
  }

  /** What a user holding these roles may do (their own account included). Shared between callers: never change the set returned. */
  async permissionsOfRoles(roleIds: number[]): Promise<Set<string>> {
    const snapshot = await this.load();
    const key = `${this.catalogue.size}:${[...roleIds].sort((a, b) => a - b).join(',')}`;
    let permissions = snapshot.effective.get(key);
    // Every user also holds their own account's permissions (no role grants them).
    if (!permissions) snapshot.effective.set(key, (permissions = new Set([...this.expand(snapshot, roleIds), ...ACCOUNT_PERMISSIONS])));
    return permissions;
  }

  async permissionsOfUser(userId: number): Promise<Set<string>> {
    const links = await UserRole.findAll({ where: { userId } });
    return this.permissionsOfRoles(links.map((link) => link.roleId));
  }

  async list(): Promise<RoleView[]> {
    const snapshot = await this.load();
    const roles = await Role.findAll({ order: [['name', 'ASC']] });
    return roles.map((role) => {
      const entry = snapshot.byId.get(role.id)!;
      return {
        id: role.id,
        name: role.name,
        description: role.description,
        builtin: role.builtin,
        permissions: role.name === ADMIN_ROLE ? this.catalogue.keys().sort() : [...entry.permissions].sort(),
        inherits: entry.inherits.map((id) => snapshot.byId.get(id)?.name ?? String(id)).sort(),
        effectivePermissions: [...this.expand(snapshot, [role.id])].sort(),
      };
    });
  }

  async get(name: string): Promise<RoleView> {
    const role = (await this.list()).find((r) => r.name === name);
    if (!role) throw HttpError.notFound('role', `No role named "${name}".`);
    return role;
  }

  /** Resolves role names to ids, with a field error naming the unknown ones. */
  async idsOf(names: string[], field: string): Promise<number[]> {
    const roles = await Role.findAll({ where: { name: { [Op.in]: names } } });
    const unknown = names.filter((name) => !roles.some((role) => role.name === name));
    if (unknown.length) {
      throw HttpError.validation([{ field, code: 'unknown_role', message: `Unknown role(s): ${unknown.join(', ')}.` }]);
    }
    return roles.map((role) => role.id);
  }

  /**
   * Refuses a change that would hand out permissions the caller does not hold: granting roles or
   * permissions beyond one's own, or changing a user or role that holds more than oneself
   * (e.g. setting an admin's password). Without this, `users.manage` or `roles.manage` alone
   * would be a path to every permission. Admins hold everything, so this never stops them.
   */
  async assertGrantable(
    caller: Set<string>,
    change: { roles?: string[]; permissions?: string[]; inherits?: string[]; userId?: number; role?: string },
  ): Promise<void> {
    const snapshot = await this.load();
    const granted = new Set<string>();
    const add = (permissions: Iterable<string>) => {
      for (const p of permissions) if (this.catalogue.has(p)) granted.add(p);
    };
    const idsByName = (names: string[]) => [...snapshot.byId].filter(([, r]) => names.includes(r.name)).map(([id]) => id);
    if (change.roles) add(this.expand(snapshot, idsByName(change.roles)));
    if (change.inherits) add(this.expand(snapshot, idsByName(change.inherits)));
    if (change.permissions) add(change.permissions);
    if (change.role) add(this.expand(snapshot, idsByName([change.role])));
    if (change.userId !== undefined) add(await this.permissionsOfUser(change.userId));
    const beyond = [...granted].filter((p) => !caller.has(p)).sort();
    if (beyond.length) {
      throw new HttpError(403, 'permission_not_held', 'Permission denied', `This change involves permissions you do not hold: ${beyond.join(', ')}.`);
    }
  }

  private assertPermissions(permissions: string[]): void {
    const unknown = permissions.filter((key) => !this.catalogue.has(key));
    if (unknown.length) {
      throw HttpError.validation([{ field: 'body.permissions', code: 'unknown_permission', message: `Unknown permission(s): ${unknown.join(', ')}.` }]);
    }
  }

  private async assertNoCycle(roleId: number, inheritIds: number[]): Promise<void> {
    const snapshot = await this.load();
    const queue = [...inheritIds];
    const seen = new Set<number>();
    while (queue.length) {
      const id = queue.shift()!;
      if (id === roleId) {
        throw HttpError.validation([{ field: 'body.inherits', code: 'inheritance_cycle', message: 'A role cannot inherit from itself, even indirectly.' }]);
      }
      if (seen.has(id)) continue;
      seen.add(id);
      queue.push(...(snapshot.byId.get(id)?.inherits ?? []));
    }
  }

  async create(input: Required<Pick<RoleInput, 'name'>> & RoleInput): Promise<RoleView> {
    if (await Role.findOne({ where: { name: input.name } })) {
      throw HttpError.conflict('role_exists', `A role named "${input.name}" already exists.`, [
        { field: 'body.name', code: 'duplicate', message: 'This name is taken.' },
      ]);
    }
    this.assertPermissions(input.permissions ?? []);
    const inheritIds = await this.idsOf(input.inherits ?? [], 'body.inherits');
    await this.sequelize.transaction(async (transaction) => {
      const role = await Role.create({ name: input.name, description: input.description ?? '', builtin: false }, { transaction });
      await RolePermission.bulkCreate((input.permissions ?? []).map((permission) => ({ roleId: role.id, permission })), { transaction });
      await RoleInherit.bulkCreate(inheritIds.map((id) => ({ roleId: role.id, inheritsRoleId: id })), { transaction });
    });
    this.invalidate();
    return this.get(input.name);
  }

  async update(name: string, input: RoleInput): Promise<RoleView> {
    const role = await Role.findOne({ where: { name } });
    if (!role) throw HttpError.notFound('role', `No role named "${name}".`);
    if (role.name === ADMIN_ROLE && (input.permissions || input.inherits || input.name)) {
      throw HttpError.conflict('role_protected', 'The admin role always holds every permission and keeps its name.');
    }
    if (input.name && input.name !== name) {
      if (role.builtin) throw HttpError.conflict('role_protected', 'A built-in role keeps its name.');
      if (await Role.findOne({ where: { name: input.name } })) {
        throw HttpError.conflict('role_exists', `A role named "${input.name}" already exists.`, [
          { field: 'body.name', code: 'duplicate', message: 'This name is taken.' },
        ]);
      }
    }
    if (input.permissions) this.assertPermissions(input.permissions);
    const inheritIds = input.inherits ? await this.idsOf(input.inherits, 'body.inherits') : undefined;
    if (inheritIds) await this.assertNoCycle(role.id, inheritIds);
    await this.sequelize.transaction(async (transaction) => {
      await role.update({ name: input.name ?? role.name, description: input.description ?? role.description }, { transaction });
      if (input.permissions) {
        await RolePermission.destroy({ where: { roleId: role.id }, transaction });
        await RolePermission.bulkCreate(input.permissions.map((permission) => ({ roleId: role.id, permission })), { transaction });
      }
      if (inheritIds) {
        await RoleInherit.destroy({ where: { roleId: role.id }, transaction });
        await RoleInherit.bulkCreate(inheritIds.map((id) => ({ roleId: role.id, inheritsRoleId: id })), { transaction });
      }
    });
    this.invalidate();
    return this.get(role.name);
  }

  async remove(name: string): Promise<void> {
    const role = await Role.findOne({ where: { name } });
    if (!role) throw HttpError.notFound('role', `No role named "${name}".`);
    if (role.builtin) throw HttpError.conflict('role_protected', 'Built-in roles cannot be deleted.');
    const holders = await UserRole.count({ where: { roleId: role.id } });
    if (holders) throw HttpError.conflict('role_in_use', `${holders} user(s) still have this role; change their roles first.`);
    await role.destroy();
    this.invalidate();
  }
}
