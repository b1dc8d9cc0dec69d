import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { HttpError } from '../http/problem';
import type { SecretBox } from '../security/secret-box';
import { Op } from 'sequelize';
import { User } from './models';

const ISSUER = 'Carillon';

/** RFC 6238 time-based one-time codes as a second factor; the seed is stored encrypted. */
export class TotpService {
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
    await user.update({ totpSecret: this.secretBox.encrypt(secret.base32), totpEnabled: false, totpLastStep: null });
    const otpauthUrl = this.totp(user, secret).toString();
    return { secret: secret.base32, otpauthUrl, qrSvg: await QRCode.toString(otpauthUrl, { type: 'svg', margin: 1 }) };
  }

  /**
   * True when `code` is valid now and was not used before; it is then used up (RFC 6238 §5.2), so
   * a code seen over a shoulder or phished cannot be replayed. The step is claimed with one
   * conditional UPDATE, so two concurrent logins with the same code cannot both succeed.
   */
  async check(user: User, code: string): Promise<boolean> {
    if (!user.totpSecret || !/^\d{6}$/.test(code)) return false;
    const secret = OTPAuth.Secret.fromBase32(this.secretBox.decrypt(user.totpSecret));
    const totp = this.totp(user, secret);
    const timestamp = Date.now();
    const delta = totp.validate({ token: code, window: 1, timestamp });
    if (delta === null) return false;
    const step = totp.counter({ timestamp }) + delta;
    const [claimed] = await User.update(
      { totpLastStep: step },
      { where: { id: user.id, [Op.or]: [{ totpLastStep: null }, { totpLastStep: { [Op.lt]: step } }] } },
    );
    return claimed === 1;
  }

  async confirm(user: User, code: string): Promise<void> {
    if (!user.totpSecret) throw HttpError.conflict('totp_not_started', 'Start the two-factor set-up first.');
    if (!(await this.check(user, code))) {
      throw HttpError.validation([{ field: 'body.code', code: 'totp_invalid', message: 'This code is not valid; check the clock of your device.' }]);
    }
    await user.update({ totpEnabled: true });
  }

  async disable(user: User): Promise<void> {
    await user.update({ totpEnabled: false, totpSecret: null, totpLastStep: null });
  }
}
