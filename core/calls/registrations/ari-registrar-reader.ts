import { createHash } from 'node:crypto';
import type { CarillonConfig } from '../../config/schema';
import { RequestGate } from '../../telephony/ari/request-gate';

/** A page of many extensions asks one read per AOR plus one per contact: keep those reads few at a time. */
const REGISTRAR_READS_IN_FLIGHT = 4;

export interface SipContact {
  uri: string;
  userAgent: string;
  /** Where the phone's requests come from (Via), as seen by Asterisk. */
  ip: string;
  port: number | null;
  expiresAt: string | null;
  /**
   * Asterisk's qualify status (`Reachable`, `Unreachable`, `NonQualified`, `Unknown`) from the last
   * ContactStatusChange seen since Carillon connected; `Unknown` when none was seen (ARI has no
   * read for it, see the class comment).
   */
  status: string;
  /**
   * Where `status` comes from: a ContactStatusChange (`event`); the endpoint's state (`endpoint`:
   * phones are qualified, so an endpoint with a single contact is online exactly when that contact
   * is reachable, and offline when none is); nothing yet (`none`, status `Unknown`).
   */
  statusSource: 'event' | 'endpoint' | 'none';
  roundtripMs: number | null;
}

/** A ContactStatusChange's `contact_info`, as Asterisk 22 sends it. */
export interface ContactInfo {
  uri?: string;
  contact_status?: string;
  aor?: string;
  roundtrip_usec?: string;
}

/** ARI's dynamic configuration answer: the sorcery object's fields, one tuple per value. */
type ConfigTuples = Array<{ attribute: string; value: string }>;

/**
 * The registrar as ARI (Asterisk 22) lets it be read. `GET /asterisk/variable` reads only global
 * variables (resource_asterisk.c: `ast_str_retrieve_variable(…, NULL, NULL, …)`), so the
 * `PJSIP_AOR`/`PJSIP_CONTACT` functions are out of reach there; res_pjsip's sorcery objects are
 * not: `GET /asterisk/config/dynamic/res_pjsip/aor/{aor}` lists every contact URI of the AOR
 * (location.c registers `contacts_to_var_list`, which walks registered and permanent contacts),
 * and `…/contact/{aor};@{md5(uri)}` (the id location.c gives a registered contact) holds its
 * user agent, Via address and port, and expiry. The qualify status and round trip are not sorcery
 * fields (`contact_status` is no object type): they come from the ContactStatusChange events the
 * endpoint subscription delivers, kept here per contact.
 *
 * A bare HTTP client with a timeout: these calls are rare (a page view, an event) and ari-client
 * offers no operation for them. They go through a request gate of their own, so that with the
 * main one they stay far below Asterisk's HTTP session limit.
 */
export class AriRegistrarReader {
  private readonly gate: RequestGate;
  /** `<aor>\n<uri>` → last status seen in a ContactStatusChange. */
  private readonly statuses = new Map<string, { status: string; roundtripUsec: number }>();

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

  /** A res_pjsip sorcery object's fields, or null when it does not exist (404). */
  private async sorceryObject(type: 'aor' | 'contact', id: string): Promise<ConfigTuples | null> {
    const res = await this.request<ConfigTuples>('GET', `/asterisk/config/dynamic/res_pjsip/${type}/${encodeURIComponent(id)}`);
    if (res.status === 404) return null;
    if (res.status !== 200 || !Array.isArray(res.body)) throw new Error(`res_pjsip ${type} read answered ${res.status}`);
    return res.body;
  }

  /** Remembers a contact's qualify status; a removed contact is forgotten. */
  noteContactStatus(info: ContactInfo): void {
    if (!info.aor || !info.uri || !info.contact_status) return;
    const key = `${info.aor}\n${info.uri}`;
    if (info.contact_status === 'Removed') this.statuses.delete(key);
    else this.statuses.set(key, { status: info.contact_status, roundtripUsec: Number(info.roundtrip_usec) || 0 });
  }

  /** After a (re)connection: changes made while disconnected were never told, so nothing seen before holds. */
  forgetContactStatuses(): void {
    this.statuses.clear();
  }

  async contacts(aor: string): Promise<SipContact[]> {
    const fields = await this.sorceryObject('aor', aor);
    const uris = (fields ?? []).filter((f) => f.attribute === 'contact' && f.value).map((f) => f.value);
    const contacts = await Promise.all(uris.map((uri) => this.contact(aor, uri)));
    return contacts.filter((c): c is SipContact => c !== null);
  }

  private async contact(aor: string, uri: string): Promise<SipContact | null> {
    // A registered contact's id (location.c, ast_sip_location_add_contact_nolock); a permanent one
    // (`aor@@md5`, from the AOR's own `contact=`) is no registration: phones' AORs have none.
    const fields = await this.sorceryObject('contact', `${aor};@${createHash('md5').update(uri).digest('hex')}`);
    // Gone between the two reads (expired, unregistered), or a permanent contact.
    if (!fields) return null;
    const field = (name: string) => fields.find((f) => f.attribute === name)?.value ?? '';
    const known = this.statuses.get(`${aor}\n${uri}`);
    const expiration = Number(field('expiration_time'));
    return {
      uri,
      userAgent: field('user_agent'),
      ip: field('via_addr') || /@([^:;>]+)/.exec(uri)?.[1] || '',
      port: Number(field('via_port')) || null,
      expiresAt: expiration > 0 ? new Date(expiration * 1000).toISOString() : null,
      status: known?.status ?? 'Unknown',
      statusSource: known ? 'event' : 'none',
      roundtripMs: known && known.roundtripUsec > 0 ? Math.round(known.roundtripUsec / 1000) : null,
    };
  }

  /** Endpoint events (ContactStatusChange, PeerStatusChange) reach the application only once subscribed. */
  async subscribeToEndpoints(app: string): Promise<void> {
    const res = await this.request('POST', `/applications/${encodeURIComponent(app)}/subscription?eventSource=${encodeURIComponent('endpoint:PJSIP')}`);
    if (res.status >= 400) throw new Error(`endpoint subscription refused: ${res.status}`);
  }
}
