import type { CarillonConfig } from '../../config/schema';
import { RequestGate } from '../../telephony/ari/request-gate';

/** A page of many extensions asks seven variables per contact: keep those reads few at a time. */
const REGISTRAR_READS_IN_FLIGHT = 4;

export interface SipContact {
  uri: string;
  userAgent: string;
  /** Where the phone's requests come from (Via), as seen by Asterisk. */
  ip: string;
  port: number | null;
  expiresAt: string | null;
  status: string;
  roundtripMs: number | null;
}

/**
 * The few registrar reads ARI offers: an endpoint's state, its AOR's contacts through the
 * `PJSIP_AOR`/`PJSIP_CONTACT` dialplan functions (`GET /asterisk/variable`), and the endpoint
 * event subscription. A bare HTTP client with a timeout: these calls are rare (a page view, an
 * event) and the typed ARI layer offers no such operations yet. They go through a request gate of
 * their own, so that with the main one they stay far below Asterisk's HTTP session limit.
 */
export class AriRegistrarReader {
  private readonly gate: RequestGate;

  constructor(private readonly config: CarillonConfig) {
    this.gate = new RequestGate({ maxConcurrent: REGISTRAR_READS_IN_FLIGHT, timeoutMs: config.telephony.ari.requestTimeoutMs });
  }

  get configured(): boolean {
    return !!this.config.telephony.ari.url;
  }

  private async request<T>(method: 'GET' | 'POST', pathAndQuery: string): Promise<{ status: number; body: T | null }> {
    const { url, username, password, requestTimeoutMs } = this.config.telephony.ari;
    if (!url) throw new Error('no ARI URL is configured');
    return this.gate.run(`registrar ${method} ${pathAndQuery.split('?')[0]}`, async () => {
      const res = await fetch(`${url.replace(/\/$/, '')}/ari${pathAndQuery}`, {
        method,
        headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as T) : null };
    });
  }

  /** `online`, `offline`, or `unknown` when Asterisk does not know the endpoint (yet). */
  async endpointState(resource: string): Promise<string> {
    const res = await this.request<{ state?: string }>('GET', `/endpoints/PJSIP/${encodeURIComponent(resource)}`);
    return res.status === 200 ? (res.body?.state ?? 'unknown') : 'unknown';
  }

  private async variable(expression: string): Promise<string> {
    const res = await this.request<{ value?: string }>('GET', `/asterisk/variable?variable=${encodeURIComponent(expression)}`);
    return res.status === 200 ? (res.body?.value ?? '') : '';
  }

  async contacts(aor: string): Promise<SipContact[]> {
    const names = (await this.variable(`PJSIP_AOR(${aor},contact)`)).split(',').map((n) => n.trim()).filter(Boolean);
    return Promise.all(
      names.map(async (name) => {
        const field = (f: string) => this.variable(`PJSIP_CONTACT(${name},${f})`);
        const [uri, userAgent, viaAddr, viaPort, expiration, status, rtt] = await Promise.all(['uri', 'user_agent', 'via_addr', 'via_port', 'expiration_time', 'status', 'rtt'].map(field));
        const host = viaAddr || /@([^:;>]+)/.exec(uri)?.[1] || '';
        return {
          uri,
          userAgent,
          ip: host,
          port: Number(viaPort) || null,
          expiresAt: Number(expiration) > 0 ? new Date(Number(expiration) * 1000).toISOString() : null,
          status: status || 'Unknown',
          roundtripMs: Number(rtt) > 0 ? Math.round(Number(rtt) / 1000) : null,
        };
      }),
    );
  }

  /** Endpoint events (ContactStatusChange, PeerStatusChange) reach the application only once subscribed. */
  async subscribeToEndpoints(app: string): Promise<void> {
    const res = await this.request('POST', `/applications/${encodeURIComponent(app)}/subscription?eventSource=${encodeURIComponent('endpoint:PJSIP')}`);
    if (res.status >= 400) throw new Error(`endpoint subscription refused: ${res.status}`);
  }
}
