import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { HttpError } from '../http/problem';
import type { SecretBox } from '../security/secret-box';
import type { User } from './models';

const ISSUER = 'Carillon';

/** RFC 6238 time-based one-time codes as a second factor; the seed is stored encrypted. */
export class TotpService {
  /**
   * The last time step accepted per user: a code is good once (RFC 6238 §5.2), so one seen over a
   * shoulder or phished cannot be replayed within its validity window. Kept in memory (Carillon is
   * one process); a restart forgets it, which only reopens the ~90 s window of codes used just before.
   */
  private readonly lastStep = new Map<number, number>();

  constructor(private readonly secretBox: SecretBox) {}

  private totp(user: User, secret: OTPAuth.Secret): OTPAuth.TOTP {
    return new OTPAuth.TOTP({ issuer: ISSUER, label: user.email, algorithm: 'SHA1', digits: 6, period: 30, secret });
  }

  /** Starts enrolment: a new seed, kept (disabled) until a first code confirms it. */
  async begin(user: User): Promise<{ secret: string; otpauthUrl: string; qrSvg: string }> {
    // Re-enrolling would silently replace (and switch off) an active factor with only a session;
    // switching it off needs the password, so re-enrolment must go through that first.
    if (user.totpEnabled) throw HttpError.conflict('totp_already_enabled', 'Two-factor login is already on; turn it off (with your password) before enrolling again.');
    const secret = new OTPAuth.Secret({ size: 20 });
    this.lastStep.delete(user.id);
    await user.update({ totpSecret: this.secretBox.encrypt(secret.base32), totpEnabled: false });
    const otpauthUrl = this.totp(user, secret).toString();
    return { secret: secret.base32, otpauthUrl, qrSvg: await QRCode.toString(otpauthUrl, { type: 'svg', margin: 1 }) };
  }

  /** True when `code` is valid now and was not used before; it is then used up. */
  check(user: User, code: string): boolean {
    if (!user.totpSecret || !/^\d{6}$/.test(code)) return false;
    const secret = OTPAuth.Secret.fromBase32(this.secretBox.decrypt(user.totpSecret));
    const totp = this.totp(user, secret);
    const timestamp = Date.now();
    const delta = totp.validate({ token: code, window: 1, timestamp });
    if (delta === null) return false;
    const step = totp.counter({ timestamp }) + delta;
    if (step <= (this.lastStep.get(user.id) ?? -1)) return false;
    this.lastStep.set(user.id, step);
    return true;
  }

  async confirm(user: User, code: string): Promise<void> {
    if (!user.totpSecret) throw HttpError.conflict('totp_not_started', 'Start the two-factor set-up first.');
    if (!this.check(user, code)) {
      throw HttpError.validation([{ field: 'body.code', code: 'totp_invalid', message: 'This code is not valid; check the clock of your device.' }]);
    }
    await user.update({ totpEnabled: true });
  }

  async disable(user: User): Promise<void> {
    this.lastStep.delete(user.id);
    await user.update({ totpEnabled: false, totpSecret: null });
  }
}
