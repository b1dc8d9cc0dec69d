import { LognormalFit } from '../stats/lognormal-fit';
import { SampleWindow } from '../stats/sample-window';
import type { AgentView, CallView, PacingObservation } from './types';

/**
 * What the predictive policy has learnt about this campaign from the calls it has seen: outcome
 * shares, ring, screening, talk and wrap-up durations. The priors are deliberately cautious
 * (a high answer rate and long talks both make the pacer under-dial) and are outweighed after a
 * few dozen calls.
 */
export class CallModel {
  private live = 10;
  private machine = 4;
  private failed = 6;
  private resolvedAttempts = 0;
  private readonly liveRing = new SampleWindow();
  private readonly machineRing = new SampleWindow();
  private readonly failedRing = new SampleWindow();
  private readonly liveScreening = new SampleWindow();
  private readonly machineScreening = new SampleWindow();
  private readonly talk = new LognormalFit(300, 150, 10);
  private readonly wrap = new SampleWindow(500);
  private talks = 0;

  observe(observation: PacingObservation): void {
    switch (observation.kind) {
      case 'ring-ended':
        this.resolvedAttempts++;
        if (observation.outcome === 'live') {
          this.live++;
          this.liveRing.add(observation.ringSeconds);
        } else if (observation.outcome === 'machine') {
          this.machine++;
          this.machineRing.add(observation.ringSeconds);
        } else {
          this.failed++;
          this.failedRing.add(observation.ringSeconds);
        }
        break;
      case 'screening-ended':
        (observation.outcome === 'live' ? this.liveScreening : this.machineScreening).add(observation.screeningSeconds);
        break;
      case 'talk-ended':
        this.talks++;
        this.talk.add(observation.talkSeconds);
        break;
      case 'wrap-ended':
        this.wrap.add(observation.wrapSeconds);
        break;
      case 'live-answer':
        break;
    }
  }

  /** Enough evidence to predict rather than fall back to one call per ready agent. */
  isWarm(minAttempts: number, minTalks: number): boolean {
    return (
      this.resolvedAttempts >= minAttempts &&
      this.talks >= minTalks &&
      this.liveRing.count > 0 &&
      this.liveScreening.count > 0 &&
      this.wrap.count > 0
    );
  }

  get liveShare(): number {
    return this.live / (this.live + this.machine + this.failed);
  }

  get machineShare(): number {
    return this.machine / (this.live + this.machine + this.failed);
  }

  /** Longest delay seen from dialling to a live person ready for an agent. */
  get longestLiveDelaySeconds(): number {
    return this.liveRing.count === 0 ? 0 : this.liveRing.max + this.greetingSeconds;
  }

  get meanTalkSeconds(): number {
    return this.talk.mean;
  }

  private get failedShare(): number {
    return this.failed / (this.live + this.machine + this.failed);
  }

  private get greetingSeconds(): number {
    return this.liveScreening.count === 0 ? 0 : this.liveScreening.mean;
  }

  /** P(a call placed now is a live person ready for an agent within s seconds). */
  newCallLiveWithin(s: number): number {
    return this.liveShare * this.liveRing.cdf(s - this.greetingSeconds);
  }

  /** P(this call in flight is a live person ready for an agent within s seconds from now). */
  callLiveWithin(call: CallView, s: number): number {
    if (call.state === 'waiting') return 1;
    if (call.state === 'screening') {
      const u = call.elapsedSeconds;
      const liveStill = this.liveShare * (1 - this.liveScreening.cdf(u));
      const machineStill = this.machineShare * (1 - this.machineScreening.cdf(u));
      const total = liveStill + machineStill;
      if (total <= 0) return 0;
      return (liveStill / total) * this.liveScreening.conditionalCdf(u, u + s);
    }
    const e = call.elapsedSeconds;
    const pl = this.liveShare;
    const liveUnresolved = pl * (1 - this.liveRing.cdf(e));
    const stillRinging =
      liveUnresolved + this.machineShare * (1 - this.machineRing.cdf(e)) + this.failedShare * (1 - this.failedRing.cdf(e));
    if (stillRinging <= 1e-9) return 0;
    const answersInTime = pl * (this.liveRing.cdf(e + s - this.greetingSeconds) - this.liveRing.cdf(e));
    return Math.max(0, answersInTime) / stillRinging;
  }

  /** P(this agent is ready for a call within s seconds from now). */
  agentFreeWithin(agent: AgentView, s: number): number {
    switch (agent.state) {
      case 'ready':
        return 1;
      case 'paused':
        return 0;
      case 'wrap-up':
        return this.wrap.conditionalCdf(agent.elapsedSeconds, agent.elapsedSeconds + s);
      case 'talking': {
        const talkBudget = s - this.wrap.mean;
        if (talkBudget <= 0) return 0;
        const a = agent.elapsedSeconds;
        return this.talk.conditionalCdf(a, a + talkBudget);
      }
    }
  }
}
