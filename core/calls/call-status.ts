import type { CallEnded } from '../telephony/call-events';

/** A call's status as users know it (seed 000: Répondu, Pas de réponse, Fermé, Poste indisponible, Annulé), plus busy and failed. */
export const CALL_STATUSES = ['answered', 'no_answer', 'closed', 'unavailable', 'cancelled', 'busy', 'failed'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export const CALL_DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/**
 * Where a status came from, strongest first: the dialplan's own verdict in the CDR userfield,
 * CEL (who hung up, each leg's cause, answered elsewhere), the CDR disposition, live ARI events.
 * A weaker origin never overrides a stronger one, except that live causes refine the CDR's
 * catch-all "NO ANSWER" (cancelled, unavailable…).
 */
export type StatusOrigin = 'userfield' | 'cel' | 'cdr' | 'live';

export interface StatusVerdict {
  status: CallStatus;
  origin: StatusOrigin;
}

const DIALSTATUS: Record<string, CallStatus> = {
  ANSWER: 'answered',
  BUSY: 'busy',
  NOANSWER: 'no_answer',
  CANCEL: 'cancelled',
  CHANUNAVAIL: 'unavailable',
  CONGESTION: 'failed',
};

/** The generated dialplan's verdict: the opening-hours or DND hint first, then Dial()'s DIALSTATUS. */
export function statusFromDialplan(dialstatus: string, hint: string): CallStatus | null {
  if (hint === 'closed') return 'closed';
  if (hint === 'dnd') return 'unavailable';
  return DIALSTATUS[dialstatus.toUpperCase()] ?? null;
}

/** cdr_csv dispositions (a cancel counts as NO ANSWER unless `canceldispositionenabled`). */
export function statusFromDisposition(disposition: string): CallStatus {
  switch (disposition) {
    case 'ANSWERED':
      return 'answered';
    case 'BUSY':
      return 'busy';
    case 'FAILED':
    case 'CONGESTION':
      return 'failed';
    default:
      return 'no_answer';
  }
}

/**
 * A live call's end, by Q.850 cause when it was not answered: 17 busy; 34/38 (congestion, network
 * out of order) and 1 (unallocated number) failed; 20 (subscriber absent) and 27 (destination out
 * of order) unavailable; 18/19/21 no answer; 16, 127 and 0 mean a side hung up before the answer
 * (the app's DELETE, the caller's CANCEL): cancelled.
 */
export function statusFromLiveEnd(ended: Pick<CallEnded, 'outcome' | 'cause'>): CallStatus {
  if (ended.outcome === 'answered') return 'answered';
  switch (ended.cause) {
    case 17:
      return 'busy';
    case 1:
    case 34:
    case 38:
      return 'failed';
    case 20:
    case 27:
      return 'unavailable';
    case 16:
    case 127:
    case 0:
      return 'cancelled';
    default:
      return 'no_answer';
  }
}

const RANK: Record<StatusOrigin, number> = { userfield: 4, cel: 3, cdr: 2, live: 1 };

/**
 * Combines what two sources (or two CDR lines of one call) say. Idempotent and order-free
 * enough that re-reading a CDR file never changes a settled row.
 */
export function mergeStatus(current: StatusVerdict, incoming: StatusVerdict): StatusVerdict {
  if (current.origin === incoming.origin) {
    // Several lines of one call: one answered leg makes the call answered.
    if (current.status === 'answered' || incoming.status === 'answered') return { status: 'answered', origin: current.origin };
    return incoming;
  }
  const [strong, weak] = RANK[current.origin] > RANK[incoming.origin] ? [current, incoming] : [incoming, current];
  // The CDR says NO ANSWER for timeouts, cancels and rejections alike; live causes tell them apart.
  if (strong.origin === 'cdr' && weak.origin === 'live' && strong.status === 'no_answer' && weak.status !== 'answered') return { status: weak.status, origin: 'cdr' };
  return strong;
}
