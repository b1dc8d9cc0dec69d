import { expect } from 'chai';
import type { ApiClient } from '../../support/api-client';
import type { TestApp } from '../../support/test-app';
import type { TelephonyConfigChanged } from '../../../core/telephony/resources/config-changes';
import { API, createExtension, fieldErrors, ok, startResourcesApp } from './resources-app';

describe('Telephony resources: configuration snapshot and change events', () => {
  let t: TestApp;
  let admin: ApiClient;
  const changes: Array<TelephonyConfigChanged & { extensionsInDatabase: number }> = [];
  before(async () => {
    ({ t, admin } = await startResourcesApp());
    t.app.cradle.events.subscribe('telephony.configChanged', async (payload) => {
      // Read outside any transaction: the change must already be committed when the event comes.
      const [rows] = await t.app.cradle.sequelize.query('SELECT COUNT(*) AS n FROM telephony_extensions');
      changes.push({ ...payload, extensionsInDatabase: Number((rows as Array<{ n: number }>)[0]!.n) });
    });
  });
  after(() => t.stop());

  it('publishes telephony.configChanged after each committed change, and not for a refused one', async () => {
    const first = await createExtension(admin, '501');
    await waitFor(() => changes.length >= 1);
    expect(changes[0]).to.deep.equal({ resource: 'extension', action: 'created', id: first.id, extensionsInDatabase: 1 });
    fieldErrors(await admin.post(`${API}/extensions`, { number: '501', name: 'again' }));
    ok(await admin.patch(`${API}/extensions/${first.id}`, { name: 'Renamed' }));
    ok(await admin.post(`${API}/extensions/${first.id}/sip-secret/regenerate`));
    ok(await admin.patch(`${API}/settings`, { transports: { udpPort: 5080 } }));
    ok(await admin.delete(`${API}/extensions/${first.id}`), 204);
    await waitFor(() => changes.length >= 5);
    expect(changes.map(({ resource, action }) => `${resource}.${action}`)).to.deep.equal(['extension.created', 'extension.updated', 'extension.updated', 'settings.updated', 'extension.deleted']);
    expect(changes[4]!.extensionsInDatabase).to.equal(0);
    expect(t.app.cradle.events.definition('telephony.configChanged')).to.include({ permission: null, owner: 'core' });
  });

  it('produces the snapshot the configuration generator consumes, secrets decrypted', async () => {
    ok(await admin.patch(`${API}/settings`, { transports: { udpPort: 5070, externalAddress: '203.0.113.10', localNetworks: ['192.168.1.0/24'] } }));
    const alice = await createExtension(admin, '201', {
      name: 'Alice',
      codecs: ['opus', 'alaw'],
      webrtc: true,
      voicemail: { enabled: true, email: 'alice@example.test' },
      recording: 'always',
      outboundCallerId: '+33123456789',
      forwarding: { busy: '202', noAnswerSeconds: 15 },
    });
    const bob = await createExtension(admin, '202', { name: 'Bob', restrictionClass: 'internal', doNotDisturb: true });
    const operator = ok(await admin.post(`${API}/trunks`, { kind: 'operator', name: 'Opérateur', host: 'sip.operator.example', username: 'acct', password: 'op-secret', fromDomain: 'operator.example', fromUser: '0123456789', codecs: ['alaw'] }), 201);
    const peer = ok(await admin.post(`${API}/trunks`, { kind: 'peer', name: 'Agence', allowedAddresses: ['198.51.100.0/24'], maxChannels: 8 }), 201);
    const route = ok(await admin.post(`${API}/outbound-routes`, { name: 'France', priority: 10, patterns: ['_0[1-9]XXXXXXXX'], stripDigits: 1, prepend: '+33', trunkIds: [operator.id, peer.id] }), 201);
    const group = ok(await admin.post(`${API}/ring-groups`, { number: '600', name: 'Accueil', strategy: 'hunt', members: [bob.id, alice.id], ringSeconds: 25, fallback: { type: 'voicemail', extensionId: alice.id } }), 201);
    const schedule = ok(
      await admin.post(`${API}/schedules`, { name: 'Bureau', timeZone: 'Europe/Paris', weekly: [{ day: 1, open: '09:00', close: '18:00' }], holidays: [{ date: '2026-12-24', label: 'Fermeture' }], publicHolidays: { country: 'FR' } }),
      201,
    );
    t.app.cradle.callDestinations.register({ route: 'ivr.main', label: 'Serveur vocal' });
    const standard = ok(
      await admin.post(`${API}/inbound-routes`, {
        did: '+33123456789',
        destination: { type: 'schedule', scheduleId: schedule.id, open: { type: 'ringGroup', ringGroupId: group.id }, closed: { type: 'voicemail', extensionId: alice.id } },
      }),
      201,
    );
    const catchAll = ok(await admin.post(`${API}/inbound-routes`, { did: null, callerPattern: '_+33.', destination: { type: 'application', route: 'ivr.main', args: ['fr'] } }), 201);
    const aliceSecret = ok(await admin.post(`${API}/extensions/${alice.id}/sip-secret/reveal`)).sipPassword;
    const peerSecret = ok(await admin.post(`${API}/trunks/${peer.id}/secret/reveal`)).password;

    const snapshot = await t.app.cradle.telephonyConfigSource.snapshot();
    expect(snapshot.stasisApp).to.equal('carillon');
    expect(snapshot.transports).to.deep.equal({ udpPort: 5070, tcpPort: 5060, wssEnabled: true, bindAddress: null, externalAddress: '203.0.113.10', localNetworks: ['192.168.1.0/24'] });
    expect(snapshot.extensions.map((e) => e.number)).to.deep.equal(['201', '202']);
    expect(snapshot.extensions[0]).to.deep.equal({
      id: alice.id,
      number: '201',
      name: 'Alice',
      sipUsername: '201',
      sipPassword: aliceSecret,
      codecs: ['opus', 'alaw'],
      maxContacts: 3,
      webrtc: true,
      voicemail: { enabled: true, email: 'alice@example.test' },
      recording: 'always',
      restrictionClass: 'national',
      outboundCallerId: '+33123456789',
      doNotDisturb: false,
      forwarding: { unconditional: null, busy: '202', noAnswer: null, noAnswerSeconds: 15 },
    });
    expect(snapshot.extensions[1]).to.deep.include({ restrictionClass: 'internal', doNotDisturb: true, webrtc: false });
    expect(snapshot.trunks).to.deep.equal([
      { kind: 'operator', id: operator.id, name: 'Opérateur', host: 'sip.operator.example', port: 5060, transport: 'udp', username: 'acct', password: 'op-secret', fromDomain: 'operator.example', fromUser: '0123456789', register: true, codecs: ['alaw'], maxChannels: null },
      { kind: 'peer', id: peer.id, name: 'Agence', username: peer.username, password: peerSecret, allowedAddresses: ['198.51.100.0/24'], codecs: ['g722', 'alaw', 'ulaw'], maxChannels: 8 },
    ]);
    expect(snapshot.outboundRoutes).to.deep.equal([{ id: route.id, name: 'France', priority: 10, patterns: ['_0[1-9]XXXXXXXX'], stripDigits: 1, prepend: '+33', recording: 'never', trunkIds: [operator.id, peer.id] }]);
    expect(snapshot.ringGroups).to.deep.equal([{ id: group.id, number: '600', name: 'Accueil', strategy: 'hunt', members: ['202', '201'], ringSeconds: 25, fallback: { type: 'voicemail', number: '201' } }]);
    expect(snapshot.inboundRoutes).to.deep.equal([
      { id: catchAll.id, did: null, callerPattern: '_+33.', destination: { type: 'application', route: 'ivr.main', args: ['fr'] }, recording: 'never' },
      {
        id: standard.id,
        did: '+33123456789',
        callerPattern: null,
        destination: { type: 'schedule', scheduleId: schedule.id, open: { type: 'ringGroup', number: '600' }, closed: { type: 'voicemail', number: '201' } },
        recording: 'never',
      },
    ]);
    expect(snapshot.restrictionClasses.map((c) => c.name)).to.deep.equal(['internal', 'national', 'no_premium', 'unrestricted']);
    expect(snapshot.restrictionClasses.find((c) => c.name === 'unrestricted')!.deniedPatterns).to.deep.equal([]);

    const [bureau] = snapshot.schedules;
    expect(bureau).to.deep.include({ id: schedule.id, name: 'Bureau', timeZone: 'Europe/Paris', weekly: [{ day: 1, open: '09:00', close: '18:00' }], override: null });
    const year = new Date().getUTCFullYear();
    expect(bureau!.holidays).to.include.members(['2026-12-24', `${year}-11-11`, `${year + 1}-01-01`, `${year + 2}-07-14`]);
    expect(bureau!.holidays).not.to.include(`${year}-05-24`); // Pentecost Sunday is an observance, not a day off
    expect(bureau!.holidays.some((d) => d.startsWith(String(year + 3)))).to.equal(false);
    expect([...bureau!.holidays].sort()).to.deep.equal(bureau!.holidays);

    // Renumbering keeps routes pointing at the same extension.
    ok(await admin.patch(`${API}/extensions/${alice.id}`, { number: '211' }));
    const renumbered = await t.app.cradle.telephonyConfigSource.snapshot();
    expect(renumbered.ringGroups[0]!.members).to.deep.equal(['202', '211']);
    expect(renumbered.inboundRoutes[1]!.destination).to.deep.include({ closed: { type: 'voicemail', number: '211' } });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
