import argon2 from 'argon2';
import { HttpError } from '../http/problem';

export const MIN_PASSWORD_LENGTH = 10;

/** Hashes and checks passwords with argon2id (OWASP's first choice). */
export class PasswordHasher {
  // A hash of a random string, verified against when the e-mail is unknown so timing does not tell.
  private dummyHash: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    if (!hash) {
      this.dummyHash ??= this.hash('carillon-timing-equaliser');
      await argon2.verify(await this.dummyHash, password).catch(() => false);
      return false;
    }
    return argon2.verify(hash, password).catch(() => false);
  }

  /** Throws a field-level validation error for a password too weak to accept. */
  assertAcceptable(password: string, field: string, email?: string): void {
    const problems: string[] = [];
    if (password.length < MIN_PASSWORD_LENGTH) problems.push(`must have at least ${MIN_PASSWORD_LENGTH} characters`);
    if (password.length > 256) problems.push('must have at most 256 characters');
    // Only a name long enough to be guessable counts: "jo@…" must not forbid every password with "jo" in it.
    const name = email?.split('@')[0].toLowerCase() ?? '';
    if (name.length >= 4 && password.toLowerCase().includes(name)) problems.push('must not contain the e-mail name');
    if (new Set(password).size < 4) problems.push('must use more than three different characters');
    if (problems.length) {
      throw HttpError.validation([{ field, code: 'password_too_weak', message: `The password ${problems.join(' and ')}.` }]);
    }
  }
}
