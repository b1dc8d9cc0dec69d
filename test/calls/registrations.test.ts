import path from 'node:path';
import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import type { ApiClient } from '../support/api-client';
import { tempDir, type TestApp } from '../support/test-app';
import { createUser } from '../core/auth-fixtures';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import { SimRegistrar } from '../ari-simulator/registrar';
import { withEndpointState } from '../../core/calls/registrations/registration-service';
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
    // Registered before Carillon connected: ARI has no read for the qualify status and no
    // ContactStatusChange has told it yet, but the endpoint is online with this single contact.
    expect(reception.contacts[0]).to.include({ uri: 'sip:201@192.0.2.10:5062;ob', userAgent: 'Grandstream GRP2614 1.0.5.67', ip: '192.0.2.10', port: 5062, status: 'Reachable', statusSource: 'endpoint', roundtripMs: null });
    const expiresIn = Date.parse(reception.contacts[0].expiresAt) - Date.now();
    expect(expiresIn).to.be.within(500_000, 601_000);
    expect(backOffice).to.deep.include({ state: 'offline', contacts: [] });
  });

  it('infers the status of contacts no event described yet from the endpoint state, only where it is certain', () => {
    const contact = (uri: string, status = 'Unknown', statusSource: 'event' | 'none' = 'none') => ({ uri, userAgent: '', ip: '', port: null, expiresAt: null, status, statusSource, roundtripMs: null });
    const statuses = (state: string, contacts: ReturnType<typeof contact>[]) => withEndpointState(state, contacts).map((c) => `${c.status}/${c.statusSource}`);
    expect(statuses('online', [contact('a')])).to.deep.equal(['Reachable/endpoint']);
    expect(statuses('offline', [contact('a'), contact('b')])).to.deep.equal(['Unreachable/endpoint', 'Unreachable/endpoint']);
    // Two phones, the endpoint online: one of them answers, which one is not known.
    expect(statuses('online', [contact('a'), contact('b')])).to.deep.equal(['Unknown/none', 'Unknown/none']);
    // The other one is known unreachable: the online endpoint's reachable contact is this one.
    expect(statuses('online', [contact('a'), contact('b', 'Unreachable', 'event')])).to.deep.equal(['Reachable/endpoint', 'Unreachable/event']);
    expect(statuses('online', [contact('a'), contact('b', 'Reachable', 'event')])).to.deep.equal(['Unknown/none', 'Reachable/event']);
    expect(statuses('unknown', [contact('a')])).to.deep.equal(['Unknown/none']);
  });

  it('reads contacts where a real Asterisk 22 has them: /asterisk/variable gives "" for PJSIP_AOR', async () => {
    // The registrar functions are no global variables: a reader relying on them would list nothing.
    const res = await fetch(`${sim.url}/ari/asterisk/variable?variable=${encodeURIComponent('PJSIP_AOR(201,contact)')}`, { headers: { authorization: `Basic ${Buffer.from('carillon:carillon').toString('base64')}` } });
    expect(await res.json()).to.deep.equal({ value: '' });
    const aor = await fetch(`${sim.url}/ari/asterisk/config/dynamic/res_pjsip/aor/201`, { headers: { authorization: `Basic ${Buffer.from('carillon:carillon').toString('base64')}` } });
    expect(((await aor.json()) as Array<{ attribute: string }>).filter((f: { attribute: string }) => f.attribute === 'contact')).to.deep.equal([{ attribute: 'contact', value: 'sip:201@192.0.2.10:5062;ob' }]);
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
    const contactReachable = (e: Record<string, unknown>) => e.extension === '202' && e.change === 'Reachable' && e.contactUri !== null;
    await eventually('the technician is told', async () => received.technician.find(contactReachable));
    // The endpoint coming online is told too (PeerStatusChange, no contact); each event is published
    // after its own registrar reads, so the two may arrive in either order.
    await eventually('the endpoint coming online', async () => received.technician.some((e) => e.extension === '202' && e.change === 'Reachable' && e.contactUri === null));
    const reachable = received.technician.find(contactReachable)!;
    expect(reachable).to.deep.include({ extension: '202', name: 'Back office', state: 'online', contactUri: 'sip:202@198.51.100.7:40112;transport=ws' });
    // The status and round trip come from the event; the rest from the contact's sorcery object.
    expect((reachable.contacts as Array<Record<string, unknown>>)[0]).to.include({ userAgent: 'Carillon WebRTC', ip: '198.51.100.7', port: 40112, status: 'Reachable', roundtripMs: 1 });
    const listed = (await admin.get('/api/telephony/registrations')).body.items.find((i: { extension: string }) => i.extension === '202');
    expect(listed.contacts[0]).to.include({ status: 'Reachable', roundtripMs: 1 });
    registrar.unregister('201');
    await eventually('the unregistration', async () => received.technician.find((e) => e.extension === '201' && e.change === 'Removed'));
    expect(received.technician.find((e) => e.extension === '201' && e.change === 'Removed')).to.deep.include({ state: 'offline', contacts: [] });
    // A second contact is listed beside the first, each with its own fields.
    // An endpoint the database does not know raises nothing.
    registrar.register('299', { uri: 'sip:299@192.0.2.99', userAgent: 'ghost', viaAddr: '192.0.2.99', viaPort: 5060 });
    registrar.register('202', { uri: 'sip:202@198.51.100.8:5060', userAgent: 'second phone', viaAddr: '198.51.100.8', viaPort: 5060 });
    await eventually('the second contact', async () => received.technician.find((e) => e.contactUri === 'sip:202@198.51.100.8:5060' && e.change === 'Reachable'));
    const both = received.technician.find((e) => e.contactUri === 'sip:202@198.51.100.8:5060' && e.change === 'Reachable')!;
    expect((both.contacts as Array<{ userAgent: string }>).map((c) => c.userAgent).sort()).to.deep.equal(['Carillon WebRTC', 'second phone']);
    expect(received.technician.some((e) => e.extension === '299' || e.endpoint === '299')).to.equal(false);
    expect(received.agent, 'agents lack registrations.read').to.deep.equal([]);
    expect((await agent.client.get('/api/telephony/registrations')).status).to.equal(403);
  });
});
