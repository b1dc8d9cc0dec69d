import path from 'node:path';
import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import type { ApiClient } from '../support/api-client';
import { tempDir, type TestApp } from '../support/test-app';
import { createUser } from '../core/auth-fixtures';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import { SimRegistrar } from '../ari-simulator/registrar';
import { contributeExtensions, cradle, eventually, startCallsApp } from './calls-harness';

describe('SIP registrations view', () => {
  let sim: AriSimulator;
  let registrar: SimRegistrar;
  let t: TestApp;
  let admin: ApiClient;
  const sockets: Socket[] = [];

  before(async () => {
    sim = new AriSimulator();
    await sim.start();
    registrar = new SimRegistrar(sim);
    sim.addEndpoint('201', { registered: false });
    sim.addEndpoint('202', { registered: false });
    // Still listed by ARI after its removal (asterisk-notes): not an extension any more.
    sim.addEndpoint('299', { registered: true });
    registrar.register('201', { uri: 'sip:201@192.0.2.10:5062;ob', userAgent: 'Grandstream GRP2614 1.0.5.67', viaAddr: '192.0.2.10', viaPort: 5062, expiresInSeconds: 600 });
    const dir = tempDir('carillon-registrations-');
    t = await startCallsApp({ ariUrl: sim.url, cdrFile: path.join(dir, 'Master.csv'), dataDir: dir });
    admin = await t.adminClient();
    contributeExtensions(t, [
      { number: '201', name: 'Reception' },
      { number: '202', name: 'Back office' },
    ]);
    await eventually('ARI connected and subscribed to endpoint events', async () => cradle(t).telephony.connected && registrar.subscribedApps.has('carillon'));
  });
  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await t.stop();
    await sim.stop();
  });

  it("lists each extension the database knows with its contacts: user agent, IP, expiry", async () => {
    const res = await admin.get('/api/telephony/registrations');
    expect(res.status, res.text).to.equal(200);
    expect(res.body.items.map((i: { extension: string }) => i.extension)).to.deep.equal(['201', '202']);
    const [reception, backOffice] = res.body.items;
    expect(reception).to.deep.include({ extension: '201', name: 'Reception', endpoint: '201', state: 'online' });
    expect(reception.contacts).to.have.length(1);
    expect(reception.contacts[0]).to.include({ uri: 'sip:201@192.0.2.10:5062;ob', userAgent: 'Grandstream GRP2614 1.0.5.67', ip: '192.0.2.10', port: 5062, status: 'Reachable', roundtripMs: 1 });
    const expiresIn = Date.parse(reception.contacts[0].expiresAt) - Date.now();
    expect(expiresIn).to.be.within(500_000, 601_000);
    expect(backOffice).to.deep.include({ state: 'offline', contacts: [] });
  });

  it('publishes registration changes over socket.io to users with registrations.read only', async () => {
    const technician = await createUser(t, admin, ['technician'], 'tech');
    const agent = await createUser(t, admin, ['agent'], 'agent');
    const received = { technician: [] as Array<Record<string, unknown>>, agent: [] as Array<Record<string, unknown>> };
    for (const [who, user] of [['technician', technician], ['agent', agent]] as const) {
      const socket = io(t.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: user.client.cookie! } });
      sockets.push(socket);
      socket.on('telephony.registrationChanged', (payload: Record<string, unknown>) => received[who].push(payload));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    }
    registrar.register('202', { uri: 'sip:202@198.51.100.7:40112;transport=ws', userAgent: 'Carillon WebRTC', viaAddr: '198.51.100.7', viaPort: 40112 });
    await eventually('the technician is told', async () => received.technician.find((e) => e.extension === '202' && e.change === 'Created'));
    const created = received.technician.find((e) => e.change === 'Created')!;
    expect(created).to.deep.include({ extension: '202', name: 'Back office', state: 'online', contactUri: 'sip:202@198.51.100.7:40112;transport=ws' });
    expect((created.contacts as Array<{ userAgent: string }>)[0].userAgent).to.equal('Carillon WebRTC');
    registrar.unregister('201');
    await eventually('the unregistration', async () => received.technician.find((e) => e.extension === '201' && e.change === 'Removed'));
    expect(received.technician.find((e) => e.extension === '201' && e.change === 'Removed')).to.deep.include({ state: 'offline', contacts: [] });
    // An endpoint the database does not know raises nothing.
    registrar.register('299', { uri: 'sip:299@192.0.2.99', userAgent: 'ghost', viaAddr: '192.0.2.99', viaPort: 5060 });
    registrar.register('202', { uri: 'sip:202@198.51.100.8:5060', userAgent: 'second phone', viaAddr: '198.51.100.8', viaPort: 5060 });
    await eventually('the second contact', async () => received.technician.find((e) => e.contactUri === 'sip:202@198.51.100.8:5060'));
    expect(received.technician.some((e) => e.extension === '299' || e.endpoint === '299')).to.equal(false);
    expect(received.agent, 'agents lack registrations.read').to.deep.equal([]);
    expect((await agent.client.get('/api/telephony/registrations')).status).to.equal(403);
  });
});
