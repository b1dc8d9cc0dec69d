import { HttpError } from '../http/problem';
import { randomToken, sha256 } from '../security/secret-box';
import type { CredentialCaches } from './credential-cache';
import { ApiToken } from './models';

export const TOKEN_PREFIX = 'crl_';
/** Stored in place of a permission list: the token acts with all of its owner's permissions. */
export const ALL_PERMISSIONS = '*';

export interface ApiTokenView {
  id: number;
  name: string;
  prefix: string;
  permissions: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  active: boolean;
}

/** Personal API tokens: shown once at creation, stored as a SHA-256 hash (they carry 256 bits of entropy). */
export class ApiTokenService {
  constructor(private readonly caches: CredentialCaches) {}

  view(token: ApiToken): ApiTokenView {
    const expired = !!token.expiresAt && token.expiresAt.getTime() <= Date.now();
    return {
      id: token.id,
      name: token.name,
      prefix: token.prefix,
      permissions: token.permissions,
      expiresAt: token.expiresAt?.toISOString() ?? null,
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      revokedAt: token.revokedAt?.toISOString() ?? null,
      createdAt: token.createdAt.toISOString(),
      active: !token.revokedAt && !expired,
    };
  }

  /**
   * Creates a token limited to `permissions` (each must be one the owner holds now), or to all
   * of the owner's permissions when omitted.
   */
  async create(
    userId: number,
    input: { name: string; permissions?: string[]; expiresAt?: Date | null },
    ownerPermissions: Set<string>,
  ): Promise<{ token: string; record: ApiTokenView }> {
    if (input.permissions) {
      const beyond = input.permissions.filter((p) => !ownerPermissions.has(p));
      if (beyond.length) {
        throw HttpError.validation([
          { field: 'body.permissions', code: 'permission_not_held', message: `You do not hold: ${beyond.join(', ')}.` },
        ]);
      }
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw HttpError.validation([{ field: 'body.expiresAt', code: 'in_the_past', message: 'The expiry must be in the future.' }]);
    }
    const secret = randomToken(32);
    const token = `${TOKEN_PREFIX}${secret}`;
    const record = await ApiToken.create({
      userId,
      name: input.name,
      prefix: token.slice(0, 12),
      tokenHash: sha256(token),
      permissions: input.permissions ?? [ALL_PERMISSIONS],
      expiresAt: input.expiresAt ?? null,
      lastUsedAt: null,
      revokedAt: null,
      createdAt: new Date(),
    });
    return { token, record: this.view(record) };
  }

  async listOf(userId: number): Promise<ApiTokenView[]> {
    const tokens = await ApiToken.findAll({ where: { userId }, order: [['createdAt', 'DESC']] });
    return tokens.map((token) => this.view(token));
  }

  /** The active token record for a bearer value, or null. */
  async resolve(bearer: string): Promise<ApiToken | null> {
    if (!bearer.startsWith(TOKEN_PREFIX)) return null;
    const tokenHash = sha256(bearer);
    const token = await this.caches.tokens.get(tokenHash, () => ApiToken.findOne({ where: { tokenHash } }));
    const now = Date.now();
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= now)) return null;
    // At most one write a minute; without hooks, as the cached record is the one brought up to date.
    if (!token.lastUsedAt || now - token.lastUsedAt.getTime() > 60_000) {
      token.lastUsedAt = new Date(now);
      await ApiToken.update({ lastUsedAt: token.lastUsedAt }, { where: { id: token.id }, hooks: false });
    }
    return token;
  }

  /** Effective permissions: the token's subset of what its owner holds now. */
  scope(token: ApiToken, ownerPermissions: Set<string>): Set<string> {
    if (token.permissions.includes(ALL_PERMISSIONS)) return ownerPermissions;
    return new Set(token.permissions.filter((p) => ownerPermissions.has(p)));
  }

  async revoke(userId: number, id: number): Promise<ApiTokenView> {
    const token = await ApiToken.findOne({ where: { id, userId } });
    if (!token) throw HttpError.notFound('token', `No API token with id ${id}.`);
    if (!token.revokedAt) await token.update({ revokedAt: new Date() });
    return this.view(token);
  }
}
