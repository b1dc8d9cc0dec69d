import type { CallChannel } from '../call-channel';
import type { CallEnded } from '../call-events';
import type { OriginateRequest } from '../telephony-service';

export type ClickToCallStatus = 'ringing_agent' | 'agent_answered' | 'dialing' | 'connected' | 'ended';

/**
 * How it ended. `cancelled`: ended on request (`hangup()`), or the user hung up while the number
 * was still ringing, before anyone was connected.
 */
export type ClickToCallOutcome = 'agent_no_answer' | 'agent_busy' | 'callee_busy' | 'callee_no_answer' | 'failed' | 'cancelled' | 'completed';

/** One status of a click-to-call: the API's answer and the `telephony.clickToCall` event payload. */
export interface ClickToCallView {
  id: string;
  status: ClickToCallStatus;
  /** Set once `ended`. */
  outcome: ClickToCallOutcome | null;
  /** Why it failed (hang-up cause, ARI error), when it did. */
  reason: string | null;
  /** The calling extension and its linked user. */
  extension: string;
  userId: number | null;
  /** Who asked for the call (a user of the API), when not the system. */
  requestedBy: number | null;
  /** The number as dialled through `from-internal`. */
  number: string;
  /** The caller ID the callee is sent when it was overridden; null: the extension's outbound caller ID. */
  callerIdOverride: string | null;
  /** ARI channel ids: the extension's leg (the call-log key of the call) and the callee's Local leg. */
  agentChannelId: string;
  calleeChannelId: string | null;
  startedAt: string;
  connectedAt: string | null;
  endedAt: string | null;
  /** When this status was reached. */
  at: string;
}

/** What plugins hold: the call's id, its statuses so far and the ones to come. */
export interface ClickToCall {
  readonly id: string;
  readonly current: ClickToCallView;
  /** Every status reached, oldest first. */
  readonly history: readonly ClickToCallView[];
  /** Called for each later status; returns a function that stops listening. */
  onStatus(listener: (view: ClickToCallView) => void): () => void;
  /** Resolves with the `ended` status. */
  readonly ended: Promise<ClickToCallView>;
  /** Ends the call whatever its state (both legs are hung up). */
  hangup(): Promise<void>;
}

export type SessionFacts = Pick<ClickToCallView, 'id' | 'extension' | 'userId' | 'requestedBy' | 'number' | 'callerIdOverride'>;

/**
 * One click-to-call as it goes. Statuses reached before `open()` (an answer can arrive before the
 * HTTP answer to the originate) are held back, so listeners and the event bus see them in order,
 * and not at all when the originate failed.
 */
export class ClickToCallSession implements ClickToCall {
  private readonly views: ClickToCallView[] = [];
  private readonly listeners = new Set<(view: ClickToCallView) => void>();
  private opened = false;
  private published = 0;
  private resolveEnded!: (view: ClickToCallView) => void;
  readonly ended: Promise<ClickToCallView>;
  /** The legs, for `hangup()`. */
  agent: CallChannel | null = null;
  /** Resolves when the extension's leg is over (set by `open`). */
  agentEnded: Promise<CallEnded> = new Promise(() => undefined);
  callee: CallChannel | null = null;
  /** `hangup()` was asked before the call was connected. */
  cancelRequested = false;
  endedAtMs: number | null = null;

  constructor(
    private readonly facts: SessionFacts,
    /** How the number is dialled once the user answered. */
    readonly calleeLeg: OriginateRequest,
    private readonly deps: {
      publish: (view: ClickToCallView) => void;
      hangupLegs: (session: ClickToCallSession) => Promise<void>;
      listenerFailed: (err: unknown) => void;
    },
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    const now = new Date().toISOString();
    this.views.push({ ...facts, status: 'ringing_agent', outcome: null, reason: null, agentChannelId: '', calleeChannelId: null, startedAt: now, connectedAt: null, endedAt: null, at: now });
  }

  get id(): string {
    return this.facts.id;
  }

  get current(): ClickToCallView {
    return this.views[this.views.length - 1]!;
  }

  get history(): readonly ClickToCallView[] {
    return this.views;
  }

  get status(): ClickToCallStatus {
    return this.current.status;
  }

  onStatus(listener: (view: ClickToCallView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  hangup(): Promise<void> {
    if (this.status === 'ended') return Promise.resolve();
    if (this.status !== 'connected') this.cancelRequested = true;
    return this.deps.hangupLegs(this);
  }

  /** The originate of the extension's leg was accepted: what happened so far goes out. */
  open(agent: CallChannel, agentEnded: Promise<CallEnded>): void {
    this.agent = agent;
    this.agentEnded = agentEnded;
    for (const view of this.views) view.agentChannelId = agent.id;
    this.opened = true;
    this.flush();
  }

  move(status: Exclude<ClickToCallStatus, 'ringing_agent' | 'ended'>, change: Partial<Pick<ClickToCallView, 'calleeChannelId' | 'connectedAt'>> = {}): void {
    if (this.status === 'ended') return;
    this.push({ ...this.current, ...change, status });
  }

  /** Ends it; any end short of `completed` after a `hangup()` request counts as `cancelled`. */
  finish(outcome: ClickToCallOutcome, reason: string | null = null): void {
    if (this.status === 'ended') return;
    if (this.cancelRequested && outcome !== 'completed') outcome = 'cancelled';
    const now = new Date();
    this.endedAtMs = now.getTime();
    this.push({ ...this.current, status: 'ended', outcome, reason, endedAt: now.toISOString() });
    this.resolveEnded(this.current);
  }

  private push(view: ClickToCallView): void {
    this.views.push({ ...view, at: new Date().toISOString() });
    this.flush();
  }

  private flush(): void {
    if (!this.opened) return;
    while (this.published < this.views.length) {
      const view = this.views[this.published++]!;
      this.deps.publish(view);
      for (const listener of this.listeners) {
        // A plugin's failing listener must not stop the call nor the other listeners.
        try {
          listener(view);
        } catch (err) {
          this.deps.listenerFailed(err);
        }
      }
    }
  }
}
