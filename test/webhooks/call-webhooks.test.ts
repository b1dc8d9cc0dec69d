import path from 'node:path';
import { expect } from 'chai';
import { WebhookDelivery } from '../../core/webhooks/webhook-models';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import { appendCdr, cdr, cradle, eventually, observation, startCallsApp, userfield } from '../calls/calls-harness';
import { tempDir, type TestApp } from '../support/test-app';
import { Receiver } from './receiver';

/** Calls through the real telephony engine against the ARI simulator: each call event is one signed webhook. */
describe('Webhooks: call started, answered and ended from real call events', () => {
  let sim: AriSimulator;
  let t: TestApp;
  let receiver: Receiver;
  let cdrFile: string;

  before(async () => {
    const dir = tempDir('carillon-webhook-calls-');
    cdrFile = path.join(dir, 'Master.csv');
    sim = new AriSimulator({ cdrFile: path.join(dir, 'sim-Master.csv'), defaultSoundMs: 20 });
    await sim.start();
    sim.addEndpoint('2001', { callerId: { name: 'Bob', number: '2001' }, behaviour: { kind: 'answer', answerAfterMs: 30 } });
    sim.addEndpoint('trunk-op', { numbers: () => ({ kind: 'busy', afterMs: 10 }) });
    t = await startCallsApp({ ariUrl: sim.url, cdrFile, dataDir: dir });
    receiver = new Receiver();
    await receiver.up();
    const admin = await t.adminClient();
    await admin.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: true });
    const res = await admin.post('/api/webhooks', { name: 'CRM', url: receiver.url, events: ['call.started', 'call.answered', 'call.ended', 'call.logged'] });
    expect(res.status, res.text).to.equal(201);
    await eventually('ARI connected', async () => cradle(t).telephony.connected);
  });

  after(async () => {
    await t.stop();
    await sim.stop();
    await receiver.down();
  });

  const received = () => receiver.received.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, any> });
  const eventsOf = (callId: string) => received().filter((e) => e.data.callId === callId);
  const loggedOf = (callKey: string) => received().filter((e) => e.type === 'call.logged' && e.data.callKey === callKey);

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
    // The call log wrote it too.
    const [logged] = await eventually('call.logged', async () => (loggedOf(channel.id).length ? loggedOf(channel.id) : null));
    expect(logged.data).to.include({ callKey: channel.id, status: 'answered', direction: 'outbound', destination: '2001' });
  });

  it('a busy call: started, then ended busy (no answered)', async () => {
    const call = await cradle(t).telephony.originate({ endpoint: 'PJSIP/0611111111@trunk-op' });
    await call.ended;
    const events = await eventually('two webhooks', async () => (eventsOf(call.channel.id).length === 2 ? eventsOf(call.channel.id) : null));
    expect(events.map((e) => e.type).sort()).to.deep.equal(['call.ended', 'call.started']);
    expect(events.find((e) => e.type === 'call.ended')!.data).to.include({ outcome: 'busy', cause: 17, answeredAt: null });
  });

  it('a call handled in the dialplan alone reaches webhooks through the CDR file (call.logged)', async () => {
    const start = new Date(Date.now() - 60_000);
    appendCdr(cdrFile, [
      cdr({ uniqueid: 'dialplan.1', start, seconds: 42, talk: 30, src: '0611223344', dst: '201', disposition: 'ANSWERED', userfield: userfield({ call: 'dialplan.1', dir: 'in', to: '201', dialstatus: 'ANSWER' }) }),
    ]);
    await cradle(t).cdrIngestor.poll();
    const [logged] = await eventually('call.logged from the CDR', async () => (loggedOf('dialplan.1').length ? loggedOf('dialplan.1') : null));
    expect(logged.data).to.include({ callKey: 'dialplan.1', status: 'answered', direction: 'inbound', callerNumber: '0611223344', destination: '201', extension: '201', durationSeconds: 42, talkSeconds: 30 });
  });

  it('a write that changes nothing a receiver sees sends nothing; better data sends the call again', async () => {
    const log = cradle(t).callLogService;
    const startAt = new Date(Date.now() - 120_000);
    await log.record(observation({ callKey: 'dedupe.1', startAt }));
    await eventually('first call.logged', async () => loggedOf('dedupe.1').length === 1);
    // A live observation after the CDR changes only what Carillon saw (seenLive), not the call.
    await log.record(observation({ callKey: 'dedupe.1', startAt, source: 'live', verdict: { status: 'answered', origin: 'live' } }));
    // CEL counts the talk time better: the receiver gets the call again.
    await log.record(observation({ callKey: 'dedupe.1', startAt, source: 'cel', talkSeconds: 47 }));
    await eventually('second call.logged', async () => loggedOf('dedupe.1').length >= 2);
    // Every event received so far is a row in the outbox: count them there, not as they arrive.
    await cradle(t).webhookOutbox.settled();
    const rows = (await WebhookDelivery.findAll({ where: { eventType: 'call.logged' }, order: [['createdAt', 'ASC']] })).map((r) => JSON.parse(r.payload).data).filter((d) => d.callKey === 'dedupe.1');
    expect(rows.map((d) => d.talkSeconds)).to.deep.equal([50, 47]);
  });
});
