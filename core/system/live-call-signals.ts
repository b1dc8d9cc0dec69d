import type { AriEvent } from '../telephony/ari/ari-types';
import type { CallEvent } from '../telephony/call-events';

/** What an open dashboard needs to hear: a call appeared, was answered, or ended. */
export type LiveCallSignal = 'started' | 'answered' | 'ended';

/**
 * The signal a raw ARI event gives about a call that never enters Carillon's application (a phone
 * calling a phone, an inbound DID call run by the generated dialplan). Carillon's application is
 * subscribed to `endpoint:PJSIP` (for ContactStatusChange), and Asterisk 22 then sends it the
 * channel events of every PJSIP channel: ChannelCreated, ChannelStateChange, Dial,
 * ChannelHangupRequest, ChannelDestroyed (real trace: test/ari-simulator/traces/11-dialplan-calls.jsonl).
 * Bridge events are not sent for those calls, nor anything about Local channels.
 */
export function signalOf(event: AriEvent): { channelId: string; signal: LiveCallSignal } | null {
  switch (event.type) {
    case 'ChannelCreated':
      return { channelId: event.channel.id, signal: 'started' };
    case 'ChannelStateChange':
      return event.channel.state === 'Up' ? { channelId: event.channel.id, signal: 'answered' } : null;
    case 'ChannelDestroyed':
      return { channelId: event.channel.id, signal: 'ended' };
    default:
      return null;
  }
}

/** Call events of the tracker (channels in the application) as dashboard signals; `ringing` and `left` change no list. */
export function signalOfCall(event: CallEvent): { channelId: string; signal: LiveCallSignal } | null {
  return event.type === 'started' || event.type === 'answered' || event.type === 'ended' ? { channelId: event.callId, signal: event.type } : null;
}

/**
 * Lets each (channel, signal) through once: Asterisk sends a channel that is both in the
 * application and under the endpoint subscription each event twice (trace 11, part F), and the
 * call tracker reports the same channels again as call events.
 */
export class LiveCallSignals {
  /** Channel id → signals already sent; forgotten once the channel has ended. */
  private readonly sent = new Map<string, Set<LiveCallSignal>>();
  /** The last channels ended, oldest first. */
  private readonly endedOrder: string[] = [];
  /** Channels whose end was never seen (Carillon was disconnected) must not pile up. */
  private static readonly MAX_CHANNELS = 10_000;

  /** Whether this signal is new for this channel (then it is recorded). */
  admit(channelId: string, signal: LiveCallSignal): boolean {
    let signals = this.sent.get(channelId);
    if (signals?.has(signal)) return false;
    if (signal === 'ended') {
      // Remembered a little while: the duplicate ChannelDestroyed (and the tracker's `ended`) follow at once.
      this.sent.set(channelId, new Set<LiveCallSignal>(['started', 'answered', 'ended']));
      this.endedOrder.push(channelId);
      if (this.endedOrder.length > 100) this.sent.delete(this.endedOrder.shift()!);
      return true;
    }
    if (!signals) {
      if (this.sent.size >= LiveCallSignals.MAX_CHANNELS) this.sent.clear();
      signals = new Set();
      this.sent.set(channelId, signals);
    }
    signals.add(signal);
    return true;
  }
}
