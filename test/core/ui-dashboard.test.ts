import path from 'node:path';
import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import { dayBounds } from '../../core/system/day-bounds';
import { liveCallsOf } from '../../core/system/dashboard-service';
import type { AriChannel } from '../../core/telephony/ari/ari-types';
import type { ApiClient } from '../support/api-client';
import { tempDir, type TestApp } from '../support/test-app';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import { SimRegistrar } from '../ari-simulator/registrar';
import { contributeExtensions, cradle, eventually, observation, startCallsApp } from '../calls/calls-harness';
import { createUser, expectProblem, type CreatedUser } from './auth-fixtures';

function channel(id: string, name: string, state: AriChannel['state'], caller: string, exten = '', creationtime = '2026-11-21T10:00:00.000+0000'): AriChannel {
  return { id, name, state, caller: { name: '', number: caller }, connected: { name: '', number: '' }, accountcode: '', dialplan: { context: 'x', exten, priority: 1 }, creationtime, language: 'fr' };
}

describe('Dashboard: health, live calls, registered phones, today by status', () => {
  describe('reading the day and the channels', () => {
    it('takes the day in the viewer’s time zone, across DST changes', () => {
      // 30 March 2026, 00:30 in Paris (22:30 UTC the day before); the day is 23 hours long on 29 March.
      expect(dayBounds(new Date('2026-03-29T22:30:00Z'), 'Europe/Paris')).to.deep.equal({ from: new Date('2026-03-29T22:00:00Z'), to: new Date('2026-03-30T22:00:00Z') });
      expect(dayBounds(new Date('2026-03-29T12:00:00Z'), 'Europe/Paris')).to.deep.equal({ from: new Date('2026-03-28T23:00:00Z'), to: new Date('2026-03-29T22:00:00Z') });
      expect(dayBounds(new Date('2026-11-21T03:00:00Z'), 'America/Montreal')).to.deep.equal({ from: new Date('2026-11-20T05:00:00Z'), to: new Date('2026-11-21T05:00:00Z') });
      expect(dayBounds(new Date('2026-11-21T23:59:59Z'), 'UTC')).to.deep.equal({ from: new Date('2026-11-21T00:00:00Z'), to: new Date('2026-11-22T00:00:00Z') });
    });

    it('counts a bridge once, a call being set up once, and never Local ;2 halves or snoops', () => {
      const calls = liveCallsOf(
        [
          channel('a', 'PJSIP/trunk-00000001', 'Up', '0611223344', '', '2026-11-21T10:00:00.000+0000'),
          channel('b', 'PJSIP/201-00000002', 'Up', '201', '', '2026-11-21T10:00:01.000+0000'),
          channel('c', 'PJSIP/202-00000003', 'Ring', '202', '203', '2026-11-21T10:01:00.000+0000'),
          channel('d', 'PJSIP/203-00000004', 'Ringing', '203'),
          channel('e', 'Local/300@carillon-00000001;2', 'Up', '300'),
          channel('f', 'Snoop/a-00000001', 'Up', ''),
        ],
        [{ id: 'bridge-1', technology: 'simple_bridge', bridge_type: 'mixing', bridge_class: 'base', creator: 'Dial', name: '', channels: ['a', 'b', 'f'] }],
      );
      expect(calls).to.deep.equal([
        { id: 'bridge-1', from: '0611223344', to: '201', startedAt: '2026-11-21T10:00:00.000Z', state: 'up', channelIds: ['a', 'b'] },
        { id: 'c', from: '202', to: '203', startedAt: '2026-11-21T10:01:00.000Z', state: 'ringing', channelIds: ['c'] },
      ]);
    });

    it('leaves the called side of a dialplan Dial() (AppDial, Down before its 180) with its caller', () => {
      // GET /channels of real Asterisk 22 just after Dial() (trace 11): the caller in Ring, the called side in Down.
      const called = { ...channel('g', 'PJSIP/871-00000017', 'Down', '871', 's', '2026-11-21T10:02:00.100+0000'), dialplan: { context: 'from-internal', exten: 's', priority: 1, app_name: 'AppDial', app_data: '(Outgoing Line)' } };
      const caller = { ...channel('h', 'PJSIP/872-00000016', 'Ring', '872', '871', '2026-11-21T10:02:00.000+0000'), dialplan: { context: 'carillon-ext', exten: '871', priority: 6, app_name: 'Dial', app_data: 'PJSIP/871,20' } };
      expect(liveCallsOf([called, caller], [])).to.deep.equal([{ id: 'h', from: '872', to: '871', startedAt: '2026-11-21T10:02:00.000Z', state: 'ringing', channelIds: ['h'] }]);
    });
  });

  describe('over HTTP and socket.io, with the ARI simulator', () => {
    let sim: AriSimulator;
    let registrar: SimRegistrar;
    let t: TestApp;
    let admin: ApiClient;
    let agent: CreatedUser;
    const sockets: Socket[] = [];

    before(async () => {
      sim = new AriSimulator({ defaultSoundMs: 20 });
      await sim.start();
      registrar = new SimRegistrar(sim);
      sim.addEndpoint('201', { registered: false, behaviour: { kind: 'answer', answerAfterMs: 10 } });
      sim.addEndpoint('202', { registered: false });
      // ARI may list an endpoint the database no longer has: not a phone of this PBX.
      sim.addEndpoint('299', { registered: true });
      registrar.register('201', { uri: 'sip:201@192.0.2.10:5062', userAgent: 'Yealink T54W', viaAddr: '192.0.2.10', viaPort: 5062, expiresInSeconds: 600 });
      const dir = tempDir('carillon-dashboard-');
      t = await startCallsApp({ ariUrl: sim.url, cdrFile: path.join(dir, 'Master.csv'), dataDir: dir });
      admin = await t.adminClient();
      agent = await createUser(t, admin, ['agent'], 'agent');
      contributeExtensions(t, [
        { number: '201', name: 'Reception', userId: agent.id },
        { number: '202', name: 'Back office' },
      ]);
      await eventually('ARI connected and subscribed to endpoint events', async () => cradle(t).telephony.connected && registrar.subscribedApps.has('carillon'));
      const { from } = dayBounds(new Date(), 'Europe/Paris');
      const today = (minutes: number) => new Date(from.getTime() + minutes * 60_000);
      const log = cradle(t).callLogService;
      await log.record(observation({ callKey: 'd1', startAt: today(1), destination: '201' }));
      await log.record(observation({ callKey: 'd2', startAt: today(2), destination: '202' }));
      await log.record(observation({ callKey: 'd3', startAt: today(3), destination: '201', talkSeconds: 0, verdict: { status: 'no_answer', origin: 'userfield' } }));
      await log.record(observation({ callKey: 'd4', startAt: today(4), destination: '202', talkSeconds: 0, verdict: { status: 'closed', origin: 'userfield' } }));
      await log.record(observation({ callKey: 'yesterday', startAt: new Date(from.getTime() - 60_000), destination: '201' }));
    });
    after(async () => {
      for (const socket of sockets) socket.disconnect();
      await t.stop();
      await sim.stop();
    });

    it('gives an administrator every part: health, live calls, registered phones, today by status', async () => {
      const res = await admin.get('/api/system/dashboard');
      expect(res.status, res.text).to.equal(200);
      expect(res.body.health).to.deep.include({ status: 'ok', database: { dialect: cradle(t).sequelize.getDialect(), reachable: true }, plugins: [] });
      expect(res.body.health.telephony).to.include({ state: 'connected', connected: true });
      expect(res.body.liveCalls).to.deep.equal([]);
      expect(res.body.registeredPhones).to.equal(1);
      expect(res.body.today).to.deep.include({ total: 4, byStatus: { answered: 2, no_answer: 1, closed: 1, unavailable: 0, cancelled: 0, busy: 0, failed: 0 } });
    });

    it('gives an agent only the calls of their own extensions, and nothing to a stranger', async () => {
      const res = await agent.client.get('/api/system/dashboard');
      expect(Object.keys(res.body)).to.deep.equal(['today']);
      expect(res.body.today).to.deep.include({ total: 2, byStatus: { answered: 1, no_answer: 1, closed: 0, unavailable: 0, cancelled: 0, busy: 0, failed: 0 } });
      expectProblem(await t.client().get('/api/system/dashboard'), 401, 'unauthenticated');
    });

    it('shows a live call and tells connected dashboards over socket.io when calls change', async () => {
      const socket = io(t.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: admin.cookie! } });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const agentSocket = io(t.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: agent.client.cookie! } });
      sockets.push(agentSocket);
      const agentHeard: string[] = [];
      agentSocket.on('calls.liveChanged', (payload: { type: string }) => agentHeard.push(payload.type));
      await new Promise<void>((resolve) => agentSocket.once('connect', () => resolve()));

      const heard: Array<{ type: string }> = [];
      socket.on('calls.liveChanged', (payload: { type: string }) => heard.push(payload));
      const call = await cradle(t).telephony.originate({ endpoint: 'PJSIP/201', callerId: { name: 'Carillon', number: '0100000001' } });
      const answered = await call.answered;
      const live = await eventually('the live call on the dashboard', async () => {
        const body = (await admin.get('/api/system/dashboard')).body;
        return body.liveCalls.length === 1 && body.liveCalls;
      });
      // Asterisk gives an originated channel the caller id as both caller and connected party: the called side is the endpoint.
      expect(live[0]).to.include({ id: answered.id, state: 'up', from: '0100000001', to: '201' });
      await answered.hangup();
      await call.ended;
      await eventually('started, answered and ended events', async () => ['started', 'answered', 'ended'].every((type) => heard.some((e) => e.type === type)));
      expect(Object.keys(heard[0]).sort()).to.deep.equal(['at', 'type']);
      expect((await admin.get('/api/system/dashboard')).body.liveCalls).to.deep.equal([]);
      // Agents (calls.read.own) are not told about every call of the PBX.
      expect(agentHeard).to.deep.equal([]);
    });

    it('shows a phone-to-phone call that stays in the dialplan as it rings and as it talks, heard over socket.io at once; the admin hangs it up', async () => {
      // Such calls never enter Carillon's application: only the endpoint:PJSIP subscription tells
      // Carillon about them (real Asterisk 22 trace test/ari-simulator/traces/11-dialplan-calls.jsonl).
      sim.addEndpoint('203', { registered: true, callerId: { name: 'Desk 203', number: '203' }, behaviour: { kind: 'noAnswer' } });
      sim.addEndpoint('204', { registered: true, callerId: { name: 'Desk 204', number: '204' }, behaviour: { kind: 'answer', answerAfterMs: 10 } });
      sim.addEndpoint('205', { registered: true, callerId: { name: 'Desk 205', number: '205' } });
      const heard: string[] = [];
      sockets[0]!.on('calls.liveChanged', (payload: { type: string }) => heard.push(payload.type));
      const dashboardCalls = async () => (await admin.get('/api/system/dashboard')).body.liveCalls as Array<{ id: string; from: string; to: string; state: string; channelIds: string[] }>;

      const ringing = sim.dialplan.call({ from: '205', exten: '203', ring: ['203'], ringSeconds: 600 });
      await eventually('the ringing call heard over socket.io', async () => heard.includes('started'));
      const [rung] = await eventually('the ringing call on the dashboard', async () => {
        const calls = await dashboardCalls();
        return calls.length === 1 && calls;
      });
      // The called side (AppDial, then Ringing) is part of the caller's call, not a call of its own.
      expect(rung).to.include({ from: '205', to: '203', state: 'ringing' });
      expect(rung!.channelIds).to.have.length(1);
      const cancelled = await admin.post(`/api/system/live-calls/${encodeURIComponent(rung!.id)}/hangup`, {});
      expect(cancelled.status, cancelled.text).to.equal(200);
      expect((await ringing).dialstatus).to.equal('CANCEL');
      await eventually('the end heard', async () => heard.includes('ended'));
      expect(await dashboardCalls()).to.deep.equal([]);

      heard.length = 0;
      const talking = sim.dialplan.call({ from: '205', exten: '204', ring: ['204'], talkMs: 600_000 });
      await eventually('the answer heard over socket.io', async () => heard.includes('answered'));
      const [up] = await eventually('the call in conversation on the dashboard', async () => {
        const calls = await dashboardCalls();
        return calls.length === 1 && calls[0]!.state === 'up' && calls;
      });
      expect(up).to.include({ from: '205', to: '204' });
      expect(up!.channelIds).to.have.length(2);
      const hungUp = await admin.post(`/api/system/live-calls/${encodeURIComponent(up!.id)}/hangup`, {});
      expect(hungUp.status, hungUp.text).to.equal(200);
      expect(hungUp.body.channelIds).to.have.members(up!.channelIds);
      const result = await talking;
      expect(result).to.include({ dialstatus: 'ANSWER', answeredBy: '204' });
      await eventually('the end heard', async () => heard.includes('ended'));
      expect(await dashboardCalls()).to.deep.equal([]);
      expect([...sim.model.channels.values()].map((c) => c.name)).to.deep.equal([]);
      // Each channel is told once, though Asterisk repeats events of channels under two subscriptions.
      expect(heard.filter((type) => type === 'ended')).to.have.length(2);
    });

    it('tells open telephony pages that a resource changed, to users who may read them', async () => {
      const [adminSocket, agentSocket] = sockets;
      const heard = new Promise<unknown>((resolve) => adminSocket.once('telephony.resourceChanged', resolve));
      const agentHeard: unknown[] = [];
      agentSocket.on('telephony.resourceChanged', (payload: unknown) => agentHeard.push(payload));
      const created = await admin.post('/api/telephony/extensions', { number: '2401', name: 'Live update' });
      expect(created.status, created.text).to.equal(201);
      expect(await heard).to.deep.equal({ resource: 'extension', action: 'created', id: created.body.id });
      expect(agentHeard).to.deep.equal([]);
    });

    it('says unknown (null) for what Asterisk cannot tell while it is unreachable', async () => {
      const todayBefore = (await admin.get('/api/system/dashboard')).body.today;
      await sim.stop();
      await eventually('ARI disconnected', async () => !cradle(t).telephony.connected);
      const res = await admin.get('/api/system/dashboard');
      expect(res.body.health.status).to.equal('degraded');
      expect(res.body.health.telephony.connected).to.equal(false);
      expect(res.body.liveCalls).to.equal(null);
      expect(res.body.registeredPhones).to.equal(null);
      expect(res.body.today).to.deep.equal(todayBefore);
    });
  });
});
