import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CallLeg, CallRecord } from '../../core/calls/call-models';
import type { ApiClient } from '../support/api-client';
import { tempDir, type TestApp } from '../support/test-app';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import { cradle, eventually, startCallsApp, userfield } from './calls-harness';

/**
 * Calls through the real telephony engine (ari-client over real sockets) against the simulator,
 * which also writes Master.csv like cdr_csv with `unanswered=yes`: every status of a live call,
 * and each call exactly once after its CDR lines are read.
 */
describe('Call log: live calls and their CDR lines make one row each', () => {
  let sim: AriSimulator;
  let t: TestApp;
  let admin: ApiClient;
  let cdrFile: string;

  before(async () => {
    const dir = tempDir('carillon-calls-live-');
    cdrFile = path.join(dir, 'Master.csv');
    sim = new AriSimulator({ cdrUnanswered: true, cdrFile, defaultSoundMs: 20 });
    await sim.start();
    sim.addEndpoint('2001', { callerId: { name: 'Bob', number: '2001' }, behaviour: { kind: 'answer', answerAfterMs: 30 } });
    sim.addEndpoint('2002', { behaviour: { kind: 'noAnswer' } });
    sim.addEndpoint('2003', { callerId: { name: '', number: '2003' } });
    sim.addEndpoint('trunk-op', {
      numbers: (number) => (number === '0611111111' ? { kind: 'busy', afterMs: 10 } : number === '0699999999' ? { kind: 'reject', code: 503, afterMs: 10 } : { kind: 'answer', answerAfterMs: 20 }),
    });
    t = await startCallsApp({ ariUrl: sim.url, cdrFile, dataDir: dir });
    admin = await t.adminClient();
    // The directory plugin's part: a name for numbers Asterisk gives without one.
    cradle(t).collections.contribute('telephony.callerNameResolvers', 'core', { id: 'test-directory', resolve: async (n: string) => (n === '0677777777' ? 'Claire Directory' : null) });
    await eventually('ARI connected', async () => cradle(t).telephony.connected);
    // A route for inbound calls: ring, answer, dial 2001, bridge both (like trace 04).
    cradle(t).telephony.handle('reception', async ({ channel, telephony }) => {
      await channel.answer();
      const callee = await telephony.originate({ endpoint: 'PJSIP/2001', timeoutSeconds: 5 });
      const answered = await callee.answered;
      const bridge = await telephony.createBridge();
      await bridge.add(channel, answered);
      // The caller's BYE ends the call: the application hangs up the phone (trace 04).
      await channel.left();
      await answered.hangup();
      await callee.ended;
    });
    cradle(t).telephony.handle('hold-ringing', async ({ channel }) => {
      await channel.ring();
      await new Promise((resolve) => setTimeout(resolve, 2000));
    });
  });

  after(async () => {
    await t.stop();
    await sim.stop();
  });

  const rowOf = (callKey: string) => eventually(`call ${callKey} in the log`, () => CallRecord.findOne({ where: { callKey } }));
  async function settle(): Promise<void> {
    await cradle(t).liveCallCollector.settled();
  }

  it('answered: live row first, then the CDR line sets durations; still one row', async () => {
    const call = await cradle(t).telephony.originate({ endpoint: 'PJSIP/2001', callerId: { name: 'Carillon', number: '0100000001' } });
    const channel = await call.answered;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await channel.hangup();
    await call.ended;
    await settle();
    const live = await rowOf(channel.id);
    expect(live).to.include({ status: 'answered', direction: 'outbound', destination: '2001', callerNumber: '0100000001', callerName: 'Carillon', seenLive: true, seenCdr: false });
    await eventually('CDR line written', async () => sim.cdrRecords.some((r) => r.fields.uniqueid === channel.id));
    await cradle(t).cdrIngestor.poll();
    const rows = await CallRecord.findAll({ where: { callKey: channel.id } });
    expect(rows).to.have.length(1);
    const cdr = sim.cdrRecords.find((r) => r.fields.uniqueid === channel.id)!.fields;
    expect(rows[0]).to.include({ status: 'answered', seenLive: true, seenCdr: true, durationSeconds: cdr.duration, talkSeconds: cdr.billsec });
    expect(rows[0].startAt.toISOString().slice(0, 19).replace('T', ' ')).to.equal(cdr.start);
  });

  it('busy (17), failed (503 → 34) and no answer (originate timeout, 19)', async () => {
    const busy = await cradle(t).telephony.originate({ endpoint: 'PJSIP/0611111111@trunk-op' });
    const failed = await cradle(t).telephony.originate({ endpoint: 'PJSIP/0699999999@trunk-op' });
    const noAnswer = await cradle(t).telephony.originate({ endpoint: 'PJSIP/2002', timeoutSeconds: 1 });
    await Promise.all([busy.ended, failed.ended, noAnswer.ended]);
    await settle();
    expect(await rowOf(busy.channel.id)).to.include({ status: 'busy', destination: '0611111111', direction: 'outbound' });
    expect(await rowOf(failed.channel.id)).to.include({ status: 'failed', destination: '0699999999' });
    expect(await rowOf(noAnswer.channel.id)).to.include({ status: 'no_answer', destination: '2002' });
    // Their CDR lines (BUSY, FAILED, NO ANSWER) agree and add nothing.
    await cradle(t).cdrIngestor.poll();
    for (const id of [busy.channel.id, failed.channel.id, noAnswer.channel.id]) expect(await CallRecord.count({ where: { callKey: id } })).to.equal(1);
    expect(await rowOf(noAnswer.channel.id)).to.include({ status: 'no_answer', seenCdr: true });
  });

  it('cancelled: the caller hangs up while ringing (127); the CDR says NO ANSWER, the log says cancelled', async () => {
    const inbound = sim.inboundCall({ from: '2003', exten: '7001', app: 'carillon', args: ['hold-ringing'], cancelAfterMs: 100 });
    await inbound.result;
    await settle();
    const row = await rowOf(inbound.channelId!);
    expect(row).to.include({ status: 'cancelled', direction: 'inbound', destination: '7001', callerNumber: '2003' });
    await eventually('CDR line', async () => sim.cdrRecords.some((r) => r.fields.uniqueid === inbound.channelId));
    await cradle(t).cdrIngestor.poll();
    expect(await CallRecord.findAll({ where: { callKey: inbound.channelId! } })).to.have.length(1);
    expect(await rowOf(inbound.channelId!)).to.include({ status: 'cancelled', seenCdr: true });
  });

  it('an inbound call bridged to a phone is one answered call to the phone reached, CDR lines of both legs included', async () => {
    sim.addEndpoint('caller-x', { callerId: { name: '', number: '0677777777' } });
    const inbound = sim.inboundCall({ from: 'caller-x', exten: '7001', app: 'carillon', args: ['reception'], hangupAfterMs: 1100 });
    const result = await inbound.result;
    expect(result.finalResponse).to.equal(200);
    await settle();
    const legs = await eventually('both legs linked', async () => {
      const found = await CallLeg.findAll({ where: { callKey: inbound.channelId! } });
      return found.length === 2 ? found.map((l) => l.uniqueid) : null;
    });
    const calleeLeg = legs.find((id) => id !== inbound.channelId)!;
    await eventually('CDR lines of both legs', async () => legs.every((id) => sim.cdrRecords.some((r) => r.fields.uniqueid === id)));
    expect(sim.cdrRecords.find((r) => r.fields.uniqueid === calleeLeg)!.fields.userfield, 'no userfield: only the leg link can place it').to.equal('');
    await cradle(t).cdrIngestor.poll();
    expect(await CallRecord.count({ where: { callKey: calleeLeg } })).to.equal(0);
    const rows = await CallRecord.findAll({ where: { callerNumber: '0677777777' } });
    expect(rows, 'one row for the call and its second leg').to.have.length(1);
    expect(rows[0]).to.include({ callKey: inbound.channelId, status: 'answered', direction: 'inbound', destination: '2001', extension: '2001', callerName: 'Claire Directory', seenCdr: true });
    expect(rows[0].talkSeconds).to.be.at.least(1);
    // The API shows it as users know it.
    const res = await admin.get('/api/calls?number=%2B33%206%2077%2077%2077%2077');
    expect(res.status, res.text).to.equal(200);
    expect(res.body.items.map((i: { callId: string }) => i.callId)).to.deep.equal([inbound.channelId]);
  });

  it("closed and unavailable: the dialplan's userfield on the CDR line overrides what live events saw", async () => {
    // An application answers to play a message; the dialplan had marked the call (Set(CDR(userfield)=…)).
    cradle(t).telephony.handle('announce', async ({ channel }) => {
      await channel.answer();
      await channel.hangup();
    });
    const ids: string[] = [];
    for (const [hint, dialstatus] of [['closed', ''], ['', 'CHANUNAVAIL']] as const) {
      const inbound = sim.inboundCall({ from: '2003', exten: '7002', app: 'carillon', args: ['announce'] });
      const id = inbound.channelId!;
      ids.push(id);
      sim.model.channels.get(id)!.cdr.userfield = userfield({ call: id, dir: 'in', to: '7002', dialstatus, hint });
      await inbound.result;
    }
    await settle();
    for (const id of ids) expect(await rowOf(id)).to.include({ status: 'answered', seenCdr: false });
    await eventually('CDR lines', async () => ids.every((id) => sim.cdrRecords.some((r) => r.fields.uniqueid === id)));
    await cradle(t).cdrIngestor.poll();
    expect(await rowOf(ids[0])).to.include({ status: 'closed', statusOrigin: 'userfield', destination: '7002' });
    expect(await rowOf(ids[1])).to.include({ status: 'unavailable', statusOrigin: 'userfield' });
    for (const id of ids) expect(await CallRecord.count({ where: { callKey: id } })).to.equal(1);
  });

  it('reading the CDR file again changes nothing (offset persisted)', async () => {
    const before = await CallRecord.count();
    expect(await cradle(t).cdrIngestor.poll()).to.equal(0);
    expect(await CallRecord.count()).to.equal(before);
    expect(fs.statSync(cdrFile).size).to.be.greaterThan(0);
  });
});
