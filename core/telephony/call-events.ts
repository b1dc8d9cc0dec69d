/** What became of a call, with the same meaning as the CDR dispositions Asterisk writes. */
export type CallOutcome = 'answered' | 'busy' | 'no_answer' | 'cancelled' | 'failed';

export interface CallParty {
  name: string;
  number: string;
}

interface CallEventBase {
  /** The ARI channel id (the CDR `uniqueid`). */
  callId: string;
  /** Asterisk's clock, from the event timestamp. */
  at: Date;
}

export type CallEvent =
  | (CallEventBase & { type: 'started'; direction: 'inbound' | 'outbound'; channelName: string; caller: CallParty; endpoint: string | null })
  | (CallEventBase & { type: 'ringing' })
  | (CallEventBase & { type: 'answered' })
  | (CallEventBase & {
      type: 'ended';
      /** Q.850 cause; 0 when Asterisk does not know (a remote hang-up of an unbridged call). */
      cause: number;
      causeText: string;
      /** The SIP final response that ended it, when there was one. */
      techCause: number | null;
      outcome: CallOutcome;
      durationMs: number;
      talkMs: number;
    })
  /** The call left Carillon's application alive: it goes on in the dialplan. */
  | (CallEventBase & { type: 'left' });

export type CallEventType = CallEvent['type'];
export type CallEnded = Extract<CallEvent, { type: 'ended' }>;

const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  34: 'Circuit/channel congestion',
  127: 'Interworking, unspecified',
};

export function causeText(cause: number): string {
  return CAUSE_TEXT[cause] ?? `Cause ${cause}`;
}

/**
 * Mirrors the CDR disposition of the reference traces: busy (17), failed (34, congestion), and
 * no answer for the rest, except a hang-up before answer by either side (16 after the app's DELETE,
 * 127 after the caller's CANCEL), which the call log calls cancelled.
 */
export function outcomeOf(answered: boolean, cause: number): CallOutcome {
  if (answered) return 'answered';
  if (cause === 17) return 'busy';
  if (cause === 34) return 'failed';
  if (cause === 16 || cause === 127 || cause === 0) return 'cancelled';
  return 'no_answer';
}
