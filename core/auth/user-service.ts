import { Op, type Sequelize, type Transaction, type WhereOptions } from 'sequelize';
import { likeValue } from '../db/like';
import { HttpError } from '../http/problem';
import type { EventBus } from '../events/bus';
import { PasswordHasher } from './passwords';
import { RoleService } from './role-service';
import { Role, Session, User, UserRole, type NumberDisplay } from './models';

export interface UserView {
  id: number;
  email: string;
  displayName: string;
  locale: string;
  timeZone: string;
  numberDisplay: NumberDisplay;
  active: boolean;
  roles: string[];
  totpEnabled: boolean;
  failedLogins: number;
  lockedUntil: string | null;
  locked: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface UserInput {
  email?: string;
  displayName?: string;
  password?: string;
  locale?: string;
  timeZone?: string;
  numberDisplay?: NumberDisplay;
  active?: boolean;
  roles?: string[];
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Users: creation, profile, roles, passwords, unlocking. */
export class UserService {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly passwords: PasswordHasher,
    private readonly roles: RoleService,
    private readonly events: EventBus,
    /** The system's time zone and number display (settings), for users created without their own. */
    private readonly newUserDefaults: () => Promise<{ timeZone: string; numberDisplay: NumberDisplay }> = async () => ({ timeZone: 'Europe/Paris', numberDisplay: 'national' }),
  ) {}

  view(user: User & { roles?: Role[] }): UserView {
    const locked = !!user.lockedUntil && user.lockedUntil.getTime() > Date.now();
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      locale: user.locale,
      timeZone: user.timeZone,
      numberDisplay: user.numberDisplay,
      active: user.active,
      roles: (user.roles ?? []).map((role) => role.name).sort(),
      totpEnabled: user.totpEnabled,
      failedLogins: user.failedLogins,
      lockedUntil: locked ? user.lockedUntil!.toISOString() : null,
      locked,
      lastLoginAt: user.lastLoginAt ? user.lastLoginAt.toISOString() : null,
      createdAt: user.createdAt.toISOString(),
    };
  }

  async count(): Promise<number> {
    return User.count();
  }

  async find(id: number): Promise<User & { roles: Role[] }> {
    const user = await User.findByPk(id, { include: [{ model: Role, as: 'roles' }] });
    if (!user) throw HttpError.notFound('user', `No user with id ${id}.`);
    return user as User & { roles: Role[] };
  }

  async findByEmail(email: string): Promise<User | null> {
    return User.findOne({ where: { email: normaliseEmail(email) } });
  }

  async list(filter: { search?: string; limit: number; offset: number }): Promise<{ items: UserView[]; total: number }> {
    const where: WhereOptions<User> = filter.search
      ? { [Op.or]: [{ email: { [Op.like]: likeValue(User.sequelize!, filter.search) } }, { displayName: { [Op.like]: likeValue(User.sequelize!, filter.search) } }] }
      : {};
    const { rows, count } = await User.findAndCountAll({
      where,
      include: [{ model: Role, as: 'roles' }],
      order: [['email', 'ASC']],
      limit: filter.limit,
      offset: filter.offset,
      distinct: true,
    });
    return { items: rows.map((user) => this.view(user)), total: count };
  }

  async create(input: UserInput & { email: string; displayName: string; password?: string; roles: string[] }): Promise<UserView> {
    const email = normaliseEmail(input.email);
    if (await User.findOne({ where: { email } })) {
      throw HttpError.conflict('email_taken', `A user with the e-mail ${email} already exists.`, [
        { field: 'body.email', code: 'duplicate', message: 'This e-mail is already used by another user.' },
      ]);
    }
    if (input.password) this.passwords.assertAcceptable(input.password, 'body.password', email);
    const roleIds = await this.roles.idsOf(input.roles, 'body.roles');
    const passwordHash = input.password ? await this.passwords.hash(input.password) : null;
    const defaults = await this.newUserDefaults();
    const user = await this.sequelize.transaction(async (transaction) => {
      const created = await User.create(
        {
          email,
          displayName: input.displayName.trim(),
          passwordHash,
          locale: input.locale ?? 'fr',
          timeZone: input.timeZone ?? defaults.timeZone,
          numberDisplay: input.numberDisplay ?? defaults.numberDisplay,
          active: input.active ?? true,
          totpSecret: null,
          totpEnabled: false,
          lockedUntil: null,
          lastLoginAt: null,
        },
        { transaction },
      );
      await UserRole.bulkCreate(roleIds.map((roleId) => ({ userId: created.id, roleId })), { transaction });
      return created;
    });
    this.changed(user.id);
    return this.view(await this.find(user.id));
  }

  async update(id: number, input: UserInput): Promise<UserView> {
    const user = await this.find(id);
    const email = input.email ? normaliseEmail(input.email) : undefined;
    if (email && email !== user.email && (await User.findOne({ where: { email } }))) {
      throw HttpError.conflict('email_taken', `A user with the e-mail ${email} already exists.`, [
        { field: 'body.email', code: 'duplicate', message: 'This e-mail is already used by another user.' },
      ]);
    }
    if (input.password) this.passwords.assertAcceptable(input.password, 'body.password', email ?? user.email);
    const roleIds = input.roles ? await this.roles.idsOf(input.roles, 'body.roles') : undefined;
    if (roleIds || input.active === false) await this.assertNotLastAdmin(user, roleIds, input.active);
    const passwordHash = input.password ? await this.passwords.hash(input.password) : undefined;
    const closed: string[] = [];
    await this.sequelize.transaction(async (transaction) => {
      await user.update(
        {
          email: email ?? user.email,
          displayName: input.displayName?.trim() ?? user.displayName,
          locale: input.locale ?? user.locale,
          timeZone: input.timeZone ?? user.timeZone,
          numberDisplay: input.numberDisplay ?? user.numberDisplay,
          active: input.active ?? user.active,
          ...(passwordHash ? { passwordHash } : {}),
        },
        { transaction },
      );
      if (roleIds) {
        await UserRole.destroy({ where: { userId: id }, transaction });
        await UserRole.bulkCreate(roleIds.map((roleId) => ({ userId: id, roleId })), { transaction });
      }
      if (input.active === false || passwordHash) closed.push(...(await this.closeSessions(id, transaction)));
    });
    if (closed.length) this.events.publish('auth.sessionRevoked', { sessionIds: closed });
    if (roleIds || input.active === false) this.events.publish('auth.permissionsChanged', { userIds: [id] });
    this.changed(id);
    return this.view(await this.find(id));
  }

  /** Refuses a change that would leave no active administrator. */
  private async assertNotLastAdmin(user: User & { roles: Role[] }, newRoleIds: number[] | undefined, active: boolean | undefined): Promise<void> {
    const isAdmin = user.active && user.roles.some((role) => role.name === 'admin');
    if (!isAdmin) return;
    const adminRole = user.roles.find((role) => role.name === 'admin')!;
    const staysAdmin = (newRoleIds ?? user.roles.map((r) => r.id)).includes(adminRole.id) && active !== false;
    if (staysAdmin) return;
    const otherAdmins = await User.count({
      where: { active: true, id: { [Op.ne]: user.id } },
      include: [{ model: Role, as: 'roles', where: { name: 'admin' } }],
    });
    if (!otherAdmins) throw HttpError.conflict('last_admin', 'This is the last active administrator; make another user admin first.');
  }

  async remove(id: number, actingUserId: number | null): Promise<void> {
    const user = await this.find(id);
    if (actingUserId === id) throw HttpError.conflict('cannot_delete_self', 'You cannot delete your own account.');
    await this.assertNotLastAdmin(user, [], false);
    await user.destroy();
    this.events.publish('auth.permissionsChanged', { userIds: [id] });
    this.changed(id);
  }

  /** Says that a user changed, after the change is committed, so open lists of users refresh. */
  private changed(id: number): void {
    this.events.publish('auth.usersChanged', { userIds: [id] });
  }

  async setPassword(id: number, password: string): Promise<void> {
    const user = await this.find(id);
    this.passwords.assertAcceptable(password, 'body.password', user.email);
    const passwordHash = await this.passwords.hash(password);
    const closed = await this.sequelize.transaction(async (transaction) => {
      await user.update({ passwordHash, failedLogins: 0, lockedUntil: null, lockCount: 0 }, { transaction });
      return this.closeSessions(id, transaction);
    });
    if (closed.length) this.events.publish('auth.sessionRevoked', { sessionIds: closed });
  }

  /** Ends every session of a user; returns their ids so live sockets on them can be closed too. */
  private async closeSessions(userId: number, transaction: Transaction): Promise<string[]> {
    const ids = (await Session.findAll({ where: { userId }, attributes: ['id'], transaction })).map((s) => s.id);
    if (ids.length) await Session.destroy({ where: { id: ids }, transaction });
    return ids;
  }

  /** Removes a lost second factor; the user's sessions end so the next login is a fresh one. */
  async resetTotp(id: number): Promise<UserView> {
    const user = await this.find(id);
    const closed = await this.sequelize.transaction(async (transaction) => {
      await user.update({ totpEnabled: false, totpSecret: null, totpLastStep: null }, { transaction });
      return this.closeSessions(id, transaction);
    });
    if (closed.length) this.events.publish('auth.sessionRevoked', { sessionIds: closed });
    this.changed(id);
    return this.view(await this.find(id));
  }

  /**
   * Lifts a lock caused by failed logins and starts the lock lengths over. Admins call it (API,
   * UI, `carillon user unlock`); an e-mailed unlock link, once mail exists, will call it too.
   */
  async unlock(id: number): Promise<UserView> {
    await this.find(id);
    await User.update({ failedLogins: 0, lockedUntil: null, lockCount: 0 }, { where: { id } });
    this.changed(id);
    return this.view(await this.find(id));
  }
}
