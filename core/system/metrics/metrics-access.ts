import type { Context } from 'koa';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { HttpError } from '../../http/problem';
import { randomToken, safeEqual, sha256 } from '../../security/secret-box';
import type { SettingsService } from '../../settings/settings-service';
import { NetworkPolicy } from '../../../provisioning/security/network-policy';

export const METRICS_ACCESS_KEY = 'metrics.access';
/** Until an admin says otherwise, only a Prometheus on the appliance itself may scrape. */
export const DEFAULT_METRICS_NETWORKS = ['127.0.0.0/8', '::1/128'];

interface StoredAccess {
  /** SHA-256 of the bearer token (256 random bits: a slow hash adds nothing); null: no token. */
  tokenHash: string | null;
  allowedNetworks: string[];
}

export interface MetricsAccessView {
  tokenSet: boolean;
  allowedNetworks: string[];
}

/** Refusals a client may get per minute before it is told to wait (a guessed token, a scanner). */
const REFUSALS_PER_MINUTE = 30;

/**
 * Who may read `GET /metrics`: a scraper that sends the bearer token, or any client from an allowed
 * network (CIDR; loopback by default). The token is shown once when made and stored hashed.
 */
export class MetricsAccess {
  private readonly refusals = new RateLimiterMemory({ keyPrefix: 'metrics-refused', points: REFUSALS_PER_MINUTE, duration: 60 });
  private cache: { at: number; stored: StoredAccess; policy: NetworkPolicy } | null = null;

  constructor(private readonly settings: SettingsService) {}

  private async stored(): Promise<{ stored: StoredAccess; policy: NetworkPolicy }> {
    // Read at most once a second: a scrape every few seconds should not cost a query each.
    if (this.cache && Date.now() - this.cache.at < 1000) return this.cache;
    const saved = await this.settings.get<Partial<StoredAccess>>(METRICS_ACCESS_KEY);
    const stored = { tokenHash: saved?.tokenHash ?? null, allowedNetworks: saved?.allowedNetworks ?? DEFAULT_METRICS_NETWORKS };
    this.cache = { at: Date.now(), stored, policy: new NetworkPolicy(stored.allowedNetworks) };
    return this.cache;
  }

  async view(): Promise<MetricsAccessView> {
    const { stored } = await this.stored();
    return { tokenSet: stored.tokenHash !== null, allowedNetworks: stored.allowedNetworks };
  }

  async setNetworks(allowedNetworks: string[]): Promise<MetricsAccessView> {
    const { stored } = await this.stored();
    await this.save({ ...stored, allowedNetworks: [...new Set(allowedNetworks)] });
    return this.view();
  }

  /** Makes a new token (the previous one stops working); the only time it is ever shown. */
  async newToken(): Promise<MetricsAccessView & { token: string }> {
    const token = `cm_${randomToken(32)}`;
    const { stored } = await this.stored();
    await this.save({ ...stored, tokenHash: sha256(token) });
    return { ...(await this.view()), token };
  }

  async removeToken(): Promise<MetricsAccessView> {
    const { stored } = await this.stored();
    await this.save({ ...stored, tokenHash: null });
    return this.view();
  }

  private async save(next: StoredAccess): Promise<void> {
    await this.settings.set(METRICS_ACCESS_KEY, next);
    this.cache = null;
  }

  /** Throws 401, 403 or 429 (with no metric in the body) unless the request may read metrics. */
  async check(ctx: Context): Promise<void> {
    const { stored, policy } = await this.stored();
    const header = ctx.get('authorization');
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (bearer !== undefined) {
      if (stored.tokenHash && safeEqual(sha256(bearer), stored.tokenHash)) return;
      await this.refuse(ctx.ip, new HttpError(401, 'metrics_token_invalid', 'Invalid token', 'This metrics token is not valid; make a new one in the settings.', undefined, { 'WWW-Authenticate': 'Bearer realm="carillon-metrics", error="invalid_token"' }));
    }
    if (policy.allows(ctx.ip)) return;
    if (stored.tokenHash) {
      await this.refuse(ctx.ip, new HttpError(401, 'metrics_token_required', 'Authentication required', 'Send the metrics token as "Authorization: Bearer <token>", or scrape from an allowed network.', undefined, { 'WWW-Authenticate': 'Bearer realm="carillon-metrics"' }));
    }
    await this.refuse(ctx.ip, new HttpError(403, 'metrics_network_forbidden', 'Not allowed', `Metrics are served to allowed networks only, and ${ctx.ip} is not in them; add its network or make a metrics token in the settings.`));
  }

  private async refuse(ip: string, error: HttpError): Promise<never> {
    try {
      await this.refusals.consume(ip);
    } catch {
      throw new HttpError(429, 'too_many_requests', 'Too many requests', 'Too many refused requests from this address; wait a minute.', undefined, { 'Retry-After': '60' });
    }
    throw error;
  }
}
