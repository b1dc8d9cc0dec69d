/**
 * Call-log catch-up benchmark (issue 12): a Carillon with no saved position starts on large CDR
 * and CEL files. Aims: a call made during the catch-up is visible at the next reading round
 * (poll ≤ 1 s after it is written); the event loop is never held more than 50 ms (max delay,
 * perf_hooks monitorEventLoopDelay, against an idle Carillon's in the same run); stop() during
 * the catch-up returns within 1 s. It also prints the catch-up's rate against reading and parsing
 * the same files without writing anything (the ceiling), measured in the same run.
 *
 *   npx tsx bench/call-log-catch-up.ts [MB per file, default 32] [seconds of catch-up, default 15]
 *   (MariaDB at 127.0.0.1:3306 when reachable, else SQLite, as the tests)
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CallRecord } from '../core/calls/call-models';
import { observationFromCdr } from '../core/calls/call-observation';
import { CelCallAssembler, observationFromCel } from '../core/calls/cel-calls';
import { parseCdrLines } from '../core/calls/cdr-record';
import { CDR_CURSOR_KEY } from '../core/calls/cdr-ingestor';
import { CEL_CURSOR_KEY } from '../core/calls/cel-ingestor';
import { parseCelLines } from '../core/calls/cel-record';
import type { SavedPosition } from '../core/calls/line-follower';
import { liveCall, writeBacklog } from '../test/calls/backlog-files';
import { cradle, startCallsApp } from '../test/calls/calls-harness';
import { tempDir } from '../test/support/test-app';

const MB = Number(process.argv[2] ?? 32);
const WINDOW_S = Number(process.argv[3] ?? 15);
const ms = (ns: number) => ns / 1e6;
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

/** Reads and parses a file as the ingestors do, writing nothing: MB/s. */
function parseOnly(file: string, kind: 'cdr' | 'cel'): number {
  const started = performance.now();
  const text = fs.readFileSync(file, 'utf8');
  const assembler = new CelCallAssembler();
  let offset = 0;
  for (const line of text.split('\n')) {
    if (kind === 'cdr') for (const record of parseCdrLines(line).records) observationFromCdr(record);
    else for (const event of parseCelLines(line).events) for (const call of assembler.add(event, offset, line)) observationFromCel(call, () => null);
    offset += line.length + 1;
  }
  return fs.statSync(file).size / 1048576 / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const dir = tempDir('carillon-bench-catch-up-');
  const files = { cdrFile: path.join(dir, 'Master.csv'), celFile: path.join(dir, 'carillon.json') };
  let started = performance.now();
  const { cdrCalls, celCalls } = writeBacklog(files, MB * 1048576);
  console.log(`backlog: ${MB} MB of CDR (${cdrCalls} calls) and ${MB} MB of CEL (${celCalls} calls), written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // Baseline: an idle Carillon (empty files), same process, same sampling.
  const idleDir = tempDir('carillon-bench-idle-');
  const idleFiles = { cdrFile: path.join(idleDir, 'Master.csv'), celFile: path.join(idleDir, 'carillon.json') };
  fs.writeFileSync(idleFiles.cdrFile, '');
  fs.writeFileSync(idleFiles.celFile, '');
  const idle = await startCallsApp({ ...idleFiles, dataDir: idleDir });
  const idleLag = monitorEventLoopDelay({ resolution: 5 });
  idleLag.enable();
  await sleep(3000);
  idleLag.disable();
  await idle.stop();

  const lag = monitorEventLoopDelay({ resolution: 5 });
  const t = await startCallsApp({ ...files, dataDir: dir });
  lag.enable();
  started = performance.now();
  const { cdrIngestor, celIngestor, settingsService } = cradle(t);
  await sleep(Math.min(5000, (WINDOW_S * 1000) / 3));
  const call = liveCall(1);
  fs.appendFileSync(files.cdrFile, `${call.cdrLine}\n`);
  fs.appendFileSync(files.celFile, call.celLines.map((l) => `${l}\n`).join(''));
  const written = performance.now();
  const seen = await Promise.all(
    [
      [cdrIngestor, call.cdrKey],
      [celIngestor, call.celKey],
    ].map(async ([ingestor, key]) => {
      await (ingestor as typeof cdrIngestor).poll();
      return (await CallRecord.count({ where: { callKey: key as string } })) === 1 ? performance.now() - written : Infinity;
    }),
  );
  const stillCatchingUp = cdrIngestor.catchingUp && celIngestor.catchingUp;
  await sleep(Math.max(0, WINDOW_S * 1000 - (performance.now() - started)));
  lag.disable();
  const elapsed = (performance.now() - started) / 1000;
  const stopping = performance.now();
  await Promise.all([cdrIngestor.stop(), celIngestor.stop()]);
  const stopMs = performance.now() - stopping;
  const cdrAt = (await settingsService.get<SavedPosition>(CDR_CURSOR_KEY))!.offset;
  const celAt = (await settingsService.get<SavedPosition>(CEL_CURSOR_KEY))!.offset;
  const calls = await CallRecord.count();
  await t.stop();

  const cdrRate = cdrAt / 1048576 / elapsed;
  const celRate = celAt / 1048576 / elapsed;
  const [cdrCeiling, celCeiling] = [parseOnly(files.cdrFile, 'cdr'), parseOnly(files.celFile, 'cel')];
  const maxLag = ms(lag.max);
  console.log(`new call during the catch-up: visible ${seen[0]!.toFixed(0)} ms (CDR) and ${seen[1]!.toFixed(0)} ms (CEL) after it was written, backlogs still being read: ${stillCatchingUp} (aim ≤ 1000 ms): ${verdict(Math.max(...seen) <= 1000 && stillCatchingUp)}`);
  console.log(
    `event-loop delay during the catch-up: max ${maxLag.toFixed(1)} ms, p99 ${ms(lag.percentile(99)).toFixed(1)} ms; idle Carillon max ${ms(idleLag.max).toFixed(1)} ms (ratio ${(maxLag / ms(idleLag.max)).toFixed(2)}) (aim max ≤ 50 ms): ${verdict(maxLag <= 50)}`,
  );
  console.log(`stop() during the catch-up: ${stopMs.toFixed(0)} ms (aim ≤ 1000 ms): ${verdict(stopMs <= 1000)}`);
  console.log(`catch-up in ${elapsed.toFixed(1)} s: ${calls} rows; CDR ${cdrRate.toFixed(2)} MB/s (read and parse only: ${cdrCeiling.toFixed(1)} MB/s, ratio ${(cdrRate / cdrCeiling).toFixed(3)}), CEL ${celRate.toFixed(2)} MB/s (read and parse only: ${celCeiling.toFixed(1)} MB/s, ratio ${(celRate / celCeiling).toFixed(3)})`);
  console.log(`a full ${MB} MB pair at these rates: about ${(MB / Math.min(cdrRate, celRate)).toFixed(0)} s, during which new calls keep appearing`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
