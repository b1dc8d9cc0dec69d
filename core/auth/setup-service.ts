import type { AuditService } from '../audit/audit-service';
import { HttpError } from '../http/problem';
import { randomToken, sha256, type SecretBox } from '../security/secret-box';
import type { SettingsService } from '../settings/settings-service';
import { UserService, type UserView } from './user-service';

const SETUP_TOKEN_KEY = 'setup.tokenHash';
/**
 * The same token, sealed: whatever shows the link (Carillon's start, the appliance's console,
 * the installer) shows the one link that works, instead of each issuing a new one that silently
 * voids the link shown before.
 */
const SEALED_TOKEN_KEY = 'setup.tokenSealed';

/**
 * First run: while no user exists, a one-time link (its token is valid until used) lets the
 * first administrator be created from the browser.
 */
export class SetupService {
  constructor(
    private readonly users: UserService,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly secretBox: SecretBox,
  ) {}

  async needed(): Promise<boolean> {
    return (await this.users.count()) === 0;
  }

  /** The token of the link that works now (issued if there is none), or null once setup is done. */
  async currentToken(): Promise<string | null> {
    if (!(await this.needed())) return this.forget();
    const [hash, sealed] = await Promise.all([this.settings.get<string>(SETUP_TOKEN_KEY), this.settings.get<string>(SEALED_TOKEN_KEY)]);
    const token = hash && sealed ? this.unseal(sealed) : null;
    return token && sha256(token) === hash ? token : this.issueToken();
  }

  /** Issues a fresh token, voiding any earlier link, when setup is still needed. */
  async issueToken(): Promise<string | null> {
    if (!(await this.needed())) return this.forget();
    const token = randomToken(24);
    await this.settings.set(SEALED_TOKEN_KEY, this.secretBox.encrypt(token));
    await this.settings.set(SETUP_TOKEN_KEY, sha256(token));
    return token;
  }

  private async forget(): Promise<null> {
    await this.settings.delete(SETUP_TOKEN_KEY);
    await this.settings.delete(SEALED_TOKEN_KEY);
    return null;
  }

  /** A token sealed under another key (a restored backup's) cannot be shown: a new one replaces it. */
  private unseal(sealed: string): string | null {
    try {
      return this.secretBox.decrypt(sealed);
    } catch {
      return null;
    }
  }

  async complete(
    input: { token: string; email: string; displayName: string; password: string; locale?: string; timeZone?: string },
    source: { ip?: string | null; requestId?: string | null } = {},
  ): Promise<UserView> {
    if (!(await this.needed())) throw HttpError.conflict('setup_already_done', 'An administrator already exists; log in instead.');
    const hash = sha256(input.token);
    // Taking the token is atomic, so two concurrent requests cannot both create an administrator.
    if (!(await this.settings.takeIfEquals(SETUP_TOKEN_KEY, hash))) {
      throw new HttpError(403, 'setup_token_invalid', 'Invalid setup link', 'This setup link is not valid. Use the latest link Carillon printed (or run `carillon setup-link`).');
    }
    try {
      const { token: _token, ...profile } = input;
      const admin = await this.users.create({ ...profile, roles: ['admin'] });
      await this.settings.delete(SEALED_TOKEN_KEY);
      // A public route, so the dispatcher does not audit it: record who set the system up, from where.
      await this.audit.record({
        userId: admin.id,
        actor: admin.email,
        action: 'setup.complete',
        target: `user:${admin.id}`,
        method: 'POST',
        path: '/api/setup',
        status: 201,
        ip: source.ip ?? null,
        requestId: source.requestId ?? null,
      });
      return admin;
    } catch (err) {
      await this.settings.set(SETUP_TOKEN_KEY, hash);
      throw err;
    }
  }
}
