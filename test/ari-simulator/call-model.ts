import { randomBytes, randomUUID } from 'node:crypto';
import { CdrLog, cdrTime, type CdrFields } from './cdr';
import type { CelLog } from './cel';
import { AnsweringMachines } from './answering-machine';
import type { EndpointBehaviour, InboundCallOptions, InboundCallResult, SimEndpoint, SimEndpointOptions } from './model-types';
import { SimMedia } from './media';
import { fail, FORMATS, type Reply } from './replies';
import { ariTime, channelSnapshot, SimChannel, type CallerId } from './sim-channel';

const ALLOCATION_FAILED: Reply = { status: 500, body: { error: 'Allocation failed' } };

const REJECT_CAUSES: Record<number, { cause: number; text: string; dialstatus: string }> = {
  404: { cause: 1, text: 'Unallocated (unassigned) number', dialstatus: 'NOANSWER' },
  480: { cause: 19, text: 'User alerting, no answer', dialstatus: 'NOANSWER' },
  486: { cause: 17, text: 'User busy', dialstatus: 'BUSY' },
  503: { cause: 34, text: 'Circuit/channel congestion', dialstatus: 'CONGESTION' },
  603: { cause: 21, text: 'Call Rejected', dialstatus: 'NOANSWER' },
};
const HANGUP_REASONS: Record<string, { cause: number; text: string }> = {
  normal: { cause: 16, text: 'Normal Clearing' },
  busy: { cause: 17, text: 'User busy' },
  congestion: { cause: 34, text: 'Circuit/channel congestion' },
  no_answer: { cause: 19, text: 'User alerting, no answer' },
};
const RTP_QOS = ['RTPAUDIOQOS', 'RTPAUDIOQOSJITTER', 'RTPAUDIOQOSLOSS', 'RTPAUDIOQOSRTT', 'RTPAUDIOQOSMES'];

export interface SimBridge {
  id: string;
  name: string;
  /** The application of the channels put in it: it receives the bridge's own events. */
  app: string | null;
  channels: string[];
  creationtime: Date;
}

export interface ModelOptions {
  asteriskId: string;
  cdr: CdrLog;
  cel: CelLog;
  /** Length of a playback whose media has no registered length. */
  defaultSoundMs: number;
  /** Sends an event to an application's socket; false when the application has none (event dropped). */
  deliver: (app: string, event: Record<string, unknown>) => boolean;
  appConnected: (app: string) => boolean;
}

/**
 * Events of a channel's own topic, which Asterisk forwards to its endpoint's subscribers: not the
 * application's (StasisStart/End) nor the bridge's (Entered/LeftBridge: trace 11 has none).
 */
function onEndpointTopic(channel: SimChannel, type: string): boolean {
  if (channel.kind !== 'pjsip') return false;
  return type === 'Dial' || (type.startsWith('Channel') && type !== 'ChannelEnteredBridge' && type !== 'ChannelLeftBridge');
}

/** `PJSIP/871-0000001f` → 871. */
function endpointOf(channel: SimChannel): string | null {
  return channel.kind === 'pjsip' ? (/^PJSIP\/(.+)-[0-9a-f]{8}$/.exec(channel.name)?.[1] ?? null) : null;
}

/** The calls and bridges of the simulated Asterisk, behaving like the traces; media lives in SimMedia. */
export class CallModel {
  readonly channels = new Map<string, SimChannel>();
  readonly bridges = new Map<string, SimBridge>();
  readonly endpoints = new Map<string, SimEndpoint>();
  /** Applications subscribed to `endpoint:PJSIP` (POST /applications/{app}/subscription, registrar.ts). */
  readonly endpointSubscribers = new Set<string>();
  readonly localExtensions = new Map<string, { answerAfterMs: number }>();
  readonly media: SimMedia;
  /** Far ends that follow an answering-machine script (AMD verdicts, TALK_DETECT, the beep). */
  readonly answeringMachines: AnsweringMachines;
  readonly moduleReloads: string[] = [];
  readonly continued: Array<{ channelId: string; context?: string; extension?: string; priority?: number }> = [];
  readonly redirected: Array<{ channelId: string; endpoint: string }> = [];
  private sequence = 100_000;
  private nameSequence = 0x20;

  constructor(private readonly options: ModelOptions) {
    this.media = new SimMedia(this, options.defaultSoundMs);
    this.answeringMachines = new AnsweringMachines({
      varset: (channel, variable, value) => this.varset(channel, variable, value),
      channelEvent: (channel, type, extra, extraFirst) => this.channelEvent(channel, type, extra, extraFirst),
    });
  }

  addEndpoint(resource: string, options: SimEndpointOptions = {}): SimEndpoint {
    const endpoint: SimEndpoint = {
      resource,
      registered: options.registered ?? true,
      context: options.context ?? 'from-internal',
      callerId: options.callerId ?? { name: '', number: '' },
      behaviour: options.behaviour ?? { kind: 'answer', answerAfterMs: 20 },
      numbers: options.numbers,
    };
    this.endpoints.set(resource, endpoint);
    return endpoint;
  }

  // ---- events --------------------------------------------------------------------------

  /**
   * Sends an event to `app`, or to the application subscribed to `channel`; a PJSIP channel's own
   * events also go to every application subscribed to `endpoint:PJSIP`, once more to one that also
   * has the channel (real Asterisk 22: trace 11-dialplan-calls, parts A to F).
   */
  send(channel: SimChannel | null, app: string | null, type: string, fields: Record<string, unknown>, fieldsFirst = false): void {
    const base = { type, timestamp: ariTime(new Date()) };
    const event = fieldsFirst ? { ...fields, ...base } : { ...base, ...fields };
    const targets: string[] = [];
    const target = app ?? channel?.subscribedApp;
    if (target) targets.push(target);
    if (!app && channel && onEndpointTopic(channel, type)) targets.push(...this.endpointSubscribers);
    for (const to of targets) this.options.deliver(to, { ...event, asterisk_id: this.options.asteriskId, application: to });
  }

  /** Only to the applications subscribed to `endpoint:PJSIP` (what Asterisk sends before any application has the channel). */
  private sendToEndpointSubscribers(type: string, fields: Record<string, unknown>): void {
    for (const to of this.endpointSubscribers) this.options.deliver(to, { type, timestamp: ariTime(new Date()), ...fields, asterisk_id: this.options.asteriskId, application: to });
  }

  /** EndpointStateChange, sent as each channel of the endpoint is created and destroyed (its state need not change). */
  private endpointChanged(channel: SimChannel): void {
    const resource = endpointOf(channel);
    if (!resource || !this.endpointSubscribers.size) return;
    const endpoint = this.endpoints.get(resource);
    const channelIds = [...this.channels.values()].filter((c) => endpointOf(c) === resource && !c.hungUp).map((c) => c.id);
    this.sendToEndpointSubscribers('EndpointStateChange', { endpoint: { technology: 'PJSIP', resource, state: endpoint?.registered ? 'online' : 'offline', channel_ids: channelIds } });
  }

  private channelEvent(channel: SimChannel, type: string, extra: Record<string, unknown> = {}, extraFirst = false): void {
    this.send(channel, null, type, { ...extra, channel: channelSnapshot(channel) }, extraFirst);
  }

  private setState(channel: SimChannel, state: SimChannel['state']): void {
    channel.state = state;
    this.channelEvent(channel, 'ChannelStateChange');
  }

  private varset(channel: SimChannel, variable: string, value: string): void {
    channel.vars.set(variable, value);
    this.channelEvent(channel, 'ChannelVarset', { variable, value }, true);
  }

  private dial(channel: SimChannel, dialstatus: string, dialstring: string): void {
    this.send(channel, null, 'Dial', { dialstatus, forward: '', dialstring, peer: channelSnapshot(channel) });
  }

  // ---- CEL -----------------------------------------------------------------------------

  /** Writes one CEL record for the channel as it is now. */
  cel(channel: SimChannel, type: string, options: { peer?: string; extra?: Record<string, unknown>; app?: { name: string; data: string } } = {}): void {
    this.options.cel.write(type, channel, options);
  }

  /**
   * CHAN_START, once the channel's dialplan location is known (no application yet). Applications
   * subscribed to `endpoint:PJSIP` get EndpointStateChange and ChannelCreated (no application step
   * yet), then the ChannelDialplan of the step the channel starts with.
   */
  started(channel: SimChannel): void {
    this.cel(channel, 'CHAN_START', { app: { name: '', data: '' } });
    if (channel.kind !== 'pjsip' || !this.endpointSubscribers.size) return;
    this.endpointChanged(channel);
    const snapshot = channelSnapshot(channel);
    this.sendToEndpointSubscribers('ChannelCreated', { channel: { ...snapshot, dialplan: { ...snapshot.dialplan, app_name: '', app_data: '' } } });
    if (channel.dialplan.app_name) {
      this.sendToEndpointSubscribers('ChannelDialplan', { dialplan_app: channel.dialplan.app_name, dialplan_app_data: channel.dialplan.app_data, channel: snapshot });
    }
  }

  /** A dialplan Dial() event about `peer` (the called channel), with its `caller`. */
  dialEvent(peer: SimChannel, dialstatus: string, dialstring: string, caller: SimChannel): void {
    this.send(peer, null, 'Dial', { dialstatus, forward: '', dialstring, caller: channelSnapshot(caller), peer: channelSnapshot(peer) });
  }

  /** A channel event from a scenario driven outside ARI (a dialplan call): ChannelConnectedLine, ChannelHangupRequest. */
  event(channel: SimChannel, type: string, extra: Record<string, unknown> = {}, extraFirst = false): void {
    this.channelEvent(channel, type, extra, extraFirst);
  }

  /** The called phone sent 180. */
  ringing(channel: SimChannel): void {
    this.setState(channel, 'Ringing');
  }

  /** HANGUP and CHAN_END, then LINKEDID_END when no channel of that call is left. */
  private celEnd(channel: SimChannel, cause: number, source: string): void {
    this.cel(channel, 'HANGUP', { extra: { hangupcause: cause, hangupsource: source, dialstatus: '' } });
    this.cel(channel, 'CHAN_END');
    if (![...this.channels.values()].some((c) => c !== channel && c.linkedid === channel.linkedid)) this.cel(channel, 'LINKEDID_END');
  }

  // ---- channel creation ----------------------------------------------------------------

  newId(): string {
    return `${Math.floor(Date.now() / 1000)}.${this.sequence++}`;
  }

  newSuffix(): string {
    return (this.nameSequence++).toString(16).padStart(8, '0');
  }

  create(id: string, name: string, kind: SimChannel['kind'], origin: SimChannel['origin'], caller: CallerId, protocolId = ''): SimChannel {
    const channel = new SimChannel(id, name, kind, origin, caller, protocolId, new Date());
    this.channels.set(id, channel);
    return channel;
  }

  /** POST /channels */
  originate(q: Record<string, string>, variables: Record<string, string>): Reply {
    const endpoint = q.endpoint;
    if (!endpoint) return fail(400, 'Endpoint must be specified');
    const slash = endpoint.indexOf('/');
    if (slash <= 0 || slash === endpoint.length - 1) return fail(400, 'Invalid endpoint specified');
    if (!q.app && !q.extension) return fail(400, 'Application or extension must be specified');
    for (const format of (q.formats ?? '').split(',').filter(Boolean)) {
      if (!FORMATS.has(format)) return fail(400, `Provided format (${format}) was not found`);
    }
    const id = q.channelId || this.newId();
    if (this.channels.has(id) || (q.otherChannelId && this.channels.has(q.otherChannelId))) return fail(409, 'Channel with given unique ID already exists');
    const tech = endpoint.slice(0, slash);
    const resource = endpoint.slice(slash + 1);
    const caller = parseCallerId(q.callerId);
    const timeoutMs = Number.isFinite(Number(q.timeout)) && q.timeout ? Number(q.timeout) * 1000 : 30_000;
    const args = q.appArgs ? q.appArgs.split(',') : [];
    if (tech === 'Local') return this.originateLocal(id, q.otherChannelId || this.newId(), resource, q.app, args, variables);
    if (tech !== 'PJSIP') return ALLOCATION_FAILED;
    const at = resource.indexOf('@');
    const target = this.endpoints.get(at >= 0 ? resource.slice(at + 1) : resource);
    if (!target || !target.registered) return ALLOCATION_FAILED;
    const behaviour = at >= 0 && target.numbers ? target.numbers(resource.slice(0, at)) : target.behaviour;
    const channel = this.create(id, `PJSIP/${target.resource}-${this.newSuffix()}`, 'pjsip', 'originate', caller ?? { ...target.callerId }, randomUUID());
    if (caller) channel.connected = { ...caller };
    channel.dialplan = { context: target.context, exten: 's', priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' };
    channel.cdr = { ...channel.cdr, dcontext: target.context, lastapp: 'AppDial2', lastdata: '(Outgoing Line)' };
    this.started(channel);
    for (const [name, value] of Object.entries(variables)) channel.vars.set(name, value);
    channel.subscribedApp = q.app ?? null;
    const snapshot = channelSnapshot(channel);
    setImmediate(() => this.dialPjsip(channel, behaviour, resource, q.app ?? null, args, timeoutMs));
    return { status: 200, body: snapshot };
  }

  private dialPjsip(channel: SimChannel, behaviour: EndpointBehaviour, dialstring: string, app: string | null, args: string[], timeoutMs: number): void {
    if (channel.hungUp) return;
    this.dial(channel, '', dialstring);
    const final = (code: number, afterMs: number) =>
      channel.later(afterMs, () => {
        const reject = REJECT_CAUSES[code];
        this.channelEvent(channel, 'ChannelHangupRequest', { cause: reject.cause, tech_cause: code }, true);
        this.dial(channel, reject.dialstatus, dialstring);
        this.destroy(channel, reject.cause, reject.text, code, channel.name);
      });
    if (behaviour.kind === 'busy') return final(486, behaviour.afterMs ?? 200);
    if (behaviour.kind === 'reject') return final(behaviour.code, behaviour.afterMs ?? 200);
    channel.later(1, () => {
      this.setState(channel, 'Ringing');
      this.dial(channel, 'RINGING', dialstring);
    });
    // The originate timeout: no hang-up request, no final Dial, only ChannelDestroyed 19/480.
    channel.later(timeoutMs, () => this.destroy(channel, 19, 'User alerting, no answer', 480));
    if (behaviour.kind !== 'answer' || behaviour.answerAfterMs >= timeoutMs) return;
    channel.later(behaviour.answerAfterMs, () => {
      channel.clearTimers();
      this.answered(channel);
      this.dial(channel, 'ANSWER', dialstring);
      this.answeringMachines.answered(channel, behaviour.answeringMachine);
      this.enterStasis(channel, app, args);
      if (behaviour.hangupAfterMs !== undefined) channel.later(behaviour.hangupAfterMs, () => this.remoteHangup(channel));
    });
  }

  private originateLocal(id: string, otherId: string, resource: string, app: string | undefined, args: string[], variables: Record<string, string>): Reply {
    const [exten, context = 'default'] = resource.split('@');
    const extension = this.localExtensions.get(`${exten}@${context}`);
    if (!extension) return ALLOCATION_FAILED;
    const suffix = this.newSuffix();
    const none = { name: '', number: '' };
    const one = this.create(id, `Local/${resource}-${suffix};1`, 'local', 'originate', { ...none });
    const two = this.create(otherId, `Local/${resource}-${suffix};2`, 'local', 'originate', { ...none });
    one.peer = two;
    two.peer = one;
    for (const [name, value] of Object.entries(variables)) one.vars.set(name, value);
    one.dialplan = { context, exten, priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' };
    two.dialplan = { context, exten, priority: 1, app_name: '', app_data: '' };
    one.subscribedApp = app ?? null;
    two.subscribedApp = app ?? null;
    for (const half of [one, two]) half.cdr = { ...half.cdr, dst: exten, dcontext: context, clid: '"" <>' };
    two.cdr.lastapp = 'Answer';
    one.linkedid = one.id;
    two.linkedid = one.id;
    this.started(one);
    this.started(two);
    const snapshot = channelSnapshot(one);
    setImmediate(() => {
      if (one.hungUp) return;
      this.dial(one, '', `${exten}@${context}`);
      two.state = 'Ring';
      this.channelEvent(two, 'ChannelDialplan', { dialplan_app: 'NoOp', dialplan_app_data: 'Carillon simulator Local half' });
      this.channelEvent(two, 'ChannelDialplan', { dialplan_app: 'Answer', dialplan_app_data: '' });
      one.later(extension.answerAfterMs, () => {
        this.answered(two, { name: 'Answer', data: '' });
        this.answered(one);
        this.dial(one, 'ANSWER', `${exten}@${context}`);
        this.enterStasis(one, app ?? null, args);
        two.cdr = { ...two.cdr, lastapp: 'Wait', lastdata: '30' };
        this.channelEvent(two, 'ChannelDialplan', { dialplan_app: 'Wait', dialplan_app_data: '30' });
      });
    });
    return { status: 200, body: snapshot };
  }

  answered(channel: SimChannel, app?: { name: string; data: string }): void {
    channel.answeredAt = new Date();
    this.setState(channel, 'Up');
    this.cel(channel, 'ANSWER', app ? { app } : {});
  }

  private enterStasis(channel: SimChannel, app: string | null, args: string[]): void {
    if (!app) return;
    channel.dialplan = { ...channel.dialplan, app_name: 'Stasis', app_data: [app, ...args].join(',') };
    channel.cdr = { ...channel.cdr, lastapp: 'Stasis', lastdata: [app, ...args].join(',') };
    if (!this.options.appConnected(app)) {
      // Originating into an application without a socket: accepted, then hung up at once.
      this.destroy(channel, 16, 'Normal Clearing');
      return;
    }
    this.varset(channel, 'STASISSTATUS', '');
    channel.stasisApp = app;
    this.channelEvent(channel, 'StasisStart', { args }, true);
  }

  /** A call from a phone into dialplan `Stasis(app,args)`. */
  inboundCall(options: InboundCallOptions): { channelId: string | null; result: Promise<InboundCallResult> } {
    const from = this.endpoints.get(options.from) ?? this.addEndpoint(options.from);
    const context = options.context ?? from.context;
    const args = options.args ?? [];
    if (!this.options.appConnected(options.app)) {
      // Stasis() with no application connected fails at once: the caller gets 603 Decline.
      return { channelId: null, result: Promise.resolve({ finalResponse: 603, stasisStatus: 'FAILED' }) };
    }
    const channel = this.create(this.newId(), `PJSIP/${from.resource}-${this.newSuffix()}`, 'pjsip', 'dialplan', { ...from.callerId }, `${randomBytes(4).toString('hex')}@127.0.0.1`);
    channel.state = 'Ring';
    channel.dialplan = { context, exten: options.exten, priority: 1, app_name: 'Stasis', app_data: [options.app, ...args].join(',') };
    channel.cdr = { ...channel.cdr, dst: options.exten, dcontext: context, lastapp: 'Stasis', lastdata: [options.app, ...args].join(',') };
    this.started(channel);
    channel.subscribedApp = options.app;
    channel.stasisApp = options.app;
    const result = new Promise<InboundCallResult>((resolve) => {
      channel.onGone.push(() => resolve({ finalResponse: channel.answeredAt ? 200 : 487, stasisStatus: 'SUCCESS' }));
    });
    setImmediate(() => this.channelEvent(channel, 'StasisStart', { args }, true));
    if (options.cancelAfterMs !== undefined) {
      channel.later(options.cancelAfterMs, () => {
        if (channel.answeredAt) return;
        this.channelEvent(channel, 'ChannelHangupRequest', { cause: 127, tech_cause: 487 }, true);
        this.leaveStasis(channel);
        this.destroy(channel, 127, 'Interworking, unspecified', 487, channel.name);
      });
    }
    channel.hangupAfterAnswerMs = options.hangupAfterMs ?? null;
    return { channelId: channel.id, result };
  }

  // ---- channel operations --------------------------------------------------------------

  /** The channel, or the error Asterisk answers for a missing channel or one not in Stasis. */
  inStasisChannel(id: string, notInStasis = 409): SimChannel | Reply {
    const channel = this.channels.get(id);
    if (!channel) return fail(404, 'Channel not found');
    if (!channel.inStasis()) return fail(notInStasis, 'Channel not in Stasis application');
    return channel;
  }

  answer(id: string): Reply {
    const channel = this.inStasisChannel(id);
    if (!(channel instanceof SimChannel)) return channel;
    if (channel.state !== 'Up') {
      // The state change goes out before the 204.
      this.answered(channel);
      if (channel.hangupAfterAnswerMs !== null) channel.later(channel.hangupAfterAnswerMs, () => this.remoteHangup(channel));
    }
    return { status: 204 };
  }

  ring(id: string): Reply {
    const channel = this.inStasisChannel(id);
    return channel instanceof SimChannel ? { status: 204 } : channel;
  }

  hangup(id: string, reason: string | undefined): Reply {
    const channel = this.channels.get(id);
    if (!channel || channel.hungUp) return fail(404, 'Channel not found');
    const end = HANGUP_REASONS[reason ?? 'normal'];
    if (!end) return fail(400, 'Invalid reason for hangup reason provided');
    if (channel.dialplanHangup) {
      const hangup = channel.dialplanHangup;
      setImmediate(hangup);
      return { status: 204 };
    }
    if (channel.state !== 'Up' && !channel.inStasis()) {
      // Cancelling a ringing call: the 204 first, then the events.
      setImmediate(() => {
        this.channelEvent(channel, 'ChannelHangupRequest', { cause: 32, soft: true }, true);
        if (channel.kind === 'pjsip' && channel.origin === 'originate') this.dial(channel, 'NOANSWER', channel.name);
        this.destroy(channel, 16, 'Normal Clearing');
      });
      return { status: 204 };
    }
    if (channel.kind === 'pjsip') for (const name of RTP_QOS) this.varset(channel, name, 'ssrc=0;themssrc=0;lp=0;rxjitter=0.000000;rxcount=0');
    this.channelEvent(channel, 'ChannelHangupRequest', { cause: 32, soft: true }, true);
    setImmediate(() => this.finishHangup(channel, end.cause, end.text));
    return { status: 204 };
  }

  /** After the hang-up request: leave the bridge, leave Stasis, be destroyed (a Local pair goes together). */
  private finishHangup(channel: SimChannel, cause: number, text: string): void {
    if (channel.hungUp) return;
    this.leaveBridge(channel);
    this.leaveStasis(channel);
    const peer = channel.peer;
    if (peer && !peer.hungUp) this.channelEvent(peer, 'ChannelHangupRequest', { cause }, true);
    this.destroy(channel, cause, text);
    if (peer && !peer.hungUp) {
      this.channelEvent(peer, 'ChannelHangupRequest', { cause: 16, soft: true }, true);
      this.leaveStasis(peer);
      this.destroy(peer, cause, text);
    }
  }

  /** The phone hangs up (BYE). */
  remoteHangup(channel: SimChannel): void {
    if (channel.hungUp) return;
    if (channel.kind === 'pjsip') for (const name of RTP_QOS) this.varset(channel, name, 'ssrc=0;themssrc=0;lp=0;rxjitter=0.000000;rxcount=0');
    this.channelEvent(channel, 'ChannelHangupRequest');
    const bridged = channel.bridgeId !== null;
    this.leaveBridge(channel);
    this.leaveStasis(channel);
    // Unbridged, Asterisk does not know why the call ended (cause 0); bridged, it clears normally.
    this.destroy(channel, bridged ? 16 : 0, bridged ? 'Normal Clearing' : 'Unknown', undefined, channel.name);
  }

  private leaveStasis(channel: SimChannel): void {
    if (!channel.stasisApp) return;
    this.channelEvent(channel, 'StasisEnd');
    channel.stasisApp = null;
    if (channel.origin === 'originate') this.varset(channel, 'STASISSTATUS', 'SUCCESS');
    // Channels that came from the dialplan, and Snoop channels, are unsubscribed at StasisEnd.
    if (channel.origin !== 'originate') channel.subscribedApp = null;
    for (const snoop of this.channels.values()) {
      if (snoop.spied === channel && !snoop.hungUp) {
        this.leaveBridge(snoop);
        this.leaveStasis(snoop);
        this.destroy(snoop, 16, 'Normal Clearing');
      }
    }
  }

  /** `source` is CEL's hangupsource: the channel itself when its far end ended the call, empty when Asterisk or the application did. */
  destroy(channel: SimChannel, cause: number, text: string, techCause?: number, source = ''): void {
    if (channel.hungUp) return;
    channel.hungUp = true;
    channel.endCause = cause;
    channel.clearTimers();
    this.media.channelGone(channel.id);
    this.channelEvent(channel, 'ChannelDestroyed', { cause, cause_txt: text, ...(techCause !== undefined ? { tech_cause: techCause } : {}) }, true);
    if (channel.kind === 'pjsip') this.endpointChanged(channel);
    this.celEnd(channel, cause, source);
    this.channels.delete(channel.id);
    this.writeCdr(channel, cause);
    for (const gone of channel.onGone) gone(cause);
  }

  private writeCdr(channel: SimChannel, cause: number): void {
    // Channels of a simulated dialplan Dial() write their CDR lines themselves (one per caller/callee pair).
    if (!channel.writesOwnCdr) return;
    const end = channel.cdr.endOverride ?? new Date();
    const seconds = (from: Date) => Math.max(0, Math.floor((end.getTime() - from.getTime()) / 1000));
    const disposition: CdrFields['disposition'] = channel.answeredAt ? 'ANSWERED' : cause === 17 ? 'BUSY' : cause === 34 ? 'FAILED' : 'NO ANSWER';
    const { endOverride: _ignored, ...cdr } = channel.cdr;
    this.options.cdr.write({
      ...cdr,
      channel: channel.name,
      start: cdrTime(channel.creationtime),
      answer: channel.answeredAt ? cdrTime(channel.answeredAt) : '',
      end: cdrTime(end),
      duration: seconds(channel.creationtime),
      billsec: channel.answeredAt ? seconds(channel.answeredAt) : 0,
      disposition,
      amaflags: 'DOCUMENTATION',
      uniqueid: channel.id,
    });
  }

  continueInDialplan(id: string, target: { context?: string; extension?: string; priority?: number }): Reply {
    const channel = this.inStasisChannel(id);
    if (!(channel instanceof SimChannel)) return channel;
    this.continued.push({ channelId: id, ...target });
    setImmediate(() => {
      this.leaveBridge(channel);
      this.leaveStasis(channel);
      // The simulated dialplan after Stasis() ends the call: Hangup().
      channel.cdr = { ...channel.cdr, lastapp: 'Hangup', lastdata: '' };
      this.channelEvent(channel, 'ChannelHangupRequest', { cause: 16 }, true);
      this.destroy(channel, 16, 'Normal Clearing');
    });
    return { status: 204 };
  }

  redirect(id: string, endpoint: string | undefined): Reply {
    if (!endpoint) return fail(400, 'Required parameter endpoint not present');
    const channel = this.inStasisChannel(id);
    if (!(channel instanceof SimChannel)) return channel;
    this.redirected.push({ channelId: id, endpoint });
    setImmediate(() => {
      this.channelEvent(channel, 'ChannelHangupRequest', { cause: 16 }, true);
      this.finishHangup(channel, 16, 'Normal Clearing');
    });
    return { status: 204 };
  }

  getVariable(id: string, name: string | undefined): Reply {
    const channel = this.channels.get(id);
    if (!channel) return fail(404, 'Channel not found');
    if (!name) return fail(400, 'Variable name is required');
    const value = channel.vars.get(name);
    return value === undefined ? fail(404, 'Provided variable was not found') : { status: 200, body: { value } };
  }

  setVariable(id: string, name: string | undefined, value: string | undefined): Reply {
    const channel = this.channels.get(id);
    if (!channel) return fail(404, 'Channel not found');
    if (!name) return fail(400, 'Variable name is required');
    // TALK_DETECT(set) and TALK_DETECT(remove) switch talk detection on and off.
    if (name === 'TALK_DETECT(set)') channel.vars.delete('TALK_DETECT(remove)');
    if (name === 'TALK_DETECT(remove)') channel.vars.delete('TALK_DETECT(set)');
    this.varset(channel, name, value ?? '');
    return { status: 204 };
  }

  /** Digits the far end presses: one ChannelDtmfReceived per digit, when it ends. */
  pressDigits(id: string, digits: string, durationMs = 100, gapMs = 50): void {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`No channel ${id}`);
    [...digits].forEach((digit, index) => {
      channel.later((index + 1) * (durationMs + gapMs), () => this.channelEvent(channel, 'ChannelDtmfReceived', { digit, duration_ms: durationMs }, true));
    });
  }

  sendDtmf(id: string, dtmf: string | undefined, duration: number): Reply {
    const channel = this.inStasisChannel(id);
    if (!(channel instanceof SimChannel)) return channel;
    if (!dtmf) return fail(400, 'DTMF is required');
    // Toward a phone nothing comes back; on a Local half, the other half receives the digits.
    if (channel.peer) this.pressDigits(channel.peer.id, dtmf, duration, 100);
    return { status: 204 };
  }

  snoop(id: string, q: Record<string, string>): Reply {
    const spied = this.channels.get(id);
    if (!spied) return fail(404, 'Channel not found');
    if (!q.app) return fail(400, 'Required parameter app not present');
    const snoopId = q.snoopId || this.newId();
    const snoop = this.create(snoopId, `Snoop/${spied.id}-${this.newSuffix()}`, 'snoop', 'snoop', { name: '', number: '' });
    snoop.spied = spied;
    snoop.state = 'Up';
    snoop.answeredAt = new Date();
    snoop.subscribedApp = q.app;
    snoop.stasisApp = q.app;
    const args = q.appArgs ? q.appArgs.split(',') : [];
    snoop.dialplan = { context: 'default', exten: 's', priority: 1, app_name: 'Stasis', app_data: [q.app, ...args].join(',') };
    snoop.cdr = { ...snoop.cdr, clid: '"" <>', lastapp: 'Stasis', lastdata: [q.app, ...args].join(',') };
    this.started(snoop);
    // StasisStart reaches the application before the 200.
    this.channelEvent(snoop, 'StasisStart', { args }, true);
    return { status: 200, body: channelSnapshot(snoop) };
  }

  // ---- bridges -------------------------------------------------------------------------

  bridgeSnapshot(bridge: SimBridge) {
    return { id: bridge.id, technology: 'simple_bridge', bridge_type: 'mixing', bridge_class: 'stasis', creator: 'Stasis', name: bridge.name, channels: [...bridge.channels], creationtime: ariTime(bridge.creationtime), video_mode: 'talker' };
  }

  createBridge(q: Record<string, string>): Reply {
    const types = (q.type ?? 'mixing').split(',');
    if (!types.every((t) => ['mixing', 'holding', 'dtmf_events', 'proxy_media', 'video_sfu', 'video_single', 'sdp_label'].includes(t))) {
      return fail(500, "Unable to create bridge. Possible duplicate bridge id '(null)'");
    }
    const bridge: SimBridge = { id: q.bridgeId || randomUUID(), name: q.name ?? '', app: null, channels: [], creationtime: new Date() };
    this.bridges.set(bridge.id, bridge);
    return { status: 200, body: this.bridgeSnapshot(bridge) };
  }

  addToBridge(bridgeId: string, channelParam: string | undefined): Reply {
    const bridge = this.bridges.get(bridgeId);
    if (!bridge) return fail(404, 'Bridge not found');
    if (!channelParam) return fail(400, 'Missing parameter channel');
    const channels: SimChannel[] = [];
    for (const id of channelParam.split(',')) {
      const channel = this.channels.get(id);
      if (!channel) return fail(400, 'Channel not found');
      if (!channel.inStasis()) return fail(422, 'Channel not in Stasis application');
      channels.push(channel);
    }
    for (const channel of channels) {
      if (channel.bridgeId === bridge.id) continue;
      if (channel.bridgeId) this.leaveBridge(channel);
      this.joinBridge(channel, bridge);
      bridge.app ??= channel.subscribedApp;
      this.channelEvent(channel, 'ChannelEnteredBridge', { bridge: this.bridgeSnapshot(bridge) }, true);
    }
    this.linkCdrs(bridge);
    return { status: 204 };
  }

  /** A dialplan caller bridged with an originated callee: the caller's CDR names it, the callee's CDR ends here. */
  private linkCdrs(bridge: SimBridge): void {
    const members = bridge.channels.map((id) => this.channels.get(id)).filter((c): c is SimChannel => !!c);
    const caller = members.find((c) => c.origin === 'dialplan');
    if (!caller) return;
    for (const other of members) {
      if (other === caller) continue;
      if (!caller.cdr.dstchannel) caller.cdr.dstchannel = other.name;
      if (other.origin === 'originate' && !other.cdr.endOverride) other.cdr.endOverride = new Date();
    }
  }

  /**
   * A channel enters a bridge. Like Asterisk, every channel of the bridge then takes the oldest
   * linkedid among them (a call ends with LINKEDID_END first when nothing else had its linkedid):
   * the joining channel, or those already there when it is older, as after an attended transfer
   * where the transferee joins the target's bridge and the target moves into the transferee's call
   * (real Asterisk 22 trace, the last calls of cel-traces.json).
   */
  joinBridge(channel: SimChannel, bridge: SimBridge): void {
    const others = bridge.channels.map((id) => this.channels.get(id)).filter((c): c is SimChannel => !!c);
    const oldest = [channel, ...others].map((c) => c.linkedid).sort(compareIds)[0];
    for (const member of [channel, ...others]) {
      if (!oldest || member.name.startsWith('Snoop/') || compareIds(oldest, member.linkedid) >= 0) continue;
      if (![...this.channels.values()].some((c) => c !== member && c.linkedid === member.linkedid)) this.cel(member, 'LINKEDID_END');
      member.linkedid = oldest;
      if (member.peer) member.peer.linkedid = oldest;
    }
    channel.bridgeId = bridge.id;
    bridge.channels.push(channel.id);
    this.cel(channel, 'BRIDGE_ENTER', { peer: others.map((c) => c.name).join(','), extra: { bridge_id: bridge.id, bridge_technology: 'simple_bridge' } });
  }

  /** The cause a channel ended with (null while it lives). */
  lastCause(channel: SimChannel): number | null {
    return channel.endCause;
  }

  /** Takes the channel out of its bridge (BRIDGE_EXIT), for scenarios driven outside ARI. */
  leaveBridgeOf(channel: SimChannel): void {
    this.leaveBridge(channel);
  }

  private leaveBridge(channel: SimChannel): void {
    const bridge = channel.bridgeId ? this.bridges.get(channel.bridgeId) : undefined;
    channel.bridgeId = null;
    if (!bridge) return;
    bridge.channels = bridge.channels.filter((id) => id !== channel.id);
    const rest = bridge.channels.map((id) => this.channels.get(id)?.name).filter(Boolean);
    this.cel(channel, 'BRIDGE_EXIT', { peer: rest.join(','), extra: { bridge_id: bridge.id, bridge_technology: 'simple_bridge' } });
    this.channelEvent(channel, 'ChannelLeftBridge', { bridge: this.bridgeSnapshot(bridge) }, true);
  }

  removeFromBridge(bridgeId: string, channelParam: string | undefined): Reply {
    const bridge = this.bridges.get(bridgeId);
    if (!bridge) return fail(404, 'Bridge not found');
    if (!channelParam) return fail(400, 'Missing parameter channel');
    for (const id of channelParam.split(',')) {
      const channel = this.channels.get(id);
      if (!channel) return fail(400, 'Channel not found');
      if (channel.bridgeId !== bridge.id) return fail(422, 'Channel not in this bridge');
      this.leaveBridge(channel);
    }
    return { status: 204 };
  }

  destroyBridge(bridgeId: string): Reply {
    const bridge = this.bridges.get(bridgeId);
    if (!bridge) return fail(404, 'Bridge not found');
    for (const id of [...bridge.channels]) {
      const channel = this.channels.get(id);
      if (channel) this.leaveBridge(channel);
    }
    this.bridges.delete(bridgeId);
    setImmediate(() => this.send(null, bridge.app, 'BridgeDestroyed', { bridge: this.bridgeSnapshot(bridge) }));
    return { status: 204 };
  }

  /** Ends every call at once (the simulator stops). */
  clear(): void {
    for (const channel of this.channels.values()) channel.clearTimers();
    this.media.clear();
  }

  /** Asterisk was killed: every channel, bridge, playback and live recording is gone without an event. */
  lose(): void {
    this.clear();
    this.channels.clear();
    this.bridges.clear();
    this.media.playbacks.clear();
    this.media.liveRecordings.clear();
  }
}

/** Channel ids `<epoch>.<sequence>` in creation order (the older call keeps its linkedid). */
function compareIds(a: string, b: string): number {
  const [as, aq] = a.split('.').map(Number);
  const [bs, bq] = b.split('.').map(Number);
  if (Number.isFinite(as) && Number.isFinite(bs) && Number.isFinite(aq) && Number.isFinite(bq)) return as - bs || aq - bq;
  return a.localeCompare(b);
}

function parseCallerId(value: string | undefined): CallerId | null {
  if (!value) return null;
  const match = /^\s*(?:"([^"]*)"\s*)?<([^>]*)>\s*$/.exec(value);
  return match ? { name: match[1] ?? '', number: match[2] } : { name: '', number: value.trim() };
}
