import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { CallModel } from './call-model';
import { fail, type Reply } from './replies';
import { ariTime, channelSnapshot } from './sim-channel';
import { CdrLog, type CdrRecord } from './cdr';
import { CelLog } from './cel';
import { DialplanCalls } from './dialplan-calls';
import type { InboundCallOptions, InboundCallResult, SimEndpoint, SimEndpointOptions } from './model-types';
import { apiDeclaration, knownPaths, resourceListing } from './swagger-docs';

export interface AriSimulatorOptions {
  username?: string;
  password?: string;
  /** Playback length of media without a registered length (ms). */
  defaultSoundMs?: number;
  /** cdr.conf `unanswered`: Asterisk's default `no` writes no record for unanswered originated calls. */
  cdrUnanswered?: boolean;
  /** Also append CDR lines to this Master.csv. */
  cdrFile?: string;
  /** Also append CEL records (cel_custom JSON, one object per line) to this file. */
  celFile?: string;
  /** http.conf `sessionlimit`: connections past it are dropped, like Asterisk does. */
  sessionLimit?: number;
  /** Send events pretty-printed like `ari.conf pretty=yes` (default) or compact. */
  pretty?: boolean;
}

interface AppRegistration {
  /** The socket that receives the events; older ones got ApplicationReplaced. */
  socket: WebSocket | null;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
}

const HEADERS = { Server: 'Asterisk/22.10.1', 'Cache-Control': 'no-cache, no-store' };

/**
 * An ARI server (HTTP + WebSocket) for the subset Carillon uses, behaving like the Asterisk 22
 * traces: Swagger listing, basic auth, application registration, channel and bridge life cycles,
 * error bodies, CDR records. Calls are scripted through endpoints and inbound calls.
 */
export class AriSimulator {
  readonly model: CallModel;
  readonly cdr: CdrLog;
  readonly cel: CelLog;
  /** Calls that run in the dialplan only (ring-all Dial, blind transfer), with their CDR and CEL. */
  readonly dialplan: DialplanCalls;
  readonly requests: RequestRecord[] = [];
  /** Events as sent, per application. */
  readonly events: Array<{ app: string; event: Record<string, unknown> }> = [];
  readonly stats = { openConnections: 0, peakConnections: 0, droppedConnections: 0, inFlight: 0, peakInFlight: 0, droppedEvents: 0 };
  /** When true, WebSocket upgrades are refused (Asterisk down or restarting). */
  refuseWebSockets = false;
  /** Delay before answering each REST request (ms), to make requests overlap. */
  responseDelayMs = 0;
  /** Events are lost on their way to Carillon (cutNetwork). */
  private networkCut = false;
  private readonly apps = new Map<string, AppRegistration>();
  private readonly server: http.Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<Socket>();
  private closeWithoutAnswer: Array<{ match: (r: RequestRecord) => boolean; remaining: number; afterDoing: boolean }> = [];
  private readonly username: string;
  private readonly password: string;
  private readonly paths = knownPaths();

  constructor(private readonly options: AriSimulatorOptions = {}) {
    this.username = options.username ?? 'carillon';
    this.password = options.password ?? 'carillon';
    this.cdr = new CdrLog({ unanswered: options.cdrUnanswered ?? false, file: options.cdrFile });
    this.cel = new CelLog({ file: options.celFile });
    this.model = new CallModel({
      asteriskId: '02:fc:00:00:00:01',
      cdr: this.cdr,
      cel: this.cel,
      defaultSoundMs: options.defaultSoundMs ?? 1000,
      deliver: (app, event) => this.deliver(app, event),
      appConnected: (app) => !!this.apps.get(app)?.socket,
    });
    this.dialplan = new DialplanCalls(this.model, this.cdr);
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.server.on('connection', (socket: Socket) => this.onConnection(socket));
    this.server.on('upgrade', (req, socket: Socket, head) => this.onUpgrade(req, socket, head));
  }

  /** Listens on a free loopback port; resolves with the base URL (`http://127.0.0.1:<port>`). */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.model.clear();
    for (const client of this.wss.clients) client.terminate();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- scripting -------------------------------------------------------------------------

  addEndpoint(resource: string, options?: SimEndpointOptions): SimEndpoint {
    return this.model.addEndpoint(resource, options);
  }

  /** A phone registers (its contact appears) or unregisters. */
  setRegistered(resource: string, registered: boolean): void {
    const endpoint = this.model.endpoints.get(resource);
    if (!endpoint) throw new Error(`No endpoint ${resource}`);
    endpoint.registered = registered;
  }

  /** `Local/<exten>@<context>`: the second half runs NoOp, Answer, Wait(30). */
  addLocalExtension(exten: string, context: string, options: { answerAfterMs?: number } = {}): void {
    this.model.localExtensions.set(`${exten}@${context}`, { answerAfterMs: options.answerAfterMs ?? 1 });
  }

  /** Length of a media URI's playback, or `missing` (PlaybackFinished `failed`). */
  setSound(media: string, durationMs: number | 'missing'): void {
    this.model.media.sounds.set(media, durationMs);
  }

  inboundCall(options: InboundCallOptions): { channelId: string | null; result: Promise<InboundCallResult> } {
    return this.model.inboundCall(options);
  }

  pressDigits(channelId: string, digits: string, durationMs?: number): void {
    this.model.pressDigits(channelId, digits, durationMs);
  }

  /** The far end hangs up (BYE). */
  hangupFromRemote(channelId: string): void {
    const channel = this.model.channels.get(channelId);
    if (!channel) throw new Error(`No channel ${channelId}`);
    this.model.remoteHangup(channel);
  }

  // ---- inspection ------------------------------------------------------------------------

  channelsInStasis(): string[] {
    return [...this.model.channels.values()].filter((c) => c.inStasis()).map((c) => c.id);
  }

  registeredApps(): string[] {
    return [...this.apps].filter(([, reg]) => reg.socket).map(([name]) => name);
  }

  eventsFor(app: string): Array<Record<string, unknown>> {
    return this.events.filter((e) => e.app === app).map((e) => e.event);
  }

  get cdrRecords(): CdrRecord[] {
    return this.cdr.records;
  }

  // ---- faults ----------------------------------------------------------------------------

  /**
   * The next `count` matching REST requests get their socket closed without an answer; with
   * `afterDoing`, once the request has taken effect (the answer alone is lost).
   */
  closeWithoutAnswering(match: (request: RequestRecord) => boolean, options: { count?: number; afterDoing?: boolean } = {}): void {
    this.closeWithoutAnswer.push({ match, remaining: options.count ?? 1, afterDoing: options.afterDoing ?? false });
  }

  /** Closes every event WebSocket abruptly, as when Asterisk restarts or the network drops. */
  dropWebSockets(): void {
    for (const client of this.wss.clients) client.terminate();
  }

  /** When this Asterisk started (GET /asterisk/info status.startup_time); a restart moves it. */
  startupTime = new Date();

  /** Asterisk restarts: a new start time, and every event WebSocket closes. */
  restartAsterisk(): void {
    this.startupTime = new Date();
    this.dropWebSockets();
  }

  /**
   * A network cut: for `forMs`, events go into sockets that no longer reach Carillon while
   * Asterisk still counts the application as connected (TCP has not noticed yet), so a
   * StasisStart is sent and lost instead of Stasis() failing; then the sockets break.
   */
  async cutNetwork(options: { forMs: number }): Promise<void> {
    this.networkCut = true;
    await new Promise((resolve) => setTimeout(resolve, options.forMs));
    this.networkCut = false;
    this.dropWebSockets();
  }

  /**
   * Asterisk killed (`kill -9`, OOM) and started again by systemd: every socket is cut, nothing
   * listens for `downMs`, and the new process knows no channel, bridge, playback, live recording
   * or application; no event and no CDR line tells of the calls it lost. Endpoints (configuration)
   * and stored recordings (files) survive.
   */
  async crash(options: { downMs?: number } = {}): Promise<void> {
    const { port } = this.server.address() as AddressInfo;
    this.model.lose();
    for (const client of this.wss.clients) client.terminate();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.apps.clear();
    await new Promise((resolve) => setTimeout(resolve, options.downMs ?? 0));
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.startupTime = new Date();
  }

  // ---- transport -------------------------------------------------------------------------

  private onConnection(socket: Socket): void {
    if (this.options.sessionLimit !== undefined && this.stats.openConnections >= this.options.sessionLimit) {
      // Asterisk: "HTTP session count exceeded N sessions", and the connection is dropped.
      this.stats.droppedConnections++;
      socket.destroy();
      return;
    }
    this.stats.openConnections++;
    this.stats.peakConnections = Math.max(this.stats.peakConnections, this.stats.openConnections);
    this.sockets.add(socket);
    socket.on('close', () => {
      this.stats.openConnections--;
      this.sockets.delete(socket);
    });
  }

  private authorized(req: http.IncomingMessage, query: URLSearchParams): boolean {
    const header = req.headers.authorization;
    let credentials: string | null = query.get('api_key');
    if (header?.startsWith('Basic ')) credentials = Buffer.from(header.slice(6), 'base64').toString('utf8');
    return credentials === `${this.username}:${this.password}`;
  }

  private deliver(app: string, event: Record<string, unknown>): boolean {
    const socket = this.apps.get(app)?.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      // Asterisk: "Inactive Stasis app '<app>' missed message"; no replay on reconnect.
      this.stats.droppedEvents++;
      return false;
    }
    if (this.networkCut) {
      this.stats.droppedEvents++;
      return true;
    }
    this.events.push({ app, event });
    socket.send(this.options.pretty === false ? JSON.stringify(event) : JSON.stringify(event, null, 2));
    return true;
  }

  private onUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const reject = (status: number, contentType: string, body: string, extra = '') => {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nServer: Asterisk/22.10.1\r\nCache-Control: no-cache, no-store\r\n${extra}Content-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    if (this.refuseWebSockets) return void socket.destroy();
    if (url.pathname !== '/ari/events') return reject(404, 'application/json', '{"message":"Resource not found"}');
    if (!this.authorized(req, url.searchParams)) {
      return reject(401, 'application/json', '{"message":"Authentication required"}', 'WWW-Authenticate: Basic realm="Asterisk REST Interface"\r\n');
    }
    const apps = (url.searchParams.get('app') ?? '').split(',').filter(Boolean);
    if (apps.length === 0) return reject(400, 'text/html', '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n<title>400 Bad Request</title>\r\n</head><body>\r\n<h1>Bad Request</h1>\r\n<p>HTTP request is missing param: [app]</p>\r\n<hr />\r\n<address>Asterisk Server</address>\r\n</body></html>\r\n');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      for (const app of apps) {
        const registration = this.apps.get(app) ?? { socket: null };
        // A second socket for the same application takes it over; the first one is told, not closed.
        if (registration.socket && registration.socket.readyState === WebSocket.OPEN) this.deliver(app, { type: 'ApplicationReplaced', timestamp: new Date().toISOString().replace('Z', '+0000'), application: app });
        registration.socket = ws;
        this.apps.set(app, registration);
      }
      ws.on('close', () => {
        for (const app of apps) {
          const registration = this.apps.get(app);
          if (registration?.socket === ws) registration.socket = null;
        }
      });
    });
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams) as Record<string, string>;
    const record: RequestRecord = { method: req.method ?? 'GET', path: url.pathname, query };
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const fault = this.closeWithoutAnswer.find((f) => f.remaining > 0 && f.match(record));
    if (fault) fault.remaining--;
    if (fault && !fault.afterDoing) {
      // What Asterisk sometimes does: the socket closes and no answer ever comes.
      req.socket.destroy();
      return;
    }
    this.requests.push(record);
    this.stats.inFlight++;
    this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.stats.inFlight);
    try {
      if (this.responseDelayMs > 0) await new Promise((r) => setTimeout(r, this.responseDelayMs));
      let body: Record<string, unknown> = {};
      if (chunks.length) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          body = {};
        }
      }
      const reply = this.authorized(req, url.searchParams) ? this.route(record, body, req.headers.host ?? '127.0.0.1') : fail(401, 'Authentication required');
      if (fault) req.socket.destroy();
      else this.write(res, reply);
    } finally {
      this.stats.inFlight--;
    }
  }

  private write(res: http.ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { ...HEADERS };
    if (reply.status === 401) headers['WWW-Authenticate'] = 'Basic realm="Asterisk REST Interface"';
    if (reply.status === 204 || reply.body === undefined) {
      res.writeHead(reply.status, { ...headers, 'Content-Length': '0' });
      res.end();
      return;
    }
    const text = JSON.stringify(reply.body, null, 2);
    res.writeHead(reply.status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
    res.end(text);
  }

  private route(r: RequestRecord, body: Record<string, unknown>, host: string): Reply {
    const m = this.model;
    const q = { ...r.query };
    // Other keys of a JSON body are read as query parameters, like Asterisk does.
    for (const [key, value] of Object.entries(body)) if (key !== 'variables' && typeof value !== 'object') q[key] = String(value);
    const parts = r.path.replace(/^\/ari/, '').split('/').filter(Boolean).map(decodeURIComponent);
    const key = `${r.method} ${routeKey(parts)}`;
    const basePath = `http://${host}/ari`;
    if (parts[0] === 'api-docs') {
      const doc = parts[1] === 'resources.json' ? resourceListing(basePath) : apiDeclaration((parts[1] ?? '').replace(/\.json$/, ''), basePath);
      return doc ? { status: 200, body: doc } : fail(404, 'Resource not found');
    }
    const variables = (body.variables && typeof body.variables === 'object' ? body.variables : {}) as Record<string, string>;
    switch (key) {
      case 'GET /channels':
        return { status: 200, body: [...m.channels.values()].map((c) => channelSnapshot(c)) };
      case 'POST /channels':
        return m.originate(q, variables);
      case 'GET /channels/:id': {
        const channel = m.channels.get(parts[1]);
        return channel ? { status: 200, body: channelSnapshot(channel) } : fail(404, 'Channel not found');
      }
      case 'DELETE /channels/:id':
        return m.hangup(parts[1], q.reason);
      case 'POST /channels/:id/answer':
        return m.answer(parts[1]);
      case 'POST /channels/:id/ring':
        return m.ring(parts[1]);
      case 'POST /channels/:id/continue':
        return m.continueInDialplan(parts[1], { context: q.context, extension: q.extension, priority: q.priority ? Number(q.priority) : undefined });
      case 'POST /channels/:id/redirect':
        return m.redirect(parts[1], q.endpoint);
      case 'POST /channels/:id/play':
        return m.media.play(parts[1], q.media, q.playbackId);
      case 'POST /channels/:id/dtmf':
        return m.sendDtmf(parts[1], q.dtmf, Number(q.duration ?? 100));
      case 'POST /channels/:id/record':
        return m.media.record('channel', parts[1], q);
      case 'GET /channels/:id/variable':
        return m.getVariable(parts[1], q.variable);
      case 'POST /channels/:id/variable':
        return m.setVariable(parts[1], q.variable, q.value);
      case 'POST /channels/:id/snoop':
        return m.snoop(parts[1], q);
      case 'GET /bridges':
        return { status: 200, body: [...m.bridges.values()].map((b) => m.bridgeSnapshot(b)) };
      case 'POST /bridges':
        return m.createBridge(q);
      case 'GET /bridges/:id': {
        const bridge = m.bridges.get(parts[1]);
        return bridge ? { status: 200, body: m.bridgeSnapshot(bridge) } : fail(404, 'Bridge not found');
      }
      case 'DELETE /bridges/:id':
        return m.destroyBridge(parts[1]);
      case 'POST /bridges/:id/addChannel':
        return m.addToBridge(parts[1], q.channel);
      case 'POST /bridges/:id/removeChannel':
        return m.removeFromBridge(parts[1], q.channel);
      case 'POST /bridges/:id/record':
        return m.media.record('bridge', parts[1], q);
      case 'GET /playbacks/:id': {
        const playback = m.media.playbacks.get(parts[1]);
        return playback ? { status: 200, body: { id: playback.id, media_uri: playback.media_uri, target_uri: playback.target_uri, language: 'en', state: playback.state } } : fail(404, 'Playback not found');
      }
      case 'DELETE /playbacks/:id':
        return m.media.stopPlayback(parts[1]);
      case 'GET /recordings/stored':
        return { status: 200, body: [...m.media.storedRecordings.values()] };
      case 'GET /recordings/stored/:id':
        return m.media.storedRecordings.has(parts[2]) ? { status: 200, body: m.media.storedRecordings.get(parts[2]) } : fail(404, 'Recording not found');
      case 'DELETE /recordings/stored/:id':
        return m.media.storedRecordings.delete(parts[2]) ? { status: 204 } : fail(404, 'Recording not found');
      case 'GET /recordings/live/:id':
        return m.media.liveRecording(parts[2]);
      case 'POST /recordings/live/:id/stop':
        return m.media.stopRecording(parts[2]);
      case 'GET /applications':
        return { status: 200, body: this.applicationList() };
      case 'GET /applications/:id': {
        const found = this.applicationList().find((a) => a.name === parts[1]);
        return found ? { status: 200, body: found } : fail(404, 'Application not found');
      }
      case 'GET /asterisk/info':
        return {
          status: 200,
          body: { system: { version: '22.10.1', entity_id: '02:fc:00:00:00:01' }, status: { startup_time: ariTime(this.startupTime), last_reload_time: ariTime(this.startupTime) } },
        };
      case 'GET /asterisk/ping':
        return { status: 200, body: { asterisk_id: '02:fc:00:00:00:01', ping: 'pong', timestamp: new Date().toISOString() } };
      case 'PUT /asterisk/modules/:id':
        m.moduleReloads.push(parts[2]);
        return { status: 204 };
      case 'GET /endpoints':
        return { status: 200, body: [...m.endpoints.values()].map((e) => ({ technology: 'PJSIP', resource: e.resource, state: e.registered ? 'online' : 'offline', channel_ids: [] })) };
      default: {
        const subPath = `/${parts.join('/')}`;
        return this.paths.some((p) => p.pattern.test(subPath)) ? fail(405, 'Invalid method') : fail(404, 'Resource not found');
      }
    }
  }

  private applicationList() {
    const list: Array<{ name: string; channel_ids: string[]; bridge_ids: string[]; endpoint_ids: string[]; device_names: string[]; events_allowed: unknown[]; events_disallowed: unknown[] }> = [];
    for (const [name, registration] of this.apps) {
      const channelIds = [...this.model.channels.values()].filter((c) => c.subscribedApp === name).map((c) => c.id);
      // The application disappears once it has no socket and no channel.
      if (!registration.socket && channelIds.length === 0) continue;
      list.push({ name, channel_ids: channelIds, bridge_ids: [], endpoint_ids: [], device_names: [], events_allowed: [], events_disallowed: [] });
    }
    return list;
  }
}

const ROUTES = [
  '/channels/:id/answer', '/channels/:id/ring', '/channels/:id/continue', '/channels/:id/redirect', '/channels/:id/play',
  '/channels/:id/dtmf', '/channels/:id/record', '/channels/:id/variable', '/channels/:id/snoop', '/channels/:id', '/channels',
  '/bridges/:id/addChannel', '/bridges/:id/removeChannel', '/bridges/:id/record', '/bridges/:id', '/bridges',
  '/playbacks/:id', '/recordings/stored/:id', '/recordings/stored', '/recordings/live/:id/stop', '/recordings/live/:id',
  '/applications/:id', '/applications', '/asterisk/info', '/asterisk/ping', '/asterisk/modules/:id', '/endpoints',
].map((route) => route.split('/').filter(Boolean));

/** The route a path matches, with `:id` for its variable segment (`/channels/:id/play`). */
function routeKey(parts: string[]): string {
  const found = ROUTES.find((route) => route.length === parts.length && route.every((seg, i) => seg === ':id' || seg === parts[i]));
  return found ? `/${found.join('/')}` : `/${parts.join('/')}`;
}
