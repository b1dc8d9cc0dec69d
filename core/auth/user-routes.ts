import { z } from 'zod';
import { snapshotByKey } from '../audit/snapshots';
import { defineRoute, type RouteDefinition } from '../http/routes';
import { email, idParam, locale, numberDisplay, pagination, timeZone } from '../http/schemas';
import type { PermissionCatalogue } from './permissions';
import type { RoleService } from './role-service';
import type { UserService } from './user-service';

export interface UserRouteDeps {
  userService: UserService;
  roleService: RoleService;
  permissionCatalogue: PermissionCatalogue;
}

const userFields = {
  displayName: z.string().trim().min(1).max(120),
  password: z.string().min(1).max(1024),
  locale,
  timeZone,
  numberDisplay,
  active: z.boolean(),
  roles: z.array(z.string().min(1)).max(20),
};

const roleName = z.string().regex(/^[a-z][a-z0-9_-]{1,63}$/, 'lower-case letters, digits, - and _ (2 to 64 characters)');

export function userRoutes(deps: UserRouteDeps): RouteDefinition[] {
  const target = ({ params }: { params: unknown }) => `user:${(params as { id: number }).id}`;
  // Users and roles as the API shows them: the audit log keeps what each change did.
  const user = snapshotByKey(async (id: number) => deps.userService.view(await deps.userService.find(id)));
  const role = snapshotByKey((name: string) => deps.roleService.get(name), { param: 'name', renamedBy: 'name' });
  return [
    defineRoute({
      id: 'users.list',
      method: 'GET',
      path: '/users',
      summary: 'List users, with their roles and lock state',
      permission: 'users.read',
      input: { query: z.object({ search: z.string().max(100).optional(), ...pagination }) },
      handler: ({ query }) => deps.userService.list(query),
    }),
    defineRoute({
      id: 'users.get',
      method: 'GET',
      path: '/users/:id',
      summary: 'One user',
      permission: 'users.read',
      input: { params: idParam },
      handler: async ({ params }) => deps.userService.view(await deps.userService.find(params.id)),
    }),
    defineRoute({
      id: 'users.create',
      method: 'POST',
      path: '/users',
      summary: 'Create a user',
      permission: 'users.manage',
      status: 201,
      input: {
        body: z.strictObject({
          email,
          ...userFields,
          password: userFields.password.optional(),
          locale: locale.optional(),
          timeZone: timeZone.optional(),
          numberDisplay: numberDisplay.optional(),
          active: z.boolean().optional(),
        }),
      },
      audit: { target: (_call, result) => `user:${(result as { id: number }).id}`, snapshot: user },
      handler: async ({ body, identity }) => {
        await deps.roleService.assertGrantable(identity!.permissions, { roles: body.roles });
        return deps.userService.create(body);
      },
    }),
    defineRoute({
      id: 'users.update',
      method: 'PATCH',
      path: '/users/:id',
      summary: 'Change a user (roles, profile, password, active flag)',
      permission: 'users.manage',
      input: { params: idParam, body: z.strictObject({ email: email.optional(), ...z.object(userFields).partial().shape }) },
      audit: { target, snapshot: user },
      handler: async ({ params, body, identity }) => {
        await deps.roleService.assertGrantable(identity!.permissions, { userId: params.id, roles: body.roles });
        return deps.userService.update(params.id, body);
      },
    }),
    defineRoute({
      id: 'users.delete',
      method: 'DELETE',
      path: '/users/:id',
      summary: 'Delete a user',
      permission: 'users.manage',
      input: { params: idParam },
      audit: { target, snapshot: user },
      handler: async ({ params, identity }) => {
        await deps.roleService.assertGrantable(identity!.permissions, { userId: params.id });
        await deps.userService.remove(params.id, identity!.user.id);
      },
    }),
    defineRoute({
      id: 'users.unlock',
      method: 'POST',
      path: '/users/:id/unlock',
      summary: 'Lift a lock caused by failed logins',
      permission: 'users.manage',
      input: { params: idParam },
      audit: { target, snapshot: user },
      handler: ({ params }) => deps.userService.unlock(params.id),
    }),
    defineRoute({
      id: 'users.resetTotp',
      method: 'POST',
      path: '/users/:id/reset-totp',
      summary: 'Turn off the second factor of a user who lost their device (they enrol again at next login)',
      permission: 'users.manage',
      input: { params: idParam },
      audit: { target, snapshot: user },
      handler: async ({ params, identity }) => {
        await deps.roleService.assertGrantable(identity!.permissions, { userId: params.id });
        return deps.userService.resetTotp(params.id);
      },
    }),
    defineRoute({
      id: 'roles.list',
      method: 'GET',
      path: '/roles',
      summary: 'Roles with their own, inherited and effective permissions',
      permission: 'users.read',
      handler: async () => ({ items: await deps.roleService.list() }),
    }),
    defineRoute({
      id: 'roles.create',
      method: 'POST',
      path: '/roles',
      summary: 'Create a role',
      permission: 'roles.manage',
      status: 201,
      input: {
        body: z.strictObject({
          name: roleName,
          description: z.string().max(255).optional(),
          permissions: z.array(z.string()).optional(),
          inherits: z.array(z.string()).optional(),
        }),
      },
      audit: { target: (_call, result) => `role:${(result as { name: string }).name}`, snapshot: role },
      handler: async ({ body, identity }) => {
        await deps.roleService.assertGrantable(identity!.permissions, { permissions: body.permissions, inherits: body.inherits });
        return deps.roleService.create(body);
      },
    }),
    defineRoute({
      id: 'roles.update',
      method: 'PATCH',
      path: '/roles/:name',
      summary: 'Change a role; permissions and inherits replace the current lists',
      permission: 'roles.manage',
      input: {
        params: z.object({ name: z.string() }),
        body: z.strictObject({
          name: roleName.optional(),
          description: z.string().max(255).optional(),
          permissions: z.array(z.string()).optional(),
          inherits: z.array(z.string()).optional(),
        }),
      },
      audit: { target: ({ params }) => `role:${(params as { name: string }).name}`, snapshot: role },
      handler: async ({ params, body, identity }) => {
        await deps.roleService.assertGrantable(identity!.permissions, { role: params.name, permissions: body.permissions, inherits: body.inherits });
        return deps.roleService.update(params.name, body);
      },
    }),
    defineRoute({
      id: 'roles.delete',
      method: 'DELETE',
      path: '/roles/:name',
      summary: 'Delete a role nobody has',
      permission: 'roles.manage',
      input: { params: z.object({ name: z.string() }) },
      audit: { target: ({ params }) => `role:${(params as { name: string }).name}`, snapshot: role },
      handler: async ({ params, identity }) => {
        await deps.roleService.assertGrantable(identity!.permissions, { role: params.name });
        await deps.roleService.remove(params.name);
      },
    }),
    defineRoute({
      id: 'permissions.list',
      method: 'GET',
      path: '/permissions',
      summary: 'The permission catalogue: core and plugins',
      permission: 'users.read',
      handler: () => ({ items: deps.permissionCatalogue.list().map(({ key, owner, description, descriptions }) => ({ key, owner, description, descriptions })) }),
    }),
  ];
}
