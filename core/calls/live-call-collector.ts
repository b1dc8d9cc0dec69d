import type { Logger } from '../logging/logger';
import type { AriEvent } from '../telephony/ari/ari-types';
import type { CallEnded, CallEvent, CallParty } from '../telephony/call-events';
import type { TelephonyService } from '../telephony/telephony-service';
import type { CallLogService } from './call-log-service';
import { numberOfEndpoint, type CallObservation } from './call-observation';
import { statusFromLiveEnd, type StatusVerdict } from './call-status';

interface LiveLeg {
  id: string;
  /** The call it belongs to: its own id until it is bridged with an earlier channel (Asterisk's linkedid rule). */
  callKey: string;
  startedAt: Date;
  direction: 'inbound' | 'outbound';
  caller: CallParty;
  endpoint: string | null;
  /** The dialled extension of a call that entered through dialplan `Stasis()`. */
  exten: string | null;
  ended: CallEnded | null;
}

/**
 * Turns live call events into call-log observations. Channels bridged together are one call,
 * keyed by the earliest channel's id (what Asterisk's linkedid is), so an inbound call and the
 * phone the application connected it to make one row, and their CDR lines find it.
 */
export class LiveCallCollector {
  private readonly legs = new Map<string, LiveLeg>();
  private readonly bridges = new Map<string, Set<string>>();
  private readonly unsubscribe: Array<() => void> = [];
  /** Writes in progress (tests and shutdown wait for them). */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly telephony: TelephonyService,
    private readonly callLog: CallLogService,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.unsubscribe.push(this.telephony.onCall((event) => this.onCall(event)));
    this.unsubscribe.push(this.telephony.hub.on((event) => this.onAriEvent(event)));
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.settled();
  }

  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private onCall(event: CallEvent): void {
    switch (event.type) {
      case 'started':
        this.legs.set(event.callId, {
          id: event.callId,
          callKey: event.callId,
          startedAt: event.at,
          direction: event.direction,
          caller: { ...event.caller },
          endpoint: event.endpoint,
          exten: this.legs.get(event.callId)?.exten ?? null,
          ended: null,
        });
        return;
      case 'ended': {
        const leg = this.legs.get(event.callId);
        if (!leg) return;
        leg.ended = event;
        this.write(leg.callKey);
        return;
      }
      case 'left':
        // It goes on in the dialplan, whose CDR line (with its userfield) reports it.
        this.legs.delete(event.callId);
        return;
      default:
        return;
    }
  }

  private onAriEvent(event: AriEvent): void {
    if (event.type === 'StasisStart') {
      const leg = this.legs.get(event.channel.id);
      const exten = event.channel.dialplan?.exten;
      if (leg && exten && exten !== 's') leg.exten = exten;
    } else if (event.type === 'ChannelEnteredBridge') {
      const members = this.bridges.get(event.bridge.id) ?? new Set<string>();
      members.add(event.channel.id);
      this.bridges.set(event.bridge.id, members);
      this.link([...members]);
    } else if (event.type === 'ChannelLeftBridge') {
      const members = this.bridges.get(event.bridge.id);
      members?.delete(event.channel.id);
      if (members && !members.size) this.bridges.delete(event.bridge.id);
    } else if (event.type === 'BridgeDestroyed') {
      this.bridges.delete(event.bridge.id);
    }
  }

  /** Channels in one bridge share the call key of the one that started first. */
  private link(channelIds: string[]): void {
    const legs = channelIds.map((id) => this.legs.get(id)).filter((leg): leg is LiveLeg => !!leg);
    if (legs.length < 2) return;
    const first = legs.reduce((a, b) => (this.keyStart(a.callKey) <= this.keyStart(b.callKey) ? a : b));
    for (const leg of legs) {
      if (leg.callKey === first.callKey) continue;
      const moved = leg.callKey;
      for (const other of this.legs.values()) if (other.callKey === moved) other.callKey = first.callKey;
    }
  }

  private keyStart(callKey: string): number {
    return this.legs.get(callKey)?.startedAt.getTime() ?? Number.MAX_SAFE_INTEGER;
  }

  private write(callKey: string): void {
    const legs = [...this.legs.values()].filter((leg) => leg.callKey === callKey).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    if (!legs.length) return;
    const observation = observationOf(callKey, legs);
    // Once every leg has ended, the call is complete: forget it.
    if (legs.every((leg) => leg.ended)) for (const leg of legs) this.legs.delete(leg.id);
    const write = this.callLog
      .record(observation)
      .catch((err: unknown) => this.logger.error({ err, callKey }, 'cannot write a live call to the call log'))
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }
}

/** A phone of Carillon (`PJSIP/201`), not a number through a trunk (`PJSIP/0612…@trunk`). */
function isExtensionEndpoint(endpoint: string): boolean {
  return endpoint.startsWith('PJSIP/') && !endpoint.includes('@');
}

/** A number dialled through the generated dialplan (`Local/0612…@from-internal`). */
function isDialplanDial(endpoint: string): boolean {
  return endpoint.startsWith('Local/') && endpoint.endsWith('@from-internal');
}

/** One call's legs, first one first, as what live events say about the call. */
function observationOf(callKey: string, legs: LiveLeg[]): CallObservation {
  const [first, ...others] = legs;
  const ends = legs.map((leg) => leg.ended?.at.getTime() ?? leg.startedAt.getTime());
  const reached = [...others].reverse().find((leg) => leg.endpoint);
  let destination = first.direction === 'inbound' ? (reached?.endpoint ? numberOfEndpoint(reached.endpoint) : (first.exten ?? '')) : first.endpoint ? numberOfEndpoint(first.endpoint) : '';
  let caller = first.caller;
  // Click-to-call and callbacks ring an extension first, then dial a number through the dialplan
  // on its behalf: the call is from that extension to that number, whatever the first leg displayed.
  const onBehalf = first.direction === 'outbound' && first.endpoint && isExtensionEndpoint(first.endpoint) ? others.find((leg) => leg.endpoint && isDialplanDial(leg.endpoint)) : undefined;
  if (onBehalf) {
    caller = { number: numberOfEndpoint(first.endpoint!), name: '' };
    destination = numberOfEndpoint(onBehalf.endpoint!);
  }
  return {
    source: 'live',
    callKey,
    legs: legs.map((leg) => leg.id),
    startAt: first.startedAt,
    endAt: new Date(Math.max(...ends)),
    talkSeconds: Math.round(Math.max(...legs.map((leg) => leg.ended?.talkMs ?? 0)) / 1000),
    callerNumber: caller.number,
    callerName: caller.name,
    destination,
    direction: first.direction,
    dialplanDescribed: false,
    verdict: verdictOf(first, others),
  };
}

/**
 * The caller's leg decides, except when the application answered it and then dialled someone:
 * then the call is answered if any later leg was, otherwise it ends as the last leg did.
 */
function verdictOf(first: LiveLeg, others: LiveLeg[]): StatusVerdict {
  const status = (leg: LiveLeg) => (leg.ended ? statusFromLiveEnd(leg.ended) : 'answered');
  const firstStatus = status(first);
  const ended = others.filter((leg) => leg.ended);
  if (firstStatus !== 'answered' || !ended.length) return { status: firstStatus, origin: 'live' };
  if (ended.some((leg) => status(leg) === 'answered')) return { status: 'answered', origin: 'live' };
  return { status: status(ended[ended.length - 1]), origin: 'live' };
}
