import { expect } from 'chai';
import { answer, collectDigits, play, sequence } from '../../core/telephony/steps';
import type { AriSimulator } from '../ari-simulator/ari-simulator';
import { eventTypes, startSimulator, startTelephony, until, type TelephonyUnderTest } from './telephony-harness';

describe('Stasis routes, call steps and the failing-handler rule', () => {
  let sim: AriSimulator;
  let t: TelephonyUnderTest;

  beforeEach(async () => {
    sim = await startSimulator();
    sim.addEndpoint('7101', { callerId: { name: 'Alice', number: '7101' } });
    sim.addEndpoint('2001', { callerId: { name: 'Bob', number: '2001' }, behaviour: { kind: 'answer', answerAfterMs: 20 } });
    sim.addEndpoint('2002', { behaviour: { kind: 'noAnswer' } });
    sim.addEndpoint('7109', { callerId: { name: 'Supervisor', number: '7109' }, behaviour: { kind: 'answer', answerAfterMs: 10 } });
    t = startTelephony(sim.url);
    await until('connected', () => t.telephony.connected);
  });

  afterEach(async () => {
    await t.stop();
    await sim.stop();
  });

  const inbound = (route: string, extra: { cancelAfterMs?: number; hangupAfterMs?: number } = {}) =>
    sim.inboundCall({ from: '7101', exten: '7001', context: 'from-internal', app: 'carillon', args: [route, '7001'], ...extra });

  it('runs a route composed of steps: answer, play a prompt, collect digits typed during the prompt', async () => {
    let digits = '';
    let args: string[] = [];
    t.telephony.handle('ivr', async (call) => {
      args = call.args;
      await sequence(answer(), play('sound:welcome'))(call);
      digits = await collectDigits({ max: 4, timeoutMs: 2000 })(call);
      await call.channel.hangup();
    });
    sim.setSound('sound:welcome', 400);
    const { channelId, result } = inbound('ivr');
    await until('the call in Stasis', () => sim.channelsInStasis().includes(channelId!));
    sim.pressDigits(channelId!, '12#', 40);
    expect(await result).to.deep.equal({ finalResponse: 200, stasisStatus: 'SUCCESS' });
    expect(digits).to.equal('12');
    expect(args).to.deep.equal(['7001']);
    await until('the call ended', () => t.calls.some((e) => e.type === 'ended'));
    expect(t.calls.map((e) => e.type)).to.deep.equal(['started', 'answered', 'ended']);
    expect(t.calls[0]).to.deep.include({ direction: 'inbound', caller: { name: 'Alice', number: '7101' } });
    expect(sim.requests.filter((r) => r.path.endsWith('/play')).map((r) => r.query.media)).to.deep.equal(['sound:welcome']);
  });

  it('a handler that throws sends a dialplan channel back to the dialplan: nothing stays in Stasis', async () => {
    t.telephony.handle('broken', async (call) => {
      await call.channel.answer();
      throw new Error('plugin bug');
    });
    const { channelId } = inbound('broken');
    await until('the channel left Stasis', () => sim.model.continued.length === 1);
    expect(sim.model.continued[0].channelId).to.equal(channelId);
    await until('no channel in Stasis, on both sides', () => sim.channelsInStasis().length === 0 && t.telephony.channelsInApplication().length === 0);
    await until('the call left', () => t.calls.length === 3);
    expect(t.calls.map((e) => e.type)).to.deep.equal(['started', 'answered', 'left']);
  });

  it('a handler that throws hangs up a call Carillon originated', async () => {
    t.telephony.handle('survey', async () => {
      throw new Error('plugin bug');
    });
    const call = await t.telephony.originate({ endpoint: 'PJSIP/2001', route: 'survey', args: ['42'] });
    const ended = await call.ended;
    expect(ended).to.include({ outcome: 'answered', cause: 16 });
    expect(sim.channelsInStasis()).to.deep.equal([]);
    expect(sim.model.continued).to.deep.equal([]);
    expect(sim.requests.some((r) => r.method === 'DELETE' && r.path === `/ari/channels/${call.channel.id}`)).to.equal(true);
  });

  it('a handler that throws also hangs up the calls it originated, ringing or answered, and destroys its bridges', async () => {
    let ringingId = '';
    let answeredId = '';
    t.telephony.handle('fragile', async (call) => {
      await call.channel.answer();
      ringingId = (await call.telephony.originate({ endpoint: 'PJSIP/2002' })).channel.id;
      const answered = await (await call.telephony.originate({ endpoint: 'PJSIP/2001' })).answered;
      answeredId = answered.id;
      const bridge = await call.telephony.createBridge();
      await bridge.add(call.channel, answered);
      throw new Error('plugin bug after bridging');
    });
    const { channelId } = inbound('fragile');
    await until('three calls over', () => t.calls.filter((e) => e.type === 'ended' || e.type === 'left').length === 3);
    expect(t.calls.find((e) => e.callId === ringingId && e.type === 'ended')).to.include({ outcome: 'cancelled' });
    expect(t.calls.find((e) => e.callId === answeredId && e.type === 'ended')).to.include({ outcome: 'answered' });
    expect(t.calls.find((e) => e.callId === channelId && e.type === 'left')).to.not.equal(undefined);
    await until('no channel in Stasis and no bridge', () => sim.channelsInStasis().length === 0 && sim.model.bridges.size === 0);
  });

  it('a channel for a route nobody handles, or left alone by a handler that returned, is given back', async () => {
    t.telephony.handle('forgetful', async (call) => {
      await call.channel.answer();
    });
    const unknown = inbound('nobody-handles-this');
    const forgotten = inbound('forgetful');
    await until('both given back', () => sim.model.continued.length === 2);
    expect(sim.model.continued.map((c) => c.channelId).sort()).to.deep.equal([unknown.channelId, forgotten.channelId].sort());
    await until('no channel in Stasis', () => sim.channelsInStasis().length === 0);
  });

  it('a handler that sends the channel on to the dialplan itself is not hung up after it returns', async () => {
    t.telephony.handle('to-voicemail', async (call) => {
      await call.channel.continueInDialplan({ context: 'voicemail', extension: '7001', priority: 1 });
    });
    const { channelId } = inbound('to-voicemail');
    await until('the call left', () => t.calls.some((e) => e.type === 'left'));
    expect(sim.model.continued).to.deep.equal([{ channelId, context: 'voicemail', extension: '7001', priority: 1 }]);
    expect(sim.requests.filter((r) => r.method === 'DELETE' || r.path.endsWith('/continue')).map((r) => `${r.method} ${r.path}`)).to.deep.equal([`POST /ari/channels/${channelId}/continue`]);
  });

  it('dialplan Stasis() with no application connected fails at once: the caller gets 603', async () => {
    await t.stop();
    await until('the socket closed', () => sim.registeredApps().length === 0);
    const { channelId, result } = inbound('ivr');
    expect(channelId).to.equal(null);
    expect(await result).to.deep.equal({ finalResponse: 603, stasisStatus: 'FAILED' });
  });

  it('bridges an inbound call with a dialled phone; the caller hangs up; the handler cleans up (04)', async () => {
    t.telephony.handle('connect', async (call) => {
      await call.channel.answer();
      const callee = await (await call.telephony.originate({ endpoint: 'PJSIP/2001', callerId: { name: 'Alice', number: '7101' } })).answered;
      const bridge = await call.telephony.createBridge({ name: 'connect' });
      await bridge.add(call.channel, callee);
      await call.channel.left();
      await callee.hangup();
      await bridge.destroy();
    });
    const { channelId, result } = inbound('connect', { hangupAfterMs: 300 });
    expect((await result).finalResponse).to.equal(200);
    await until('both calls ended', () => t.calls.filter((e) => e.type === 'ended').length === 2);
    await until('no channel in Stasis and no bridge', () => sim.channelsInStasis().length === 0 && sim.model.bridges.size === 0);
    expect(eventTypes(sim.eventsFor('carillon'), channelId!)).to.deep.equal(['StasisStart', 'State Up', 'ChannelEnteredBridge', 'ChannelHangupRequest', 'ChannelLeftBridge', 'StasisEnd']);
    const callerCdr = sim.cdrRecords.find((r) => r.fields.uniqueid === channelId)!;
    expect(callerCdr.fields).to.include({ src: '7101', dst: '7001', dcontext: 'from-internal', lastapp: 'Stasis', lastdata: 'carillon,connect,7001', disposition: 'ANSWERED' });
    expect(callerCdr.fields.dstchannel).to.match(/^PJSIP\/2001-/);
  });

  it('the caller cancels while the dialled phone rings: caller ends cancelled (127), the handler hangs up the ringing leg (04b)', async () => {
    t.telephony.handle('ring-then-dial', async (call) => {
      await call.channel.ring();
      const callee = await call.telephony.originate({ endpoint: 'PJSIP/2002' });
      await call.channel.left();
      await callee.channel.hangup();
      await callee.ended;
    });
    const { channelId, result } = inbound('ring-then-dial', { cancelAfterMs: 50 });
    expect((await result).finalResponse).to.equal(487);
    await until('both calls ended', () => t.calls.filter((e) => e.type === 'ended').length === 2);
    const ends = t.calls.filter((e) => e.type === 'ended');
    expect(ends.find((e) => e.callId === channelId)).to.include({ cause: 127, outcome: 'cancelled' });
    expect(ends.find((e) => e.callId !== channelId)).to.include({ cause: 16, outcome: 'cancelled' });
    expect(sim.channelsInStasis()).to.deep.equal([]);
  });

  it('snoops on a bridged call for a supervisor (listen), and the Snoop channel leaves with the call (05)', async () => {
    let snoopId = '';
    t.telephony.handle('supervised', async (call) => {
      await call.channel.answer();
      const callee = await (await call.telephony.originate({ endpoint: 'PJSIP/2001' })).answered;
      const bridge = await call.telephony.createBridge();
      await bridge.add(call.channel, callee);
      const snoop = await call.channel.snoop('listen');
      snoopId = snoop.id;
      const supervisor = await (await call.telephony.originate({ endpoint: 'PJSIP/7109' })).answered;
      const listen = await call.telephony.createBridge();
      await listen.add(snoop, supervisor);
      await call.channel.left();
      await callee.hangup();
      await supervisor.hangup();
      await bridge.destroy();
      await listen.destroy();
    });
    const { result } = inbound('supervised', { hangupAfterMs: 150 });
    expect((await result).finalResponse).to.equal(200);
    await until('no channel in Stasis', () => sim.channelsInStasis().length === 0 && sim.model.bridges.size === 0);
    expect(sim.requests.find((r) => r.path.endsWith('/snoop'))?.query).to.include({ spy: 'both', whisper: 'none', app: 'carillon', snoopId });
    expect(eventTypes(sim.eventsFor('carillon'), snoopId)).to.deep.equal(['StasisStart', 'ChannelEnteredBridge', 'ChannelLeftBridge', 'StasisEnd']);
    // A Snoop channel is no call of its own.
    expect(t.calls.filter((e) => e.type === 'started')).to.have.length(3);
  });

  it('records a channel until its maximum duration and reports the stored recording', async () => {
    let recording: unknown = null;
    t.telephony.handle('voicemail', async (call) => {
      await call.channel.answer();
      recording = await call.channel.record({ name: 'vm-1', format: 'wav', maxDurationSeconds: 1 });
      await call.channel.hangup();
    });
    const { result } = inbound('voicemail');
    await result;
    expect(recording).to.deep.equal({ name: 'vm-1', format: 'wav', durationSeconds: 1 });
    expect([...sim.model.media.storedRecordings.keys()]).to.deep.equal(['vm-1']);
  });
});
