import path from 'node:path';
import { expect } from 'chai';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import { cradle, eventually, startCallsApp } from '../calls/calls-harness';
import { tempDir, type TestApp } from '../support/test-app';
import { Receiver } from './receiver';

/** Calls through the real telephony engine against the ARI simulator: each call event is one signed webhook. */
describe('Webhooks: call started, answered and ended from real call events', () => {
  let sim: AriSimulator;
  let t: TestApp;
  let receiver: Receiver;

  before(async () => {
    const dir = tempDir('carillon-webhook-calls-');
    sim = new AriSimulator({ cdrFile: path.join(dir, 'Master.csv'), defaultSoundMs: 20 });
    await sim.start();
    sim.addEndpoint('2001', { callerId: { name: 'Bob', number: '2001' }, behaviour: { kind: 'answer', answerAfterMs: 30 } });
    sim.addEndpoint('trunk-op', { numbers: () => ({ kind: 'busy', afterMs: 10 }) });
    t = await startCallsApp({ ariUrl: sim.url, cdrFile: path.join(dir, 'Master.csv'), dataDir: dir });
    receiver = new Receiver();
    await receiver.up();
    const admin = await t.adminClient();
    await admin.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: true });
    const res = await admin.post('/api/webhooks', { name: 'CRM', url: receiver.url, events: ['call.started', 'call.answered', 'call.ended'] });
    expect(res.status, res.text).to.equal(201);
    await eventually('ARI connected', async () => cradle(t).telephony.connected);
  });

  after(async () => {
    await t.stop();
    await sim.stop();
    await receiver.down();
  });

  const eventsOf = (callId: string) =>
    receiver.received.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, any> }).filter((e) => e.data.callId === callId);

  it('an answered call: started, answered, then ended with outcome answered and its durations', async () => {
    const call = await cradle(t).telephony.originate({ endpoint: 'PJSIP/2001', callerId: { name: 'Carillon', number: '0100000001' } });
    const channel = await call.answered;
    await channel.hangup();
    await call.ended;
    const events = await eventually('three webhooks', async () => (eventsOf(channel.id).length === 3 ? eventsOf(channel.id) : null));
    expect(events.map((e) => e.type).sort()).to.deep.equal(['call.answered', 'call.ended', 'call.started']);
    const ended = events.find((e) => e.type === 'call.ended')!.data;
    expect(ended).to.include({ callId: channel.id, direction: 'outbound', endpoint: 'PJSIP/2001', outcome: 'answered', cause: 16 });
    expect(ended.answeredAt).to.be.a('string');
    expect(ended.talkSeconds).to.be.a('number');
    expect(events.find((e) => e.type === 'call.answered')!.data).to.include({ callId: channel.id, direction: 'outbound' });
  });

  it('a busy call: started, then ended busy (no answered)', async () => {
    const call = await cradle(t).telephony.originate({ endpoint: 'PJSIP/0611111111@trunk-op' });
    await call.ended;
    const events = await eventually('two webhooks', async () => (eventsOf(call.channel.id).length === 2 ? eventsOf(call.channel.id) : null));
    expect(events.map((e) => e.type).sort()).to.deep.equal(['call.ended', 'call.started']);
    expect(events.find((e) => e.type === 'call.ended')!.data).to.include({ outcome: 'busy', cause: 17, answeredAt: null });
  });
});
