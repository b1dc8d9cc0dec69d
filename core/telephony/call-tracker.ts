import type { AriChannel, AriEvent } from './ari/ari-types';
import { causeText, outcomeOf, type CallEvent } from './call-events';

interface TrackedCall {
  id: string;
  direction: 'inbound' | 'outbound';
  endpoint: string | null;
  startedAt: Date | null;
  ringing: boolean;
  answeredAt: Date | null;
  /** The last Q.850 cause of a hang-up request (soft requests carry a flag, not a cause). */
  hangupCause: number | null;
  hangupTechCause: number | null;
  hangupRequested: boolean;
}

function timeOf(stamp: string | undefined): Date {
  const at = stamp ? new Date(stamp) : new Date();
  return Number.isNaN(at.getTime()) ? new Date() : at;
}

/**
 * Turns ARI channel events into call events (started, ringing, answered, ended, left). Channels
 * Carillon originates stay subscribed after StasisEnd, so their end is ChannelDestroyed; channels
 * that came in through dialplan `Stasis()` are unsubscribed at StasisEnd (no ChannelDestroyed
 * reaches the application), so their end is the StasisEnd that follows a hang-up request.
 */
export class CallTracker {
  private readonly calls = new Map<string, TrackedCall>();
  /** Channels that are not calls of their own (Snoop channels). */
  private readonly ignored = new Set<string>();

  constructor(private readonly emit: (event: CallEvent) => void) {}

  get size(): number {
    return this.calls.size;
  }

  /** Before originating: events may arrive before the HTTP answer that created the channel. */
  expectOutbound(id: string, endpoint: string): void {
    this.calls.set(id, { id, direction: 'outbound', endpoint, startedAt: null, ringing: false, answeredAt: null, hangupCause: null, hangupTechCause: null, hangupRequested: false });
  }

  ignore(id: string): void {
    this.ignored.add(id);
  }

  /** The originate failed: no channel exists, no event will come. */
  forget(id: string): void {
    this.calls.delete(id);
  }

  sighted(channel: AriChannel): void {
    const call = this.calls.get(channel.id);
    if (call && !call.startedAt) this.start(call, channel);
  }

  /** Channels of the calls in progress (those whose channel has been seen). */
  startedIds(): string[] {
    return [...this.calls.values()].filter((call) => call.startedAt).map((call) => call.id);
  }

  handle(event: AriEvent): void {
    switch (event.type) {
      case 'StasisStart': {
        if (this.ignored.has(event.channel.id)) return;
        let call = this.calls.get(event.channel.id);
        if (!call) {
          call = { id: event.channel.id, direction: 'inbound', endpoint: null, startedAt: null, ringing: false, answeredAt: null, hangupCause: null, hangupTechCause: null, hangupRequested: false };
          this.calls.set(call.id, call);
        }
        if (!call.startedAt) this.start(call, event.channel);
        if (event.channel.state === 'Up') this.answer(call, event.timestamp);
        return;
      }
      case 'Dial': {
        const call = this.seen(event.peer);
        if (call && event.dialstatus === 'RINGING') this.ring(call, event.timestamp);
        return;
      }
      case 'ChannelStateChange': {
        const call = this.seen(event.channel);
        if (!call) return;
        if (event.channel.state === 'Ringing') this.ring(call, event.timestamp);
        if (event.channel.state === 'Up') this.answer(call, event.timestamp);
        return;
      }
      case 'ChannelHangupRequest': {
        const call = this.seen(event.channel);
        if (!call) return;
        call.hangupRequested = true;
        if (!event.soft && typeof event.cause === 'number') {
          call.hangupCause = event.cause;
          call.hangupTechCause = event.tech_cause ?? null;
        }
        return;
      }
      case 'ChannelDestroyed': {
        const call = this.seen(event.channel);
        if (call) this.end(call, event.timestamp, event.cause, event.cause_txt, event.tech_cause ?? null);
        return;
      }
      case 'StasisEnd': {
        this.ignored.delete(event.channel.id);
        const call = this.calls.get(event.channel.id);
        if (!call || call.direction !== 'inbound') return;
        if (call.hangupRequested) {
          // A remote BYE carries no cause; Asterisk then clears the call normally.
          const cause = call.hangupCause ?? 16;
          this.end(call, event.timestamp, cause, causeText(cause), call.hangupTechCause);
        } else {
          this.calls.delete(call.id);
          this.emit({ type: 'left', callId: call.id, at: timeOf(event.timestamp) });
        }
        return;
      }
      default:
        return;
    }
  }

  private seen(channel: AriChannel): TrackedCall | undefined {
    const call = this.calls.get(channel.id);
    if (call && !call.startedAt) this.start(call, channel);
    return call;
  }

  private start(call: TrackedCall, channel: AriChannel): void {
    call.startedAt = timeOf(channel.creationtime);
    this.emit({ type: 'started', callId: call.id, at: call.startedAt, direction: call.direction, channelName: channel.name, caller: { ...channel.caller }, endpoint: call.endpoint });
  }

  private ring(call: TrackedCall, stamp: string): void {
    if (call.ringing || call.answeredAt) return;
    call.ringing = true;
    this.emit({ type: 'ringing', callId: call.id, at: timeOf(stamp) });
  }

  private answer(call: TrackedCall, stamp: string): void {
    if (call.answeredAt) return;
    call.answeredAt = timeOf(stamp);
    this.emit({ type: 'answered', callId: call.id, at: call.answeredAt });
  }

  private end(call: TrackedCall, stamp: string, cause: number, text: string, techCause: number | null): void {
    this.calls.delete(call.id);
    const at = timeOf(stamp);
    const startedAt = call.startedAt ?? at;
    this.emit({
      type: 'ended',
      callId: call.id,
      at,
      cause,
      causeText: text,
      techCause,
      outcome: outcomeOf(call.answeredAt !== null, cause),
      durationMs: Math.max(0, at.getTime() - startedAt.getTime()),
      talkMs: call.answeredAt ? Math.max(0, at.getTime() - call.answeredAt.getTime()) : 0,
    });
  }
}
