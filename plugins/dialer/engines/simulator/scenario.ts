/** Everything that describes an outbound call centre for the simulator. Durations in seconds. */
export interface CallCentreScenario {
  readonly agents: number;
  readonly shiftSeconds: number;
  /** Start of the shift left out of productivity figures (abandons still count: regulators see them). */
  readonly warmupSeconds: number;
  readonly lines: number;
  /** Share of attempts answered by a person, and by a machine; the rest fail (busy or no answer). */
  readonly liveShare: number;
  readonly machineShare: number;
  /** Among failed attempts, the share that rings out to the no-answer timeout; the others are busy. */
  readonly noAnswerShareOfFailed: number;
  readonly noAnswerTimeoutSeconds: number;
  readonly busySeconds: readonly [number, number];
  readonly liveRingSeconds: readonly [number, number];
  readonly machineRingSeconds: readonly [number, number];
  /** A person's greeting; detection classifies them when it ends. */
  readonly greetingSeconds: number;
  /** Time detection needs to recognise a machine. */
  readonly machineDetectionSeconds: number;
  /** Share of people that detection takes for a machine (hung up on: abandoned calls). */
  readonly amdFalsePositiveRate: number;
  /** Share of machines that detection passes on as people (an agent hears the machine). */
  readonly amdFalseNegativeRate: number;
  readonly machinePassedSeconds: number;
  readonly talkMeanSeconds: number;
  readonly talkSdSeconds: number;
  readonly wrapSeconds: number;
  readonly graceSeconds: number;
  /** The message played to an abandoned person keeps the line busy this long. */
  readonly abandonMessageSeconds: number;
  readonly decisionIntervalSeconds: number;
}

/**
 * The standard scenario: 20 agents, 8-hour shift (first 30 minutes not counted), 25 % live,
 * 15 % machine, failed attempts about 25 s on average (80 % ring out at 30 s, 20 % busy after
 * 3–7 s: 0.8 × 30 + 0.2 × 5 = 25), talk lognormal 180 ± 90 s, wrap-up 30 s, 60 lines.
 * Detection is taken as exact here; the simulator supports errors for other scenarios.
 */
export const STANDARD_SCENARIO: CallCentreScenario = {
  agents: 20,
  shiftSeconds: 8 * 3600,
  warmupSeconds: 30 * 60,
  lines: 60,
  liveShare: 0.25,
  machineShare: 0.15,
  noAnswerShareOfFailed: 0.8,
  noAnswerTimeoutSeconds: 30,
  busySeconds: [3, 7],
  liveRingSeconds: [4, 16],
  machineRingSeconds: [6, 20],
  greetingSeconds: 1.5,
  machineDetectionSeconds: 3,
  amdFalsePositiveRate: 0,
  amdFalseNegativeRate: 0,
  machinePassedSeconds: 8,
  talkMeanSeconds: 180,
  talkSdSeconds: 90,
  wrapSeconds: 30,
  graceSeconds: 2,
  abandonMessageSeconds: 6,
  decisionIntervalSeconds: 1,
};

/** Talk minutes per agent-hour if agents never waited: 60 · T / (T + W). */
export function perfectPacingBound(scenario: CallCentreScenario): number {
  return (60 * scenario.talkMeanSeconds) / (scenario.talkMeanSeconds + scenario.wrapSeconds);
}
