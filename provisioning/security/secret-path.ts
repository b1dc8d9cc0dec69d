import type { Sequelize } from 'sequelize';
import { randomToken, safeEqual, sha256, type SecretBox } from '../../core/security/secret-box';
import { SecretPath } from '../models';

/** 24 random bytes, 32 URL-safe characters: not guessable, short enough for a DHCP option. */
const KEY_BYTES = 24;
const KEY_FORM = /^[A-Za-z0-9_-]{32}$/;

/**
 * The site's secret provisioning path (`/provisioning/s/<key>/`), handed to phones by DHCP
 * option 66 and kept in their config-server path afterwards. Only a request on it may claim a
 * phone during its claim window; everything else served outside it carries no secret. The key
 * is stored as a SHA-256 (what requests are checked against) and sealed (so an admin can read
 * it again); rotating replaces it at once (claimed phones authenticate with their own
 * credentials wherever they ask, and their next file carries the new path).
 */
export class SecretPathService {
  private current: Promise<{ key: string; hash: string; createdAt: Date }> | null = null;

  constructor(private readonly deps: { sequelize: Sequelize; secretBox: SecretBox }) {}

  /** True when `segment` is the current key (constant-time on the digest). */
  async matches(segment: string): Promise<boolean> {
    if (!KEY_FORM.test(segment)) return false;
    return safeEqual(sha256(segment), (await this.read()).hash);
  }

  async reveal(): Promise<{ key: string; createdAt: Date }> {
    const { key, createdAt } = await this.read();
    return { key, createdAt };
  }

  async rotate(): Promise<{ key: string; createdAt: Date }> {
    this.current = this.keep(this.replace());
    return this.reveal();
  }

  /** The current key, created on first use (a new site gets its path at its first start). */
  private read(): Promise<{ key: string; hash: string; createdAt: Date }> {
    this.current ??= this.keep(
      SecretPath.findOne({ order: [['id', 'DESC']] }).then((row) =>
        row ? { key: this.deps.secretBox.decrypt(row.keySealed), hash: row.keyHash, createdAt: row.createdAt } : this.replace(),
      ),
    );
    return this.current;
  }

  /** A failed read or write is not kept: the next request tries again. */
  private keep<T>(promise: Promise<T>): Promise<T> {
    promise.catch(() => {
      if (this.current === (promise as unknown)) this.current = null;
    });
    return promise;
  }

  private async replace(): Promise<{ key: string; hash: string; createdAt: Date }> {
    const key = randomToken(KEY_BYTES);
    const row = await this.deps.sequelize.transaction(async (transaction) => {
      await SecretPath.destroy({ where: {}, transaction });
      return SecretPath.create({ keyHash: sha256(key), keySealed: this.deps.secretBox.encrypt(key) }, { transaction });
    });
    return { key, hash: row.keyHash, createdAt: row.createdAt };
  }
}
