import { expect } from 'chai';
import { AriRequestError } from '../../core/telephony/ari/errors';
import type { CallEvent } from '../../core/telephony/call-events';
import { CallNotAnsweredError } from '../../core/telephony/errors';
import type { AriSimulator } from '../ari-simulator/ari-simulator';
import { eventTypes, startSimulator, startTelephony, until, type TelephonyUnderTest } from './telephony-harness';

const callEvents = (t: TelephonyUnderTest, callId: string): CallEvent[] => t.calls.filter((e) => e.callId === callId);

describe('Originate through the ARI adapter (causes and event order of the traces)', () => {
  let sim: AriSimulator;
  let t: TelephonyUnderTest;

  beforeEach(async () => {
    sim = await startSimulator({ cdrUnanswered: true });
    sim.addEndpoint('2001', { callerId: { name: 'Bob', number: '2001' }, behaviour: { kind: 'answer', answerAfterMs: 30 } });
    sim.addEndpoint('2002', { behaviour: { kind: 'noAnswer' } });
    sim.addEndpoint('2003', { registered: false });
    sim.addEndpoint('trunk-a', { numbers: (number) => (number === '0611111111' ? { kind: 'busy', afterMs: 10 } : { kind: 'reject', code: Number(number) as 404 | 480 | 503 | 603, afterMs: 10 }) });
    sim.addLocalExtension('s', 'sim-local');
    t = startTelephony(sim.url);
    await until('connected', () => t.telephony.connected);
  });

  afterEach(async () => {
    await t.stop();
    await sim.stop();
  });

  it('answered: started, ringing, answered, then ended 16 Normal Clearing with its duration after the app hangs up', async () => {
    const call = await t.telephony.originate({ endpoint: 'PJSIP/2001', callerId: { name: 'Carillon', number: '0100000001' } });
    const channel = await call.answered;
    await channel.hangup();
    const ended = await call.ended;
    expect(callEvents(t, channel.id).map((e) => e.type)).to.deep.equal(['started', 'ringing', 'answered', 'ended']);
    expect(ended).to.include({ cause: 16, causeText: 'Normal Clearing', techCause: null, outcome: 'answered' });
    expect(ended.durationMs).to.be.at.least(ended.talkMs);
    const started = callEvents(t, channel.id)[0];
    expect(started).to.deep.include({ direction: 'outbound', endpoint: 'PJSIP/2001', caller: { name: 'Carillon', number: '0100000001' } });
    // What Asterisk sends for 03a, in that order.
    expect(eventTypes(sim.eventsFor('carillon'), channel.id)).to.deep.equal([
      'Dial ""', 'State Ringing', 'Dial RINGING', 'State Up', 'Dial ANSWER', 'Varset STASISSTATUS=', 'StasisStart',
      'ChannelHangupRequest', 'StasisEnd', 'Varset STASISSTATUS=SUCCESS', 'ChannelDestroyed',
    ]);
    expect(sim.requests.find((r) => r.method === 'POST' && r.path === '/ari/channels')?.query).to.deep.include({ endpoint: 'PJSIP/2001', app: 'carillon', callerId: '"Carillon" <0100000001>', channelId: channel.id });
    const cdr = sim.cdrRecords.find((r) => r.fields.uniqueid === channel.id)!;
    expect(cdr.fields).to.include({ src: '0100000001', clid: '"Carillon" <0100000001>', lastapp: 'Stasis', disposition: 'ANSWERED', channel: sim.eventsFor('carillon').map((e) => (e.peer as { name?: string } | undefined)?.name).find(Boolean) });
  });

  it('busy: 17 User busy / 486, outcome busy, CDR BUSY', async () => {
    const call = await t.telephony.originate({ endpoint: 'PJSIP/0611111111@trunk-a' });
    const failure = await call.answered.catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(CallNotAnsweredError);
    const ended = await call.ended;
    expect(ended).to.include({ cause: 17, causeText: 'User busy', techCause: 486, outcome: 'busy', talkMs: 0 });
    expect(callEvents(t, call.channel.id).map((e) => e.type)).to.deep.equal(['started', 'ended']);
    expect(eventTypes(sim.eventsFor('carillon'), call.channel.id)).to.deep.equal(['Dial ""', 'ChannelHangupRequest', 'Dial BUSY', 'ChannelDestroyed']);
    const cdr = sim.cdrRecords.find((r) => r.fields.uniqueid === call.channel.id)!;
    expect(cdr.fields).to.include({ disposition: 'BUSY', lastapp: 'AppDial2', lastdata: '(Outgoing Line)', answer: '', billsec: 0 });
    expect(cdr.raw).to.match(/^"","","s","from-internal",""""" <>","PJSIP\/trunk-a-[0-9a-f]{8}","","AppDial2","\(Outgoing Line\)","\d{4}-\d\d-\d\d \d\d:\d\d:\d\d",,"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d",0,0,"BUSY","DOCUMENTATION","[^"]+",""$/);
  });

  it('no answer: rings, then at the originate timeout ends 19 / 480 with no hang-up request', async () => {
    const call = await t.telephony.originate({ endpoint: 'PJSIP/2002', timeoutSeconds: 1 });
    const ended = await call.ended;
    expect(ended).to.include({ cause: 19, causeText: 'User alerting, no answer', techCause: 480, outcome: 'no_answer' });
    expect(callEvents(t, call.channel.id).map((e) => e.type)).to.deep.equal(['started', 'ringing', 'ended']);
    expect(eventTypes(sim.eventsFor('carillon'), call.channel.id)).to.deep.equal(['Dial ""', 'State Ringing', 'Dial RINGING', 'ChannelDestroyed']);
    expect(sim.cdrRecords.find((r) => r.fields.uniqueid === call.channel.id)?.fields.disposition).to.equal('NO ANSWER');
  });

  it('cancelled by the app while ringing: 16 after a soft hang-up request, outcome cancelled', async () => {
    const call = await t.telephony.originate({ endpoint: 'PJSIP/2002' });
    await until('ringing', () => callEvents(t, call.channel.id).some((e) => e.type === 'ringing'));
    await call.channel.hangup();
    const ended = await call.ended;
    expect(ended).to.include({ cause: 16, outcome: 'cancelled' });
    expect(eventTypes(sim.eventsFor('carillon'), call.channel.id).slice(-3)).to.deep.equal(['ChannelHangupRequest', 'Dial NOANSWER', 'ChannelDestroyed']);
  });

  it('reject codes map to the causes of the traces (404→1, 480→19, 503→34 failed, 603→21)', async () => {
    const results: Array<[number, number | null, string]> = [];
    for (const code of ['404', '480', '503', '603']) {
      const call = await t.telephony.originate({ endpoint: `PJSIP/${code}@trunk-a` });
      const ended = await call.ended;
      results.push([ended.cause, ended.techCause, ended.outcome]);
    }
    expect(results).to.deep.equal([
      [1, 404, 'no_answer'],
      [19, 480, 'no_answer'],
      [34, 503, 'failed'],
      [21, 603, 'no_answer'],
    ]);
  });

  it('unregistered or unknown endpoint: 500 Allocation failed, no channel, no event, no CDR', async () => {
    for (const endpoint of ['PJSIP/2003', 'PJSIP/nosuch', 'PJSIP/0600000000@2003']) {
      const failure = await t.telephony.originate({ endpoint }).catch((err: unknown) => err);
      expect(failure, endpoint).to.be.instanceOf(AriRequestError);
      expect((failure as AriRequestError).allocationFailed, endpoint).to.equal(true);
    }
    expect(sim.eventsFor('carillon')).to.deep.equal([]);
    expect(t.calls).to.deep.equal([]);
    expect(sim.cdrRecords).to.deep.equal([]);
  });

  it('a phone that registers can be called; the far end hangs up an answered call', async () => {
    expect(await t.telephony.originate({ endpoint: 'PJSIP/2003' }).catch((err: AriRequestError) => err.allocationFailed)).to.equal(true);
    sim.setRegistered('2003', true);
    const call = await t.telephony.originate({ endpoint: 'PJSIP/2003' });
    const channel = await call.answered;
    sim.hangupFromRemote(channel.id);
    expect(await call.ended).to.include({ cause: 0, outcome: 'answered' });
  });

  it('an answering machine answers, is detected as MACHINE, and hangs up after its greeting', async () => {
    sim.addEndpoint('0699999999', { behaviour: { kind: 'answer', answerAfterMs: 10, answeringMachine: true, hangupAfterMs: 50 } });
    const call = await t.telephony.originate({ endpoint: 'PJSIP/0699999999' });
    const channel = await call.answered;
    expect(await channel.getVariable('AMDSTATUS')).to.equal('MACHINE');
    expect(await channel.getVariable('NOT_SET')).to.equal(null);
    expect(await call.ended).to.include({ outcome: 'answered', cause: 0 });
  });

  it('Local/ channels are originated with formats=ulaw and both halves end', async () => {
    const call = await t.telephony.originate({ endpoint: 'Local/s@sim-local' });
    const channel = await call.answered;
    expect(sim.requests.find((r) => r.method === 'POST' && r.path === '/ari/channels')?.query).to.include({ formats: 'ulaw', endpoint: 'Local/s@sim-local' });
    await channel.play('sound:beep');
    await channel.hangup();
    expect((await call.ended).outcome).to.equal('answered');
    await until('two CDR lines', () => sim.cdrRecords.length === 2);
    expect(sim.cdrRecords.map((r) => r.fields.lastapp)).to.deep.equal(['Stasis', 'Wait']);
  });

  it('a remote hang-up of an answered call ends with cause 0 Unknown (03e) and counts as answered', async () => {
    sim.addEndpoint('2004', { behaviour: { kind: 'answer', answerAfterMs: 10, hangupAfterMs: 30 } });
    const call = await t.telephony.originate({ endpoint: 'PJSIP/2004' });
    const ended = await call.ended;
    expect(ended).to.include({ cause: 0, causeText: 'Unknown', outcome: 'answered' });
    expect(eventTypes(sim.eventsFor('carillon'), call.channel.id).slice(-4)).to.deep.equal(['ChannelHangupRequest', 'StasisEnd', 'Varset STASISSTATUS=SUCCESS', 'ChannelDestroyed']);
  });
});
