// `Local/<number>@from-internal`: what the generated dialplan does with a number an extension
// dials (restriction class, outbound route, trunk Dial()), reduced to how the far end answers.
// The simulator runs no dialplan; tests script the far end per number.
import { randomBytes } from 'node:crypto';
import type { AriSimulator } from './ari-simulator';
import { cdrTime } from './cdr';
import type { EndpointBehaviour } from './model-types';
import { fail, FORMATS, type Reply } from './replies';
import { channelSnapshot, SimChannel, type CallerId } from './sim-channel';

const CONTEXT = 'from-internal';
/** The final SIP answer of the far end, as the trunk's Dial() turns it into a cause for the Local pair. */
const REJECTS: Record<number, { cause: number; text: string; dialstatus: string }> = {
  404: { cause: 1, text: 'Unallocated (unassigned) number', dialstatus: 'NOANSWER' },
  480: { cause: 19, text: 'User alerting, no answer', dialstatus: 'NOANSWER' },
  486: { cause: 17, text: 'User busy', dialstatus: 'BUSY' },
  503: { cause: 34, text: 'Circuit/channel congestion', dialstatus: 'CONGESTION' },
  603: { cause: 21, text: 'Call Rejected', dialstatus: 'NOANSWER' },
};

/** One `Local/…@from-internal` originate as the simulated Asterisk received it. */
export interface OutboundDial {
  number: string;
  channelId: string;
  otherChannelId: string;
  variables: Record<string, string>;
  callerId: string | undefined;
  formats: string | undefined;
}

/**
 * Takes over the simulator's originates of `Local/<number>@from-internal` (other originates are
 * untouched). Like Asterisk: the `;1` half is what the application originated and enters Stasis
 * when the far end answers; the far end's ringing shows on it; busy or a rejection ends the pair
 * with the trunk's cause; the originate timeout ends `;1` with 19; the far end's BYE ends the
 * pair. A call without `CARILLON_CALLER` is refused as the dialplan does (`Hangup(21)`).
 */
export class OutboundDialling {
  readonly dials: OutboundDial[] = [];

  constructor(
    private readonly sim: AriSimulator,
    private readonly farEnd: (number: string) => EndpointBehaviour,
  ) {
    const model = sim.model;
    const originate = model.originate.bind(model);
    model.originate = (q, variables) => (q.endpoint?.endsWith(`@${CONTEXT}`) && q.endpoint.startsWith('Local/') ? this.originate(q, variables) : originate(q, variables));
  }

  private originate(q: Record<string, string>, variables: Record<string, string>): Reply {
    const model = this.sim.model;
    if (!q.app) return fail(400, 'Application or extension must be specified');
    for (const format of (q.formats ?? '').split(',').filter(Boolean)) if (!FORMATS.has(format)) return fail(400, `Provided format (${format}) was not found`);
    const number = q.endpoint.slice('Local/'.length, -`@${CONTEXT}`.length);
    const id = q.channelId || model.newId();
    const otherId = q.otherChannelId || model.newId();
    if (model.channels.has(id) || model.channels.has(otherId)) return fail(409, 'Channel with given unique ID already exists');
    this.dials.push({ number, channelId: id, otherChannelId: otherId, variables: { ...variables }, callerId: q.callerId, formats: q.formats });
    const caller = parseCallerId(q.callerId);
    const suffix = randomBytes(4).toString('hex');
    const one = new SimChannel(id, `Local/${number}@${CONTEXT}-${suffix};1`, 'local', 'originate', { ...caller }, '', new Date());
    // The second half calls out with the first half's connected line as its caller, and its variables.
    const two = new SimChannel(otherId, `Local/${number}@${CONTEXT}-${suffix};2`, 'local', 'originate', { ...caller }, '', new Date());
    one.connected = { ...caller };
    one.peer = two;
    two.peer = one;
    for (const half of [one, two]) {
      for (const [name, value] of Object.entries(variables)) half.vars.set(name, value);
      half.subscribedApp = q.app;
      half.cdr = { ...half.cdr, dst: number, dcontext: CONTEXT };
      model.channels.set(half.id, half);
    }
    one.dialplan = { context: CONTEXT, exten: number, priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' };
    two.dialplan = { context: CONTEXT, exten: number, priority: 1, app_name: 'Gosub', app_data: 'carillon-from-extension,s,1(out,' + number + ')' };
    two.linkedid = one.id;
    model.started(one);
    model.started(two);
    // Whichever half goes first, the other follows (a DELETE of a ringing ;1 included).
    one.onGone.push((cause) => this.destroy(two, cause, 'Normal Clearing'));
    two.onGone.push((cause) => this.destroy(one, cause, 'Normal Clearing'));
    const timeoutMs = q.timeout && Number.isFinite(Number(q.timeout)) ? Number(q.timeout) * 1000 : 30_000;
    const args = q.appArgs ? q.appArgs.split(',') : [];
    const snapshot = channelSnapshot(one);
    setImmediate(() => this.run(one, two, q.app, args, timeoutMs));
    return { status: 200, body: snapshot };
  }

  private run(one: SimChannel, two: SimChannel, app: string, args: string[], timeoutMs: number): void {
    if (one.hungUp) return;
    const number = one.dialplan.exten;
    this.dial(one, '', `${number}@${CONTEXT}`);
    this.event(two, 'ChannelDialplan', { dialplan_app: two.dialplan.app_name, dialplan_app_data: two.dialplan.app_data });
    if (!one.vars.get('CARILLON_CALLER')) return this.refuse(one, two, { cause: 21, text: 'Call Rejected', dialstatus: '' }, 0);
    const behaviour = this.farEnd(number);
    if (behaviour.kind === 'busy') return this.refuse(one, two, REJECTS[486]!, behaviour.afterMs ?? 200);
    if (behaviour.kind === 'reject') return this.refuse(one, two, REJECTS[behaviour.code]!, behaviour.afterMs ?? 200);
    one.later(1, () => {
      // The trunk's 180 reaches ;2's Dial(), which indicates ringing to ;1.
      this.setState(one, 'Ringing');
      this.dial(one, 'RINGING', `${number}@${CONTEXT}`);
    });
    // The originate timeout ends ;1 (no hang-up request, no final Dial), then ;2 goes with it.
    one.later(timeoutMs, () => this.destroy(one, 19, 'User alerting, no answer'));
    if (behaviour.kind !== 'answer' || behaviour.answerAfterMs >= timeoutMs) return;
    one.later(behaviour.answerAfterMs, () => {
      one.clearTimers();
      // AMD() and TALK_DETECT on the call: what the far end (a person, a machine) does after the answer.
      // With CARILLON_AMD=1 the dialplan runs AMD() (Dial option U) before connecting: ;1 answers
      // and enters the application once the verdict is on it.
      const verdictAfterMs = this.sim.model.answeringMachines.answered(one, behaviour.answeringMachine);
      const connect = () => {
        for (const half of [two, one]) {
          half.answeredAt = new Date();
          this.setState(half, 'Up');
          this.sim.model.cel(half, 'ANSWER', half === one ? { app: { name: 'AppDial2', data: '(Outgoing Line)' } } : {});
        }
        this.dial(one, 'ANSWER', `${number}@${CONTEXT}`);
        this.varset(one, 'STASISSTATUS', '');
        one.stasisApp = app;
        one.dialplan = { ...one.dialplan, app_name: 'Stasis', app_data: [app, ...args].join(',') };
        one.cdr = { ...one.cdr, lastapp: 'Stasis', lastdata: [app, ...args].join(',') };
        this.event(one, 'StasisStart', { args }, true);
      };
      if (one.vars.get('CARILLON_AMD') === '1' && verdictAfterMs !== null) one.later(verdictAfterMs + 1, connect);
      else connect();
      // The far end's BYE ends ;2's Dial(), then ;2 hangs up and takes ;1 with it.
      if (behaviour.hangupAfterMs !== undefined) one.later(behaviour.hangupAfterMs, () => this.sim.model.remoteHangup(one));
    });
  }

  /** The far end (or the dialplan) refused: ;2 hangs up with that cause, ;1 follows with it. */
  private refuse(one: SimChannel, two: SimChannel, reject: { cause: number; text: string; dialstatus: string }, afterMs: number): void {
    one.later(afterMs, () => {
      this.event(one, 'ChannelHangupRequest', { cause: reject.cause }, true);
      if (reject.dialstatus) this.dial(one, reject.dialstatus, `${one.dialplan.exten}@${CONTEXT}`);
      this.destroy(one, reject.cause, reject.text);
      this.destroy(two, reject.cause, reject.text);
    });
  }

  private destroy(channel: SimChannel, cause: number, text: string): void {
    if (channel.hungUp) return;
    const model = this.sim.model;
    channel.hungUp = true;
    channel.clearTimers();
    model.media.channelGone(channel.id);
    this.event(channel, 'ChannelDestroyed', { cause, cause_txt: text }, true);
    model.cel(channel, 'HANGUP', { extra: { hangupcause: cause, hangupsource: '', dialstatus: '' } });
    model.cel(channel, 'CHAN_END');
    model.channels.delete(channel.id);
    if (![...model.channels.values()].some((c) => c.linkedid === channel.linkedid)) model.cel(channel, 'LINKEDID_END');
    const end = new Date();
    const seconds = (from: Date) => Math.max(0, Math.floor((end.getTime() - from.getTime()) / 1000));
    const { endOverride: _ignored, ...cdr } = channel.cdr;
    this.sim.cdr.write({
      ...cdr,
      channel: channel.name,
      start: cdrTime(channel.creationtime),
      answer: channel.answeredAt ? cdrTime(channel.answeredAt) : '',
      end: cdrTime(end),
      duration: seconds(channel.creationtime),
      billsec: channel.answeredAt ? seconds(channel.answeredAt) : 0,
      disposition: channel.answeredAt ? 'ANSWERED' : cause === 17 ? 'BUSY' : cause === 34 ? 'FAILED' : 'NO ANSWER',
      amaflags: 'DOCUMENTATION',
      uniqueid: channel.id,
    });
    for (const gone of channel.onGone) gone(cause);
  }

  private event(channel: SimChannel, type: string, extra: Record<string, unknown> = {}, extraFirst = false): void {
    this.sim.model.send(channel, null, type, { ...extra, channel: channelSnapshot(channel) }, extraFirst);
  }

  private setState(channel: SimChannel, state: SimChannel['state']): void {
    channel.state = state;
    this.event(channel, 'ChannelStateChange');
  }

  private varset(channel: SimChannel, variable: string, value: string): void {
    channel.vars.set(variable, value);
    this.event(channel, 'ChannelVarset', { variable, value }, true);
  }

  private dial(channel: SimChannel, dialstatus: string, dialstring: string): void {
    this.sim.model.send(channel, null, 'Dial', { dialstatus, forward: '', dialstring, peer: channelSnapshot(channel) });
  }
}

function parseCallerId(value: string | undefined): CallerId {
  if (!value) return { name: '', number: '' };
  const match = /^\s*(?:"([^"]*)"\s*)?<([^>]*)>\s*$/.exec(value);
  return match ? { name: match[1] ?? '', number: match[2]! } : { name: '', number: value.trim() };
}
