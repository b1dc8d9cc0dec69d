import net from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { VERSION } from '../../core/version';
import type { ApiClient } from '../support/api-client';
import { tempDir, type TestApp } from '../support/test-app';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import { cradle, eventually, startCallsApp } from '../calls/calls-harness';
import { createUser, expectProblem, type CreatedUser } from './auth-fixtures';

interface Part {
  id: string;
  state: string;
  reason: string | null;
  detail: string | null;
  fix: { page: string } | { configKey: string } | null;
}

const partOf = (body: { health: { parts: Part[] } }, id: string) => body.health.parts.find((p) => p.id === id)!;
const itemOf = (body: { checklist: { items: Array<{ id: string; done: boolean }> } }, id: string) => body.checklist.items.find((i) => i.id === id)!;

describe('Dashboard: services, system figures, trunk states, hang-up, first-run checklist', () => {
  let sim: AriSimulator;
  let t: TestApp;
  let admin: ApiClient;
  let supervisor: CreatedUser;
  let agent: CreatedUser;
  let dataDir: string;
  const dashboard = async (client: ApiClient = admin) => {
    const res = await client.get('/api/system/dashboard');
    expect(res.status, res.text).to.equal(200);
    return res.body;
  };

  before(async () => {
    sim = new AriSimulator({ defaultSoundMs: 20 });
    await sim.start();
    sim.addEndpoint('301', { registered: true, behaviour: { kind: 'answer', answerAfterMs: 10 } });
    dataDir = tempDir('carillon-dashboard-parts-');
    t = await startCallsApp({ ariUrl: sim.url, cdrFile: path.join(dataDir, 'Master.csv'), dataDir, overrides: { provisioning: { tftp: { port: 0 } } } });
    admin = await t.adminClient();
    supervisor = await createUser(t, admin, ['supervisor'], 'supervisor');
    agent = await createUser(t, admin, ['agent'], 'agent');
    await eventually('ARI connected', async () => cradle(t).telephony.connected);
  });
  after(async () => {
    await t.stop();
    await sim.stop();
  });

  it('tells "not configured" from "down", each with where to fix it', async () => {
    const body = await dashboard();
    expect(partOf(body, 'asterisk')).to.deep.equal({ id: 'asterisk', state: 'ok', reason: null, detail: null, fix: null });
    expect(partOf(body, 'database')).to.include({ state: 'ok' });
    expect(partOf(body, 'mail')).to.deep.equal({ id: 'mail', state: 'not_configured', reason: 'no_server', detail: null, fix: { page: '/admin/settings' } });
    expect(partOf(body, 'provisioning')).to.deep.equal({ id: 'provisioning', state: 'ok', reason: null, detail: null, fix: null });
    expect(partOf(body, 'trunks')).to.deep.equal({ id: 'trunks', state: 'not_configured', reason: 'no_trunk', detail: null, fix: { page: '/telephony/trunks' } });

    // A mail server that is set up but does not answer is down, not "not configured".
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const put = await admin.request('PUT', '/api/system/settings', { mail: { host: '127.0.0.1', port: closedPort, secure: false, username: '', from: 'pbx@example.com' } });
    expect(put.status, put.text).to.equal(200);
    const down = partOf(await dashboard(), 'mail');
    expect(down).to.include({ state: 'down', reason: 'unreachable' });
    expect(down.detail).to.match(/ECONNREFUSED/);
    expect(down.fix).to.deep.equal({ page: '/admin/settings' });

    // A server that greets like SMTP; the probe closes at once, which may reset the greeting.
    const smtp = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end('220 test ESMTP\r\n');
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    try {
      await admin.request('PUT', '/api/system/settings', { mail: { host: '127.0.0.1', port: (smtp.address() as net.AddressInfo).port, secure: false, username: '', from: 'pbx@example.com' } });
      expect(partOf(await dashboard(), 'mail')).to.include({ state: 'ok' });
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('gives version, uptime, the data folder’s disk, CPU load and memory', async () => {
    const { system } = (await dashboard()).health;
    expect(system.version).to.equal(VERSION);
    expect(system.uptimeSeconds).to.be.a('number').and.at.least(0);
    expect(system.disk.path).to.equal(cradle(t).config.resolved.dataDir);
    expect(system.disk.totalBytes).to.be.greaterThan(0);
    expect(system.disk.freeBytes).to.be.at.most(system.disk.totalBytes);
    expect(system.cpu.cores).to.be.at.least(1);
    expect(system.cpu).to.have.all.keys('cores', 'load1', 'load5', 'load15', 'loadPercent');
    expect(system.memory.totalBytes).to.be.greaterThan(0);
    expect(system.memory.availableBytes).to.be.at.most(system.memory.totalBytes);
    expect(system.memory.processRssBytes).to.be.greaterThan(0);
  });

  it('shows each trunk with its endpoint state from Asterisk, and the trunks part follows', async () => {
    const op = await admin.post('/api/telephony/trunks', { kind: 'operator', name: 'Orange SIP', host: '192.0.2.50', port: 5060, transport: 'udp', username: 'acme', password: 'op-secret-1', register: true });
    expect(op.status, op.text).to.equal(201);
    const peer = await admin.post('/api/telephony/trunks', { kind: 'peer', name: 'Branch office', username: 'branchpbx' });
    expect(peer.status, peer.text).to.equal(201);
    // Not in Asterisk yet (its configuration not loaded): unknown, not offline.
    let body = await dashboard();
    expect(body.health.trunks).to.deep.equal([
      { id: peer.body.id, name: 'Branch office', kind: 'peer', register: false, state: 'unknown' },
      { id: op.body.id, name: 'Orange SIP', kind: 'operator', register: true, state: 'unknown' },
    ]);
    // As pjsip-view.ts names them: `trunk-<id>` for operators, the user name for peers.
    sim.addEndpoint(`trunk-${op.body.id}`, { registered: true });
    sim.addEndpoint('branchpbx', { registered: false });
    body = await dashboard();
    expect(body.health.trunks.map((tr: { name: string; state: string }) => [tr.name, tr.state])).to.deep.equal([
      ['Branch office', 'offline'],
      ['Orange SIP', 'online'],
    ]);
    expect(partOf(body, 'trunks')).to.deep.equal({ id: 'trunks', state: 'degraded', reason: 'offline', detail: 'Branch office', fix: { page: '/telephony/trunks' } });
    sim.setRegistered('branchpbx', true);
    expect(partOf(await dashboard(), 'trunks')).to.include({ state: 'ok' });
    // Never a trunk's password in the dashboard.
    expect(JSON.stringify(body)).not.to.include('op-secret-1');
  });

  it('lets an admin hang up a live call through the telephony API; others get 403 and see no button', async () => {
    const call = await cradle(t).telephony.originate({ endpoint: 'PJSIP/301', callerId: { name: 'Carillon', number: '0100000002' } });
    const answered = await call.answered;
    const live = await eventually('the call on the dashboard', async () => {
      const calls = (await dashboard()).liveCalls;
      return calls.length === 1 && calls[0];
    });
    expect(live).to.include({ id: answered.id, state: 'up' });
    expect(live.channelIds).to.deep.equal([answered.id]);

    // A supervisor sees live calls (calls.read) but may not hang them up.
    expect((await dashboard(supervisor.client)).liveCalls).to.have.length(1);
    expectProblem(await supervisor.client.post(`/api/system/live-calls/${live.id}/hangup`, {}), 403, 'forbidden');
    expectProblem(await agent.client.post(`/api/system/live-calls/${live.id}/hangup`, {}), 403, 'forbidden');
    expect(sim.model.channels.has(answered.id)).to.equal(true);

    const hung = await admin.post(`/api/system/live-calls/${live.id}/hangup`, {});
    expect(hung.status, hung.text).to.equal(200);
    expect(hung.body).to.deep.equal({ id: live.id, channelIds: [answered.id] });
    await call.ended;
    expect(sim.requests.some((r) => r.method === 'DELETE' && r.path === `/ari/channels/${answered.id}`)).to.equal(true);
    expect((await dashboard()).liveCalls).to.deep.equal([]);
    expectProblem(await admin.post(`/api/system/live-calls/${live.id}/hangup`, {}), 404, 'not_found');
    expectProblem(await admin.post('/api/system/live-calls/bad%20id/hangup', {}), 422, 'validation_failed');
    const audit = await admin.get('/api/audit?action=system.liveCalls.hangup');
    expect(audit.body.items.map((i: { target: string; status: number }) => [i.target, i.status])).to.deep.include([`call:${live.id}`, 200]);
  });

  it('walks the first-run checklist from the state itself; admins only; hidden and shown again', async () => {
    // This database already has trunks and Asterisk: start from what is missing.
    let body = await dashboard();
    expect(body.checklist.items.map((i: { id: string }) => i.id)).to.deep.equal(['company', 'region', 'asterisk', 'extensions', 'trunk', 'did']);
    expect(itemOf(body, 'asterisk')).to.deep.equal({ id: 'asterisk', done: true, fix: { configKey: 'telephony.ari.url' } });
    expect(itemOf(body, 'trunk').done).to.equal(true);
    expect(itemOf(body, 'company')).to.deep.equal({ id: 'company', done: false, fix: { page: '/admin/settings' } });
    // Saving the mail server alone does not confirm the country and time zone.
    expect(itemOf(body, 'region').done).to.equal(false);
    expect(body.checklist).to.include({ complete: false, dismissed: false });
    expect(await dashboard(supervisor.client)).not.to.have.property('checklist');

    await admin.request('PUT', '/api/system/settings', { companyName: 'Acme', timeZone: 'Europe/Brussels', defaultRegion: 'BE' });
    const ext = await admin.post('/api/telephony/extensions', { number: '310', name: 'Accueil' });
    expect(ext.status, ext.text).to.equal(201);
    body = await dashboard();
    expect(body.checklist.items.filter((i: { done: boolean }) => !i.done).map((i: { id: string }) => i.id)).to.deep.equal(['did']);

    expectProblem(await supervisor.client.request('PUT', '/api/system/checklist/dismissed', { dismissed: true }), 403, 'forbidden');
    expect((await admin.request('PUT', '/api/system/checklist/dismissed', { dismissed: true })).body).to.include({ dismissed: true, complete: false });
    expect((await dashboard()).checklist.dismissed).to.equal(true);
    expect((await admin.request('PUT', '/api/system/checklist/dismissed', { dismissed: false })).body.dismissed).to.equal(false);

    const route = await admin.post('/api/telephony/inbound-routes', { name: 'Main number', did: '+3227001234', callerPattern: null, destination: { type: 'extension', extensionId: ext.body.id } });
    expect(route.status, route.text).to.equal(201);
    expect((await dashboard()).checklist).to.include({ complete: true });
    // Deleting the only trunks puts their item back: nothing is a "done" flag.
    for (const trunk of (await admin.get('/api/telephony/trunks')).body.items) expect((await admin.delete(`/api/telephony/trunks/${trunk.id}`)).status).to.equal(204);
    expect(itemOf(await dashboard(), 'trunk').done).to.equal(false);
  });

  it('says Asterisk is not configured (not down) when Carillon has no ARI URL', async () => {
    const dir = tempDir('carillon-dashboard-noari-');
    const bare = await startCallsApp({ cdrFile: path.join(dir, 'Master.csv'), dataDir: dir, overrides: { provisioning: { enabled: false } } });
    try {
      const client = await bare.adminClient();
      const body = (await client.get('/api/system/dashboard')).body;
      expect(partOf(body, 'asterisk')).to.deep.equal({ id: 'asterisk', state: 'not_configured', reason: 'no_ari_url', detail: null, fix: { configKey: 'telephony.ari.url' } });
      expect(partOf(body, 'provisioning')).to.deep.equal({ id: 'provisioning', state: 'not_configured', reason: 'disabled', detail: null, fix: { configKey: 'provisioning.enabled' } });
      expect(partOf(body, 'trunks')).to.include({ state: 'not_configured' });
      expect(body.liveCalls).to.equal(null);
      expect(itemOf(body, 'asterisk').done).to.equal(false);
      expectProblem(await client.post('/api/system/live-calls/x/hangup', {}), 503, 'telephony_unavailable');
    } finally {
      await bare.stop();
    }
  });
});
