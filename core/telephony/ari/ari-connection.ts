import { connect as connectAri, type AriClient } from 'ari-client';
import type { Logger } from '../../logging/logger';
import type { TelephonyState } from '../engine-status';
import { AriRest } from './ari-rest';
import type { AriEvent } from './ari-types';
import { backoffDelay, type BackoffOptions } from './backoff';
import { RequestGate, requestsInFlightFor, type RequestGateOptions } from './request-gate';
import { swaggerLogTo } from './swagger-log';

export interface AriNodeOptions {
  url: string;
  username: string;
  password: string;
  app: string;
  requestTimeoutMs: number;
  /** Asterisk's http.conf `sessionlimit`. */
  sessionLimit: number;
  /** Most requests in flight; default from sessionLimit. */
  maxSockets?: number;
  reconnect: BackoffOptions;
}

export interface AriConnectionDeps {
  logger: Logger;
  /** Told of every state change, with the last error while not connected. */
  onState: (state: Exclude<TelephonyState, 'not_configured'>, lastError: string | null) => void;
  /** Told of every REST request's outcome and duration (metrics). */
  observeRequest?: RequestGateOptions['observe'];
}

/**
 * ari-client retries a lost WebSocket by itself (100 ms doubling, 10 tries, about 43 s) and its
 * pending retry cannot be cancelled. A fresh client is therefore only built once the previous one
 * gave up, otherwise a late retry of the old one would take the Stasis application over
 * (Asterisk sends ApplicationReplaced to the older socket, which then receives nothing).
 * Loading the Swagger listing waits at most this long.
 */
const CONNECT_TIMEOUT_FLOOR_MS = 10_000;
/** Longer than ari-client's own WebSocket retries, so they normally settle first. */
const WEBSOCKET_START_TIMEOUT_MS = 60_000;

function describe(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (err: unknown) => (clearTimeout(timer), reject(err instanceof Error ? err : new Error(describe(err)))),
    );
  });
}

/**
 * The connection to one Asterisk node: ari-client for REST and the event WebSocket of Carillon's
 * Stasis application. `start()` returns at once; connecting, backing off and reconnecting go on in
 * the background, so Carillon serves while Asterisk is unreachable.
 */
export class AriConnection {
  private client: AriClient | null = null;
  private restApi: AriRest | null = null;
  private readonly gate: RequestGate;
  private stopped = true;
  /** Aborted by stop(): nothing in the connect loop may keep Carillon's shutdown waiting. */
  private abort = new AbortController();
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private looping = false;
  private state: Exclude<TelephonyState, 'not_configured'> = 'disconnected';
  private lastError: string | null = null;
  private readonly eventListeners = new Set<(event: AriEvent) => void>();
  private readonly readyHooks = new Set<() => Promise<void> | void>();

  constructor(
    readonly options: AriNodeOptions,
    private readonly deps: AriConnectionDeps,
  ) {
    this.gate = new RequestGate({ maxConcurrent: options.maxSockets ?? requestsInFlightFor(options.sessionLimit), timeoutMs: options.requestTimeoutMs, observe: deps.observeRequest });
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  get requestStats() {
    return this.gate.stats;
  }

  /** The REST operations; null until the Swagger listing has been loaded once. */
  get rest(): AriRest | null {
    return this.restApi;
  }

  onEvent(listener: (event: AriEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Runs after every (re)connection: the place to re-push generated configuration. */
  onReady(hook: () => Promise<void> | void): () => void {
    this.readyHooks.add(hook);
    return () => this.readyHooks.delete(hook);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.loop = this.connectLoop();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    if (this.client) this.discard(this.client);
    this.client = null;
    await this.loop;
  }

  private setState(state: Exclude<TelephonyState, 'not_configured'>, lastError: string | null): void {
    if (this.stopped) return;
    if (state === this.state && lastError === this.lastError) return;
    this.state = state;
    this.lastError = lastError;
    this.deps.onState(state, lastError);
  }

  private async connectLoop(): Promise<void> {
    this.looping = true;
    try {
      await this.connectAttempts();
    } finally {
      this.looping = false;
    }
  }

  private async connectAttempts(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      this.setState('connecting', this.lastError);
      try {
        await this.checkReachable();
        const client = await this.unlessStopped(timeout(this.loadSwagger(), Math.max(CONNECT_TIMEOUT_FLOOR_MS, this.options.requestTimeoutMs), 'loading the ARI Swagger listing'));
        this.adopt(client);
        await this.unlessStopped(timeout(client.start(this.options.app), WEBSOCKET_START_TIMEOUT_MS, 'opening the ARI WebSocket'));
        return;
      } catch (err) {
        if (this.stopped) return;
        if (this.client) this.discard(this.client);
        this.client = null;
        const message = describe(err);
        this.deps.logger.warn({ err: message, url: this.options.url, attempt }, 'cannot connect to Asterisk ARI');
        this.setState('disconnected', message);
        await this.sleep(backoffDelay(this.options.reconnect, attempt));
      }
    }
  }

  /**
   * ari-client's Swagger loader throws a string from an HTTP callback when Asterisk answers the
   * listing with an error (401 for wrong credentials, 404 for a wrong URL): an uncaught exception
   * that would stop Carillon. The listing is therefore fetched once here first, and ari-client is
   * only asked to connect to an Asterisk that serves it.
   */
  private async checkReachable(): Promise<void> {
    const listing = `${this.options.url.replace(/\/$/, '')}/ari/api-docs/resources.json`;
    const authorization = `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')}`;
    let response: Response;
    try {
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(Math.max(CONNECT_TIMEOUT_FLOOR_MS, this.options.requestTimeoutMs))]);
      response = await fetch(listing, { headers: { authorization }, signal });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`cannot reach ${this.options.url}: ${cause?.code ?? cause?.message ?? describe(err)}`);
    }
    const text = await response.text();
    if (response.status === 401) throw new Error(`Asterisk refused the ARI credentials of user "${this.options.username}" (401)`);
    if (response.status !== 200) throw new Error(`${listing} answered ${response.status} ${text.slice(0, 200)}`);
  }

  /** ari-client's connect, with what its Swagger loader prints sent to Carillon's log. */
  private async loadSwagger(): Promise<AriClient> {
    const release = swaggerLogTo(this.deps.logger);
    try {
      return await connectAri(this.options.url, this.options.username, this.options.password);
    } finally {
      release();
    }
  }

  private unlessStopped<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Error('stopped'));
      if (this.abort.signal.aborted) return onAbort();
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
      promise.then(resolve, reject).finally(() => this.abort.signal.removeEventListener('abort', onAbort));
    });
  }

  private adopt(client: AriClient): void {
    this.client = client;
    this.restApi = new AriRest(client, this.gate);
    client.on('WebSocketConnected', () => void this.ready(client));
    client.on('WebSocketReconnecting', (err?: Error) => {
      this.deps.logger.warn({ err: err?.message }, 'ARI WebSocket lost; reconnecting');
      this.setState('disconnected', err?.message ? `ARI WebSocket lost: ${err.message}` : 'ARI WebSocket closed');
    });
    client.on('WebSocketMaxRetries', (err?: Error) => {
      // While the first start() is pending, the connect loop sees its rejection and backs off itself.
      if (client !== this.client || this.looping) return;
      // ari-client gave up on a socket that had been open: start over with a fresh client and our own back-off.
      this.discard(client);
      this.client = null;
      this.setState('disconnected', `ARI WebSocket lost: ${err?.message ?? 'retries exhausted'}`);
      if (!this.stopped) this.loop = this.connectLoop();
    });
    client.on('*', (event: AriEvent) => {
      if (event.type === 'ApplicationReplaced') {
        this.setState('disconnected', 'another client took over the Stasis application');
      }
      for (const listener of this.eventListeners) {
        try {
          listener(event);
        } catch (err) {
          this.deps.logger.error({ err, event: event.type }, 'ARI event listener failed');
        }
      }
    });
  }

  /** The WebSocket is open, so Asterisk has (re-)registered the application. */
  private async ready(client: AriClient): Promise<void> {
    if (client !== this.client || this.stopped) return;
    this.deps.logger.info({ url: this.options.url, app: this.options.app }, 'connected to Asterisk ARI');
    this.setState('connected', null);
    for (const hook of this.readyHooks) {
      try {
        await hook();
      } catch (err) {
        this.deps.logger.error({ err: describe(err) }, 'ARI reconnect hook failed');
      }
    }
  }

  /** Stops a client for good, including a WebSocket its pending retry may still open. */
  private discard(client: AriClient): void {
    client.removeAllListeners();
    client.on('error', () => undefined);
    client.on('WebSocketConnected', () => client.stop());
    try {
      client.stop();
    } catch {
      // start() was never called: there is no socket to close.
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
