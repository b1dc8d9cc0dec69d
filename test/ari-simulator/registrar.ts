// The PJSIP registrar as ARI shows it (an addition to the simulator): endpoint state, contacts
// read through `GET /asterisk/variable` with PJSIP_AOR / PJSIP_CONTACT, the endpoint event
// subscription, and ContactStatusChange / PeerStatusChange events when a phone registers or leaves.
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
};

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const HEADERS = { Server: 'Asterisk/22.10.1', 'Cache-Control': 'no-cache, no-store', 'Content-Type': 'application/json' };

export class SimRegistrar {
  /** Endpoint resource → contact id (`<aor>;@<hash>`) → contact. */
  readonly contacts = new Map<string, Map<string, SimContact>>();
  /** Applications subscribed to `endpoint:PJSIP`. */
  readonly subscribedApps = new Set<string>();

  constructor(private readonly sim: AriSimulator) {
    // The simulator's server is private: put the registrar's paths in front of its handler.
    const server = (sim as unknown as { server: http.Server }).server;
    const original = server.listeners('request') as Listener[];
    server.removeAllListeners('request');
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (!this.handle(req, res)) for (const listener of original) listener(req, res);
    });
  }

  register(resource: string, contact: Omit<SimContact, 'expirationTime'> & { expiresInSeconds?: number }): string {
    const id = `${resource};@${Buffer.from(contact.uri).toString('hex').slice(0, 16)}`;
    const list = this.contacts.get(resource) ?? new Map<string, SimContact>();
    list.set(id, { uri: contact.uri, userAgent: contact.userAgent, viaAddr: contact.viaAddr, viaPort: contact.viaPort, expirationTime: Math.floor(Date.now() / 1000) + (contact.expiresInSeconds ?? 3600) });
    this.contacts.set(resource, list);
    this.sim.setRegistered(resource, true);
    this.announce(resource, contact.uri, 'Created', 'Reachable');
    return id;
  }

  unregister(resource: string): void {
    const list = this.contacts.get(resource);
    this.contacts.delete(resource);
    this.sim.setRegistered(resource, false);
    for (const contact of list?.values() ?? []) this.announce(resource, contact.uri, 'Removed', 'Unreachable');
  }

  private announce(resource: string, uri: string, contactStatus: string, peerStatus: string): void {
    const endpoint = { technology: 'PJSIP', resource, state: this.contacts.has(resource) ? 'online' : 'offline', channel_ids: [] };
    for (const app of this.subscribedApps) {
      this.sim.model.send(null, app, 'ContactStatusChange', { endpoint, contact_info: { uri, contact_status: contactStatus, aor: resource, roundtrip_usec: '0' } });
      this.sim.model.send(null, app, 'PeerStatusChange', { endpoint, peer: { peer_status: peerStatus } });
    }
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
    const endpoint = /^\/ari\/endpoints\/PJSIP\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && endpoint) {
      const resource = decodeURIComponent(endpoint[1]);
      const known = this.sim.model.endpoints.get(resource);
      if (!known) return reply(404, { message: 'Endpoint not found' });
      return reply(200, { technology: 'PJSIP', resource, state: known.registered ? 'online' : 'offline', channel_ids: [] });
    }
    if (req.method === 'GET' && url.pathname === '/ari/asterisk/variable') {
      const value = this.evaluate(url.searchParams.get('variable') ?? '');
      return value === null ? reply(400, { message: 'Unable to read provided variable' }) : reply(200, { value });
    }
    const subscription = /^\/ari\/applications\/([^/]+)\/subscription$/.exec(url.pathname);
    if (req.method === 'POST' && subscription && url.searchParams.get('eventSource')?.startsWith('endpoint:')) {
      this.subscribedApps.add(decodeURIComponent(subscription[1]));
      return reply(200, { name: decodeURIComponent(subscription[1]), channel_ids: [], bridge_ids: [], endpoint_ids: ['PJSIP'], device_names: [], events_allowed: [], events_disallowed: [] });
    }
    return false;
  }

  private evaluate(expression: string): string | null {
    const aor = /^PJSIP_AOR\(([^,]+),contact\)$/.exec(expression);
    if (aor) return [...(this.contacts.get(aor[1])?.keys() ?? [])].join(',');
    const field = /^PJSIP_CONTACT\(([^,]+),([a-z_]+)\)$/.exec(expression);
    if (!field) return null;
    const [resource] = field[1].split(';');
    const contact = this.contacts.get(resource)?.get(field[1]);
    if (!contact) return null;
    const values: Record<string, string> = {
      uri: contact.uri,
      user_agent: contact.userAgent,
      via_addr: contact.viaAddr,
      via_port: String(contact.viaPort),
      expiration_time: String(contact.expirationTime),
      status: 'Reachable',
      rtt: '1200',
    };
    return values[field[2]] ?? null;
  }
}
