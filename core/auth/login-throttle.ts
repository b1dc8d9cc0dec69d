import ipaddr from 'ipaddr.js';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { CarillonConfig } from '../config/schema';
import { HttpError } from '../http/problem';

/** One login attempt's place in its client's budgets, handed back when the attempt ends. */
export interface ThrottleClaim {
  clientKey: string;
  accountKey: string;
  /** Attempts this client has made at this e-mail in the window, this one included. */
  accountAttempts: number;
}

/** A refusal, with what the audit log should say about it the first time. */
export interface ThrottleRefusal {
  error: HttpError;
  scope: 'client' | 'account';
  /** True for the first refusal of a window: worth one audit line, the rest would only flood it. */
  first: boolean;
}

/**
 * The client a request comes from, for throttling: its IP address (Koa's `ctx.ip`, which follows
 * X-Forwarded-For only with `http.trustProxy`), an IPv4-mapped IPv6 address as IPv4, and an IPv6
 * address as its /64, since one host commonly holds a whole /64.
 */
function clientOf(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}

/**
 * Per-client login budgets, kept in memory (one Carillon process serves the API; a restart gives
 * attackers a fresh window, but the per-account lockout in the database still holds):
 * - `accountAttempts` attempts per window from one client at one e-mail (known or not, so the answer
 *   tells nothing about which accounts exist); a successful login empties it;
 * - `clientAttempts` failed attempts per window from one client over all e-mails.
 * An attempt is counted when it starts (before any password is checked), so concurrent requests
 * cannot overrun a budget; a success is given back.
 */
export class LoginThrottle {
  private readonly byClient: RateLimiterMemory;
  private readonly byAccount: RateLimiterMemory;

  constructor(config: CarillonConfig) {
    const { clientAttempts, accountAttempts, windowMinutes } = config.auth.throttle;
    const duration = windowMinutes * 60;
    this.byClient = new RateLimiterMemory({ keyPrefix: 'login-client', points: clientAttempts, duration });
    this.byAccount = new RateLimiterMemory({ keyPrefix: 'login-account', points: accountAttempts, duration });
  }

  /** Counts the attempt, or refuses it (429 `login_throttled` with Retry-After) when a budget is spent. */
  async claim(ip: string, email: string): Promise<ThrottleClaim | ThrottleRefusal> {
    const client = clientOf(ip);
    const account = `${client} ${email.trim().toLowerCase()}`;
    const clientRes = await this.consume(this.byClient, client);
    if (clientRes.refused) return this.refusal('client', clientRes.res, this.byClient.points);
    const accountRes = await this.consume(this.byAccount, account);
    if (accountRes.refused) {
      // Not processed, so not counted against the client's overall budget.
      await this.byClient.reward(client, 1);
      return this.refusal('account', accountRes.res, this.byAccount.points);
    }
    return { clientKey: client, accountKey: account, accountAttempts: accountRes.res.consumedPoints };
  }

  /** A successful login: the client's attempts at this account start over, and it cost nothing overall. */
  async succeeded(claim: ThrottleClaim): Promise<void> {
    await this.byAccount.delete(claim.accountKey);
    await this.byClient.reward(claim.clientKey, 1);
  }

  private async consume(limiter: RateLimiterMemory, key: string): Promise<{ refused: boolean; res: RateLimiterRes }> {
    try {
      return { refused: false, res: await limiter.consume(key) };
    } catch (rejection) {
      // The memory store rejects with the limiter's answer only; anything else is a real failure.
      if (rejection instanceof RateLimiterRes) return { refused: true, res: rejection };
      throw rejection;
    }
  }

  private refusal(scope: ThrottleRefusal['scope'], res: RateLimiterRes, points: number): ThrottleRefusal {
    const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    const minutes = Math.ceil(seconds / 60);
    const error = new HttpError(
      429,
      'login_throttled',
      'Too many login attempts',
      `Too many login attempts from this address. Try again in ${minutes} minute${minutes > 1 ? 's' : ''}.`,
      undefined,
      { 'Retry-After': String(seconds) },
    );
    return { error, scope, first: res.consumedPoints === points + 1 };
  }
}
