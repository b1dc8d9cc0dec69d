import { randomUUID } from 'node:crypto';
import type { CarillonConfig } from '../config/schema';
import type { Logger } from '../logging/logger';
import { AriConnection } from './ari/ari-connection';
import type { AriRest } from './ari/ari-rest';
import type { AriRequestOutcome } from './ari/request-gate';
import type { AriChannel, AriEvent } from './ari/ari-types';
import { AriRequestError } from './ari/errors';
import { CallBridge, CallChannel, type TelephonyRuntime } from './call-channel';
import type { CallEnded, CallEvent } from './call-events';
import { CallTracker } from './call-tracker';
import type { TelephonyStatus } from './engine-status';
import { CallNotAnsweredError, TelephonyUnavailableError } from './errors';
import { EventHub } from './event-hub';
import { missedEvents } from './reconciliation';
import type { CallContext, CallStep } from './steps';

export interface OriginateRequest {
  /** `PJSIP/2001` (an extension), `PJSIP/0611111111@trunk` (a number through a trunk), `Local/exten@context`. */
  endpoint: string;
  callerId?: { name?: string; number: string };
  /** Ring time before giving up (Asterisk's default is 30 s). */
  timeoutSeconds?: number;
  /** Codec list; defaults to `ulaw` for Local/ channels, which otherwise negotiate slin192. */
  formats?: string;
  variables?: Record<string, string>;
  /** Run this route's handler once the call is answered. */
  route?: string;
  args?: string[];
}

export interface OutboundCall {
  readonly channel: CallChannel;
  /** Resolves once answered (the channel is then in the application); rejects with CallNotAnsweredError. */
  readonly answered: Promise<CallChannel>;
  /** Resolves when the call is over, answered or not. */
  readonly ended: Promise<CallEnded>;
}

export type CallHandler = CallStep<unknown>;

/** The telephony API plugins use (container name `telephony`); never the raw ARI client. */
export interface Telephony {
  readonly connected: boolean;
  onCall(listener: (event: CallEvent) => void): () => void;
  /** Handles channels that enter the application as `Stasis(<app>,<route>,…)`. */
  handle(route: string, handler: CallHandler): () => void;
  originate(request: OriginateRequest): Promise<OutboundCall>;
  createBridge(options?: { name?: string }): Promise<CallBridge>;
  channel(id: string): CallChannel;
  /** Runs after every (re)connection to Asterisk, e.g. to push generated configuration. */
  onReady(hook: () => Promise<void> | void): () => void;
}

type Origin = 'dialplan' | 'originated' | 'snoop';

interface HandlerScope {
  channels: Set<string>;
  bridges: Set<string>;
}

interface PendingOriginate {
  answered: { resolve: (channel: CallChannel) => void; reject: (err: Error) => void };
  ended: (event: CallEnded) => void;
  route?: string;
  args: string[];
}

/**
 * Carillon's telephony engine: the ARI connection to Asterisk, call events, commands and Stasis
 * routing. A handler that throws (or returns while its channel is still alone in the application)
 * gives the channel back: a channel that came from the dialplan continues there, any other one is
 * hung up. No channel is left in Stasis.
 */
export class TelephonyService implements Telephony, TelephonyRuntime {
  readonly hub = new EventHub();
  private connection: AriConnection | null = null;
  private readonly tracker: CallTracker;
  private readonly callListeners = new Set<(event: CallEvent) => void>();
  private readonly requestListeners = new Set<(operation: string, outcome: AriRequestOutcome, seconds: number) => void>();
  private readonly routes = new Map<string, CallHandler>();
  private readonly readyHooks = new Set<() => Promise<void> | void>();
  /** Channels in the application now, and how they got there. */
  private readonly inStasis = new Map<string, Origin>();
  /** Bridge id → channels in it. */
  private readonly bridgeMembers = new Map<string, Set<string>>();
  private readonly digits = new Map<string, string>();
  private readonly pending = new Map<string, PendingOriginate>();
  private readonly snoops = new Set<string>();
  /** Originates that timed out: Asterisk may have created the channel anyway; hang it up when it shows. */
  private readonly orphans = new Set<string>();
  /** Channels call logic already hung up, continued or transferred (until their StasisEnd). */
  private readonly releasedChannels = new Set<string>();

  constructor(private readonly deps: { config: CarillonConfig; logger: Logger; telephonyStatus: TelephonyStatus }) {
    this.tracker = new CallTracker((event) => this.emitCall(event));
  }

  get app(): string {
    return this.deps.config.telephony.ari.app;
  }

  get connected(): boolean {
    return this.connection?.connected ?? false;
  }

  /** Requests in flight and queued toward Asterisk (for health and tests). */
  get requestStats() {
    return this.connection?.requestStats ?? { active: 0, queued: 0, peakActive: 0, window: 0 };
  }

  /** Channel ids in the application now. */
  channelsInApplication(): string[] {
    return [...this.inStasis.keys()];
  }

  /** Starts connecting in the background; returns at once. Without a URL, telephony stays not_configured. */
  start(): void {
    if (this.deps.config.telephony.engine === 'none') {
      this.deps.telephonyStatus.set('not_installed', 'No telephony engine is installed on this machine (telephony.engine is none).');
      return;
    }
    const ari = this.deps.config.telephony.ari;
    if (!ari.url || this.connection) return;
    const logger = this.deps.logger.child({ component: 'ari' });
    this.connection = new AriConnection({ ...ari, url: ari.url }, {
      logger,
      onState: (state, lastError) => this.deps.telephonyStatus.set(state, lastError),
      observeRequest: (operation, outcome, seconds) => {
        for (const listener of this.requestListeners) listener(operation, outcome, seconds);
      },
    });
    this.connection.onEvent((event) => this.onAriEvent(event));
    let connectedBefore = false;
    this.connection.onReady(async () => {
      if (connectedBefore) await this.reconcile(logger).catch((err: unknown) => logger.warn({ err }, 'cannot reconcile calls after reconnecting'));
      connectedBefore = true;
      for (const hook of this.readyHooks) {
        // One failing hook (a configuration push) must not keep the others from running.
        await Promise.resolve()
          .then(hook)
          .catch((err: unknown) => logger.error({ err }, 'telephony ready hook failed'));
      }
    });
    this.connection.start();
  }

  async stop(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    await connection?.stop();
  }

  /** Every ARI REST request as it ends: operation (`channels.list`), outcome, seconds (queue time included). */
  onAriRequest(listener: (operation: string, outcome: AriRequestOutcome, seconds: number) => void): () => void {
    this.requestListeners.add(listener);
    return () => this.requestListeners.delete(listener);
  }

  onCall(listener: (event: CallEvent) => void): () => void {
    this.callListeners.add(listener);
    return () => this.callListeners.delete(listener);
  }

  handle(route: string, handler: CallHandler): () => void {
    if (this.routes.has(route)) throw new Error(`A handler for route "${route}" already exists`);
    this.routes.set(route, handler);
    return () => this.routes.delete(route);
  }

  onReady(hook: () => Promise<void> | void): () => void {
    this.readyHooks.add(hook);
    return () => this.readyHooks.delete(hook);
  }

  rest(): AriRest {
    if (!this.deps.config.telephony.ari.url) throw new TelephonyUnavailableError('no ARI URL is configured');
    const rest = this.connection?.rest;
    if (!rest) throw new TelephonyUnavailableError('Asterisk has not been reached yet');
    return rest;
  }

  channel(id: string): CallChannel {
    return new CallChannel(id, this);
  }

  async createBridge(options: { name?: string } = {}): Promise<CallBridge> {
    const bridge = await this.rest().createBridge({ bridgeId: randomUUID(), type: 'mixing', name: options.name });
    return new CallBridge(bridge.id, this);
  }

  async originate(request: OriginateRequest): Promise<OutboundCall> {
    const rest = this.rest();
    // Ids chosen here so that events arriving before the HTTP answer can be matched.
    const channelId = randomUUID();
    const isLocal = request.endpoint.startsWith('Local/');
    let pending!: PendingOriginate;
    const answered = new Promise<CallChannel>((resolve, reject) => {
      pending = { answered: { resolve, reject }, ended: () => undefined, route: request.route, args: request.args ?? [] };
    });
    answered.catch(() => undefined);
    const ended = new Promise<CallEnded>((resolve) => (pending.ended = resolve));
    this.pending.set(channelId, pending);
    this.tracker.expectOutbound(channelId, request.endpoint);
    const callerId = request.callerId ? `"${(request.callerId.name ?? '').replace(/"/g, '')}" <${request.callerId.number}>` : undefined;
    try {
      const channel = await rest.originate({
        endpoint: request.endpoint,
        app: this.app,
        appArgs: request.route ? [request.route, ...(request.args ?? [])].join(',') : undefined,
        callerId,
        timeout: request.timeoutSeconds,
        formats: request.formats ?? (isLocal ? 'ulaw' : undefined),
        variables: request.variables,
        channelId,
        otherChannelId: isLocal ? randomUUID() : undefined,
      });
      this.tracker.sighted(channel);
    } catch (err) {
      if (err instanceof AriRequestError && err.kind === 'timeout') {
        // The answer was lost, not necessarily the call: hang it up now, or as soon as it shows.
        // Its call events still tell how it ended.
        this.orphans.add(channelId);
        pending.route = undefined;
        void this.channel(channelId).hangup().catch(() => undefined);
      } else {
        this.pending.delete(channelId);
        this.tracker.forget(channelId);
      }
      throw err;
    }
    return { channel: new CallChannel(channelId, this), answered, ended };
  }

  /**
   * After a reconnection: Asterisk replays nothing it sent while the socket was down, so the
   * state is re-read over ARI and the missed events go through the same path as real ones (calls
   * end, waits settle, routes run). A channel a real event mentioned meanwhile is left to it.
   */
  private async reconcile(logger: Logger): Promise<void> {
    // Real events that arrive while the state is read are newer than what the read returns.
    const touched = new Set<string>();
    const stopTouching = this.hub.on((event) => {
      const id = subjectOf(event);
      if (id) touched.add(id);
    });
    let missed: AriEvent[];
    try {
      const waitedOn = this.hub.waitedOn();
      missed = await missedEvents(
        this.rest(),
        {
          app: this.app,
          channels: new Set([...this.inStasis.keys(), ...this.tracker.startedIds(), ...waitedOn.channels]),
          inApplication: new Set(this.inStasis.keys()),
          bridges: new Map([...this.bridgeMembers].map(([id, members]) => [id, new Set(members)])),
          watched: waitedOn.watched,
        },
        (subject, err) => logger.warn({ err, subject }, 'cannot re-read the state of a waited-on resource after reconnecting'),
      );
    } finally {
      stopTouching();
    }
    for (const event of missed) {
      const id = subjectOf(event);
      if (id && touched.has(id)) continue;
      if (event.type === 'StasisStart' && this.inStasis.has(event.channel.id)) continue;
      if (event.type === 'StasisEnd' && !this.inStasis.has(event.channel.id)) continue;
      logger.info({ event: event.type, channelId: id }, 'reconciled an event missed while disconnected from Asterisk');
      this.onAriEvent(event);
    }
  }

  takeDigits(channelId: string): string {
    const taken = this.digits.get(channelId) ?? '';
    if (taken) this.digits.set(channelId, '');
    return taken;
  }

  inApplication(channelId: string): boolean {
    return this.inStasis.has(channelId);
  }

  released(channelId: string): void {
    if (this.inStasis.has(channelId) || this.pending.has(channelId)) this.releasedChannels.add(channelId);
  }

  expectSnoop(snoopId: string): void {
    this.snoops.add(snoopId);
    this.tracker.ignore(snoopId);
  }

  private emitCall(event: CallEvent): void {
    if (event.type === 'ended') {
      this.releasedChannels.delete(event.callId);
      const pending = this.pending.get(event.callId);
      if (pending) {
        this.pending.delete(event.callId);
        pending.answered.reject(new CallNotAnsweredError(event));
        pending.ended(event);
      }
    }
    for (const listener of this.callListeners) {
      try {
        listener(event);
      } catch (err) {
        this.deps.logger.error({ err, callEvent: event.type }, 'call event listener failed');
      }
    }
  }

  private onAriEvent(event: AriEvent): void {
    const subject = subjectOf(event);
    if (subject && this.orphans.delete(subject)) {
      this.deps.logger.warn({ channelId: subject }, 'a call whose originate timed out is there; hanging it up');
      void this.channel(subject).hangup().catch(() => undefined);
    }
    switch (event.type) {
      case 'StasisStart':
        this.digits.set(event.channel.id, '');
        this.inStasis.set(event.channel.id, this.snoops.delete(event.channel.id) ? 'snoop' : this.pending.has(event.channel.id) ? 'originated' : 'dialplan');
        break;
      // Asterisk sends StasisEnd before ChannelDestroyed, but a channel found gone after a
      // reconnection gets only the ChannelDestroyed the reconciliation makes up.
      case 'StasisEnd':
      case 'ChannelDestroyed':
        this.inStasis.delete(event.channel.id);
        // An originated channel stays known until it is destroyed.
        if (!this.pending.has(event.channel.id)) this.releasedChannels.delete(event.channel.id);
        this.digits.delete(event.channel.id);
        break;
      case 'ChannelDtmfReceived':
        if (this.digits.has(event.channel.id)) this.digits.set(event.channel.id, this.digits.get(event.channel.id) + event.digit);
        break;
      case 'ChannelEnteredBridge':
        this.bridgeMembers.set(event.bridge.id, (this.bridgeMembers.get(event.bridge.id) ?? new Set()).add(event.channel.id));
        break;
      case 'ChannelLeftBridge':
        this.bridgeMembers.get(event.bridge.id)?.delete(event.channel.id);
        break;
      case 'BridgeDestroyed':
        this.bridgeMembers.delete(event.bridge.id);
        break;
      default:
        break;
    }
    this.tracker.handle(event);
    this.hub.dispatch(event);
    if (event.type === 'StasisStart') this.onStasisStart(event.channel, event.args);
  }

  private onStasisStart(channel: AriChannel, args: string[]): void {
    const origin = this.inStasis.get(channel.id);
    if (origin === 'snoop') return;
    const pending = this.pending.get(channel.id);
    if (pending) {
      pending.answered.resolve(this.channel(channel.id));
      if (pending.route) void this.runRoute(channel.id, pending.route, pending.args);
      return;
    }
    void this.runRoute(channel.id, args[0] ?? '', args.slice(1));
  }

  private async runRoute(channelId: string, route: string, args: string[]): Promise<void> {
    const handler = this.routes.get(route);
    if (!handler) {
      this.deps.logger.warn({ channelId, route }, 'no handler for this Stasis route; giving the channel back');
      await this.giveBack(channelId);
      return;
    }
    const scope: HandlerScope = { channels: new Set(), bridges: new Set() };
    const context: CallContext = { channel: this.channel(channelId), args, telephony: this.scoped(scope) };
    let failed = false;
    try {
      await handler(context);
    } catch (err) {
      failed = true;
      this.deps.logger.error({ err, channelId, route }, 'call handler failed; giving its channels back');
    }
    // After a failure every channel of the handler goes; after a return, those left alone (not in a
    // bridge) would be stuck, so they go too. Bridged ones belong to the bridge's logic.
    for (const id of [channelId, ...scope.channels]) {
      if (failed || !this.isBridged(id)) await this.giveBack(id);
    }
    for (const bridgeId of scope.bridges) {
      if (failed || (this.bridgeMembers.get(bridgeId)?.size ?? 0) === 0) await new CallBridge(bridgeId, this).destroy().catch(() => undefined);
    }
  }

  private isBridged(channelId: string): boolean {
    for (const members of this.bridgeMembers.values()) if (members.has(channelId)) return true;
    return false;
  }

  /** The API as a handler sees it: what it originates and bridges is its own to clean up. */
  private scoped(scope: HandlerScope): Telephony {
    const service = this;
    return {
      get connected() {
        return service.connected;
      },
      onCall: (listener) => this.onCall(listener),
      handle: (route, handler) => this.handle(route, handler),
      onReady: (hook) => this.onReady(hook),
      channel: (id) => this.channel(id),
      originate: async (request) => {
        const call = await this.originate(request);
        scope.channels.add(call.channel.id);
        return call;
      },
      createBridge: async (options) => {
        const bridge = await this.createBridge(options);
        scope.bridges.add(bridge.id);
        return bridge;
      },
    };
  }

  /** Back to the dialplan for a channel that came from there, otherwise hung up (ringing ones too). */
  private async giveBack(channelId: string): Promise<void> {
    // On its way out by the handler's own doing (its StasisEnd is not here yet).
    if (this.releasedChannels.has(channelId)) return;
    const origin = this.inStasis.get(channelId) ?? (this.pending.has(channelId) ? 'originated' : null);
    if (!origin) return;
    const rest = this.rest();
    if (origin === 'dialplan') {
      try {
        await rest.continueInDialplan(channelId);
        return;
      } catch (err) {
        // It left in the meantime (hung up, or no longer in Stasis): nothing to give back.
        if (err instanceof AriRequestError && (err.notFound || err.reason === 'Channel not in Stasis application')) return;
        this.deps.logger.warn({ err, channelId }, 'cannot continue in the dialplan; hanging up');
      }
    }
    try {
      await this.channel(channelId).hangup();
    } catch (err) {
      this.deps.logger.error({ err, channelId }, 'cannot hang up a channel left by a failed handler');
    }
  }
}

/** The channel an event is about (the peer of a Dial). */
function subjectOf(event: AriEvent): string | null {
  if ('channel' in event && event.channel) return event.channel.id;
  return event.type === 'Dial' ? event.peer.id : null;
}
