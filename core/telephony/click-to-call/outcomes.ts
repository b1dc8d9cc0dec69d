import { statusFromLiveEnd } from '../../calls/call-status';
import type { CallEnded } from '../call-events';
import type { ClickToCallOutcome } from './click-to-call-session';

/** Read with the call log's own rules (`statusFromLiveEnd`), so both name a call's end alike. */
export function agentOutcome(ended: CallEnded): ClickToCallOutcome {
  switch (statusFromLiveEnd(ended)) {
    case 'busy':
      return 'agent_busy';
    case 'failed':
      return 'failed';
    default:
      // Ring timeout, declined, unreachable phone: the user did not take the call.
      return 'agent_no_answer';
  }
}

export function calleeOutcome(ended: CallEnded): ClickToCallOutcome {
  switch (statusFromLiveEnd(ended)) {
    case 'busy':
      return 'callee_busy';
    case 'failed':
    case 'unavailable':
      // No route, a refused or unallocated number, every trunk down or full.
      return 'failed';
    default:
      return 'callee_no_answer';
  }
}

export function describeEnd(ended: CallEnded): string {
  return `${ended.causeText} (cause ${ended.cause}${ended.techCause ? `, SIP ${ended.techCause}` : ''})`;
}
