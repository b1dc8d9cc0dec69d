/**
 * Dialer pacing benchmark: the standard outbound scenario (see STANDARD_SCENARIO) run for five
 * seeds under progressive, a 2:1 fixed ratio, a Vicidial-style adaptive dial level and the
 * predictive policy (AUTOMATIQUE3 at full speed), with figures as ratios against progressive
 * measured in the same run.
 */
import {
  FixedRatioPolicy,
  OFCOM_WINDOW_SECONDS,
  pacingPolicyFor,
  perfectPacingBound,
  simulateShift,
  STANDARD_SCENARIO,
  VicidialAdaptivePolicy,
  type PacingPolicy,
  type SimulationResult,
} from '../plugins/dialer/engines';

const SEEDS = [1, 2, 3, 4, 5];
const TARGET = 0.03;

const contenders: readonly { label: string; make: () => PacingPolicy }[] = [
  { label: 'progressive', make: () => new FixedRatioPolicy(1) },
  { label: 'fixed ratio 2:1', make: () => new FixedRatioPolicy(2) },
  { label: 'vicidial adaptive', make: () => new VicidialAdaptivePolicy({ dropTarget: TARGET, method: 'hard-limit' }) },
  {
    label: 'predictive (AUTO3/10)',
    make: () => pacingPolicyFor({ mode: 'AUTOMATIQUE3', speed: 10, abandonCeiling: TARGET, windowSeconds: OFCOM_WINDOW_SECONDS }),
  },
];

interface Summary {
  label: string;
  talkMean: number;
  talkWorst: number;
  occupancy: number;
  abandonMean: number;
  abandonWorst: number;
  hourlyWorst: number;
  seconds: number;
}

function summarise(label: string, runs: readonly SimulationResult[], seconds: number): Summary {
  const mean = (f: (r: SimulationResult) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  return {
    label,
    talkMean: mean((r) => r.talkMinutesPerAgentHour),
    talkWorst: Math.min(...runs.map((r) => r.talkMinutesPerAgentHour)),
    occupancy: mean((r) => r.occupancy),
    abandonMean: mean((r) => r.abandonRate),
    abandonWorst: Math.max(...runs.map((r) => r.abandonRate)),
    hourlyWorst: Math.max(...runs.flatMap((r) => r.hourlyCumulativeAbandonRates)),
    seconds,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const s = STANDARD_SCENARIO;
const bound = perfectPacingBound(s);
console.log(
  `Standard scenario: ${s.agents} agents, ${s.shiftSeconds / 3600} h shift (first ${s.warmupSeconds / 60} min not counted), ` +
    `live ${pct(s.liveShare)}, machine ${pct(s.machineShare)}, talk lognormal ${s.talkMeanSeconds}±${s.talkSdSeconds} s, ` +
    `wrap ${s.wrapSeconds} s, ${s.lines} lines, target ${pct(TARGET)}; seeds ${SEEDS.join(', ')}`,
);
console.log(`Perfect-pacing bound 60·T/(T+W) = ${bound.toFixed(2)} talk min per agent-hour\n`);

const summaries: Summary[] = [];
for (const contender of contenders) {
  const started = process.hrtime.bigint();
  const runs = SEEDS.map((seed) => simulateShift(s, contender.make(), seed));
  summaries.push(summarise(contender.label, runs, Number(process.hrtime.bigint() - started) / 1e9));
}

const baseline = summaries[0];
const header = ['policy', 'talk min/agent-h mean', 'worst', 'vs progressive', '% of bound', 'occupancy', 'abandon mean', 'worst seed', 'worst hourly cum.', 'sim s'];
const rows = summaries.map((m) => [
  m.label,
  m.talkMean.toFixed(2),
  m.talkWorst.toFixed(2),
  `×${(m.talkMean / baseline.talkMean).toFixed(3)}`,
  `${((100 * m.talkMean) / bound).toFixed(1)} %`,
  pct(m.occupancy),
  pct(m.abandonMean),
  pct(m.abandonWorst),
  pct(m.hourlyWorst),
  m.seconds.toFixed(1),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(header));
for (const row of rows) console.log(line(row));

const predictive = summaries[summaries.length - 1];
console.log(
  `\nAim: predictive ≥ 48 talk min/agent-hour with every seed ≤ 3 % abandoned: ` +
    `${predictive.talkMean.toFixed(2)} min, worst seed ${pct(predictive.abandonWorst)}, worst hourly cumulative ${pct(predictive.hourlyWorst)} ` +
    `(${predictive.talkMean >= 48 ? 'talk aim met' : 'talk aim not met'}; ${predictive.abandonWorst <= TARGET ? 'abandon limit held' : 'ABANDON LIMIT BROKEN'}).`,
);
