import type { CallLogService } from '../calls/call-log-service';
import type { CallRecord } from '../calls/call-models';
import type { CallDirection, CallStatus } from '../calls/call-status';
import type { EventBus, WebhookEventSpec } from '../events/bus';
import type { CallOutcome, CallParty } from '../telephony/call-events';
import type { TelephonyService } from '../telephony/telephony-service';

export const CALL_STARTED = 'call.started';
export const CALL_ANSWERED = 'call.answered';
export const CALL_ENDED = 'call.ended';
export const CALL_LOGGED = 'call.logged';

/** A call as the call log has it: every call, those handled in the dialplan too (from Asterisk's CDR and CEL). */
export interface LoggedCall {
  /** The call log's key (Asterisk's linkedid): the same call may be logged again with better data. */
  callKey: string;
  direction: CallDirection;
  status: CallStatus;
  callerNumber: string;
  callerName: string;
  destination: string;
  /** The extension reached (inbound, internal) and the calling one (outbound, internal). */
  extension: string | null;
  callerExtension: string | null;
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  talkSeconds: number;
  transferredTo: string | null;
}

/** What every call event says of the call, so a receiver needs no earlier event to use one. */
interface CallSummary {
  /** The ARI channel id (the CDR `uniqueid`). */
  callId: string;
  direction: 'inbound' | 'outbound';
  caller: CallParty;
  /** The endpoint dialled for calls Carillon placed (`PJSIP/101`), else null. */
  endpoint: string | null;
  startedAt: string;
}

declare module '../events/bus' {
  interface CarillonEvents {
    'call.started': CallSummary;
    'call.answered': CallSummary & { answeredAt: string };
    'call.ended': CallSummary & {
      answeredAt: string | null;
      endedAt: string;
      outcome: CallOutcome;
      /** Q.850 cause and its text; the SIP final response when there was one. */
      cause: number;
      causeText: string;
      sipCode: number | null;
      durationSeconds: number;
      talkSeconds: number;
    };
    'call.logged': LoggedCall;
  }
}

const EXAMPLE: CallSummary = {
  callId: '1765099512.42',
  direction: 'inbound',
  caller: { name: 'Ada Lovelace', number: '+33612345678' },
  endpoint: null,
  startedAt: '2026-12-07T09:25:12.104Z',
};

const LOGGED_EXAMPLE: LoggedCall = {
  callKey: '1765099512.42',
  direction: 'inbound',
  status: 'answered',
  callerNumber: '+33612345678',
  callerName: 'Ada Lovelace',
  destination: '201',
  extension: '201',
  callerExtension: null,
  startedAt: '2026-12-07T09:25:12.000Z',
  endedAt: '2026-12-07T09:29:03.000Z',
  durationSeconds: 231,
  talkSeconds: 224,
  transferredTo: null,
};

export const CALL_EVENTS: Array<{ name: string; permission: string | null; description: string; webhook: WebhookEventSpec }> = [
  {
    name: CALL_STARTED,
    permission: 'calls.read',
    description: 'A call reached Carillon (inbound) or Carillon placed one (outbound)',
    webhook: {
      description: { en: 'A call started: an inbound call reached Carillon, or Carillon placed a call.', fr: 'Un appel a commencé : un appel entrant est arrivé sur Carillon, ou Carillon a passé un appel.' },
      example: { ...EXAMPLE },
    },
  },
  {
    name: CALL_ANSWERED,
    permission: 'calls.read',
    description: 'A call was answered',
    webhook: {
      description: { en: 'A call was answered.', fr: 'Un appel a été décroché.' },
      example: { ...EXAMPLE, answeredAt: '2026-12-07T09:25:18.530Z' },
    },
  },
  {
    name: CALL_ENDED,
    permission: 'calls.read',
    description: 'A call ended, with its outcome',
    webhook: {
      description: {
        en: 'A call ended, with its outcome (answered, busy, no_answer, cancelled, failed), its cause and its durations.',
        fr: 'Un appel est terminé, avec son issue (answered, busy, no_answer, cancelled, failed), sa cause et ses durées.',
      },
      example: { ...EXAMPLE, answeredAt: '2026-12-07T09:25:18.530Z', endedAt: '2026-12-07T09:29:02.911Z', outcome: 'answered', cause: 16, causeText: 'Normal Clearing', sipCode: null, durationSeconds: 231, talkSeconds: 224 },
    },
  },
  {
    name: CALL_LOGGED,
    // Not pushed to browsers: a catch-up of the CDR file writes thousands at once (pages follow `calls.liveChanged`).
    permission: null,
    description: 'The call log wrote a call, or learnt more about it',
    webhook: {
      description: {
        en: 'A call was written to the call log, or updated with better data (every call, those handled in the dialplan too). The same callKey may come again: keep the latest.',
        fr: 'Un appel a été inscrit au journal des appels, ou mis à jour avec de meilleures données (tous les appels, y compris ceux traités par le plan de numérotation). Le même callKey peut revenir : gardez le plus récent.',
      },
      example: { ...LOGGED_EXAMPLE },
    },
  },
];

function loggedCall(row: CallRecord): LoggedCall {
  return {
    callKey: row.callKey,
    direction: row.direction,
    status: row.status,
    callerNumber: row.callerNumber,
    callerName: row.callerName,
    destination: row.destination,
    extension: row.extension,
    callerExtension: row.callerExtension,
    startedAt: row.startAt.toISOString(),
    endedAt: row.endAt.toISOString(),
    durationSeconds: row.durationSeconds,
    talkSeconds: row.talkSeconds,
    transferredTo: row.transferredTo ?? null,
  };
}

/** How many calls' last payload is remembered, so a write that changes nothing a receiver sees sends nothing. */
const REMEMBERED_CALLS = 5000;

/**
 * Publishes `call.logged` for each call the call log creates or changes. Sources describe a call
 * several times (live events, each CDR line, CEL): a payload identical to the last one sent for
 * that call is not sent again.
 */
export class CallLogPublisher {
  private readonly last = new Map<string, string>();
  private off: (() => void) | null = null;

  constructor(
    private readonly callLog: CallLogService,
    private readonly events: EventBus,
  ) {}

  start(): void {
    this.off ??= this.callLog.onWritten((rows) => {
      for (const row of rows) {
        const payload = loggedCall(row);
        const text = JSON.stringify(payload);
        if (this.last.get(payload.callKey) === text) continue;
        this.last.delete(payload.callKey);
        this.last.set(payload.callKey, text);
        if (this.last.size > REMEMBERED_CALLS) this.last.delete(this.last.keys().next().value!);
        this.events.publish(CALL_LOGGED, payload);
      }
    });
  }

  stop(): void {
    this.off?.();
    this.off = null;
  }
}

/**
 * Publishes the telephony's call events on the bus, where webhooks and plugins receive them. Each
 * carries the call's summary (kept here from `started` to `ended`, or `left` when the call goes on
 * in the dialplan).
 */
export class CallEventPublisher {
  private readonly calls = new Map<string, CallSummary & { answeredAt: string | null }>();
  private off: (() => void) | null = null;

  constructor(
    private readonly telephony: TelephonyService,
    private readonly events: EventBus,
  ) {}

  start(): void {
    this.off ??= this.telephony.onCall((event) => {
      switch (event.type) {
        case 'started': {
          const summary: CallSummary = { callId: event.callId, direction: event.direction, caller: { ...event.caller }, endpoint: event.endpoint, startedAt: event.at.toISOString() };
          this.calls.set(event.callId, { ...summary, answeredAt: null });
          this.events.publish(CALL_STARTED, summary);
          return;
        }
        case 'answered': {
          const call = this.calls.get(event.callId);
          if (!call || call.answeredAt) return;
          call.answeredAt = event.at.toISOString();
          const { answeredAt, ...summary } = call;
          this.events.publish(CALL_ANSWERED, { ...summary, answeredAt });
          return;
        }
        case 'ended': {
          const call = this.calls.get(event.callId);
          if (!call) return;
          this.calls.delete(event.callId);
          this.events.publish(CALL_ENDED, {
            ...call,
            endedAt: event.at.toISOString(),
            outcome: event.outcome,
            cause: event.cause,
            causeText: event.causeText,
            sipCode: event.techCause,
            durationSeconds: Math.round(event.durationMs / 1000),
            talkSeconds: Math.round(event.talkMs / 1000),
          });
          return;
        }
        case 'left':
          this.calls.delete(event.callId);
          return;
        default:
          return;
      }
    });
  }

  stop(): void {
    this.off?.();
    this.off = null;
    this.calls.clear();
  }
}
