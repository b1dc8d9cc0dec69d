import {
  DataTypes, Model, Sequelize,
  type CreationOptional, type InferAttributes, type InferCreationAttributes, type ForeignKey,
} from 'sequelize';

export type NumberDisplay = 'international' | 'national';

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare displayName: string;
  declare passwordHash: string | null;
  declare locale: string;
  declare timeZone: string;
  declare numberDisplay: NumberDisplay;
  declare active: boolean;
  declare totpSecret: string | null;
  declare totpEnabled: boolean;
  declare totpLastStep: CreationOptional<number | null>;
  declare failedLogins: CreationOptional<number>;
  declare lockedUntil: Date | null;
  /** Locks in a row since the last successful login or unlock: each lock lasts twice the one before. */
  declare lockCount: CreationOptional<number>;
  declare lastLoginAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Role extends Model<InferAttributes<Role>, InferCreationAttributes<Role>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare description: string;
  declare builtin: boolean;
  declare createdAt: CreationOptional<Date>;
}

export class RolePermission extends Model<InferAttributes<RolePermission>> {
  declare roleId: number;
  declare permission: string;
}

export class RoleInherit extends Model<InferAttributes<RoleInherit>> {
  declare roleId: number;
  declare inheritsRoleId: number;
}

export class UserRole extends Model<InferAttributes<UserRole>> {
  declare userId: number;
  declare roleId: number;
}

export class PermissionRecord extends Model<InferAttributes<PermissionRecord>> {
  declare key: string;
  declare owner: string;
  declare description: string;
  declare firstSeenAt: Date;
}

export class Session extends Model<InferAttributes<Session>, InferCreationAttributes<Session>> {
  declare id: string;
  declare userId: ForeignKey<number>;
  declare csrfToken: string;
  declare ip: string | null;
  declare userAgent: string | null;
  declare createdAt: Date;
  declare lastSeenAt: Date;
  declare expiresAt: Date;
}

export class ApiToken extends Model<InferAttributes<ApiToken>, InferCreationAttributes<ApiToken>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare name: string;
  declare prefix: string;
  declare tokenHash: string;
  declare permissions: string[];
  declare expiresAt: Date | null;
  declare lastUsedAt: Date | null;
  declare revokedAt: Date | null;
  declare createdAt: Date;
}

// A function, not a shared object: Sequelize writes into attribute definitions (e.g. `field`).
const integerRef = () => ({ type: DataTypes.INTEGER, allowNull: false });

export function initAuthModels(sequelize: Sequelize): void {
  User.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      email: { type: DataTypes.STRING(191), allowNull: false, unique: true },
      displayName: { type: DataTypes.STRING(120), allowNull: false },
      passwordHash: { type: DataTypes.STRING(255), allowNull: true },
      locale: { type: DataTypes.STRING(8), allowNull: false },
      timeZone: { type: DataTypes.STRING(64), allowNull: false },
      numberDisplay: { type: DataTypes.STRING(16), allowNull: false },
      active: { type: DataTypes.BOOLEAN, allowNull: false },
      totpSecret: { type: DataTypes.TEXT, allowNull: true },
      totpEnabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      totpLastStep: {
        type: DataTypes.BIGINT,
        allowNull: true,
        // MariaDB returns BIGINT as a string or BigInt; steps fit a JavaScript number for millennia.
        get(this: User) {
          const raw = this.getDataValue('totpLastStep') as unknown;
          return raw === null || raw === undefined ? null : Number(raw);
        },
      },
      failedLogins: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      lockedUntil: { type: DataTypes.DATE, allowNull: true },
      lockCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      lastLoginAt: { type: DataTypes.DATE, allowNull: true },
      createdAt: { type: DataTypes.DATE },
      updatedAt: { type: DataTypes.DATE },
    },
    { sequelize, tableName: 'users', timestamps: true },
  );
  Role.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      description: { type: DataTypes.STRING(255), allowNull: false, defaultValue: '' },
      builtin: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      createdAt: { type: DataTypes.DATE },
    },
    { sequelize, tableName: 'roles', timestamps: true, updatedAt: false },
  );
  RolePermission.init(
    { roleId: { ...integerRef(), primaryKey: true }, permission: { type: DataTypes.STRING(128), primaryKey: true } },
    { sequelize, tableName: 'role_permissions' },
  );
  RoleInherit.init(
    { roleId: { ...integerRef(), primaryKey: true }, inheritsRoleId: { ...integerRef(), primaryKey: true } },
    { sequelize, tableName: 'role_inherits' },
  );
  UserRole.init(
    { userId: { ...integerRef(), primaryKey: true }, roleId: { ...integerRef(), primaryKey: true } },
    { sequelize, tableName: 'user_roles' },
  );
  PermissionRecord.init(
    {
      key: { type: DataTypes.STRING(128), primaryKey: true },
      owner: { type: DataTypes.STRING(64), allowNull: false },
      description: { type: DataTypes.STRING(255), allowNull: false },
      firstSeenAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'permissions' },
  );
  Session.init(
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      userId: integerRef(),
      csrfToken: { type: DataTypes.STRING(64), allowNull: false },
      ip: { type: DataTypes.STRING(64), allowNull: true },
      userAgent: { type: DataTypes.STRING(255), allowNull: true },
      createdAt: { type: DataTypes.DATE, allowNull: false },
      lastSeenAt: { type: DataTypes.DATE, allowNull: false },
      expiresAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'sessions' },
  );
  ApiToken.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      userId: integerRef(),
      name: { type: DataTypes.STRING(120), allowNull: false },
      prefix: { type: DataTypes.STRING(16), allowNull: false },
      tokenHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      permissions: {
        type: DataTypes.TEXT,
        allowNull: false,
        get(this: ApiToken) {
          // Absent when the attribute was not loaded (or on a partial instance such as a static
          // update builds): no permission at all is the safe reading.
          const raw = this.getDataValue('permissions') as unknown as string | null | undefined;
          return raw == null ? [] : (JSON.parse(raw) as string[]);
        },
        set(this: ApiToken, value: string[]) {
          this.setDataValue('permissions', JSON.stringify(value) as unknown as string[]);
        },
      },
      expiresAt: { type: DataTypes.DATE, allowNull: true },
      lastUsedAt: { type: DataTypes.DATE, allowNull: true },
      revokedAt: { type: DataTypes.DATE, allowNull: true },
      createdAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'api_tokens' },
  );
  User.belongsToMany(Role, { through: UserRole, foreignKey: 'userId', otherKey: 'roleId', as: 'roles' });
  Role.belongsToMany(User, { through: UserRole, foreignKey: 'roleId', otherKey: 'userId', as: 'users' });
}
