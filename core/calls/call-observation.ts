import type { CdrRecord } from './cdr-record';
import { nameOfClid } from './cdr-record';
import { parseUserfield } from './cdr-userfield';
import { statusFromDialplan, statusFromDisposition, type CallDirection, type StatusVerdict } from './call-status';

/** What one source (a CDR line, or live events of a call's channels) says about a call. */
export interface CallObservation {
  source: 'live' | 'cdr' | 'cel';
  /** The call's Asterisk linkedid when known, otherwise the channel's uniqueid. */
  callKey: string;
  /** Channel uniqueids of this call seen by the source. */
  legs: string[];
  /** CEL: the legs that carried the call's own linkedid (not those seen only in a call merged into it, such as an attended transfer's consultation call). */
  linkedLegs?: string[];
  startAt: Date;
  endAt: Date;
  /** CDR only: Asterisk's own duration, exact where start and end are whole seconds. */
  durationSeconds?: number;
  talkSeconds: number;
  callerNumber: string;
  callerName: string;
  destination: string;
  direction: CallDirection;
  /** True when direction and destination come from the dialplan's userfield (they then win). */
  dialplanDescribed: boolean;
  verdict: StatusVerdict;
  /** Where the call was transferred (blind: the number dialled; attended: the target's extension); CEL only. */
  transferredTo?: string | null;
  /** CEL: `destination` is the extension whose phone answered (it then replaces what the CDR dialled). */
  destinationReached?: boolean;
}

/** `PJSIP/2001` → 2001, `PJSIP/0611111111@trunk` → 0611111111, `PJSIP/2001-0000001f` (a channel name) → 2001. */
export function numberOfEndpoint(endpoint: string, isChannelName = false): string {
  const slash = endpoint.indexOf('/');
  let resource = slash >= 0 ? endpoint.slice(slash + 1) : endpoint;
  if (isChannelName) resource = resource.replace(/-[0-9a-f]{8}(;\d)?$/, '');
  const at = resource.indexOf('@');
  return at >= 0 ? resource.slice(0, at) : resource;
}

/**
 * A CDR line as an observation, or null for lines that are not calls of their own: Snoop
 * channels (supervision) and the second half of a Local pair (the first half stands for the
 * call) unless it ran Carillon's dialplan: a number dialled as `Local/<n>@from-internal` (click
 * to call, callbacks) carries the dialplan's verdict on that half only.
 */
export function observationFromCdr(record: CdrRecord): CallObservation | null {
  const dialplan = parseUserfield(record.userfield);
  if (record.channel.startsWith('Snoop/') || (/^Local\/.*;2$/.test(record.channel) && !dialplan)) return null;
  const dialplanStatus = dialplan ? statusFromDialplan(dialplan.dialstatus, dialplan.hint) : null;
  const originated = record.lastapp === 'AppDial2' || record.channel.startsWith('Local/');
  let destination = dialplan?.to ?? '';
  if (!destination) destination = record.dst && record.dst !== 's' ? record.dst : originated ? numberOfEndpoint(record.channel, true) : '';
  return {
    source: 'cdr',
    callKey: dialplan?.linkedid ?? record.uniqueid,
    legs: [record.uniqueid],
    startAt: record.start,
    endAt: record.end,
    durationSeconds: record.duration,
    talkSeconds: record.billsec,
    callerNumber: record.src,
    callerName: nameOfClid(record.clid),
    destination,
    direction: dialplan?.direction ?? (originated ? 'outbound' : 'inbound'),
    dialplanDescribed: !!dialplan?.direction,
    verdict: dialplanStatus ? { status: dialplanStatus, origin: 'userfield' } : { status: statusFromDisposition(record.disposition), origin: 'cdr' },
  };
}
