import type { AuditService } from '../audit/audit-service';
import { HttpError } from '../http/problem';
import { randomToken, sha256 } from '../security/secret-box';
import type { SettingsService } from '../settings/settings-service';
import { UserService, type UserView } from './user-service';

const SETUP_TOKEN_KEY = 'setup.tokenHash';

/**
 * First run: while no user exists, a one-time link (its token is valid until used) lets the
 * first administrator be created from the browser.
 */
export class SetupService {
  constructor(
    private readonly users: UserService,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
  ) {}

  async needed(): Promise<boolean> {
    return (await this.users.count()) === 0;
  }

  /** Issues a fresh token (replacing any earlier one) when setup is still needed. */
  async issueToken(): Promise<string | null> {
    if (!(await this.needed())) {
      await this.settings.delete(SETUP_TOKEN_KEY);
      return null;
    }
    const token = randomToken(24);
    await this.settings.set(SETUP_TOKEN_KEY, sha256(token));
    return token;
  }

  async complete(
    input: { token: string; email: string; displayName: string; password: string; locale?: string; timeZone?: string },
    source: { ip?: string | null; requestId?: string | null } = {},
  ): Promise<UserView> {
    if (!(await this.needed())) throw HttpError.conflict('setup_already_done', 'An administrator already exists; log in instead.');
    const hash = sha256(input.token);
    // Taking the token is atomic, so two concurrent requests cannot both create an administrator.
    if (!(await this.settings.takeIfEquals(SETUP_TOKEN_KEY, hash))) {
      throw new HttpError(403, 'setup_token_invalid', 'Invalid setup link', 'This setup link is not valid. Use the link printed by the latest start of Carillon.');
    }
    try {
      const { token: _token, ...profile } = input;
      const admin = await this.users.create({ ...profile, roles: ['admin'] });
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
