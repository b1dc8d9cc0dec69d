import type { CallObservation } from './call-observation';
import { numberOfEndpoint } from './call-observation';
import { statusFromLiveEnd, type CallStatus } from './call-status';
import type { CelEvent } from './cel-record';
import { outcomeOf } from '../telephony/call-events';

/** The events of one call (final linkedid), channels that joined it from another linkedid included. */
export interface CelCall {
  linkedid: string;
  events: CelEvent[];
  /** Asterisk stopped (crashed) before the call ended: it is closed with what its records say. */
  interrupted?: boolean;
}

/** A line of a call still going on, kept so that it can be carried in the saved position. */
interface CallLine {
  /** Byte offset in the file being read; BEFORE_FILE when it came from a rotated file or a saved position. */
  offset: number;
  /** Order of arrival, across calls (a restart hands the lines in again in this order). */
  order: number;
  text: string;
}

interface PendingCall {
  linkedid: string;
  events: CelEvent[];
  lines: CallLine[];
  channels: Set<string>;
  ended: Set<string>;
  /** Byte offset of the call's first line in the CEL file (BEFORE_FILE when it is not in it): reading must restart there if Carillon stops before the call ends. */
  firstOffset: number;
  lastEventAt: number;
}

/** A line that is not in the file being read (it was in the rotated file, or carried by the saved position). */
const BEFORE_FILE = -1;
/** A call whose LINKEDID_END never came (Asterisk crashed, lines lost) is dropped after this long without events. */
const ABANDON_AFTER_MS = 6 * 3600_000;
/** An unfinished call holds the saved position at its first line only this far back; further, its lines are carried instead. */
const MAX_PIN_BYTES = 4 * 1024 * 1024;
/** Bytes of carried lines (as JSON) the saved position may hold: the `settings` value is a TEXT (64 kB on MariaDB). */
const MAX_CARRIED_BYTES = 48 * 1024;

/** `1795259702.100679` (or `<systemname>-1795259702.100679`): the second Asterisk made the channel, and its channel counter. Null for ids an ARI client chose. */
function channelSerial(uniqueid: string): { second: number; serial: number } | null {
  const match = /(?:^|-)(\d{9,11})\.(\d+)$/.exec(uniqueid);
  return match ? { second: Number(match[1]), serial: Number(match[2]) } : null;
}

/**
 * Groups CEL events into calls. Asterisk ends a call with LINKEDID_END once its last channel is
 * gone; a channel bridged into an older call changes linkedid (its own LINKEDID_END comes while
 * it is still up, as the 04-inbound-bridge trace shows), so its events so far move to that call.
 *
 * A crash of Asterisk writes no LINKEDID_END for the calls it had. Asterisk numbers its channels
 * from 0 again at each start (uniqueid `<second>.<counter>`): within one run a channel made later
 * has a higher counter, so a channel with a lower counter made in a later second is a new run,
 * and the calls with no event since that second are over. They are closed with what is known.
 */
export class CelCallAssembler {
  private readonly pending = new Map<string, PendingCall>();
  private readonly callOfChannel = new Map<string, string>();
  /** The highest channel counter seen in the current Asterisk run. */
  private newestChannel: { second: number; serial: number } | null = null;
  private arrivals = 0;
  /** Calls that did not fit in the last saved position (see resumeAt). */
  uncarried = 0;

  /** Adds one event read from `line` at `offset`; returns the calls it completed (or found interrupted by a restart of Asterisk). */
  add(event: CelEvent, offset: number, line = ''): CelCall[] {
    const finished = this.noticeRestart(event);
    let call = this.pending.get(event.linkedid);
    if (!call) {
      call = { linkedid: event.linkedid, events: [], lines: [], channels: new Set(), ended: new Set(), firstOffset: offset, lastEventAt: 0 };
      this.pending.set(event.linkedid, call);
    }
    const previous = this.callOfChannel.get(event.uniqueid);
    if (previous !== undefined && previous !== event.linkedid) this.moveInto(previous, call);
    this.callOfChannel.set(event.uniqueid, event.linkedid);
    call.events.push(event);
    call.lines.push({ offset, order: this.arrivals++, text: line });
    call.channels.add(event.uniqueid);
    call.lastEventAt = Math.max(call.lastEventAt, event.eventtime.getTime());
    if (event.eventtype === 'CHAN_END') call.ended.add(event.uniqueid);
    // The call is over once every channel of it is gone.
    if (event.eventtype === 'LINKEDID_END' && [...call.channels].every((c) => call.ended.has(c))) {
      this.forget(call);
      finished.push({ linkedid: call.linkedid, events: call.events });
    }
    return finished;
  }

  /** Asterisk (re)started at `instant`: calls with no event since are over; returns them, marked interrupted. */
  private closeBefore(instant: number): CelCall[] {
    const closed: CelCall[] = [];
    for (const call of [...this.pending.values()]) {
      if (call.lastEventAt >= instant) continue;
      this.forget(call);
      closed.push({ linkedid: call.linkedid, events: call.events, interrupted: true });
    }
    return closed;
  }

  private noticeRestart(event: CelEvent): CelCall[] {
    const channel = channelSerial(event.uniqueid);
    if (!channel) return [];
    const newest = this.newestChannel;
    if (newest && channel.serial < newest.serial && channel.second > newest.second) {
      this.newestChannel = channel;
      return this.closeBefore(channel.second * 1000);
    }
    if (!newest || channel.serial > newest.serial) this.newestChannel = channel;
    return [];
  }

  private forget(call: PendingCall): void {
    this.pending.delete(call.linkedid);
    for (const channel of call.channels) if (this.callOfChannel.get(channel) === call.linkedid) this.callOfChannel.delete(channel);
  }

  private moveInto(from: string, into: PendingCall): void {
    const moved = this.pending.get(from);
    if (!moved || moved === into) return;
    this.pending.delete(from);
    into.events.unshift(...moved.events);
    into.events.sort((a, b) => a.eventtime.getTime() - b.eventtime.getTime());
    into.lines = [...moved.lines, ...into.lines].sort((a, b) => a.order - b.order);
    for (const channel of moved.channels) {
      into.channels.add(channel);
      this.callOfChannel.set(channel, into.linkedid);
    }
    for (const channel of moved.ended) into.ended.add(channel);
    into.firstOffset = Math.min(into.firstOffset, moved.firstOffset);
  }

  /**
   * Where a later start must resume reading once everything before `readUpTo` was added, and the
   * lines it must be handed first. An unfinished call holds the position at its first line, so
   * that a restart reads it whole; but not further back than MAX_PIN_BYTES, nor into a rotated
   * file: such a call's lines before the position are carried instead (within MAX_CARRIED_BYTES,
   * the most recent calls first; `uncarried` counts those left out, which the CDR still logs).
   */
  resumeAt(readUpTo: number): { offset: number; carried: string[] } {
    let offset = readUpTo;
    for (const call of this.pending.values()) if (call.firstOffset !== BEFORE_FILE && call.firstOffset >= readUpTo - MAX_PIN_BYTES) offset = Math.min(offset, call.firstOffset);
    const lines: CallLine[] = [];
    let bytes = 0;
    this.uncarried = 0;
    for (const call of [...this.pending.values()].filter((c) => c.firstOffset < offset).sort((a, b) => b.lastEventAt - a.lastEventAt)) {
      const before = call.lines.filter((l) => l.offset < offset);
      const size = before.reduce((n, l) => n + Buffer.byteLength(JSON.stringify(l.text)) + 1, 0);
      if (bytes + size > MAX_CARRIED_BYTES) {
        this.uncarried++;
        continue;
      }
      bytes += size;
      lines.push(...before);
    }
    return { offset, carried: lines.sort((a, b) => a.order - b.order).map((l) => l.text) };
  }

  /** Drops calls with no event for ABANDON_AFTER_MS before `now` (CEL time); returns how many. */
  abandonStale(now: number): number {
    let dropped = 0;
    for (const call of [...this.pending.values()]) {
      if (now - call.lastEventAt < ABANDON_AFTER_MS) continue;
      this.forget(call);
      dropped++;
    }
    return dropped;
  }

  /** Unfinished calls continue in another file (rotation): their lines so far are no longer in the file read. */
  rotated(): void {
    for (const call of this.pending.values()) {
      call.firstOffset = BEFORE_FILE;
      for (const line of call.lines) line.offset = BEFORE_FILE;
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}

interface ChannelStory {
  uniqueid: string;
  name: string;
  num: string;
  callerName: string;
  exten: string;
  startAt: Date | null;
  answeredAt: Date | null;
  hangupCause: number | null;
  hangupSource: string;
  apps: Set<string>;
}

/** Maps a channel name to the extension number of its endpoint, when it is an extension's phone. */
export type ExtensionOfChannel = (channelName: string) => string | null;

const ANSWERED_ELSEWHERE = 26;

/** The other half of a Local pair (`…;1` ↔ `…;2`). */
const localPartner = (name: string) => (/;1$/.test(name) ? name.replace(/;1$/, ';2') : /;2$/.test(name) ? name.replace(/;2$/, ';1') : null);

/** Which status a callee leg's end gives the call, most telling first when several legs rang. */
const LEG_STATUS_ORDER: CallStatus[] = ['busy', 'unavailable', 'failed', 'no_answer', 'cancelled'];

/** An unanswered leg's end, by Q.850 cause, as live events read it. */
function causeStatus(cause: number): CallStatus {
  return statusFromLiveEnd({ outcome: outcomeOf(false, cause), cause });
}

/**
 * What CEL says about a finished call, or null for calls that are not calls of their own
 * (supervision through Snoop channels) and for an incomplete group (its first events were read
 * in an earlier pass: the call was already recorded then).
 *
 * What CEL adds to the CDR: a caller who hung up while it rang is `cancelled` (the CDR says NO
 * ANSWER); legs of a ring-all group ended because another phone answered (cause 26) are not
 * missed calls, and the extension that answered is the destination; talk time counts only the
 * time two parties were bridged (an application that answers, plays a prompt and then connects
 * a phone does not count its prompt); and blind or attended transfers name where the call went.
 */
export function observationFromCel(call: CelCall, extensionOf: ExtensionOfChannel): CallObservation | null {
  const stories = new Map<string, ChannelStory>();
  const story = (e: CelEvent) => {
    let s = stories.get(e.uniqueid);
    if (!s) {
      s = { uniqueid: e.uniqueid, name: e.channame, num: e.num, callerName: e.name, exten: e.exten, startAt: null, answeredAt: null, hangupCause: null, hangupSource: '', apps: new Set() };
      stories.set(e.uniqueid, s);
    }
    return s;
  };
  const events = [...call.events].sort((a, b) => a.eventtime.getTime() - b.eventtime.getTime());
  let transferredTo: string | null = null;
  // Talk time: the union of the intervals during which some bridge held two channels of the call.
  const bridgeMembers = new Map<string, Set<string>>();
  let talkingSince: number | null = null;
  let talkMs = 0;
  const talkingBridges = () => [...bridgeMembers.values()].filter((m) => m.size >= 2).length;
  for (const e of events) {
    const s = story(e);
    if (e.appname) s.apps.add(e.appname);
    switch (e.eventtype) {
      case 'CHAN_START':
        s.startAt = e.eventtime;
        s.name = e.channame;
        s.num = e.num;
        s.callerName = e.name;
        s.exten = e.exten;
        break;
      case 'ANSWER':
        s.answeredAt ??= e.eventtime;
        break;
      case 'HANGUP':
        s.hangupCause = typeof e.extra.hangupcause === 'number' ? e.extra.hangupcause : Number(e.extra.hangupcause ?? NaN);
        if (Number.isNaN(s.hangupCause)) s.hangupCause = null;
        s.hangupSource = typeof e.extra.hangupsource === 'string' ? e.extra.hangupsource : '';
        break;
      case 'BRIDGE_ENTER':
      case 'BRIDGE_EXIT': {
        const bridgeId = typeof e.extra.bridge_id === 'string' ? e.extra.bridge_id : '';
        if (!bridgeId || e.channame.startsWith('Snoop/')) break;
        const before = talkingBridges();
        const members = bridgeMembers.get(bridgeId) ?? new Set<string>();
        if (e.eventtype === 'BRIDGE_ENTER') members.add(e.uniqueid);
        else members.delete(e.uniqueid);
        bridgeMembers.set(bridgeId, members);
        const after = talkingBridges();
        if (before === 0 && after > 0) talkingSince = e.eventtime.getTime();
        if (before > 0 && after === 0 && talkingSince !== null) {
          talkMs += e.eventtime.getTime() - talkingSince;
          talkingSince = null;
        }
        break;
      }
      case 'BLINDTRANSFER':
        if (typeof e.extra.extension === 'string' && e.extra.extension) transferredTo = e.extra.extension;
        break;
      case 'ATTENDEDTRANSFER': {
        const target = [e.extra.transfer_target_channel_name, e.extra.channel2_name].find((n): n is string => typeof n === 'string' && n !== '' && n !== 'N/A');
        if (target) transferredTo = extensionOf(target) ?? numberOfEndpoint(target, true);
        break;
      }
    }
  }
  const caller = stories.get(call.linkedid);
  if (!caller?.startAt || caller.name.startsWith('Snoop/')) return null;
  const endAt = events[events.length - 1]!.eventtime;
  if (talkingSince !== null) talkMs += endAt.getTime() - talkingSince;

  const ownHalf = localPartner(caller.name);
  const callees = [...stories.values()].filter((s) => s !== caller && s.name !== ownHalf && !s.name.startsWith('Snoop/'));
  const originated = caller.apps.has('AppDial2') || caller.name.startsWith('Local/');
  const answered = caller.answeredAt !== null;
  if (talkMs === 0 && bridgeMembers.size === 0 && answered && caller.answeredAt) talkMs = endAt.getTime() - caller.answeredAt.getTime();

  let status: CallStatus;
  // Legs that stopped ringing because another phone answered say nothing about this call.
  const legStatuses = callees.filter((s) => s.hangupCause !== null && s.hangupCause !== ANSWERED_ELSEWHERE && !s.answeredAt).map((s) => causeStatus(s.hangupCause!));
  const legStatus = LEG_STATUS_ORDER.find((st) => legStatuses.includes(st));
  if (answered) status = 'answered';
  else if (caller.hangupSource === caller.name && !originated) status = 'cancelled';
  else if (legStatus) status = legStatus;
  // Asterisk stopped while it rang.
  else if (call.interrupted) status = 'failed';
  // The dialplan ended a call that rang nobody (Stasis() without its application, for one).
  else if (caller.hangupSource === 'dialplan/builtin') status = 'failed';
  else status = causeStatus(caller.hangupCause ?? 16);

  // Who was reached: the extension whose phone answered (a ring-all group, an application that connected a phone), else what was dialled.
  const answeredBy = callees.find((s) => s.answeredAt && s.hangupCause !== ANSWERED_ELSEWHERE);
  const answeredExtension = answeredBy ? extensionOf(answeredBy.name) : null;
  let destination: string;
  if (originated) destination = extensionOf(caller.name) ?? numberOfEndpoint(caller.name, true);
  else destination = answeredExtension ?? (caller.exten && caller.exten !== 's' ? caller.exten : answeredBy ? numberOfEndpoint(answeredBy.name, true) : '');

  return {
    source: 'cel',
    callKey: call.linkedid,
    legs: [...stories.keys()],
    linkedLegs: [...new Set(events.filter((e) => e.linkedid === call.linkedid).map((e) => e.uniqueid))],
    startAt: caller.startAt,
    endAt,
    talkSeconds: Math.max(0, Math.round(talkMs / 1000)),
    callerNumber: caller.num,
    callerName: caller.callerName,
    destination,
    direction: originated ? 'outbound' : 'inbound',
    dialplanDescribed: false,
    verdict: { status, origin: 'cel' },
    transferredTo,
    destinationReached: !originated && answeredExtension !== null,
  };
}
