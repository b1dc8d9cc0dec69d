import type { CdrFields } from './cdr';

export type ChannelKind = 'pjsip' | 'local' | 'snoop';

/** Where a channel came from decides what the application sees at its end. */
export type ChannelOrigin =
  /** POST /channels: stays subscribed after StasisEnd, so ChannelDestroyed reaches the app. */
  | 'originate'
  /** Dialplan Stasis() (and Snoop channels): unsubscribed at StasisEnd. */
  | 'dialplan'
  | 'snoop';

export interface CallerId {
  name: string;
  number: string;
}

/** A channel of the simulated Asterisk. */
export class SimChannel {
  state: 'Down' | 'Ring' | 'Ringing' | 'Up' = 'Down';
  connected: CallerId = { name: '', number: '' };
  dialplan = { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' };
  /** The application receiving this channel's events. */
  subscribedApp: string | null = null;
  /** The application the channel is in now (between StasisStart and StasisEnd). */
  stasisApp: string | null = null;
  answeredAt: Date | null = null;
  /** False for the channels of a simulated dialplan Dial(): their CDR lines are written per caller/callee pair. */
  writesOwnCdr = true;
  /** The Q.850 cause it ended with. */
  endCause: number | null = null;
  /** Asterisk's linkedid: the channel's own id until it is bridged with an older call. */
  linkedid: string;
  bridgeId: string | null = null;
  /** The other half of a Local channel. */
  peer: SimChannel | null = null;
  /** The channel a Snoop channel listens to. */
  spied: SimChannel | null = null;
  readonly vars = new Map<string, string>();
  readonly timers = new Set<NodeJS.Timeout>();
  hungUp = false;
  /** The calling phone sends BYE this long after the application answers (inbound calls). */
  hangupAfterAnswerMs: number | null = null;
  /** What the CDR will say; filled as the call goes. */
  cdr: Omit<CdrFields, 'channel' | 'start' | 'answer' | 'end' | 'duration' | 'billsec' | 'disposition' | 'amaflags' | 'uniqueid'> & { endOverride: Date | null };
  /**
   * A channel of a simulated dialplan Dial(): what a `DELETE /channels/{id}` does to the whole call
   * (the other side is hung up too, as Dial() does), instead of the lone channel's hang-up.
   */
  dialplanHangup: (() => void) | null = null;
  /** Called once the channel is gone (the inbound caller's result, for instance). */
  onGone: Array<(cause: number) => void> = [];

  constructor(
    readonly id: string,
    readonly name: string,
    readonly kind: ChannelKind,
    readonly origin: ChannelOrigin,
    public caller: CallerId,
    readonly protocolId: string,
    readonly creationtime: Date,
  ) {
    this.linkedid = id;
    this.cdr = { accountcode: '', src: caller.number, dst: 's', dcontext: 'default', clid: `"${caller.name}" <${caller.number}>`, dstchannel: '', lastapp: '', lastdata: '', userfield: '', endOverride: null };
  }

  inStasis(): boolean {
    return this.stasisApp !== null;
  }

  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** `2026-11-21T11:15:14.732+0000`: ms, no colon in the offset. */
export function ariTime(at: Date): string {
  return at.toISOString().replace('Z', '+0000');
}

export function channelSnapshot(channel: SimChannel) {
  return {
    id: channel.id,
    name: channel.name,
    state: channel.state,
    protocol_id: channel.protocolId,
    caller: { ...channel.caller },
    connected: { ...channel.connected },
    accountcode: '',
    dialplan: { ...channel.dialplan },
    creationtime: ariTime(channel.creationtime),
    language: 'en',
  };
}
