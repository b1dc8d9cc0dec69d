import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CallRecord } from '../../core/calls/call-models';
import { CelCallAssembler } from '../../core/calls/cel-calls';
import { CEL_CURSOR_KEY } from '../../core/calls/cel-ingestor';
import { parseCelLines } from '../../core/calls/cel-record';
import type { SavedPosition } from '../../core/calls/line-follower';
import { tempDir, type TestApp } from '../support/test-app';
import { cradle, eventually, startCallsApp } from './calls-harness';

/** The CEL records of the reference traces (10-cel.jsonl), one cel_custom JSON object per line. */
const TRACE_LINES = fs.readFileSync(path.join(__dirname, 'fixtures', 'cel-traces.json'), 'utf8').split('\n').filter(Boolean);
const linesOf = (id: string) => TRACE_LINES.filter((l) => l.includes(`"${id}`));
const row = (callKey: string) => CallRecord.findOne({ where: { callKey } });
const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

/** The lines of a trace call as a later Asterisk run writes them: other channel ids (its counter started again), `seconds` later. */
function inNewRun(lines: string[], ids: Record<string, string>, seconds: number): string[] {
  return lines.map((line) => {
    const record = JSON.parse(line) as Record<string, string>;
    return JSON.stringify({ ...record, uniqueid: ids[record.uniqueid] ?? record.uniqueid, linkedid: ids[record.linkedid] ?? record.linkedid, eventtime: (Number(record.eventtime) + seconds).toFixed(6) });
  });
}

/** CEL lines of calls that are not calls of the log (no CHAN_START read: applying them writes nothing), `bytes` long in all. */
function filler(bytes: number): string {
  const pad = 'x'.repeat(4000);
  const lines: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    for (const eventtype of ['CHAN_END', 'LINKEDID_END']) {
      const line = JSON.stringify({ eventtype, eventtime: '1795259790.000000', uniqueid: `filler-${i}`, linkedid: `filler-${i}`, channame: 'Local/filler', appdata: pad, eventextra: '' });
      lines.push(line);
      size += line.length + 1;
    }
  }
  return text(lines);
}

// Alice's inbound call bridged to Bob (04), cut after Bob entered the bridge; a phone that rang (03c), cut at once.
const INBOUND = '1795259758.100691';
const RINGING = '1795259722.100683';
const CUT = [...linesOf(RINGING).slice(0, 1), ...linesOf('1795259758.10069').slice(0, 7)];
// After the restart, Asterisk's counter starts again: the busy call of 03b, as the new run's channel 3.
const AFTER_RESTART = inNewRun(linesOf('1795259719.100682'), { '1795259719.100682': '1795259800.3' }, 81);

describe('Call log: CEL after Asterisk crashed (calls without LINKEDID_END)', () => {
  describe('the assembler', () => {
    it('closes the calls of an earlier Asterisk run at the first channel of the next one, with what their records say', () => {
      const assembler = new CelCallAssembler();
      const cut = parseCelLines(CUT.join('\n')).events.flatMap((e, i) => assembler.add(e, i * 100));
      expect(cut).to.deep.equal([]);
      const closed = parseCelLines(AFTER_RESTART.join('\n')).events.flatMap((e, i) => assembler.add(e, 1000 + i * 100));
      expect(closed.map((c) => [c.linkedid, c.interrupted ?? false])).to.deep.equal([
        [RINGING, true],
        [INBOUND, true],
        ['1795259800.3', false],
      ]);
      expect(assembler.pendingCount).to.equal(0);
      expect(assembler.resumeAt(1400).offset).to.equal(1400);
    });

    it('within one run, a channel with a lower counter is an older one, not a restart', () => {
      const assembler = new CelCallAssembler();
      // Bob's channel (100692) is made after Alice's (100691): their records interleave; nothing is closed before the end.
      const events = parseCelLines(linesOf('1795259758.10069').join('\n')).events;
      const finished = events.flatMap((e, i) => assembler.add(e, i * 100));
      expect(finished.map((c) => [c.linkedid, c.interrupted ?? false])).to.deep.equal([[INBOUND, false]]);
    });

    it('a call begun more than 4 MB back no longer holds the position: its lines are carried, and it is assembled whole from them', () => {
      const assembler = new CelCallAssembler();
      const inbound = linesOf('1795259758.10069');
      parseCelLines(inbound.slice(0, 3).join('\n')).events.forEach((e, i) => assembler.add(e, i * 100, inbound[i]));
      expect(assembler.resumeAt(200_000)).to.deep.equal({ offset: 0, carried: [] });
      const far = 5 * 1024 * 1024;
      const { offset, carried } = assembler.resumeAt(far);
      expect(offset).to.equal(far);
      expect(carried).to.deep.equal(inbound.slice(0, 3));
      // A later start hands the carried lines in first, then reads on from `far`.
      const restarted = new CelCallAssembler();
      for (const line of carried) parseCelLines(line).events.forEach((e) => restarted.add(e, -1, line));
      const finished = parseCelLines(inbound.slice(3).join('\n')).events.flatMap((e, i) => restarted.add(e, far + i * 100, inbound[3 + i]));
      expect(finished.map((c) => c.linkedid)).to.deep.equal([INBOUND]);
      expect(finished[0]!.events).to.have.length(inbound.length);
    });
  });

  describe('in a running Carillon', () => {
    const dir = tempDir('carillon-cel-crash-');
    const celFile = path.join(dir, 'carillon.json');
    let t: TestApp;
    const saved = () => cradle(t).settingsService.get<SavedPosition>(CEL_CURSOR_KEY);
    before(async () => {
      fs.writeFileSync(celFile, '');
      t = await startCallsApp({ cdrFile: path.join(dir, 'Master.csv'), celFile, dataDir: dir });
    });
    after(() => t?.stop());

    it('the calls cut by the crash are logged once the next run writes, and the saved position moves past them', async () => {
      fs.appendFileSync(celFile, text(CUT));
      await cradle(t).celIngestor.poll();
      expect(cradle(t).celIngestor.unfinishedCalls).to.equal(2);
      expect((await saved())!.offset).to.equal(0);
      fs.appendFileSync(celFile, text(AFTER_RESTART));
      expect(await cradle(t).celIngestor.poll()).to.equal(3);
      expect(cradle(t).celIngestor.unfinishedCalls).to.equal(0);
      // Before the fix, both stayed unfinished for 6 h and the position stayed on the first line.
      expect((await saved())!.offset).to.equal(fs.statSync(celFile).size);
      // Answered, talking since Bob entered the bridge: what was known when Asterisk stopped writing.
      const inbound = (await row(INBOUND))!;
      expect(inbound).to.include({ status: 'answered', callerNumber: '7101', seenCel: true });
      expect(inbound.endAt.toISOString()).to.equal('2026-11-21T11:15:59.648Z');
      expect(await row(RINGING)).to.include({ status: 'failed' });
      expect(await row('1795259800.3')).to.include({ status: 'busy' });
    });

    it('a call going on for long does not hold the saved position: its lines are carried, and after a restart of Carillon it is read whole', async () => {
      const noAnswer = linesOf('1795259740.100684');
      fs.appendFileSync(celFile, text(noAnswer.slice(0, 2)));
      await cradle(t).celIngestor.poll();
      const callStart = (await saved())!.offset;
      expect(callStart).to.be.below(fs.statSync(celFile).size);
      // Other calls' records, in steps (as they come), until the call began more than 4 MB back.
      for (let i = 0; i < 3; i++) {
        fs.appendFileSync(celFile, filler(1.6 * 1024 * 1024));
        await cradle(t).celIngestor.poll();
      }
      const position = (await saved())!;
      // Before the fix, the position stayed at the call's first line.
      expect(position.offset).to.equal(fs.statSync(celFile).size);
      expect(position.carried).to.deep.equal(noAnswer.slice(0, 2));
      await t.stop({ keepDatabase: true });
      fs.appendFileSync(celFile, text(noAnswer.slice(2)));
      t = await startCallsApp({ cdrFile: path.join(dir, 'Master.csv'), celFile, dataDir: dir, database: t.database });
      await eventually('the call, ended while Carillon was stopped', async () => (await row('1795259740.100684')) !== null);
      // A poll waits for the pass that wrote it (its position is saved after the write).
      expect(await cradle(t).celIngestor.poll()).to.equal(0);
      expect(await row('1795259740.100684')).to.include({ status: 'cancelled' });
      expect((await row('1795259740.100684'))!.startAt.toISOString()).to.equal(new Date(Number(JSON.parse(noAnswer[0]!).eventtime) * 1000).toISOString());
      expect((await saved())!).to.include({ offset: fs.statSync(celFile).size }).and.not.have.property('carried');
    });
  });
});
