/**
 * ARI call set-up benchmark: originate latency at 200 calls per second through Carillon's
 * telephony engine (ari-client, request gate) against the ARI simulator in its own process,
 * standing for a loaded Asterisk: each REST request is answered after `delayMs` (default 50 ms;
 * at 200 calls per second a real Asterisk saturates two cores) and connections past http.conf's
 * default `sessionlimit` of 100 are dropped, as Asterisk does. Each call is the throughput
 * scenario of docs/asterisk-notes: originate `Local/` into Stasis, answer, play 1 s, hang up 2 s
 * after the originate (four requests per call).
 *
 * Latency is from `originate()` to its HTTP answer, queueing in the request gate included. The
 * baseline, in the same run, is the same scenario at 20 calls per second, where nothing queues.
 * Compared at 200 calls per second: the old fixed gate of 32 requests in flight, and the gate
 * sized from sessionLimit (the default).
 *
 * Aim: at 200 calls per second with the default gate, originate p50 at most 1.5× and p99 at most
 * 2× the baseline's, no failed call and no session dropped by the simulated Asterisk.
 *
 *   npx tsx bench/ari-originate.ts [seconds per run] [delayMs]
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { loadConfig } from '../core/config/load';
import { EventBus } from '../core/events/bus';
import { createLogger } from '../core/logging/logger';
import { TelephonyStatus } from '../core/telephony/engine-status';
import { TelephonyService } from '../core/telephony/telephony-service';
import { AriSimulator } from '../test/ari-simulator/ari-simulator';

const SECONDS = Number(process.argv[2] ?? 10);
const DELAY_MS = Number(process.argv[3] ?? 50);
const SESSION_LIMIT = 100;

type SimulatorStats = AriSimulator['stats'];
type FromSimulator = { url: string } | { stats: SimulatorStats };

/** The child process: the simulated Asterisk, on its own event loop like the real one. */
async function runSimulator(): Promise<void> {
  const sim = new AriSimulator({ sessionLimit: SESSION_LIMIT, defaultSoundMs: 1000 });
  sim.responseDelayMs = DELAY_MS;
  sim.addLocalExtension('s', 'bench', { answerAfterMs: 1 });
  const url = await sim.start();
  process.on('message', (message: string) => {
    if (message === 'stats') process.send!({ stats: sim.stats } satisfies FromSimulator);
    if (message === 'reset') Object.assign(sim.stats, { peakConnections: sim.stats.openConnections, droppedConnections: 0, peakInFlight: 0 });
    if (message === 'stop') void sim.stop().then(() => process.exit(0));
  });
  process.send!({ url } satisfies FromSimulator);
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

interface RunResult {
  name: string;
  cps: number;
  calls: number;
  failed: number;
  p50: number;
  p99: number;
  peakInFlight: number;
  dropped: number;
  /** Carillon's CPU per call and event-loop delay p99: when they are high, the client is the bottleneck, not the gate. */
  cpuMsPerCall: number;
  loopP99: number;
}

async function run(name: string, url: string, cps: number, gate: { maxSockets?: number }, ask: (m: string) => Promise<SimulatorStats>): Promise<RunResult> {
  const config = loadConfig({
    env: {},
    overrides: { dataDir: os.tmpdir(), telephony: { ari: { url, username: 'carillon', password: 'carillon', sessionLimit: SESSION_LIMIT, ...gate } } },
  });
  const logger = createLogger('silent');
  const telephony = new TelephonyService({ config, logger, telephonyStatus: new TelephonyStatus(new EventBus(logger)) });
  telephony.handle('bench', async (call) => {
    const startedAt = Number(call.args[0]);
    await call.channel.answer();
    await call.channel.play('sound:bench-prompt');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + 2000 - Date.now())));
    await call.channel.hangup();
  });
  telephony.start();
  while (!telephony.connected) await new Promise((resolve) => setTimeout(resolve, 20));
  await ask('reset');

  const latencies: number[] = [];
  const ended: Array<Promise<unknown>> = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu = process.cpuUsage();
  let failed = 0;
  const total = Math.round(cps * SECONDS);
  const started = performance.now();
  let launched = 0;
  while (launched < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * cps) + 1);
    for (; launched < due; launched++) {
      const asked = performance.now();
      const call = telephony.originate({ endpoint: 'Local/s@bench', route: 'bench', args: [String(Date.now())] });
      ended.push(
        call.then(
          (outbound) => {
            latencies.push(performance.now() - asked);
            return outbound.ended;
          },
          () => void failed++,
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(ended);
  loop.disable();
  const used = process.cpuUsage(cpu);
  const stats = await ask('stats');
  await telephony.stop();
  latencies.sort((a, b) => a - b);
  return { name, cps, calls: total, failed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), peakInFlight: stats.peakInFlight, dropped: stats.droppedConnections, cpuMsPerCall: (used.user + used.system) / 1000 / total, loopP99: loop.percentile(99) / 1e6 };
}

async function main(): Promise<void> {
  const child = fork(__filename, [String(SECONDS), String(DELAY_MS), '--simulator'], { stdio: 'inherit' });
  const waiting: Array<(m: FromSimulator) => void> = [];
  child.on('message', (m: FromSimulator) => waiting.shift()?.(m));
  const next = () => new Promise<FromSimulator>((resolve) => waiting.push(resolve));
  const { url } = (await next()) as { url: string };
  const ask = async (message: string) => {
    if (message !== 'stats') {
      child.send(message);
      return {} as SimulatorStats;
    }
    const answer = next();
    child.send(message);
    return ((await answer) as { stats: SimulatorStats }).stats;
  };

  console.log(`ARI originate latency: ${SECONDS} s per run, simulated Asterisk answering each request after ${DELAY_MS} ms, sessionlimit ${SESSION_LIMIT}`);
  console.log('Aim: at 200 calls/s with the default gate, p50 ≤ 1.5× and p99 ≤ 2× the 20 calls/s baseline, no failed call, no dropped session.\n');
  const results: RunResult[] = [];
  results.push(await run('baseline, 20 calls/s (default gate)', url, 20, {}, ask));
  results.push(await run('200 calls/s, fixed gate of 32 (before)', url, 200, { maxSockets: 32 }, ask));
  results.push(await run('200 calls/s, gate from sessionLimit (default)', url, 200, {}, ask));
  child.send('stop');

  const [base] = results;
  console.log('run                                              calls failed   p50 ms   p99 ms  p50×  p99×  peak in flight  dropped  CPU ms/call  loop p99 ms');
  for (const r of results) {
    console.log(
      `${r.name.padEnd(48)} ${String(r.calls).padStart(5)} ${String(r.failed).padStart(6)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${(r.p50 / base!.p50).toFixed(2).padStart(5)} ${(r.p99 / base!.p99).toFixed(2).padStart(5)} ${String(r.peakInFlight).padStart(15)} ${String(r.dropped).padStart(8)} ${r.cpuMsPerCall.toFixed(2).padStart(12)} ${r.loopP99.toFixed(0).padStart(12)}`,
    );
  }
  const now = results[2]!;
  const met = now.p50 <= 1.5 * base!.p50 && now.p99 <= 2 * base!.p99 && now.failed === 0 && now.dropped === 0;
  console.log(`\nAim ${met ? 'MET' : 'NOT MET'}: default gate at 200 calls/s p50 ${(now.p50 / base!.p50).toFixed(2)}× (≤ 1.5), p99 ${(now.p99 / base!.p99).toFixed(2)}× (≤ 2), ${now.failed} failed, ${now.dropped} dropped.`);
}

if (process.argv.includes('--simulator')) void runSimulator();
else
  void main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
