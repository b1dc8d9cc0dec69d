import type { CallBridge, CallChannel, CollectDigitsOptions } from './call-channel';
import type { OriginateRequest, Telephony } from './telephony-service';

/** What a step works on: the channel that entered the application and the route's arguments. */
export interface CallContext {
  readonly channel: CallChannel;
  /** `Stasis(carillon,<route>,<args…>)`: the arguments after the route. */
  readonly args: string[];
  readonly telephony: Telephony;
}

/** A small piece of call logic; call flows are sequences of steps. */
export type CallStep<T = void> = (call: CallContext) => Promise<T>;

export const answer = (): CallStep => (call) => call.channel.answer();

export const ring = (): CallStep => (call) => call.channel.ring();

export const play =
  (...media: string[]): CallStep =>
  async (call) => {
    for (const item of media) await call.channel.play(item);
  };

export const collectDigits =
  (options: CollectDigitsOptions): CallStep<string> =>
  (call) =>
    call.channel.collectDigits(options);

/** Originates a call and resolves with its channel once answered (rejects with the outcome otherwise). */
export const dial =
  (request: OriginateRequest): CallStep<CallChannel> =>
  async (call) =>
    (await call.telephony.originate(request)).answered;

/** Dials with `peer`, then bridges it with the current channel. */
export const bridgeWith =
  (peer: CallStep<CallChannel>): CallStep<CallBridge> =>
  async (call) => {
    const other = await peer(call);
    const bridge = await call.telephony.createBridge();
    await bridge.add(call.channel, other);
    return bridge;
  };

export const hangup = (): CallStep => (call) => call.channel.hangup();

/** Plays a prompt, reads one digit and runs the matching step; `otherwise` when none or unknown. */
export const menu =
  (prompt: string, choices: Record<string, CallStep<unknown>>, otherwise: CallStep<unknown>, options: { timeoutMs: number } = { timeoutMs: 5000 }): CallStep =>
  async (call) => {
    await call.channel.play(prompt);
    const digit = await call.channel.collectDigits({ max: 1, timeoutMs: options.timeoutMs, terminator: '' });
    await (choices[digit] ?? otherwise)(call);
  };

/** Runs steps one after the other. */
export const sequence =
  (...steps: Array<CallStep<unknown>>): CallStep =>
  async (call) => {
    for (const step of steps) await step(call);
  };
