import type { CallEnded } from './call-events';

/** Telephony is not configured, or Asterisk has not been reached yet. */
export class TelephonyUnavailableError extends Error {
  readonly code = 'telephony_unavailable';
  constructor(reason: string) {
    super(`Telephony is unavailable: ${reason}`);
    this.name = 'TelephonyUnavailableError';
  }
}

/** The channel left the application (hung up, or sent on in the dialplan) while a step waited on it. */
export class ChannelGoneError extends Error {
  readonly code = 'channel_gone';
  constructor(readonly channelId: string, what: string) {
    super(`Channel ${channelId} left while waiting for ${what}`);
    this.name = 'ChannelGoneError';
  }
}

/** A step waited longer than it allows. */
export class StepTimeoutError extends Error {
  readonly code = 'step_timeout';
  constructor(what: string, ms: number) {
    super(`No ${what} within ${ms} ms`);
    this.name = 'StepTimeoutError';
  }
}

/** An originated call ended before it was answered. */
export class CallNotAnsweredError extends Error {
  readonly code = 'call_not_answered';
  constructor(readonly ended: CallEnded) {
    super(`Call ${ended.callId} was not answered: ${ended.outcome} (${ended.cause} ${ended.causeText})`);
    this.name = 'CallNotAnsweredError';
  }
}
