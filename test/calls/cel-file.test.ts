import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CallLeg, CallRecord } from '../../core/calls/call-models';
import { CelCallAssembler } from '../../core/calls/cel-calls';
import { parseCelLines } from '../../core/calls/cel-record';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import type { CelRecord } from '../ari-simulator/cel';
import { tempDir, type TestApp } from '../support/test-app';
import { contributeExtensions, cradle, eventually, startCallsApp } from './calls-harness';

/** The CEL records of the reference traces (10-cel.jsonl), one cel_custom JSON object per line. */
const TRACE_LINES = fs.readFileSync(path.join(__dirname, 'fixtures', 'cel-traces.json'), 'utf8').split('\n').filter(Boolean);
const row = (callKey: string) => CallRecord.findOne({ where: { callKey } });

/** Talk time as Asterisk's CEL records say it: the time two channels of the call shared a bridge. */
function bridgedSeconds(records: CelRecord[], linkedid: string): number {
  const members = new Map<string, Set<string>>();
  let since: number | null = null;
  let total = 0;
  for (const r of records.filter((x) => x.linkedid === linkedid && (x.eventtype === 'BRIDGE_ENTER' || x.eventtype === 'BRIDGE_EXIT'))) {
    const id = (JSON.parse(r.eventextra) as { bridge_id: string }).bridge_id;
    const set = members.get(id) ?? new Set<string>();
    const before = [...members.values()].some((m) => m.size >= 2);
    if (r.eventtype === 'BRIDGE_ENTER') set.add(r.uniqueid);
    else set.delete(r.uniqueid);
    members.set(id, set);
    const after = [...members.values()].some((m) => m.size >= 2);
    const at = Number(r.eventtime) * 1000;
    if (!before && after) since = at;
    if (before && !after && since !== null) total += at - since;
  }
  return Math.round(total / 1000);
}

describe('Call log: CEL file ingestion', () => {
  describe('the reference traces', () => {
    let t: TestApp;
    let celFile: string;
    before(async () => {
      const dir = tempDir('carillon-cel-');
      celFile = path.join(dir, 'carillon.json');
      t = await startCallsApp({ cdrFile: path.join(dir, 'Master.csv'), celFile, dataDir: dir });
      contributeExtensions(t, [{ number: '7102', name: 'Bob Trace', sipUsername: 'trace-uas' }]);
    });
    after(() => t.stop());

    it('turns every finished call into one row, with what CDR cannot tell', async () => {
      fs.writeFileSync(celFile, TRACE_LINES.map((l) => `${l}\n`).join(''));
      // 27 calls in the traces; the Snoop channel and the supervisor it called are supervision, not
      // a call; each attended transfer's consultation call ends inside its transferred call (below).
      expect(await cradle(t).celIngestor.poll()).to.equal(26);
      expect(cradle(t).celIngestor.unfinishedCalls).to.equal(0);
      // 04b: the caller hung up while the application rang a phone: cancelled (the CDR says NO ANSWER).
      expect(await row('1795259764.100693')).to.include({ status: 'cancelled', statusOrigin: 'cel', direction: 'inbound', callerNumber: '7101', callerName: 'Alice Trace', destination: '7001' });
      // 04: the application answered at once and connected Bob a second later: talk time is the bridged time (CDR billsec: 3).
      const bridged = await row('1795259758.100691');
      expect(bridged).to.include({ status: 'answered', destination: '7102', extension: '7102', talkSeconds: 2, seenCel: true });
      expect(await CallLeg.findByPk('1795259758.100692')).to.include({ callKey: '1795259758.100691' });
      // 03b, 03c, 03d and the reject codes of 03f.
      expect(await row('1795259719.100682')).to.include({ status: 'busy', direction: 'outbound', destination: 'trace-busy' });
      expect(await row('1795259722.100683')).to.include({ status: 'no_answer' });
      expect(await row('1795259740.100684')).to.include({ status: 'cancelled' });
      const rejectCalls = ['1795259753.100686', '1795259754.100687', '1795259754.100688', '1795259755.100689', '1795259755.100690'];
      const rejects = await Promise.all(rejectCalls.map(async (id) => (await row(id))!.status));
      expect(rejects).to.deep.equal(['failed', 'no_answer', 'busy', 'failed', 'no_answer']);
      // 09: Stasis() without its application: the dialplan hung up a call that rang nobody.
      expect(await row('1795259826.100719')).to.include({ status: 'failed' });
      expect(await row('1795259771.100697')).to.equal(null);
    });

    it('reading the same records again changes nothing', async () => {
      const before = await CallRecord.findAll({ order: [['callKey', 'ASC']], raw: true });
      fs.appendFileSync(celFile, TRACE_LINES.map((l) => `${l}\n`).join(''));
      expect(await cradle(t).celIngestor.poll()).to.equal(26);
      const after = await CallRecord.findAll({ order: [['callKey', 'ASC']], raw: true });
      expect(after.map(({ updatedAt: _u, ...r }) => r)).to.deep.equal(before.map(({ updatedAt: _u, ...r }) => r));
    });
  });

  describe('attended transfer (real Asterisk 22 trace: REFER with Replaces)', () => {
    // 891 called 892, then 893 (consultation), and transferred: 892 and 893 were bridged. Asterisk
    // moves 893's channel into the first call (linkedid) only after the transfer, ends the
    // consultation call (LINKEDID_END) while 893 is still up, and starts a CDR line for 892 and
    // 893 on 892's channel, without the dialplan's userfield.
    const first = '1795281277.24';
    const consultation = '1795281279.26';
    const transfereeChannel = '1795281277.25';
    let t: TestApp;
    let dir: string;
    before(async () => {
      dir = tempDir('carillon-cel-attended-');
      fs.writeFileSync(path.join(dir, 'Master.csv'), '');
      fs.writeFileSync(path.join(dir, 'carillon.json'), '');
      t = await startCallsApp({ cdrFile: path.join(dir, 'Master.csv'), celFile: path.join(dir, 'carillon.json'), dataDir: dir });
      contributeExtensions(t, ['891', '892', '893'].map((number) => ({ number, name: `Carillon test ${number}` })));
    });
    after(() => t.stop());

    it('the CDR line of the transferee and the target, read before CEL, joins the transferred call; the consultation call keeps its row', async () => {
      // Carillon reads the CDR file, then the CEL file: the CDR line without userfield comes first.
      fs.writeFileSync(path.join(dir, 'Master.csv'), fs.readFileSync(path.join(__dirname, 'fixtures', 'attended-transfer-cdr.csv')));
      await cradle(t).cdrIngestor.poll();
      expect(await CallRecord.count()).to.equal(3);
      expect(await row(transfereeChannel)).to.include({ statusOrigin: 'cdr', callerNumber: '892', destination: '' });
      fs.writeFileSync(path.join(dir, 'carillon.json'), TRACE_LINES.filter((l) => l.includes(`"linkedid":"${first}"`) || l.includes(`"linkedid":"${consultation}"`)).map((l) => `${l}\n`).join(''));
      expect(await cradle(t).celIngestor.poll()).to.equal(1);
      // Before the fix, 892's CDR line stayed a row of its own ("inbound" call from 892 to nobody).
      expect(await CallRecord.count()).to.equal(2);
      expect(await row(transfereeChannel)).to.equal(null);
      expect(await CallLeg.findByPk(transfereeChannel)).to.include({ callKey: first });
      // 891-892 from 17:14:38.0 until 893 leaves at 17:14:43.8, the consultation included: 6 s.
      expect(await row(first)).to.include({ status: 'answered', direction: 'internal', callerNumber: '891', destination: '892', transferredTo: '893', talkSeconds: 6, seenCdr: true, seenCel: true });
      expect(await row(consultation)).to.include({ status: 'answered', direction: 'internal', callerNumber: '891', destination: '893', transferredTo: null, talkSeconds: 1, seenCel: false });
    });

    it('an inbound call read in CEL before its CDR lines is not taken for the consultation call that shares its channels', async () => {
      // The operator's CDR lines come when its channel ends; the consultation's were written at the
      // transfer. Read between the two, the transferred call's CEL names the consultation's
      // channels among its own: before the fix, its observation was written on the consultation's row.
      const inbound = '1795281293.28';
      const inboundConsultation = '1795281295.30';
      const [consultationLines, inboundLines] = [0, 2].map((i) => fs.readFileSync(path.join(__dirname, 'fixtures', 'attended-transfer-inbound-cdr.csv'), 'utf8').split('\n').filter(Boolean).slice(i, i === 0 ? 2 : undefined));
      fs.appendFileSync(path.join(dir, 'Master.csv'), consultationLines!.map((l) => `${l}\n`).join(''));
      await cradle(t).cdrIngestor.poll();
      fs.appendFileSync(path.join(dir, 'carillon.json'), TRACE_LINES.filter((l) => l.includes(`"linkedid":"${inbound}"`) || l.includes(`"linkedid":"${inboundConsultation}"`)).map((l) => `${l}\n`).join(''));
      expect(await cradle(t).celIngestor.poll()).to.equal(1);
      expect(await row(inboundConsultation)).to.include({ direction: 'internal', callerNumber: '891', destination: '893', transferredTo: null, seenCel: false });
      expect(await row(inbound)).to.include({ direction: 'inbound', callerNumber: 'operator', destination: '891', transferredTo: '893', talkSeconds: 6, seenCel: true });
      fs.appendFileSync(path.join(dir, 'Master.csv'), inboundLines!.map((l) => `${l}\n`).join(''));
      await cradle(t).cdrIngestor.poll();
      expect(await row(inbound)).to.include({ status: 'answered', statusOrigin: 'userfield', destination: '891', transferredTo: '893', talkSeconds: 6, seenCdr: true, seenCel: true });
      expect(await CallRecord.count({ where: { callKey: [inbound, inboundConsultation] } })).to.equal(2);
    });
  });

  describe('the assembler', () => {
    it('moves a channel bridged into an older call with its events, and ends a call only when all its channels are gone', () => {
      const { events } = parseCelLines(TRACE_LINES.filter((l) => l.includes('"1795259758.10069')).join('\n'));
      const assembler = new CelCallAssembler();
      const finished = events.flatMap((e, i) => assembler.add(e, i * 100));
      // Bob's own LINKEDID_END (while still up, on entering the bridge) ends nothing.
      expect(finished.map((c) => c.linkedid)).to.deep.equal(['1795259758.100691']);
      expect(finished[0]!.events.map((e) => e.uniqueid)).to.include('1795259758.100692');
    });

    it('keeps the cursor at the first line of a call still going on', () => {
      const { events } = parseCelLines(TRACE_LINES.filter((l) => l.includes('"1795259758.10069')).join('\n'));
      const assembler = new CelCallAssembler();
      events.slice(0, 5).forEach((e, i) => assembler.add(e, 1000 + i * 100));
      expect(assembler.resumeAt(9999)).to.deep.equal({ offset: 1000, carried: [] });
      events.slice(5).forEach((e, i) => assembler.add(e, 1500 + i * 100));
      expect(assembler.resumeAt(9999)).to.deep.equal({ offset: 9999, carried: [] });
    });
  });

  describe('restarts', () => {
    const dir = tempDir('carillon-cel-restart-');
    const celFile = path.join(dir, 'carillon.json');
    let t: TestApp;
    after(() => t?.stop());

    it('a call made while Carillon was stopped appears once; a call going on across the restart is read whole', async () => {
      const busy = TRACE_LINES.filter((l) => l.includes('"1795259719.100682"'));
      const inbound = TRACE_LINES.filter((l) => l.includes('"1795259758.10069'));
      fs.writeFileSync(celFile, [...busy, ...inbound.slice(0, 6)].map((l) => `${l}\n`).join(''));
      t = await startCallsApp({ cdrFile: path.join(dir, 'Master.csv'), celFile, dataDir: dir });
      await eventually('the finished call read at start', async () => (await row('1795259719.100682')) !== null);
      await cradle(t).celIngestor.poll();
      expect(await row('1795259758.100691')).to.equal(null);
      // Alice's call, and Bob's, not bridged into it yet.
      expect(cradle(t).celIngestor.unfinishedCalls).to.equal(2);
      await t.stop({ keepDatabase: true });

      fs.appendFileSync(celFile, [...inbound.slice(6), ...TRACE_LINES.filter((l) => l.includes('"1795259764.10069'))].map((l) => `${l}\n`).join(''));
      t = await startCallsApp({ cdrFile: path.join(dir, 'Master.csv'), celFile, dataDir: dir, database: t.database });
      await eventually('the calls of the stopped period', async () => (await row('1795259764.100693')) !== null);
      expect(await cradle(t).celIngestor.poll()).to.equal(0);
      // Read from its first line again: started when Alice called, bridged time only.
      expect(await row('1795259758.100691')).to.include({ status: 'answered', talkSeconds: 2, callerNumber: '7101' });
      expect((await row('1795259758.100691'))!.startAt.toISOString()).to.equal('2026-11-21T11:15:58.631Z');
      expect(await row('1795259764.100693')).to.include({ status: 'cancelled' });
      expect(await CallRecord.count()).to.equal(4);
    });

    it('rotation: a call that began in the rotated file and ends in the new one is applied once, whole', async () => {
      const noAnswer = TRACE_LINES.filter((l) => l.includes('"1795259722.100683"'));
      fs.appendFileSync(celFile, noAnswer.slice(0, 1).map((l) => `${l}\n`).join(''));
      expect(await cradle(t).celIngestor.poll()).to.equal(0);
      fs.renameSync(celFile, `${celFile}.1`);
      fs.writeFileSync(celFile, noAnswer.slice(1).map((l) => `${l}\n`).join(''));
      expect(await cradle(t).celIngestor.poll()).to.equal(1);
      expect(await row('1795259722.100683')).to.include({ status: 'no_answer', destination: 'trace-noans' });
      expect((await row('1795259722.100683'))!.startAt.toISOString()).to.equal('2026-11-21T11:15:22.373Z');
      expect(cradle(t).celIngestor.unfinishedCalls).to.equal(0);
    });
  });

  describe('calls the simulated dialplan makes (CDR and CEL written by the simulator)', function () {
    this.timeout(20_000);
    let t: TestApp;
    let sim: AriSimulator;
    let cdrFile: string;
    let celFile: string;
    before(async () => {
      const dir = tempDir('carillon-cel-sim-');
      cdrFile = path.join(dir, 'Master.csv');
      celFile = path.join(dir, 'carillon.json');
      sim = new AriSimulator({ cdrUnanswered: true, cdrFile, celFile });
      sim.addEndpoint('trunk-1', { callerId: { name: '', number: '0611223344' }, context: 'from-trunks' });
      sim.addEndpoint('alice', { callerId: { name: 'Alice', number: '201' }, behaviour: { kind: 'noAnswer' } });
      sim.addEndpoint('bruno', { callerId: { name: 'Bruno', number: '202' }, behaviour: { kind: 'answer', answerAfterMs: 40 } });
      sim.addEndpoint('chloe', { callerId: { name: 'Chloé', number: '203' }, behaviour: { kind: 'answer', answerAfterMs: 30 } });
      sim.addEndpoint('busy-phone', { callerId: { name: 'Busy', number: '204' }, behaviour: { kind: 'busy', afterMs: 20 } });
      t = await startCallsApp({ cdrFile, celFile, dataDir: dir });
      contributeExtensions(t, [
        { number: '201', name: 'Alice', sipUsername: 'alice' },
        { number: '202', name: 'Bruno', sipUsername: 'bruno' },
        { number: '203', name: 'Chloé', sipUsername: 'chloe' },
        { number: '204', name: 'Busy', sipUsername: 'busy-phone' },
      ]);
    });
    after(() => t.stop());

    it('ring-all group: the CDR names the group, CEL the extension that answered; the others were answered elsewhere, not missed', async () => {
      const call = await sim.dialplan.call({ from: 'trunk-1', exten: '600', ring: ['alice', 'bruno'], talkMs: 300 });
      expect(call.answeredBy).to.equal('bruno');
      const celRecords = sim.cel.records.filter((r) => r.linkedid === call.callerId);
      expect(celRecords.find((r) => r.eventtype === 'HANGUP' && r.channame.startsWith('PJSIP/alice'))!.eventextra).to.include('"hangupcause":26');
      await cradle(t).cdrIngestor.poll();
      expect(await row(call.callerId)).to.include({ status: 'answered', destination: '600', seenCel: false });
      await cradle(t).celIngestor.poll();
      expect(await row(call.callerId)).to.include({ status: 'answered', statusOrigin: 'cel', destination: '202', extension: '202', seenCdr: true, seenCel: true });
      expect(await CallRecord.count({ where: { callKey: call.callerId } })).to.equal(1);
    });

    it('blind transfer: CEL says where the call went and counts both conversations', async () => {
      const call = await sim.dialplan.call({ from: 'trunk-1', exten: '202', ring: ['bruno'], talkMs: 600, blindTransfer: { afterMs: 600, exten: '203', endpoint: 'chloe' } });
      expect(call.transferAnsweredBy).to.equal('chloe');
      await cradle(t).cdrIngestor.poll();
      await cradle(t).celIngestor.poll();
      const logged = (await row(call.callerId))!;
      expect(logged).to.include({ status: 'answered', destination: '202', transferredTo: '203' });
      expect(logged.talkSeconds).to.equal(bridgedSeconds(sim.cel.records, call.callerId));
      const admin = await t.adminClient();
      const listed = (await admin.get('/api/calls?limit=5')).body.items.find((i: { callId: string }) => i.callId === call.callerId);
      expect(listed).to.include({ transferredTo: '203', status: 'answered' });
      const csv = await admin.get('/api/calls/export.csv');
      expect(csv.text.split('\n')[0]).to.include('transferredTo');
    });

    it('attended transfer, as real Asterisk 22 does it: the transferred call and the consultation call, one row each', async () => {
      const call = await sim.dialplan.call({ from: 'alice', exten: '202', ring: ['bruno'], talkMs: 1100, attendedTransfer: { afterMs: 600, consultMs: 500, exten: '203', endpoint: 'chloe' } });
      expect(call.transferAnsweredBy).to.equal('chloe');
      const transfer = JSON.parse(sim.cel.records.find((r) => r.eventtype === 'ATTENDEDTRANSFER' && r.linkedid === call.callerId)!.eventextra) as Record<string, string>;
      const [consultation, transferee, target] = [transfer.channel2_uniqueid!, transfer.transferee_channel_uniqueid!, transfer.transfer_target_channel_uniqueid!];
      // As in the real trace: the target ends in the transferred call, the consultation call ends (LINKEDID_END) before it.
      const ofTarget = sim.cel.records.filter((r) => r.uniqueid === target);
      expect([ofTarget[0]!.linkedid, ofTarget.at(-1)!.linkedid]).to.deep.equal([consultation, call.callerId]);
      expect(sim.cel.records.filter((r) => r.eventtype === 'LINKEDID_END').map((r) => r.linkedid).slice(-2)).to.deep.equal([consultation, call.callerId]);
      // The transferee's talk with the target is a CDR line of its own, on its channel, without userfield
      // (whether it is read before CEL or after, the real trace's case above checks both orders).
      expect(sim.cdrRecords.some((r) => r.fields.uniqueid === transferee && r.fields.userfield === '')).to.equal(true);
      await cradle(t).cdrIngestor.poll();
      await cradle(t).celIngestor.poll();
      const logged = (await row(call.callerId))!;
      expect(logged).to.include({ status: 'answered', destination: '202', transferredTo: '203', seenCel: true });
      const asOneCall = sim.cel.records.map((r) => (r.linkedid === consultation ? { ...r, linkedid: call.callerId } : r));
      expect(logged.talkSeconds).to.equal(bridgedSeconds(asOneCall, call.callerId));
      expect(await row(consultation)).to.include({ status: 'answered', destination: '203', transferredTo: null });
      expect(await row(transferee)).to.equal(null);
      expect(await CallLeg.findByPk(transferee)).to.include({ callKey: call.callerId });
      expect(await CallRecord.count({ where: { callKey: [call.callerId, consultation, transferee] } })).to.equal(2);
    });

    it('the caller hangs up while it rings: cancelled, where the CDR says NO ANSWER', async () => {
      const call = await sim.dialplan.call({ from: 'trunk-1', exten: '201', ring: ['alice'], cancelAfterMs: 80 });
      expect(call.dialstatus).to.equal('CANCEL');
      await cradle(t).cdrIngestor.poll();
      expect(await row(call.callerId)).to.include({ status: 'no_answer' });
      await cradle(t).celIngestor.poll();
      expect(await row(call.callerId)).to.include({ status: 'cancelled', destination: '201' });
    });

    it('busy and unreachable phones', async () => {
      const busy = await sim.dialplan.call({ from: 'trunk-1', exten: '204', ring: ['busy-phone'] });
      const nobody = await sim.dialplan.call({ from: 'trunk-1', exten: '209', ring: ['not-configured'] });
      expect([busy.dialstatus, nobody.dialstatus]).to.deep.equal(['BUSY', 'CHANUNAVAIL']);
      await cradle(t).celIngestor.poll();
      expect(await row(busy.callerId)).to.include({ status: 'busy' });
      expect(await row(nobody.callerId)).to.include({ status: 'unavailable', destination: '209' });
    });
  });
});
