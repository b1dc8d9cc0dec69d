// The scriptable parts of the simulated Asterisk: endpoints, trunks, Local extensions, inbound calls.
import type { AnsweringMachineOption } from './answering-machine';

/** How a called phone or trunk number responds to an INVITE. */
export type EndpointBehaviour =
  /**
   * 180 at once, 200 after `answerAfterMs`; hangs up (BYE) `hangupAfterMs` after answering when set.
   * `answeringMachine`: what AMD() and TALK_DETECT see after the answer (answering-machine.ts).
   */
  | { kind: 'answer'; answerAfterMs: number; hangupAfterMs?: number; answeringMachine?: AnsweringMachineOption }
  /** 486 Busy Here after `afterMs`. */
  | { kind: 'busy'; afterMs?: number }
  /** Rings until the originate timeout. */
  | { kind: 'noAnswer' }
  /** A final response: 404, 480, 486, 503 or 603, after `afterMs`. */
  | { kind: 'reject'; code: 404 | 480 | 486 | 503 | 603; afterMs?: number };

export interface SimEndpointOptions {
  /** A phone that is not registered makes an originate fail with 500 Allocation failed. */
  registered?: boolean;
  context?: string;
  callerId?: { name: string; number: string };
  behaviour?: EndpointBehaviour;
  /** Trunk style: `PJSIP/<number>@<this endpoint>` asks this function. */
  numbers?: (number: string) => EndpointBehaviour;
}

export interface SimEndpoint {
  resource: string;
  registered: boolean;
  context: string;
  callerId: { name: string; number: string };
  behaviour: EndpointBehaviour;
  numbers?: (number: string) => EndpointBehaviour;
}

export interface InboundCallOptions {
  /** The calling phone's endpoint (its callerid becomes the channel's caller). */
  from: string;
  /** Dialled extension, run as `Stasis(<app>,<args>)` in `context`. */
  exten: string;
  context?: string;
  app: string;
  args?: string[];
  /** The caller CANCELs after this long if nobody answered. */
  cancelAfterMs?: number;
  /** The caller sends BYE this long after the answer. */
  hangupAfterMs?: number;
}

/** What the calling phone saw. */
export interface InboundCallResult {
  /** 200 when answered, 487 after its CANCEL, 603 when Stasis() had no application. */
  finalResponse: 200 | 487 | 603;
  stasisStatus: 'SUCCESS' | 'FAILED' | '';
}

export interface SimulatedSound {
  /** Playback length; `missing` makes the playback finish `failed` at once. */
  durationMs: number | 'missing';
}
