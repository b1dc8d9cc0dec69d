import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { expect } from 'chai';
import { Op } from 'sequelize';
import { CallLeg, CallRecord } from '../../core/calls/call-models';
import { CDR_CURSOR_KEY } from '../../core/calls/cdr-ingestor';
import { CEL_CURSOR_KEY } from '../../core/calls/cel-ingestor';
import type { SavedPosition } from '../../core/calls/line-follower';
import { tempDir, type TestApp } from '../support/test-app';
import { callAt, liveCall, writeBacklog } from './backlog-files';
import { cradle, eventually, startCallsApp } from './calls-harness';

/** Backlog rows' call indexes (`backlog.<i>` from the CDR, `<second>.<i>` from CEL). */
async function backlogIndexes(): Promise<{ cdr: number[]; cel: number[] }> {
  const rows = await CallRecord.findAll({ attributes: ['callKey'], where: { callKey: { [Op.notLike]: 'live.%' } }, raw: true });
  const cdr: number[] = [];
  const cel: number[] = [];
  for (const { callKey } of rows) {
    const match = /^backlog\.(\d+)$|^\d+\.(\d+)$/.exec(callKey);
    if (match?.[1]) cdr.push(Number(match[1]));
    else if (match?.[2] && Number(match[2]) < 10_000_000) cel.push(Number(match[2]));
  }
  return { cdr, cel };
}

/**
 * A Carillon with no saved position starts on large CDR and CEL files (issue 12: 281 s before a
 * new call showed, and a SIGTERM that waited 269 s for the catch-up).
 */
describe('Call log: catching up on large CDR and CEL files', function () {
  this.timeout(120_000);
  const dir = tempDir('carillon-catch-up-');
  const files = { cdrFile: path.join(dir, 'Master.csv'), celFile: path.join(dir, 'carillon.json') };
  let t: TestApp | null = null;
  after(() => t?.stop());

  it('new calls appear while the backlog is read, the event loop stays free, and stop() saves a position the next start resumes from', async () => {
    // Tens of MB, as a busy appliance's files after a while.
    writeBacklog(files, 24 * 1024 * 1024);
    const lag = monitorEventLoopDelay({ resolution: 5 });
    t = await startCallsApp({ ...files, dataDir: dir });
    lag.enable();
    const app = t;
    const { cdrIngestor, celIngestor } = cradle(app);
    await eventually('the catch-ups begun at start', async () => cdrIngestor.catchingUp && celIngestor.catchingUp);

    // A call made now appears at the next reading round, while both backlogs are still being read.
    const call = liveCall(1);
    fs.appendFileSync(files.cdrFile, `${call.cdrLine}\n`);
    fs.appendFileSync(files.celFile, call.celLines.map((l) => `${l}\n`).join(''));
    await Promise.all([cdrIngestor.poll(), celIngestor.poll()]);
    expect(await CallRecord.findOne({ where: { callKey: call.cdrKey } })).to.include({ status: 'answered', destination: '202' });
    expect(await CallRecord.findOne({ where: { callKey: call.celKey } })).to.include({ status: 'answered', seenCel: true });
    expect([cdrIngestor.catchingUp, celIngestor.catchingUp], 'the backlogs are still being read').to.deep.equal([true, true]);
    // Let the backlog run a little, then measure how long the event loop was held.
    await eventually('backlog calls applied', async () => (await backlogIndexes()).cdr.length > 50 && (await backlogIndexes()).cel.length > 50, 20_000);
    lag.disable();
    // A generous bound for a loaded machine (bench/call-log-catch-up.ts reports the figure, about
    // 45 ms): before the fix, each 1 MB chunk of Master.csv was parsed at once, about 2 s.
    expect(lag.max / 1e6, 'max event-loop delay (ms)').to.be.below(250);

    // Shutdown stops at the next line, whatever is left to read.
    const stopping = Date.now();
    await Promise.all([cdrIngestor.stop(), celIngestor.stop()]);
    expect(Date.now() - stopping, 'stop() during the catch-up (ms)').to.be.below(1000);
    const settings = cradle(app).settingsService;
    const saved = { cdr: (await settings.get<SavedPosition>(CDR_CURSOR_KEY))!, cel: (await settings.get<SavedPosition>(CEL_CURSOR_KEY))! };
    expect(saved.cdr.offset).to.be.above(0).and.below(fs.statSync(files.cdrFile).size);
    expect(saved.cel.offset).to.be.above(0).and.below(fs.statSync(files.celFile).size);
    const resumeAt = { cdr: callAt(files.cdrFile, saved.cdr.offset), cel: callAt(files.celFile, saved.cel.offset) };
    const applied = await backlogIndexes();
    // Everything before the position was applied; the call that holds it (CEL) was not finished.
    expect(Math.max(...applied.cdr)).to.equal(resumeAt.cdr - 1);
    expect(Math.max(...applied.cel)).to.equal(resumeAt.cel - 1);

    // The next start reads on from the saved position: rows of calls before it do not come back.
    await CallLeg.destroy({ where: {} });
    await CallRecord.destroy({ where: {} });
    await app.stop({ keepDatabase: true });
    t = await startCallsApp({ ...files, dataDir: dir, database: app.database });
    await eventually('backlog calls applied after the restart', async () => (await backlogIndexes()).cdr.length > 20 && (await backlogIndexes()).cel.length > 20, 20_000);
    const reread = await backlogIndexes();
    expect(Math.min(...reread.cdr)).to.equal(resumeAt.cdr);
    expect(Math.min(...reread.cel)).to.equal(resumeAt.cel);
  });
});
