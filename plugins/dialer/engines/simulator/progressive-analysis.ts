import type { CallCentreScenario } from './scenario';

/**
 * Closed-form expectation of progressive dialling in a scenario, to check the simulator against.
 *
 * Under progressive dialling each agent runs its own renewal cycle: wait for the next decision
 * tick, dial, and on every failure or machine dial again, until a person answers; then talk and
 * wrap up. With p the live share, the number of non-live attempts N is geometric (mean
 * (1 − p)/p, variance (1 − p)/p²), so the search time S = d₀ + Σ Yᵢ + Z has
 * E[S] = E[d₀] + E[N]·E[Y] + E[Z] and Var[S] = Var[d₀] + E[N]·Var[Y] + Var[N]·E[Y]² + Var[Z],
 * where Y is a non-live attempt plus the wait for the next tick and Z the live ring plus greeting.
 * The talk share r = T / (S + T + W) is a renewal-reward ratio; its estimate over n cycles has
 * standard error sd(T − r·C) / (E[C]·√n).
 */
export interface ProgressiveExpectation {
  readonly meanSearchSeconds: number;
  readonly meanCycleSeconds: number;
  readonly talkMinutesPerAgentHour: number;
  /** Standard error of talk minutes per agent-hour measured over `agentSeconds` of agent time. */
  standardError(agentSeconds: number): number;
}

interface Moments {
  mean: number;
  second: number;
}

function uniformMoments(a: number, b: number): Moments {
  const mean = (a + b) / 2;
  return { mean, second: mean * mean + ((b - a) * (b - a)) / 12 };
}

function shifted(m: Moments, by: Moments): Moments {
  // Sum of independent variables: means add, variances add.
  const mean = m.mean + by.mean;
  const variance = m.second - m.mean * m.mean + (by.second - by.mean * by.mean);
  return { mean, second: variance + mean * mean };
}

function constant(c: number): Moments {
  return { mean: c, second: c * c };
}

export function progressiveExpectation(s: CallCentreScenario): ProgressiveExpectation {
  const tick = s.decisionIntervalSeconds;
  // An attempt that ends between ticks waits for the next one, uniformly; one that ends exactly on
  // a tick (a whole-second no-answer timeout dialled on a tick) is redialled at once because the
  // simulator handles the earlier-scheduled ring end before that tick.
  const tickWait = uniformMoments(0, tick);
  const onTick = Number.isInteger(s.noAnswerTimeoutSeconds / tick);

  const failedShare = 1 - s.liveShare - s.machineShare;
  const nonLive = s.machineShare + failedShare;
  const parts: { weight: number; m: Moments }[] = [
    {
      weight: s.machineShare / nonLive,
      m: shifted(shifted(uniformMoments(s.machineRingSeconds[0], s.machineRingSeconds[1]), constant(s.machineDetectionSeconds)), tickWait),
    },
    {
      weight: (failedShare * s.noAnswerShareOfFailed) / nonLive,
      m: shifted(constant(s.noAnswerTimeoutSeconds), onTick ? constant(0) : tickWait),
    },
    {
      weight: (failedShare * (1 - s.noAnswerShareOfFailed)) / nonLive,
      m: shifted(uniformMoments(s.busySeconds[0], s.busySeconds[1]), tickWait),
    },
  ];
  const yMean = parts.reduce((sum, p) => sum + p.weight * p.m.mean, 0);
  const yVar = parts.reduce((sum, p) => sum + p.weight * p.m.second, 0) - yMean * yMean;

  const p = s.liveShare;
  const nMean = (1 - p) / p;
  const nVar = (1 - p) / (p * p);
  const z = shifted(uniformMoments(s.liveRingSeconds[0], s.liveRingSeconds[1]), constant(s.greetingSeconds));
  const zVar = z.second - z.mean * z.mean;
  const d0Var = tickWait.second - tickWait.mean * tickWait.mean;

  const searchMean = tickWait.mean + nMean * yMean + z.mean;
  const searchVar = d0Var + nMean * yVar + nVar * yMean * yMean + zVar;
  const talkMean = s.talkMeanSeconds;
  const talkVar = s.talkSdSeconds * s.talkSdSeconds;
  const cycleMean = searchMean + talkMean + s.wrapSeconds;
  const r = talkMean / cycleMean;
  const perCycleSd = Math.sqrt((1 - r) * (1 - r) * talkVar + r * r * searchVar);

  return {
    meanSearchSeconds: searchMean,
    meanCycleSeconds: cycleMean,
    talkMinutesPerAgentHour: 60 * r,
    standardError(agentSeconds: number): number {
      const cycles = agentSeconds / cycleMean;
      return (60 * perCycleSd) / (cycleMean * Math.sqrt(cycles));
    },
  };
}
