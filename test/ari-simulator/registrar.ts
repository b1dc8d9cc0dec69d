// The PJSIP registrar as ARI shows it (an addition to the simulator): endpoint state, the AOR and
// contact sorcery objects under `GET /asterisk/config/dynamic/res_pjsip/…` (the only ARI read of
// registered contacts on Asterisk 22), `GET /asterisk/variable` reading globals only (so
// PJSIP_AOR/PJSIP_CONTACT there give "" as on a real Asterisk), the endpoint event subscription,
// and ContactStatusChange / PeerStatusChange events in the order a real Asterisk 22 sends them.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { AriSimulator } from './ari-simulator';
import { apiDeclaration } from './swagger-docs';

export interface SimContact {
  uri: string;
  userAgent: string;
  viaAddr: string;
  viaPort: number;
  /** Epoch seconds. */
  expirationTime: number;
}

const model = (id: string, props: Record<string, string>) => ({ id, properties: Object.fromEntries(Object.entries(props).map(([name, type]) => [name, { type, required: false }])) });
/** As Asterisk 22's events.json declares them. */
const ENDPOINT_EVENT_MODELS = {
  ContactInfo: model('ContactInfo', { uri: 'string', contact_status: 'string', aor: 'string', roundtrip_usec: 'string' }),
  Peer: model('Peer', { peer_status: 'string', cause: 'string', address: 'string', port: 'string', time: 'string' }),
  ContactStatusChange: model('ContactStatusChange', { endpoint: 'Endpoint', contact_info: 'ContactInfo' }),
  PeerStatusChange: model('PeerStatusChange', { endpoint: 'Endpoint', peer: 'Peer' }),
  EndpointStateChange: model('EndpointStateChange', { endpoint: 'Endpoint' }),
};

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The qualify round trip the simulator's phones answer OPTIONS in. */
const SIM_ROUNDTRIP_USEC = 1200;

const HEADERS = { Server: 'Asterisk/22.10.1', 'Cache-Control': 'no-cache, no-store', 'Content-Type': 'application/json' };

export class SimRegistrar {
  /** Endpoint resource → contact id (`<aor>;@<md5 of the URI>`, as location.c names it) → contact. */
  readonly contacts = new Map<string, Map<string, SimContact>>();
  /** Applications subscribed to `endpoint:PJSIP` (the model sends them the PJSIP channels' events too). */
  readonly subscribedApps: Set<string>;

  constructor(private readonly sim: AriSimulator) {
    this.subscribedApps = sim.model.endpointSubscribers;
    // The simulator's server is private: put the registrar's paths in front of its handler.
    const server = (sim as unknown as { server: http.Server }).server;
    const original = server.listeners('request') as Listener[];
    server.removeAllListeners('request');
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (!this.handle(req, res)) for (const listener of original) listener(req, res);
    });
  }

  register(resource: string, contact: Omit<SimContact, 'expirationTime'> & { expiresInSeconds?: number }): string {
    const id = `${resource};@${createHash('md5').update(contact.uri).digest('hex')}`;
    const wasOnline = this.contacts.has(resource);
    const list = this.contacts.get(resource) ?? new Map<string, SimContact>();
    list.set(id, { uri: contact.uri, userAgent: contact.userAgent, viaAddr: contact.viaAddr, viaPort: contact.viaPort, expirationTime: Math.floor(Date.now() / 1000) + (contact.expiresInSeconds ?? 3600) });
    this.contacts.set(resource, list);
    this.sim.setRegistered(resource, true);
    // A real Asterisk 22 (aor with qualify_frequency): the endpoint comes online (PeerStatusChange,
    // only on that change), the new contact is NonQualified, then Reachable once the first OPTIONS
    // is answered, with its round trip.
    if (!wasOnline) this.announcePeer(resource, 'Reachable');
    this.announceContact(resource, contact.uri, 'NonQualified', 0);
    this.announceContact(resource, contact.uri, 'Reachable', SIM_ROUNDTRIP_USEC);
    return id;
  }

  unregister(resource: string): void {
    const list = this.contacts.get(resource);
    if (!list) return;
    this.contacts.delete(resource);
    this.sim.setRegistered(resource, false);
    for (const contact of list.values()) this.announceContact(resource, contact.uri, 'Removed', 0);
    this.announcePeer(resource, 'Unreachable');
  }

  private endpointSnapshot(resource: string) {
    return { technology: 'PJSIP', resource, state: this.contacts.has(resource) ? 'online' : 'offline', channel_ids: [] };
  }

  private announceContact(resource: string, uri: string, contactStatus: string, roundtripUsec: number): void {
    for (const app of this.subscribedApps) {
      this.sim.model.send(null, app, 'ContactStatusChange', { endpoint: this.endpointSnapshot(resource), contact_info: { uri, contact_status: contactStatus, aor: resource, roundtrip_usec: String(roundtripUsec) } });
    }
  }

  private announcePeer(resource: string, peerStatus: 'Reachable' | 'Unreachable'): void {
    for (const app of this.subscribedApps) this.sim.model.send(null, app, 'PeerStatusChange', { endpoint: this.endpointSnapshot(resource), peer: { peer_status: peerStatus } });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, HEADERS);
      res.end(JSON.stringify(body));
      return true;
    };
    if (req.method === 'GET' && url.pathname === '/ari/api-docs/events.json') {
      // ari-client looks every event type up in this listing (an unknown type throws in its socket handler).
      const doc = apiDeclaration('events', `http://${req.headers.host ?? '127.0.0.1'}/ari`)!;
      return reply(200, { ...doc, models: { ...doc.models, ...ENDPOINT_EVENT_MODELS } });
    }
    // Unauthenticated requests go on to the simulator's own handler, which answers 401 as Asterisk does.
    const authorized = (this.sim as unknown as { authorized(r: http.IncomingMessage, q: URLSearchParams): boolean }).authorized(req, url.searchParams);
    if (!authorized) return false;
    const endpoint = /^\/ari\/endpoints\/PJSIP\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && endpoint) {
      const resource = decodeURIComponent(endpoint[1]);
      const known = this.sim.model.endpoints.get(resource);
      if (!known) return reply(404, { message: 'Endpoint not found' });
      return reply(200, { technology: 'PJSIP', resource, state: known.registered ? 'online' : 'offline', channel_ids: [] });
    }
    if (req.method === 'GET' && url.pathname === '/ari/asterisk/variable') {
      // resource_asterisk.c reads global variables only: a dialplan function (PJSIP_AOR(…)) is no
      // global, so Asterisk answers 200 with "". The simulator sets no globals.
      if (!url.searchParams.get('variable')) return reply(400, { message: 'Variable name is required' });
      return reply(200, { value: '' });
    }
    const sorcery = /^\/ari\/asterisk\/config\/dynamic\/res_pjsip\/(aor|contact)\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && sorcery) {
      const id = decodeURIComponent(sorcery[2]);
      const fields = sorcery[1] === 'aor' ? this.aorFields(id) : this.contactFields(id);
      return fields ? reply(200, fields) : reply(404, { message: `Object with id '${id}' not found` });
    }
    const subscription = /^\/ari\/applications\/([^/]+)\/subscription$/.exec(url.pathname);
    if (req.method === 'POST' && subscription && url.searchParams.get('eventSource')?.startsWith('endpoint:')) {
      this.subscribedApps.add(decodeURIComponent(subscription[1]));
      return reply(200, { name: decodeURIComponent(subscription[1]), channel_ids: [], bridge_ids: [], endpoint_ids: ['PJSIP'], device_names: [], events_allowed: [], events_disallowed: [] });
    }
    return false;
  }

  /** As Asterisk 22 answers for a phone's AOR: its options, then one `contact` per contact URI. */
  private aorFields(aor: string): Array<{ attribute: string; value: string }> | null {
    if (!this.sim.model.endpoints.has(aor)) return null;
    const contacts = [...(this.contacts.get(aor)?.values() ?? [])].map((c) => ({ attribute: 'contact', value: c.uri }));
    return [
      { attribute: 'minimum_expiration', value: '60' },
      { attribute: 'default_expiration', value: '3600' },
      { attribute: 'max_contacts', value: '3' },
      ...contacts,
      { attribute: 'maximum_expiration', value: '7200' },
      { attribute: 'qualify_frequency', value: '60' },
      { attribute: 'remove_existing', value: 'true' },
    ];
  }

  /** A registered contact's fields (no status: Asterisk keeps that outside sorcery). */
  private contactFields(id: string): Array<{ attribute: string; value: string }> | null {
    const contact = this.contacts.get(id.split(';@')[0])?.get(id);
    if (!contact) return null;
    return [
      { attribute: 'via_addr', value: contact.viaAddr },
      { attribute: 'call_id', value: `${id.slice(-12)}@sim` },
      { attribute: 'endpoint', value: id.split(';@')[0] },
      { attribute: 'via_port', value: String(contact.viaPort) },
      { attribute: 'uri', value: contact.uri },
      { attribute: 'qualify_frequency', value: '60' },
      { attribute: 'user_agent', value: contact.userAgent },
      { attribute: 'expiration_time', value: String(contact.expirationTime) },
    ];
  }
}
