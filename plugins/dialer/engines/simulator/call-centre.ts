import { isAbandoned } from '../stats/abandon-accounting';
import type { AgentView, CallView, PacingPolicy } from '../pacing/types';
import { EventQueue } from './event-queue';
import { SeededRandom } from './prng';
import type { CallCentreScenario } from './scenario';

export interface SimulationResult {
  readonly policy: string;
  readonly seed: number;
  /** Agent-seconds after the warm-up. */
  readonly measuredAgentSeconds: number;
  readonly talkSeconds: number;
  readonly wrapSeconds: number;
  readonly talkMinutesPerAgentHour: number;
  /** (talk + wrap-up) / measured agent time. */
  readonly occupancy: number;
  readonly attempts: number;
  readonly liveAnswers: number;
  readonly abandoned: number;
  readonly amdFalsePositives: number;
  /** Over the whole shift (one regulatory window: the shift is shorter than 24 h). */
  readonly abandonRate: number;
  /** Cumulative abandon rate at the end of each hour of the shift. */
  readonly hourlyCumulativeAbandonRates: readonly number[];
}

type CallKind = 'live' | 'machine' | 'failed';
interface Call {
  readonly id: number;
  readonly kind: CallKind;
  readonly placedAt: number;
  state: 'ringing' | 'screening' | 'waiting' | 'closing';
  answeredAt: number;
  greetingEndedAt: number;
}
type Agent =
  | { state: 'ready'; since: number }
  | { state: 'talking'; since: number }
  | { state: 'wrap-up'; since: number };
type SimEvent =
  | { type: 'tick' }
  | { type: 'ring-end'; call: Call }
  | { type: 'screening-end'; call: Call }
  | { type: 'grace-end'; call: Call }
  | { type: 'line-free'; call: Call }
  | { type: 'talk-end'; agent: number; machine: boolean }
  | { type: 'wrap-end'; agent: number };

/**
 * Discrete-event simulation of one shift of an outbound campaign driven by a pacing policy.
 * Deterministic for a given seed: one seeded random stream, and simultaneous events run in the
 * order they were scheduled.
 */
export function simulateShift(scenario: CallCentreScenario, policy: PacingPolicy, seed: number): SimulationResult {
  return new CallCentreRun(scenario, policy, seed).run();
}

class CallCentreRun {
  private readonly random: SeededRandom;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly agents: Agent[];
  private readonly calls = new Map<number, Call>();
  private readonly waiting: Call[] = [];
  private connected = 0;
  private nextCallId = 0;
  private now = 0;
  private attempts = 0;
  private talkSeconds = 0;
  private wrapSeconds = 0;
  private amdFalsePositives = 0;
  private readonly answerTimes: number[] = [];
  private readonly abandonTimes: number[] = [];

  constructor(
    private readonly scenario: CallCentreScenario,
    private readonly policy: PacingPolicy,
    private readonly seed: number,
  ) {
    this.random = new SeededRandom(seed);
    this.agents = Array.from({ length: scenario.agents }, () => ({ state: 'ready' as const, since: 0 }));
  }

  run(): SimulationResult {
    const s = this.scenario;
    this.queue.push(0, { type: 'tick' });
    for (;;) {
      const next = this.queue.pop();
      if (!next || next.time > s.shiftSeconds) break;
      this.now = next.time;
      this.handle(next.item);
    }
    this.now = s.shiftSeconds;
    for (const agent of this.agents) this.account(agent);
    return this.result();
  }

  private handle(event: SimEvent): void {
    switch (event.type) {
      case 'tick':
        this.decide();
        this.queue.push(this.now + this.scenario.decisionIntervalSeconds, { type: 'tick' });
        return;
      case 'ring-end':
        return this.ringEnded(event.call);
      case 'screening-end':
        return this.screeningEnded(event.call);
      case 'grace-end':
        return this.graceEnded(event.call);
      case 'line-free':
        this.calls.delete(event.call.id);
        return;
      case 'talk-end':
        return this.talkEnded(event.agent, event.machine);
      case 'wrap-end':
        return this.wrapEnded(event.agent);
    }
  }

  private linesInUse(): number {
    return this.calls.size + this.connected;
  }

  private decide(): void {
    const agents: AgentView[] = this.agents.map((a) =>
      a.state === 'ready'
        ? { state: 'ready', idleSeconds: this.now - a.since }
        : { state: a.state, elapsedSeconds: this.now - a.since },
    );
    const calls: CallView[] = [];
    for (const call of this.calls.values()) {
      if (call.state === 'ringing') calls.push({ state: 'ringing', elapsedSeconds: this.now - call.placedAt });
      else if (call.state === 'screening') calls.push({ state: 'screening', elapsedSeconds: this.now - call.answeredAt });
      else if (call.state === 'waiting') calls.push({ state: 'waiting', elapsedSeconds: this.now - call.greetingEndedAt });
    }
    const linesAvailable = this.scenario.lines - this.linesInUse();
    const wanted = this.policy.callsToPlace({ now: this.now, agents, calls, linesAvailable });
    const placed = Math.max(0, Math.min(Math.floor(wanted), linesAvailable));
    for (let i = 0; i < placed; i++) this.place();
  }

  private place(): void {
    const s = this.scenario;
    const r = this.random.next();
    const kind: CallKind = r < s.liveShare ? 'live' : r < s.liveShare + s.machineShare ? 'machine' : 'failed';
    const call: Call = { id: this.nextCallId++, kind, placedAt: this.now, state: 'ringing', answeredAt: NaN, greetingEndedAt: NaN };
    this.calls.set(call.id, call);
    this.attempts++;
    let ring: number;
    if (kind === 'live') ring = this.random.uniform(s.liveRingSeconds[0], s.liveRingSeconds[1]);
    else if (kind === 'machine') ring = this.random.uniform(s.machineRingSeconds[0], s.machineRingSeconds[1]);
    else if (this.random.next() < s.noAnswerShareOfFailed) ring = s.noAnswerTimeoutSeconds;
    else ring = this.random.uniform(s.busySeconds[0], s.busySeconds[1]);
    this.queue.push(this.now + ring, { type: 'ring-end', call });
  }

  private ringEnded(call: Call): void {
    const ringSeconds = this.now - call.placedAt;
    this.policy.observe({ kind: 'ring-ended', outcome: call.kind, ringSeconds });
    if (call.kind === 'failed') {
      this.calls.delete(call.id);
      return;
    }
    call.state = 'screening';
    call.answeredAt = this.now;
    const screening = call.kind === 'live' ? this.scenario.greetingSeconds : this.scenario.machineDetectionSeconds;
    this.queue.push(this.now + screening, { type: 'screening-end', call });
  }

  private screeningEnded(call: Call): void {
    const s = this.scenario;
    const screeningSeconds = this.now - call.answeredAt;
    if (call.kind === 'live') {
      call.greetingEndedAt = this.now;
      if (this.random.next() < s.amdFalsePositiveRate) {
        this.amdFalsePositives++;
        this.policy.observe({ kind: 'screening-ended', outcome: 'machine', screeningSeconds });
        this.recordLiveAnswer(isAbandoned({ greetingEndedAt: this.now, agentConnectedAt: null, classifiedAsMachine: true }), true);
        this.calls.delete(call.id);
        return;
      }
      this.policy.observe({ kind: 'screening-ended', outcome: 'live', screeningSeconds });
      this.enqueue(call);
      return;
    }
    if (this.random.next() < s.amdFalseNegativeRate) {
      this.policy.observe({ kind: 'screening-ended', outcome: 'live', screeningSeconds });
      call.greetingEndedAt = this.now;
      this.enqueue(call);
      return;
    }
    this.policy.observe({ kind: 'screening-ended', outcome: 'machine', screeningSeconds });
    this.calls.delete(call.id);
  }

  private enqueue(call: Call): void {
    call.state = 'waiting';
    const agent = this.longestIdleAgent();
    if (agent >= 0) {
      this.connect(call, agent);
      return;
    }
    this.waiting.push(call);
    this.queue.push(this.now + this.scenario.graceSeconds, { type: 'grace-end', call });
  }

  private graceEnded(call: Call): void {
    const index = this.waiting.indexOf(call);
    if (index < 0) return;
    this.waiting.splice(index, 1);
    if (call.kind === 'live') {
      this.recordLiveAnswer(isAbandoned({ greetingEndedAt: call.greetingEndedAt, agentConnectedAt: null }));
    }
    call.state = 'closing';
    this.queue.push(this.now + this.scenario.abandonMessageSeconds, { type: 'line-free', call });
  }

  private connect(call: Call, agentIndex: number): void {
    const s = this.scenario;
    this.calls.delete(call.id);
    this.connected++;
    if (call.kind === 'live') {
      this.recordLiveAnswer(isAbandoned({ greetingEndedAt: call.greetingEndedAt, agentConnectedAt: this.now }));
    }
    this.setAgent(agentIndex, { state: 'talking', since: this.now });
    const machine = call.kind !== 'live';
    const talk = machine ? s.machinePassedSeconds : this.random.lognormal(s.talkMeanSeconds, s.talkSdSeconds);
    this.queue.push(this.now + talk, { type: 'talk-end', agent: agentIndex, machine });
  }

  private talkEnded(agentIndex: number, machine: boolean): void {
    this.connected--;
    const talkSeconds = this.now - this.agents[agentIndex].since;
    if (!machine) this.policy.observe({ kind: 'talk-ended', talkSeconds });
    this.setAgent(agentIndex, { state: 'wrap-up', since: this.now });
    this.queue.push(this.now + this.scenario.wrapSeconds, { type: 'wrap-end', agent: agentIndex });
  }

  private wrapEnded(agentIndex: number): void {
    this.policy.observe({ kind: 'wrap-ended', wrapSeconds: this.now - this.agents[agentIndex].since });
    this.setAgent(agentIndex, { state: 'ready', since: this.now });
    const call = this.waiting.shift();
    if (call) this.connect(call, agentIndex);
  }

  private longestIdleAgent(): number {
    let best = -1;
    for (let i = 0; i < this.agents.length; i++) {
      const a = this.agents[i];
      if (a.state === 'ready' && (best < 0 || a.since < this.agents[best].since)) best = i;
    }
    return best;
  }

  private recordLiveAnswer(abandoned: boolean, classifiedAsMachine = false): void {
    this.answerTimes.push(this.now);
    if (abandoned) this.abandonTimes.push(this.now);
    this.policy.observe({ kind: 'live-answer', at: this.now, abandoned, classifiedAsMachine });
  }

  private setAgent(index: number, next: Agent): void {
    this.account(this.agents[index]);
    this.agents[index] = next;
  }

  /** Adds the agent's current state, from its start to now, to the post-warm-up totals. */
  private account(agent: Agent): void {
    const from = Math.max(agent.since, this.scenario.warmupSeconds);
    const to = Math.min(this.now, this.scenario.shiftSeconds);
    if (to <= from) return;
    if (agent.state === 'talking') this.talkSeconds += to - from;
    else if (agent.state === 'wrap-up') this.wrapSeconds += to - from;
  }

  private result(): SimulationResult {
    const s = this.scenario;
    const measuredAgentSeconds = s.agents * (s.shiftSeconds - s.warmupSeconds);
    const hours = Math.ceil(s.shiftSeconds / 3600);
    const hourly: number[] = [];
    for (let h = 1; h <= hours; h++) {
      const until = Math.min(h * 3600, s.shiftSeconds);
      const answers = countAtOrBefore(this.answerTimes, until);
      hourly.push(answers === 0 ? 0 : countAtOrBefore(this.abandonTimes, until) / answers);
    }
    const liveAnswers = this.answerTimes.length;
    return {
      policy: this.policy.name,
      seed: this.seed,
      measuredAgentSeconds,
      talkSeconds: this.talkSeconds,
      wrapSeconds: this.wrapSeconds,
      talkMinutesPerAgentHour: (this.talkSeconds / measuredAgentSeconds) * 60,
      occupancy: (this.talkSeconds + this.wrapSeconds) / measuredAgentSeconds,
      attempts: this.attempts,
      liveAnswers,
      abandoned: this.abandonTimes.length,
      amdFalsePositives: this.amdFalsePositives,
      abandonRate: liveAnswers === 0 ? 0 : this.abandonTimes.length / liveAnswers,
      hourlyCumulativeAbandonRates: hourly,
    };
  }
}

function countAtOrBefore(sortedTimes: readonly number[], t: number): number {
  let n = 0;
  while (n < sortedTimes.length && sortedTimes[n] <= t) n++;
  return n;
}
