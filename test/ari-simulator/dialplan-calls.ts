// Calls that run entirely in Asterisk's dialplan, without Carillon's application: a phone or a
// trunk dials a number whose dialplan rings one or several endpoints together
// (`Dial(PJSIP/a&PJSIP/b,20)`, a ring-all group), optionally with a blind transfer by the phone
// that answered or an attended transfer by the caller. The simulator writes the CDR and CEL records Asterisk writes for them, so the
// call log can be tested on calls made while Carillon was stopped, and on what CDR alone gets
// wrong (the leg that answered, answered elsewhere, transfers, a caller who hangs up first).
// Applications subscribed to `endpoint:PJSIP` get the channel events real Asterisk 22 sends them
// for such a call (test/ari-simulator/traces/11-dialplan-calls.jsonl), without the dialplan's
// Gosub/Set steps and variables: ChannelCreated, Dial, ChannelConnectedLine, ChannelStateChange,
// ChannelHangupRequest, ChannelDestroyed, EndpointStateChange. A DELETE of either channel ends the call.
// A call nobody answered ends as the generated dialplan ends it (carillon-unanswered): busy 17,
// no answer 19, no phone registered 20; the caller's phone gets chan_pjsip's SIP answer for it.
import { randomUUID } from 'node:crypto';
import type { CallModel, SimBridge } from './call-model';
import { cdrTime, type CdrFields, type CdrLog } from './cdr';
import type { EndpointBehaviour } from './model-types';
import type { SimChannel } from './sim-channel';
import { sipResponseOf } from './sip-responses';

export interface DialplanCallOptions {
  /** The calling endpoint (a phone, or a trunk for an inbound call); its caller ID is the caller's. */
  from: string;
  /** What was dialled: a ring group, an extension, a DID. */
  exten: string;
  context?: string;
  /** Endpoints rung together; each answers as its behaviour says. */
  ring: string[];
  ringSeconds?: number;
  /** The caller hangs up this long after the answer (default 100 ms). */
  talkMs?: number;
  /** The caller hangs up after this long if nobody answered. */
  cancelAfterMs?: number;
  /** The phone that answered transfers the caller (blind) to `exten`, which rings `endpoint`. */
  blindTransfer?: { afterMs: number; exten: string; endpoint: string };
  /**
   * The caller calls `exten` (ringing `endpoint`, which answers at once) `afterMs` after the
   * answer, talks `consultMs` with it, and transfers the phone that answered to it (REFER with
   * Replaces); they talk `talkMs`, then the transferee hangs up.
   */
  attendedTransfer?: { afterMs: number; consultMs: number; exten: string; endpoint: string };
}

export interface DialplanCallResult {
  callerId: string;
  /** Endpoint of the phone that answered first, or null. */
  answeredBy: string | null;
  /** Endpoint of the transfer target when it answered. */
  transferAnsweredBy: string | null;
  dialstatus: 'ANSWER' | 'BUSY' | 'NOANSWER' | 'CANCEL' | 'CHANUNAVAIL';
  /** The final SIP response the calling phone got to its INVITE (200 when answered, 487 when it cancelled). */
  callerResponse: number;
}

interface Leg {
  channel: SimChannel;
  endedAt: Date | null;
  bridgedUntil: Date | null;
}

const REJECT_CAUSE: Record<number, number> = { 404: 1, 480: 19, 486: 17, 503: 34, 603: 21 };

export class DialplanCalls {
  constructor(
    private readonly model: CallModel,
    private readonly cdr: CdrLog,
  ) {}

  /** Starts the call; resolves once every channel of it is gone. */
  call(options: DialplanCallOptions): Promise<DialplanCallResult> {
    const model = this.model;
    const from = model.endpoints.get(options.from) ?? model.addEndpoint(options.from);
    const context = options.context ?? from.context;
    const dialData = `${options.ring.map((e) => `PJSIP/${e}`).join('&')},${options.ringSeconds ?? 20}`;
    const caller = model.create(model.newId(), `PJSIP/${from.resource}-${model.newSuffix()}`, 'pjsip', 'dialplan', { ...from.callerId });
    caller.writesOwnCdr = false;
    caller.state = 'Ring';
    caller.dialplan = { context, exten: options.exten, priority: 1, app_name: 'Dial', app_data: dialData };
    model.started(caller);
    const legs: Leg[] = [];
    let answered: Leg | null = null;
    let bridge: SimBridge | null = null;
    const result: DialplanCallResult = { callerId: caller.id, answeredBy: null, transferAnsweredBy: null, dialstatus: 'NOANSWER', callerResponse: 0 };
    let resolveDone: (r: DialplanCallResult) => void = () => undefined;
    const done = new Promise<DialplanCallResult>((resolve) => (resolveDone = resolve));

    /** Set while a transfer moves channels around: a leg or the caller going is no hang-up of the call then. */
    let transferring = false;
    const endLeg = (leg: Leg, cause: number, source: string) => {
      if (leg.channel.hungUp) return;
      leg.endedAt = new Date();
      model.destroy(leg.channel, cause, 'Normal Clearing', undefined, source);
    };
    const finish = (dialstatus: DialplanCallResult['dialstatus'], callerCause: number, callerSource: string) => {
      if (caller.hungUp) return;
      // The caller's BYE: Asterisk 22 publishes its hang-up request twice (trace 11, part A).
      if (callerSource === caller.name && answered) for (let i = 0; i < 2; i++) model.event(caller, 'ChannelHangupRequest', { cause: 16 }, true);
      result.dialstatus = dialstatus;
      if (!result.answeredBy) result.callerResponse = dialstatus === 'CANCEL' ? 487 : sipResponseOf(callerCause);
      for (const leg of legs) if (leg.channel.bridgeId) model.leaveBridgeOf(leg.channel);
      if (caller.bridgeId) model.leaveBridgeOf(caller);
      model.destroy(caller, callerCause, 'Normal Clearing', undefined, callerSource);
      for (const leg of legs) endLeg(leg, callerCause === 17 ? 17 : 16, callerSource);
      if (bridge) model.bridges.delete(bridge.id);
      this.writeCdrs(caller, options, legs, dialData);
      resolveDone(result);
    };
    /**
     * `DELETE /channels/{id}` on either channel (the dashboard's hang-up). Ringing, as real Asterisk
     * 22 does it when the caller is hung up (trace 11, part C): the caller's soft hang-up request,
     * Dial CANCEL, the caller's cause 16, then both destroyed, called side first. Answered: the hung-up channel's request, then Dial() ends the other side.
     */
    const hangUpFromAri = (target: Leg | null) => {
      if (caller.hungUp || transferring) return;
      const channel = target?.channel ?? caller;
      if (!answered) {
        model.event(channel, 'ChannelHangupRequest', { cause: 32, soft: true }, true);
        if (target) {
          // The called side alone: Dial() goes on with the others, or ends as nobody answered.
          endLeg(target, 16, '');
          return;
        }
        for (const leg of legs) if (!leg.channel.hungUp) model.dialEvent(leg.channel, 'CANCEL', '', caller);
        model.event(caller, 'ChannelHangupRequest', { cause: 16 }, true);
        for (const leg of legs) endLeg(leg, 16, '');
        finish('CANCEL', 16, '');
        return;
      }
      model.event(channel, 'ChannelHangupRequest', { cause: 32, soft: true }, true);
      finish('ANSWER', 16, '');
    };
    caller.dialplanHangup = () => hangUpFromAri(null);
    const ringLeg = (endpointName: string, onAnswer: (leg: Leg) => void): Leg | null => {
      const endpoint = model.endpoints.get(endpointName);
      if (!endpoint || !endpoint.registered) return null;
      const channel = model.create(model.newId(), `PJSIP/${endpoint.resource}-${model.newSuffix()}`, 'pjsip', 'dialplan', { ...endpoint.callerId });
      channel.writesOwnCdr = false;
      channel.linkedid = caller.linkedid;
      channel.dialplan = { context: endpoint.context, exten: 's', priority: 1, app_name: 'AppDial', app_data: '(Outgoing Line)' };
      model.started(channel);
      const leg: Leg = { channel, endedAt: null, bridgedUntil: null };
      legs.push(leg);
      channel.connected = { ...caller.caller };
      model.event(channel, 'ChannelConnectedLine');
      model.dialEvent(channel, '', `${endpoint.resource}`, caller);
      caller.connected = { ...endpoint.callerId };
      model.event(caller, 'ChannelConnectedLine');
      channel.dialplanHangup = () => hangUpFromAri(leg);
      const behaviour: EndpointBehaviour = endpoint.behaviour;
      if (behaviour.kind === 'answer' || behaviour.kind === 'noAnswer') {
        model.ringing(channel);
        model.dialEvent(channel, 'RINGING', '', caller);
      }
      if (behaviour.kind === 'busy') channel.later(behaviour.afterMs ?? 200, () => endLeg(leg, 17, channel.name));
      else if (behaviour.kind === 'reject') channel.later(behaviour.afterMs ?? 200, () => endLeg(leg, REJECT_CAUSE[behaviour.code] ?? 21, channel.name));
      else if (behaviour.kind === 'answer') channel.later(behaviour.answerAfterMs, () => onAnswer(leg));
      return leg;
    };
    const connect = (leg: Leg) => {
      bridge ??= { id: randomUUID(), name: '', app: null, channels: [], creationtime: new Date() };
      model.bridges.set(bridge.id, bridge);
      if (!caller.bridgeId) model.joinBridge(caller, bridge);
      model.joinBridge(leg.channel, bridge);
    };

    const ringing = options.ring.map((endpoint) =>
      ringLeg(endpoint, (leg) => {
        if (answered || caller.hungUp) return;
        answered = leg;
        result.answeredBy = endpoint;
        result.callerResponse = 200;
        caller.clearTimers();
        model.answered(leg.channel, { name: 'AppDial', data: '(Outgoing Line)' });
        model.dialEvent(leg.channel, 'ANSWER', '', caller);
        model.answered(caller, { name: 'Dial', data: dialData });
        leg.channel.dialplan = { ...leg.channel.dialplan, exten: '' };
        model.event(leg.channel, 'ChannelDialplan', { dialplan_app: 'AppDial', dialplan_app_data: '(Outgoing Line)' });
        // The other phones stop ringing: answered elsewhere (cause 26).
        for (const other of legs) if (other !== leg) endLeg(other, 26, '');
        connect(leg);
        const attended = options.attendedTransfer;
        if (attended) {
          caller.later(attended.afterMs, () => {
            transferring = true;
            this.attendedTransfer(caller, leg, bridge!, options, attended, result, resolveDone);
          });
          return;
        }
        const transfer = options.blindTransfer;
        if (!transfer) {
          caller.later(options.talkMs ?? 100, () => finish('ANSWER', 16, caller.name));
          return;
        }
        caller.later(transfer.afterMs, () => {
          transferring = true;
          model.cel(leg.channel, 'BLINDTRANSFER', {
            extra: { extension: transfer.exten, context: leg.channel.dialplan.context, bridge_id: bridge!.id, transferee_channel_name: caller.name, transferee_channel_uniqueid: caller.id },
          });
          leg.bridgedUntil = new Date();
          model.leaveBridgeOf(leg.channel);
          endLeg(leg, 16, leg.channel.name);
          caller.dialplan = { ...caller.dialplan, exten: transfer.exten, app_name: 'Dial', app_data: `PJSIP/${transfer.endpoint}` };
          const target = ringLeg(transfer.endpoint, (targetLeg) => {
            result.transferAnsweredBy = transfer.endpoint;
            model.answered(targetLeg.channel, { name: 'AppDial', data: '(Outgoing Line)' });
            connect(targetLeg);
            caller.later(options.talkMs ?? 100, () => finish('ANSWER', 16, caller.name));
          });
          if (!target) finish('ANSWER', 16, '');
          else caller.later((options.ringSeconds ?? 20) * 1000, () => finish('ANSWER', 16, ''));
        });
      }),
    );
    if (ringing.every((leg) => leg === null)) {
      setImmediate(() => finish('CHANUNAVAIL', 20, ''));
      return done;
    }
    // Every phone refused: Dial() returns at once with their status.
    const watch = setInterval(() => {
      if (caller.hungUp) return clearInterval(watch);
      if (!answered && legs.length > 0 && legs.every((l) => l.channel.hungUp)) {
        clearInterval(watch);
        const busy = legs.some((l) => l.endedAt && model.lastCause(l.channel) === 17);
        finish(busy ? 'BUSY' : 'NOANSWER', busy ? 17 : 19, 'dialplan/builtin');
      }
    }, 5);
    if (options.cancelAfterMs !== undefined) caller.later(options.cancelAfterMs, () => !answered && finish('CANCEL', 127, caller.name));
    caller.later((options.ringSeconds ?? 20) * 1000, () => {
      if (answered) return;
      for (const leg of legs) endLeg(leg, 19, '');
      finish('NOANSWER', 19, 'dialplan/builtin');
    });
    return done;
  }

  /**
   * As real Asterisk 22 does it (the attended-transfer trace in cel-traces.json): the
   * consultation call has its own linkedid; at the transfer the transferee leaves the first
   * bridge for the target's, the target takes the first call's linkedid, and both channels of the
   * transferer hang up (the consultation call ends with LINKEDID_END). CDR: one line per call up
   * to the transfer, then a line on the transferee's channel for its talk with the target.
   */
  private attendedTransfer(
    caller: SimChannel,
    transferee: Leg,
    bridge1: SimBridge,
    options: DialplanCallOptions,
    transfer: NonNullable<DialplanCallOptions['attendedTransfer']>,
    result: DialplanCallResult,
    done: (r: DialplanCallResult) => void,
  ): void {
    const model = this.model;
    const from = model.endpoints.get(options.from)!;
    const endpoint = model.endpoints.get(transfer.endpoint);
    const consultData = `PJSIP/${transfer.endpoint},20`;
    const second = model.create(model.newId(), `PJSIP/${from.resource}-${model.newSuffix()}`, 'pjsip', 'dialplan', { ...from.callerId });
    second.writesOwnCdr = false;
    second.dialplan = { context: caller.dialplan.context, exten: transfer.exten, priority: 1, app_name: 'Dial', app_data: consultData };
    model.started(second);
    if (!endpoint?.registered) throw new Error(`attended transfer to ${transfer.endpoint}: no such registered endpoint`);
    const target = model.create(model.newId(), `PJSIP/${endpoint.resource}-${model.newSuffix()}`, 'pjsip', 'dialplan', { ...endpoint.callerId });
    target.writesOwnCdr = false;
    target.linkedid = second.linkedid;
    target.dialplan = { context: endpoint.context, exten: 's', priority: 1, app_name: 'AppDial', app_data: '(Outgoing Line)' };
    model.started(target);
    model.answered(target, { name: 'AppDial', data: '(Outgoing Line)' });
    model.answered(second, { name: 'Dial', data: consultData });
    const bridge2: SimBridge = { id: randomUUID(), name: '', app: null, channels: [], creationtime: new Date() };
    model.bridges.set(bridge2.id, bridge2);
    model.joinBridge(target, bridge2);
    model.joinBridge(second, bridge2);
    second.later(transfer.consultMs, () => {
      const transferAt = new Date();
      transferee.bridgedUntil = transferAt;
      model.leaveBridgeOf(transferee.channel);
      model.leaveBridgeOf(second);
      model.joinBridge(transferee.channel, bridge2);
      model.leaveBridgeOf(caller);
      model.cel(caller, 'ATTENDEDTRANSFER', {
        extra: {
          bridge1_id: bridge1.id,
          channel2_name: second.name,
          channel2_uniqueid: second.id,
          bridge2_id: bridge2.id,
          transferee_channel_name: transferee.channel.name,
          transferee_channel_uniqueid: transferee.channel.id,
          transfer_target_channel_name: target.name,
          transfer_target_channel_uniqueid: target.id,
        },
      });
      model.bridges.delete(bridge1.id);
      model.destroy(caller, 16, 'Normal Clearing');
      model.destroy(second, 16, 'Normal Clearing');
      result.dialstatus = 'ANSWER';
      result.transferAnsweredBy = transfer.endpoint;
      // Transferred calls are not Dial() legs of the caller any more: its CDR line ends at the transfer.
      this.writeCdrs(caller, options, [transferee], `PJSIP/${options.ring.join('&PJSIP/')},${options.ringSeconds ?? 20}`);
      this.writeCdrs(second, { ...options, exten: transfer.exten }, [{ channel: target, endedAt: null, bridgedUntil: transferAt }], consultData);
      transferee.channel.later(options.talkMs ?? 100, () => {
        const source = transferee.channel.name;
        model.leaveBridgeOf(transferee.channel);
        model.leaveBridgeOf(target);
        model.bridges.delete(bridge2.id);
        model.destroy(transferee.channel, 16, 'Normal Clearing', undefined, source);
        model.destroy(target, 16, 'Normal Clearing', undefined, source);
        const end = new Date();
        const seconds = (a: Date, b: Date) => Math.max(0, Math.floor((b.getTime() - a.getTime()) / 1000));
        const t = transferee.channel;
        this.cdr.write({
          accountcode: '',
          src: t.caller.number,
          dst: '',
          dcontext: t.dialplan.context,
          clid: `"${t.caller.name}" <${t.caller.number}>`,
          channel: t.name,
          dstchannel: target.name,
          lastapp: 'AppDial',
          lastdata: '(Outgoing Line)',
          start: cdrTime(transferAt),
          answer: cdrTime(transferAt),
          end: cdrTime(end),
          duration: seconds(transferAt, end),
          billsec: seconds(transferAt, end),
          disposition: 'ANSWERED',
          amaflags: 'DOCUMENTATION',
          uniqueid: t.id,
          userfield: '',
        });
        done(result);
      });
    });
  }

  /** One CDR line per caller/callee pair, on the caller's uniqueid, as Asterisk writes for Dial(). */
  private writeCdrs(caller: SimChannel, options: DialplanCallOptions, legs: Leg[], dialData: string): void {
    const end = new Date();
    const seconds = (from: Date, to: Date) => Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));
    const base: Omit<CdrFields, 'dstchannel' | 'answer' | 'end' | 'duration' | 'billsec' | 'disposition'> = {
      accountcode: '',
      src: caller.caller.number,
      dst: options.exten,
      dcontext: caller.dialplan.context,
      clid: `"${caller.caller.name}" <${caller.caller.number}>`,
      channel: caller.name,
      lastapp: 'Dial',
      lastdata: dialData,
      start: cdrTime(caller.creationtime),
      amaflags: 'DOCUMENTATION',
      uniqueid: caller.id,
      userfield: '',
    };
    if (legs.length === 0) {
      this.cdr.write({ ...base, dstchannel: '', answer: '', end: cdrTime(end), duration: seconds(caller.creationtime, end), billsec: 0, disposition: 'NO ANSWER' });
      return;
    }
    for (const leg of legs) {
      const legEnd = leg.bridgedUntil ?? leg.endedAt ?? end;
      const cause = this.model.lastCause(leg.channel);
      const disposition: CdrFields['disposition'] = leg.channel.answeredAt ? 'ANSWERED' : cause === 17 ? 'BUSY' : 'NO ANSWER';
      this.cdr.write({
        ...base,
        dstchannel: leg.channel.name,
        answer: leg.channel.answeredAt ? cdrTime(leg.channel.answeredAt) : '',
        end: cdrTime(legEnd),
        duration: seconds(caller.creationtime, legEnd),
        billsec: leg.channel.answeredAt ? seconds(leg.channel.answeredAt, legEnd) : 0,
        disposition,
      });
    }
  }
}
